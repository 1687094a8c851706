"""RESPKIT_CORS_RESOURCES through real servers, where the raw request URI
(RAW_URI/REQUEST_URI) keeps the client's percent-escapes while Flask routes the
decoded path: the policy must follow the routed path.

``http.client`` sends the path byte for byte (``requests`` would normalise
``%61`` to ``a`` before sending, hiding the attack)."""

from __future__ import annotations

import contextlib
import http.client
import json
import typing as t

import pytest
from flask import Flask
from reliability._servers import waitress_server

from flask_respkit import RespKit

from ._live import serve

pytestmark = pytest.mark.live

ADMIN = "http://admin.example"
PUBLIC = "http://public.example"
ACAO = "Access-Control-Allow-Origin"


def make_app() -> Flask:
    app = Flask(__name__)
    app.config["RESPKIT_CORS_RESOURCES"] = {
        r"/api/admin/.*": {"origins": [ADMIN], "allow_credentials": True},
        r"/api/.*": {"origins": [PUBLIC], "allow_credentials": True},
    }
    RespKit(app)

    @app.get("/health")
    def health() -> str:
        return "ok"

    @app.get("/api/admin/secret")
    def secret() -> dict[str, str]:
        return {"secret": "admin only"}

    return app


@contextlib.contextmanager
def werkzeug_server(app: Flask) -> t.Iterator[str]:
    with serve(app) as port:
        yield f"http://127.0.0.1:{port}"


def get(base: str, path: str, origin: str) -> tuple[dict[str, t.Any], dict[str, str]]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path, headers={"Origin": origin})
        r = conn.getresponse()
        return json.loads(r.read()), dict(r.getheaders())
    finally:
        conn.close()


@pytest.mark.parametrize(
    "server", [werkzeug_server, waitress_server], ids=["werkzeug", "waitress"]
)
@pytest.mark.parametrize(
    "path", ["/api/admin/secret", "/api/%61dmin/secret", "/api/admin/%73ecret"]
)
def test_an_escaped_letter_gets_no_broader_policy(server: t.Any, path: str) -> None:
    with server(make_app()) as base:
        body, headers = get(base, path, PUBLIC)
        assert body == {"secret": "admin only"}
        assert ACAO not in headers
        assert "Access-Control-Allow-Credentials" not in headers
        assert get(base, path, ADMIN)[1][ACAO] == ADMIN
