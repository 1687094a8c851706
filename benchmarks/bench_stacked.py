"""Five decorators stacked on one view (``cors``, ``auth_challenge(verify=...)``,
``paginate``, ``headers``, ``vary``) against the same work written by hand in
the view.

Both candidates answer ``GET /items?page=3&per_page=10&sort=name`` with an
``Origin`` and a valid Bearer token: a 10-item JSON page of 95 with ``Link``,
``X-Total-Count``, ``Cache-Control``, ``Vary`` and the CORS headers. Each lives
in its own app under the same path, so that their responses are identical to
the byte (checked before timing, with the 401 answered without a token too).

    python benchmarks/bench_stacked.py
"""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

from flask import Flask, Response, request
from werkzeug.datastructures import Authorization

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import call, environ, headline, paginate_by_hand, per_request, table

from flask_respkit import Pagination, auth_challenge, cors, headers, paginate, vary

ITEMS = [{"id": i, "name": f"item {i}"} for i in range(1, 96)]
QUERY = "page=3&per_page=10&sort=name"
PATH = "/items"
ORIGIN = "https://app.example.com"
ALLOWED = frozenset({ORIGIN, "https://admin.example.com"})
TOKEN = "s3cret-token"
#: The request timed: cross-origin, authorized.
GOOD = {"Origin": ORIGIN, "Authorization": f"Bearer {TOKEN}"}
CHALLENGE = 'Bearer realm="Authentication Required"'
CACHE_CONTROL = "private, max-age=60"
MESSAGE = "Authentication required."


#: What the kit's cors exposes on every answer: its own headers, one list.
EXPOSE = (
    "Link, X-Total-Count, WWW-Authenticate, Content-Disposition, Location,"
    " ETag, Deprecation, Sunset"
)


def _verify(auth: Authorization | None) -> bool:
    return auth is not None and auth.type == "bearer" and auth.token == TOKEN


def build_kit() -> Flask:
    """The decorators, stacked."""
    app = Flask(__name__)

    @app.get(PATH)
    @cors(sorted(ALLOWED))
    @auth_challenge("Bearer", verify=_verify)
    @paginate()
    @headers(cache_control=CACHE_CONTROL)
    @vary("Accept")
    def items(pagination: Pagination) -> t.Any:
        pagination.total = len(ITEMS)
        return ITEMS[pagination.offset : pagination.offset + pagination.limit]

    return app


def build_hand() -> Flask:
    """The same responses, written by hand in the view."""
    app = Flask(__name__)

    def allow_origin(response: Response, expose: str) -> Response:
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() in ALLOWED:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = expose
        return response

    @app.get(PATH)
    def items() -> t.Any:
        try:
            auth = request.authorization
        except ValueError:  # Werkzeug 3.1 on some malformed Basic credentials
            auth = None
        if not _verify(auth):
            accept = request.accept_mimetypes
            json_q = accept.quality("application/json")
            text_q = accept.quality("text/plain")
            vary_challenge = [
                ("WWW-Authenticate", CHALLENGE),
                ("Vary", "Accept, Origin"),
            ]
            if json_q > text_q or (
                json_q == text_q > 0 and "application/json" in accept.values()
            ):
                body = app.json.dumps({"message": MESSAGE})
                response = Response(
                    body, 401, vary_challenge, mimetype="application/json"
                )
            else:
                response = Response(MESSAGE, 401, vary_challenge, mimetype="text/plain")
            return allow_origin(response, EXPOSE)
        response = paginate_by_hand(ITEMS)
        response.headers["Vary"] = "Accept, Origin"
        response.headers["Cache-Control"] = CACHE_CONTROL
        return allow_origin(response, EXPOSE)

    return app


def _same_response(kit: Flask, hand: Flask, sent: dict[str, str], status: int) -> None:
    a = hand.test_client().get(PATH, query_string=QUERY, headers=sent)
    b = kit.test_client().get(PATH, query_string=QUERY, headers=sent)
    assert a.status_code == b.status_code == status, (a.status, b.status)
    assert sorted(a.headers.items()) == sorted(b.headers.items()), (
        a.headers,
        b.headers,
    )
    assert a.data == b.data, (a.data, b.data)


def main() -> list[str]:
    kit, hand = build_kit(), build_hand()
    _same_response(kit, hand, GOOD, 200)
    _same_response(kit, hand, {"Origin": ORIGIN}, 401)  # the guard does refuse
    env = environ(PATH, query_string=QUERY, headers=GOOD)
    for app in (kit, hand):
        assert call(app, env)
    times = per_request(
        {
            "hand-written in the view": (hand, env),
            "cors+auth_challenge+paginate+headers+vary": (kit, env),
        }
    )
    headline(
        "Stacked: cors+auth+paginate+headers+vary",
        times,
        "cors+auth_challenge+paginate+headers+vary",
        "hand-written in the view",
        labels=("five decorators", "hand-written"),
    )
    return [
        table(
            f"Five decorators stacked: authorized CORS GET {PATH}?{QUERY} (95 items)",
            times,
            "hand-written in the view",
        )
    ]


if __name__ == "__main__":
    print("\n\n".join(main()))
