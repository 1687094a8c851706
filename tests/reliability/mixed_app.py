"""The mixed app the reliability suite serves: CORS, pagination, CSV streaming,
an auth guard and ``no_content`` together, under real WSGI servers.

Every response carries what is needed to check it belongs to *its own*
request: the page asked for, the rows asked for, the user whose token was sent,
the ``X-Request-Token`` echoed by the view.

CSV generators record their end in a file (``closes_path`` or the
``RESPKIT_RELIABILITY_CLOSES`` environment variable), one line
``closed <token>`` each, so a test in another process (gunicorn's workers)
can see that a generator's ``finally`` ran.

Run under gunicorn as ``reliability.mixed_app:create_app()`` with ``tests/``
on the Python path.
"""

from __future__ import annotations

import os
import re
import threading
import typing as t

from flask import Flask, abort, jsonify, request
from werkzeug.exceptions import HTTPException

from flask_respkit import (
    RespKit,
    auth_challenge,
    cors,
    csv_export,
    no_content,
    paginate,
)

#: Origins the app's CORS policy allows: two exact ones, a regex and an
#: origin pattern (any subdomain of c.test, any port).
EXACT_ORIGINS = ("http://a.test", "https://b.test:8443")
ORIGIN_PATTERN = re.compile(r"http://client-[0-9]{1,3}\.test")
ORIGIN_GLOB = "https://*.c.test:*"
#: The test's own reading of ORIGIN_GLOB (the port checked apart).
_GLOB_MODEL = re.compile(r"https://(?:[a-z0-9_~-]+\.)+c\.test(?::([0-9]{1,5}))?")
#: The collection ``/items`` pages through.
TOTAL_ITEMS = 997
#: Bearer tokens the guard accepts, and the user each stands for.
TOKENS = {f"token-{n}": f"user-{n}" for n in range(32)}
#: Rows ``/big.csv`` yields at most: more than any client reads.
BIG_ROWS = 5_000_000
#: Rows ``/export.csv`` gives at most.
MAX_SIZE = 100_000
CLOSES_ENV = "RESPKIT_RELIABILITY_CLOSES"

_write_lock = threading.Lock()
_TOKEN = re.compile(r"[A-Za-z0-9-]{1,64}")


def _arg(name: str, default: t.Any = "", kind: type = str) -> t.Any:
    """A query argument for the app's own views; raw non-UTF-8 bytes (which
    ``request.args`` cannot decode) are the client's error."""
    try:
        return request.args.get(name, default, type=kind)
    except UnicodeDecodeError:
        abort(400)


def origin_allowed(origin: str) -> bool:
    """The test's own model of the policy: what may be echoed."""
    if origin.lower() in EXACT_ORIGINS or ORIGIN_PATTERN.fullmatch(origin):
        return True
    glob = _GLOB_MODEL.fullmatch(origin.lower()) if origin.isascii() else None
    return glob is not None and int(glob[1] or 0) <= 65535


def create_app(closes_path: str | None = None) -> Flask:
    """Build the mixed app.

    :param closes_path: File to append ``closed <token>`` lines to when a CSV
        generator ends; default from ``RESPKIT_RELIABILITY_CLOSES``.
    """
    app = Flask(__name__)
    app.config["RESPKIT_CORS_ORIGINS"] = [*EXACT_ORIGINS, ORIGIN_PATTERN, ORIGIN_GLOB]
    RespKit(app)
    closes = closes_path or os.environ.get(CLOSES_ENV)

    def record_close(token: str) -> None:
        if closes and token:
            with _write_lock, open(closes, "a", encoding="utf-8") as f:
                f.write(f"closed {token}\n")

    def verify(authorization: t.Any) -> bool:
        return (
            authorization is not None
            and authorization.type == "bearer"
            and authorization.token in TOKENS
        )

    @app.after_request
    def echo_token(response: t.Any) -> t.Any:
        token = request.headers.get("X-Request-Token", "")
        if _TOKEN.fullmatch(token):
            response.headers["X-Request-Token"] = token
        return response

    @app.errorhandler(500)
    def server_error(error: HTTPException) -> tuple[t.Any, int]:
        return jsonify(error="handled by the app", path=request.path), 500

    @app.get("/items")
    @cors(expose_headers=["X-Request-Token"])
    @paginate(per_page=10, max_per_page=50)
    def items(pagination: t.Any) -> dict[str, t.Any]:
        pagination.total = TOTAL_ITEMS
        start = pagination.offset
        stop = min(start + pagination.limit, TOTAL_ITEMS)
        return {
            "page": pagination.page,
            "per_page": pagination.per_page,
            "ids": list(range(start, stop)),
        }

    @app.get("/export.csv")
    @cors()
    @csv_export(["n", "token"], filename="export.csv")
    def export() -> t.Iterator[tuple[int, str]]:
        size = _arg("size", 10, int)
        if not 0 <= size <= MAX_SIZE:
            abort(400)
        token = _arg("token")
        try:
            for n in range(size):
                yield (n, token)
        finally:
            record_close(token)

    @app.get("/report")
    @cors(expose_headers="X-Request-Token")
    @paginate()
    @csv_export({"n": "N", "label": "=Label"}, filename="report.csv", negotiate=True)
    def report(pagination: t.Any) -> t.Iterator[dict[str, t.Any]]:
        pagination.has_next = pagination.page < 5
        start = pagination.offset
        return ({"n": n, "label": f"-{n}"} for n in range(start, start + 3))

    @app.get("/big.csv")
    @cors()
    @csv_export(["n", "padding"])
    def big() -> t.Iterator[tuple[int, str]]:
        token = _arg("token")
        padding = "x" * 200
        try:
            for n in range(BIG_ROWS):
                yield (n, padding)
        finally:
            record_close(token)

    @app.get("/me")
    @cors(allow_credentials=True)
    @auth_challenge("Bearer", realm="reliability", verify=verify)
    def me() -> dict[str, str]:
        auth = request.authorization
        assert auth is not None
        assert auth.token is not None
        return {"user": TOKENS[auth.token]}

    @app.route("/things/<int:thing>", methods=["DELETE", "PUT"])
    @cors(methods=["DELETE", "PUT"], max_age=600)
    @no_content
    def thing(thing: int) -> tuple[str, dict[str, str]]:
        return "deleted", {"X-Thing": str(thing)}

    @app.get("/boom")
    @cors()
    def boom() -> str:
        raise RuntimeError("the view failed")

    @app.get("/gone")
    @cors()
    def gone() -> str:
        abort(410)

    @app.get("/bad-return")
    @cors()
    @paginate()
    def bad_return(pagination: t.Any) -> t.Any:
        return object()

    @app.get("/health")
    def health() -> str:
        return "ok"

    return app
