"""The cost of the primitive: response_decorator and the status helpers against
the same views written by hand with make_response.

    python benchmarks/bench_core.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, make_response

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import environ, headline, per_request, table

from flask_respkit import headers, no_content, response_decorator


def build() -> Flask:
    app = Flask(__name__)

    @app.get("/hand")
    def hand() -> object:
        response = make_response({"name": "ada"})
        response.headers["Cache-Control"] = "no-store"
        return response

    @response_decorator
    def no_store(response: object) -> None:
        response.headers["Cache-Control"] = "no-store"  # type: ignore[attr-defined]

    @app.get("/kit")
    @no_store
    def kit() -> object:
        return {"name": "ada"}

    @app.get("/kit-headers")
    @headers(cache_control="no-store")
    def kit_headers() -> object:
        return {"name": "ada"}

    @app.delete("/hand-204")
    def hand_204() -> object:
        return "", 204

    @app.delete("/kit-204")
    @no_content
    def kit_204() -> object:
        return "deleted"

    return app


def main() -> list[str]:
    app = build()
    get = per_request(
        {
            "hand-written make_response + header": (app, environ("/hand")),
            "response_decorator": (app, environ("/kit")),
            "headers(cache_control=...)": (app, environ("/kit-headers")),
        }
    )
    delete = per_request(
        {
            "hand-written ('', 204)": (app, environ("/hand-204", method="DELETE")),
            "no_content": (app, environ("/kit-204", method="DELETE")),
        }
    )
    headline(
        "GET with one header",
        get,
        "response_decorator",
        "hand-written make_response + header",
        labels=("response_decorator", "hand-written"),
    )
    headline(
        "DELETE answered 204",
        delete,
        "no_content",
        "hand-written ('', 204)",
        labels=("no_content", "hand-written"),
    )
    return [
        table(
            "Primitive: GET with one header", get, "hand-written make_response + header"
        ),
        table("no_content: DELETE answered 204", delete, "hand-written ('', 204)"),
    ]


if __name__ == "__main__":
    print("\n\n".join(main()))
