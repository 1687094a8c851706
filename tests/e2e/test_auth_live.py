"""Real clients against a live server: ``requests`` and ``curl --anyauth``
follow the challenge and authenticate."""

from __future__ import annotations

import base64
import shutil
import subprocess
import typing as t

import pytest
import requests
from flask import Flask
from werkzeug.datastructures import Authorization
from werkzeug.http import parse_dict_header

from flask_respkit import RespKit, auth_challenge

pytestmark = pytest.mark.live

USER, PASSWORD = "ada", "s\xe9same \u2603"  # non-ASCII, and not even Latin-1
TOKEN = "t0k3n"


def _basic_ok(auth: Authorization | None) -> bool:
    return auth is not None and (auth.username, auth.password) == (USER, PASSWORD)


def _bearer_ok(auth: Authorization | None) -> bool:
    return auth is not None and auth.type == "bearer" and auth.token == TOKEN


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    RespKit(app)

    @app.get("/basic")
    @auth_challenge("Basic", "Users", verify=_basic_ok)
    def basic_view() -> t.Any:
        return {"user": USER}

    @app.get("/bearer")
    @auth_challenge("Bearer", "api", verify=_bearer_ok)
    def bearer_view() -> t.Any:
        return {"token": "ok"}

    return app


def _parse(value: str) -> tuple[str, dict[str, str | None]]:
    scheme, _, rest = value.partition(" ")
    return scheme, parse_dict_header(rest)


def test_requests_gets_the_challenge_then_succeeds(live_server: t.Any) -> None:
    url = live_server.url("/basic")
    r = requests.get(url, timeout=5)
    assert r.status_code == 401
    assert _parse(r.headers["WWW-Authenticate"]) == (
        "Basic",
        {"realm": "Users", "charset": "UTF-8"},
    )
    assert r.text == "Authentication required."
    # requests encodes str credentials as Latin-1; bytes go out as given.
    r = requests.get(url, auth=(USER, PASSWORD.encode("utf-8")), timeout=5)
    assert (r.status_code, r.json()) == (200, {"user": USER})


def test_requests_wrong_or_latin1_credentials_get_401(live_server: t.Any) -> None:
    url = live_server.url("/basic")
    r = requests.get(url, auth=(USER, "nope"), timeout=5)
    assert r.status_code == 401
    latin1 = base64.b64encode(f"{USER}:s\xe9same".encode("latin-1")).decode()
    for value in (f"Basic {latin1}", "Basic \xe9\xe9", "Basic", "Basic " + "A" * 9000):
        r = requests.get(url, headers={"Authorization": value}, timeout=5)
        assert r.status_code == 401, value[:20]
        assert r.headers["WWW-Authenticate"].startswith("Basic ")


def test_requests_bearer_and_json_body(live_server: t.Any) -> None:
    url = live_server.url("/bearer")
    r = requests.get(url, headers={"Accept": "application/json"}, timeout=5)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert r.json() == {"message": "Authentication required."}
    r = requests.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert (r.status_code, r.json()) == (200, {"token": "ok"})


def _curl(*args: str) -> subprocess.CompletedProcess[str]:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    return subprocess.run(
        [curl, "--silent", "--show-error", "--max-time", "10", *args],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


def test_curl_anyauth_picks_basic_from_the_challenge(live_server: t.Any) -> None:
    url = live_server.url("/basic")
    done = _curl("--anyauth", "-u", f"{USER}:{PASSWORD}", "-v", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == '{"user":"ada"}'
    # First the unauthenticated probe that got the challenge, then Basic.
    assert "< HTTP/1.1 401" in done.stderr
    assert "> Authorization: Basic " in done.stderr
    assert done.stderr.count("> GET /basic") == 2


def test_curl_anyauth_with_a_wrong_password_gets_401(live_server: t.Any) -> None:
    done = _curl(
        "--anyauth", "-u", f"{USER}:wrong", "-w", "%{http_code}", "-o", "/dev/null",
        live_server.url("/basic"),
    )  # fmt: skip
    assert done.stdout == "401"
