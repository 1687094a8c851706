"""Conditional requests: ``conditional`` against the same answers written by
hand, and against Werkzeug's ``make_conditional`` on a view whose body is dear.

-   The 304: the tag computed, ``request.if_none_match.contains_weak`` asked,
    a 304 answered without building the body (by hand) against ``conditional``.
-   The 200 with an ``ETag``: a view setting the same ``ETag`` by hand (and
    asking ``If-None-Match`` as the 304 view does) against ``conditional``.
-   What "before the view" buys: a view whose body takes 5 ms, revalidated
    by a client holding the current tag. ``conditional`` answers before the
    view; Werkzeug's ``make_conditional`` needs the finished response.

Every pair is checked to give the same status, headers and body first.

    python benchmarks/bench_conditional.py
"""

from __future__ import annotations

import sys
import time
import typing as t
from pathlib import Path

from flask import Flask, Response, jsonify, make_response, request

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import environ, headline, per_request, quick, table

from flask_respkit import RespKit, conditional

#: Each item's version: its entity-tag is ``"<id>-<version>"``.
VERSIONS = {id: 3 for id in range(100)}
#: How long the dear view takes to build its body.
SLOW = 0.005


def tag_of(id: int) -> str:
    return f"{id}-{VERSIONS[id]}"


def item(id: int) -> dict[str, t.Any]:
    return {"id": id, "name": f"Item {id}", "price": 12.5, "tags": ["a", "b"]}


def build() -> Flask:
    app = Flask(__name__)
    RespKit(app)

    @app.get("/hand/<int:id>")
    def hand(id: int) -> Response:
        tag = tag_of(id)
        if request.if_none_match.contains_weak(tag):
            response = Response(status=304)
        else:
            response = jsonify(item(id))
        response.set_etag(tag)
        return response

    @app.get("/hand-etag/<int:id>")
    def hand_etag(id: int) -> Response:
        response = jsonify(item(id))
        response.set_etag(tag_of(id))
        return response

    @app.get("/kit/<int:id>")
    @conditional(etag=tag_of)
    def kit(id: int) -> dict[str, t.Any]:
        return item(id)

    def slow_body(id: int) -> dict[str, t.Any]:
        time.sleep(SLOW)
        return item(id)

    @app.get("/werkzeug-slow/<int:id>")
    def werkzeug_slow(id: int) -> Response:
        response = make_response(slow_body(id))
        response.set_etag(tag_of(id))
        return response.make_conditional(request)

    @app.get("/kit-slow/<int:id>")
    @conditional(etag=tag_of)
    def kit_slow(id: int) -> dict[str, t.Any]:
        return slow_body(id)

    return app


def _same(app: Flask, a: str, b: str, headers: dict[str, str], status: int) -> None:
    client = app.test_client()
    one, two = client.get(a, headers=headers), client.get(b, headers=headers)
    assert one.status_code == two.status_code == status, (one.status, two.status)
    # make_conditional adds Date, which a server adds anyway.
    a_headers = sorted((k, v) for k, v in one.headers.items() if k != "Date")
    assert a_headers == sorted(two.headers.items()), (one.headers, two.headers)
    assert one.data == two.data


def main() -> list[str]:
    app = build()
    current = {"If-None-Match": '"7-3"'}
    _same(app, "/hand/7", "/kit/7", current, 304)
    _same(app, "/hand/7", "/kit/7", {}, 200)
    _same(app, "/hand-etag/7", "/kit/7", {}, 200)
    _same(app, "/werkzeug-slow/7", "/kit-slow/7", current, 304)

    not_modified = per_request(
        {
            "hand-written 304 (contains_weak, no body)": (
                app,
                environ("/hand/7", headers=current),
            ),
            "conditional(etag=...)": (app, environ("/kit/7", headers=current)),
        }
    )
    ok = per_request(
        {
            "hand-written: ETag set, If-None-Match asked": (app, environ("/hand/7")),
            "hand-written: ETag set only": (app, environ("/hand-etag/7")),
            "conditional(etag=...)": (app, environ("/kit/7")),
        }
    )
    rounds, number = (1, 2) if quick() else (7, 20)
    slow = per_request(
        {
            "make_conditional after the view": (
                app,
                environ("/werkzeug-slow/7", headers=current),
            ),
            "conditional(etag=...), before the view": (
                app,
                environ("/kit-slow/7", headers=current),
            ),
        },
        rounds=rounds,
        number=number,
    )
    headline(
        "304 Not Modified",
        not_modified,
        "conditional(etag=...)",
        "hand-written 304 (contains_weak, no body)",
        labels=("conditional", "hand-written"),
    )
    headline(
        "200 with ETag",
        ok,
        "conditional(etag=...)",
        "hand-written: ETag set, If-None-Match asked",
        labels=("conditional", "hand-written"),
    )
    headline(
        "200 with ETag",
        ok,
        "conditional(etag=...)",
        "hand-written: ETag set only",
        labels=("conditional", "hand-written, no If-None-Match"),
    )
    headline(
        "304 of a view taking 5 ms",
        slow,
        "conditional(etag=...), before the view",
        "make_conditional after the view",
        labels=("conditional", "Werkzeug make_conditional"),
    )
    per_second = "\n".join(
        f"  {name:<44} {1 / seconds:>11,.0f} 304s per second"
        for name, seconds in slow.items()
    )
    return [
        table(
            "conditional: 304 Not Modified",
            not_modified,
            "hand-written 304 (contains_weak, no body)",
        ),
        table(
            "conditional: 200 with ETag",
            ok,
            "hand-written: ETag set, If-None-Match asked",
        ),
        table(
            "conditional: 304 of a view whose body takes 5 ms",
            slow,
            "make_conditional after the view",
        )
        + "\n"
        + per_second,
    ]


if __name__ == "__main__":
    print("\n\n".join(main()))
