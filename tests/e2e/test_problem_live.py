"""Problem Details through a real server and a real client (``requests``): a
cross-origin error keeps its CORS headers, so a browser can read it, and a 500
never carries the exception's text."""

from __future__ import annotations

import logging
import typing as t
from datetime import date

import pytest
import requests
from flask import Flask, abort

from flask_respkit import RespKit, auth_challenge, cors, deprecated
from flask_respkit.problem_details import GENERIC_500

from ._live import serve

pytestmark = pytest.mark.live

ORIGIN = "https://app.example"
SECRET = "postgres://admin:hunter2@db.internal/items"


def _deny(authorization: object) -> bool:
    return False


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.config["RESPKIT_PROBLEM_DETAILS"] = True
    RespKit(app)
    app.logger.setLevel(logging.CRITICAL)  # the 500 below is logged on purpose

    @app.get("/items/<int:id>")
    @cors(ORIGIN, allow_credentials=True)
    @deprecated(date(2025, 1, 1), successor="/v2/items")
    def item(id: int) -> dict[str, int]:
        if id > 10:
            abort(404)
        return {"id": id}

    @app.get("/admin")
    @cors(ORIGIN)
    @auth_challenge("Bearer", "api", verify=_deny)
    def admin() -> str:
        return "secret"

    @app.get("/crash")
    @cors(ORIGIN)
    def crash() -> str:
        raise RuntimeError(f"could not connect to {SECRET}")

    return app


def _preflight_free_get(port: int, path: str, **headers: str) -> requests.Response:
    return requests.get(
        f"http://127.0.0.1:{port}{path}",
        headers={"Origin": ORIGIN, **headers},
        timeout=5,
    )


def test_cross_origin_error_is_a_readable_problem(app: Flask) -> None:
    with serve(app) as port:
        r = _preflight_free_get(port, "/items/99")
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json()["status"] == 404
    assert r.json()["title"] == "Not Found"
    # What a browser needs to hand the body to fetch() instead of a CORS error.
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    exposed = {h.strip() for h in r.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Deprecation", "Link"} <= exposed
    assert r.headers["Deprecation"] == "@1735689600"
    assert r.links["successor-version"]["url"] == f"http://127.0.0.1:{port}/v2/items"
    vary = {v.strip() for v in r.headers["Vary"].split(",")}
    assert {"Origin", "Accept"} <= vary


def test_cross_origin_401_is_a_problem_with_its_challenge(app: Flask) -> None:
    with serve(app) as port:
        r = _preflight_free_get(port, "/admin", Accept="application/json")
    assert r.status_code == 401
    assert r.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Authentication required.",
    }
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "WWW-Authenticate" in r.headers["Access-Control-Expose-Headers"]


def test_500_does_not_leak_the_exception(app: Flask) -> None:
    with serve(app) as port:
        r = _preflight_free_get(port, "/crash")
        html = _preflight_free_get(port, "/crash", Accept="text/html")
    assert r.status_code == 500
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": GENERIC_500,
    }
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    for answer in (r, html):
        assert "hunter2" not in answer.text
        assert "db.internal" not in answer.text
        assert "RuntimeError" not in answer.text
        assert all("hunter2" not in v for v in answer.headers.values())
    assert html.status_code == 500
    assert html.headers["Content-Type"].startswith("text/html")


def test_the_server_survives_many_errors(app: Flask) -> None:
    paths: list[tuple[str, int]] = [("/crash", 500), ("/items/99", 404)] * 20
    with serve(app) as port, requests.Session() as session:
        for path, status in paths:
            r = session.get(f"http://127.0.0.1:{port}{path}", timeout=5)
            assert r.status_code == status
        r = session.get(f"http://127.0.0.1:{port}/items/3", timeout=5)
    assert t.cast(dict[str, int], r.json()) == {"id": 3}
