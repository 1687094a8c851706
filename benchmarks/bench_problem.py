"""A 404 answered as Problem Details (``RESPKIT_PROBLEM_DETAILS``) against the
same ``application/problem+json`` body built by a JSON error handler written
by hand, for ``abort(404)`` in a view and for a URL no route matches; and a
500 from an unhandled exception.

The hand-written handler sends what the kit sends (the same members,
``Content-Type`` and ``Vary: Accept``); it does not look at ``Accept`` (the
kit gives a browser Flask's HTML page).

    python benchmarks/bench_problem.py
"""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

from flask import Flask, abort
from werkzeug.exceptions import HTTPException, InternalServerError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import call, environ, headline, per_request, table

from flask_respkit import RespKit

JSON = {"Accept": "application/json"}


def _routes(app: Flask) -> Flask:
    @app.get("/items/<int:id>")
    def item(id: int) -> dict[str, int]:
        abort(404)

    @app.get("/crash")
    def crash() -> str:
        raise RuntimeError("password=hunter2")

    app.logger.disabled = True  # the 500s are logged on purpose
    return app


def kit_app() -> Flask:
    app = Flask(__name__)
    app.config["RESPKIT_PROBLEM_DETAILS"] = True
    RespKit(app)
    return _routes(app)


def hand_app() -> Flask:
    app = Flask(__name__)

    @app.errorhandler(HTTPException)
    def problem_json(e: HTTPException) -> t.Any:
        code = e.code or 500
        detail = InternalServerError.description if code == 500 else e.description
        body = {"type": "about:blank", "title": e.name, "status": code}
        body["detail"] = detail
        headers = {"Content-Type": "application/problem+json", "Vary": "Accept"}
        return body, code, headers

    return _routes(app)


def main() -> list[str]:
    kit, hand = kit_app(), hand_app()
    blocks = []
    for title, path, what in (
        ("abort(404) in a view", "/items/7", "404 as Problem Details"),
        ("404 of a URL no route matches", "/nowhere", None),
        ("500 of an unhandled exception", "/crash", None),
    ):
        env = environ(path, headers=JSON)
        a, b = call(kit, env), call(hand, env)
        assert b"hunter2" not in a
        assert a.count(b'"status"') == b.count(b'"status"') == 1
        times = per_request(
            {
                "hand-written JSON error handler": (hand, env),
                "RESPKIT_PROBLEM_DETAILS": (kit, env),
            }
        )
        if what is not None:
            headline(
                what,
                times,
                "RESPKIT_PROBLEM_DETAILS",
                "hand-written JSON error handler",
                labels=("RESPKIT_PROBLEM_DETAILS", "hand-written handler"),
            )
        blocks.append(
            table(f"Problem Details: {title}", times, "hand-written JSON error handler")
        )
    return blocks


if __name__ == "__main__":
    print("\n\n".join(main()))
