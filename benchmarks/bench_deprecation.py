"""``deprecated`` on a view against the same ``Deprecation``, ``Sunset`` and
``Link`` headers written by hand in the view: with absolute link targets (the
values are made once, when the decorator is made) and with the successor given
as an endpoint (resolved with ``url_for`` on every response, in both).

    python benchmarks/bench_deprecation.py
"""

from __future__ import annotations

import sys
import typing as t
from datetime import date
from pathlib import Path

from flask import Flask, make_response, url_for

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import call, environ, headline, per_request, table

from flask_respkit import RespKit, deprecated

SINCE, SUNSET = date(2025, 1, 1), date(2030, 12, 31)
DOCS = "https://docs.example/deprecations#v1"
V2 = "https://api.example/v2/items"
ITEMS = {"items": [{"id": 1, "name": "Lamp"}]}


def build() -> Flask:
    app = Flask(__name__)
    RespKit(app)

    @app.get("/v2/items")
    def items_v2() -> dict[str, t.Any]:
        return ITEMS

    @app.get("/hand")
    def hand() -> t.Any:
        response = make_response(ITEMS)
        response.headers["Deprecation"] = "@1735689600"
        response.headers["Sunset"] = "Tue, 31 Dec 2030 00:00:00 GMT"
        response.headers["Link"] = (
            f'<{DOCS}>; rel="deprecation", <{V2}>; rel="successor-version"'
        )
        return response

    @app.get("/kit")
    @deprecated(SINCE, sunset=SUNSET, link=DOCS, successor=V2)
    def kit() -> dict[str, t.Any]:
        return ITEMS

    @app.get("/hand-endpoint")
    def hand_endpoint() -> t.Any:
        response = make_response(ITEMS)
        response.headers["Deprecation"] = "@1735689600"
        response.headers["Sunset"] = "Tue, 31 Dec 2030 00:00:00 GMT"
        successor = url_for("items_v2", _external=True)
        response.headers["Link"] = (
            f'<{DOCS}>; rel="deprecation", <{successor}>; rel="successor-version"'
        )
        return response

    @app.get("/kit-endpoint")
    @deprecated(SINCE, sunset=SUNSET, link=DOCS, successor="items_v2")
    def kit_endpoint() -> dict[str, t.Any]:
        return ITEMS

    return app


def _headers(app: Flask, path: str) -> list[tuple[str, str]]:
    with app.test_client() as client:
        r = client.get(path)
    return sorted(r.headers.items())


def main() -> list[str]:
    app = build()
    assert _headers(app, "/hand") == _headers(app, "/kit")
    assert _headers(app, "/hand-endpoint") == _headers(app, "/kit-endpoint")
    call(app, environ("/kit"))
    fixed = per_request(
        {
            "hand-written headers": (app, environ("/hand")),
            "deprecated(...)": (app, environ("/kit")),
        }
    )
    endpoint = per_request(
        {
            "hand-written headers, url_for successor": (
                app,
                environ("/hand-endpoint"),
            ),
            "deprecated(..., successor=endpoint)": (app, environ("/kit-endpoint")),
        }
    )
    headline(
        "deprecated on a view",
        fixed,
        "deprecated(...)",
        "hand-written headers",
        labels=("deprecated", "hand-written"),
    )
    headline(
        "deprecated, successor endpoint",
        endpoint,
        "deprecated(..., successor=endpoint)",
        "hand-written headers, url_for successor",
        labels=("deprecated", "hand-written"),
    )
    return [
        table("deprecated: absolute link targets", fixed, "hand-written headers"),
        table(
            "deprecated: successor given as an endpoint",
            endpoint,
            "hand-written headers, url_for successor",
        ),
    ]


if __name__ == "__main__":
    print("\n\n".join(main()))
