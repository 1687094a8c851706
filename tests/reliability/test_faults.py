"""Faults: clients that hang up mid-stream, views that raise, views that return
what Flask cannot turn into a response. On real servers where it matters, with
the test client where Flask's own behaviour is the reference."""

from __future__ import annotations

import json
import logging
import socket
import time
import typing as t
from pathlib import Path

import pytest
import requests
from flask import Flask

from flask_respkit import (
    RespKit,
    auth_challenge,
    cors,
    created,
    csv_export,
    headers,
    link_header,
    no_content,
    paginate,
    response_decorator,
    vary,
)

from ._checks import cors_problems, header_problems
from ._figures import record
from ._load import run_load
from ._servers import gunicorn_server, waitress_server
from .mixed_app import create_app

pytestmark = [pytest.mark.reliability]

DISCONNECTS = 6


class Served(t.NamedTuple):
    name: str
    base: str
    closes: Path


@pytest.fixture(scope="module", params=["waitress", "gunicorn"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> t.Iterator[Served]:
    tmp = tmp_path_factory.mktemp(request.param)
    closes = tmp / "closes"
    if request.param == "waitress":
        server = waitress_server(create_app(str(closes)))
    else:
        server = gunicorn_server(str(closes), str(tmp / "gunicorn.log"))
    with server as base:
        yield Served(request.param, base, closes)


def _closed(closes: Path) -> set[str]:
    if not closes.exists():
        return set()
    return {line.split(" ", 1)[1] for line in closes.read_text().splitlines()}


def _hang_up_mid_stream(base: str, token: str) -> int:
    """Start a download of ``/big.csv``, read part of it, and hang up."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"GET /big.csv?token={token} HTTP/1.1\r\nHost: {host}\r\n"
            f"Origin: http://a.test\r\n\r\n".encode()
        )
        received = b""
        while len(received) < 256 * 1024:
            chunk = sock.recv(65536)
            assert chunk, "the server ended the stream early"
            received += chunk
    head = received.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    assert head.startswith("HTTP/1.1 200")
    assert "Access-Control-Allow-Origin: http://a.test" in head
    return len(received)


@pytest.mark.live
def test_hang_up_mid_csv_stream_closes_the_generator(served: Served) -> None:
    tokens = [f"hangup-{served.name}-{n}" for n in range(DISCONNECTS)]
    for token in tokens:
        _hang_up_mid_stream(served.base, token)
    deadline = time.monotonic() + 30
    while not set(tokens) <= _closed(served.closes):
        assert time.monotonic() < deadline, (
            f"generators never closed: {set(tokens) - _closed(served.closes)}"
        )
        time.sleep(0.05)
    # ... and the server keeps serving, every response still right.
    outcome = run_load(served.base, clients=16, per_client=10, seed=7)
    assert outcome.requests == 160
    assert not outcome.problems, outcome.problems[:5]
    record("faults: mid-stream hang-ups, generator closed every time", DISCONNECTS)


@pytest.mark.live
@pytest.mark.parametrize("origin", ["http://client-7.test", "http://evil.test"])
def test_view_exception_under_cors_keeps_headers_and_handler_body(
    served: Served, origin: str
) -> None:
    r = requests.get(served.base + "/boom", headers={"Origin": origin}, timeout=10)
    assert r.status_code == 500
    assert r.json() == {"error": "handled by the app", "path": "/boom"}
    assert not cors_problems(r.headers, origin, credentials=False)
    assert not header_problems(r.raw.headers.items())
    r = requests.get(served.base + "/gone", headers={"Origin": origin}, timeout=10)
    assert r.status_code == 410
    assert not cors_problems(r.headers, origin, credentials=False)
    # The server is still fine.
    assert requests.get(served.base + "/health", timeout=10).text == "ok"
    record("faults: view exceptions and aborts under CORS on real servers", 2)


@pytest.mark.live
def test_bad_return_over_http_is_the_apps_500(served: Served) -> None:
    r = requests.get(
        served.base + "/bad-return?page=2",
        headers={"Origin": "http://a.test"},
        timeout=10,
    )
    assert r.status_code == 500
    assert r.json() == {"error": "handled by the app", "path": "/bad-return"}
    assert r.headers["Access-Control-Allow-Origin"] == "http://a.test"
    assert "Link" not in r.headers
    record("faults: unconvertible return values on real servers", 1)


def test_generator_closed_when_response_closed_unread(tmp_path: Path) -> None:
    closes = tmp_path / "closes"
    app = create_app(str(closes))
    client = app.test_client()
    response = client.get("/big.csv?token=unread", buffered=False)
    assert response.status_code == 200
    assert next(response.response)  # the first batch is out
    response.close()
    assert _closed(closes) == {"unread"}


BAD_RETURNS: dict[str, t.Any] = {
    "object": object(),
    "float": 3.5,
    "None": None,
    "4-tuple": (b"x", 200, 3, 4),
}
DECORATORS: dict[str, t.Callable[[], t.Any]] = {
    "cors": lambda: cors(),
    "cors(credentials)": lambda: cors("http://a.test", allow_credentials=True),
    "paginate": lambda: paginate(),
    "no_content": lambda: no_content,
    "auth_challenge": lambda: auth_challenge(),
    "auth_challenge(verify)": lambda: auth_challenge(verify=lambda a: True),
    "link_header": lambda: link_header(self="http://localhost/x"),
    "created": lambda: created("http://localhost/x/1"),
    "headers": lambda: headers(x_frame_options="DENY"),
    "vary": lambda: vary("Accept"),
    "csv_export": lambda: csv_export(["a"]),
    "response_decorator": lambda: response_decorator(lambda r: None),
}


def _error_of(app: Flask, rv: t.Any) -> tuple[type[BaseException], str]:
    """The exception the app raises for a view returning ``rv``."""
    app.config["TESTING"] = True
    with pytest.raises(TypeError) as info:
        app.test_client().get("/v", headers={"Origin": "http://a.test"})
    return type(info.value), str(info.value)


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (kind, name)
        for kind in BAD_RETURNS
        for name in DECORATORS
        # no_content takes None as success with nothing to send (tested there).
        if not (name == "no_content" and BAD_RETURNS[kind] is None)
    ],
)
def test_unconvertible_return_is_flasks_own_error(
    name: str, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    rv = BAD_RETURNS[kind]
    plain = Flask(__name__)
    plain.add_url_rule("/v", "v", lambda: rv)
    expected = _error_of(plain, rv)
    assert expected[0] is TypeError

    kit = Flask(__name__)
    RespKit(kit)
    kit.add_url_rule("/v", "v", DECORATORS[name]()(lambda **kwargs: rv))

    @kit.errorhandler(500)
    def handler(error: t.Any) -> tuple[str, int]:
        return json.dumps({"error": "handled"}), 500

    error = _error_of(kit, rv)
    if name == "csv_export" and kind == "4-tuple":
        # csv_export reads the tuple itself and says what it accepts.
        assert error[0] is TypeError
        assert "csv_export" in error[1]
        expected = error
    else:
        assert error == expected
    # Not testing: the app's 500 handler answers, the kit's headers included.
    kit.config["TESTING"] = False
    with caplog.at_level(logging.ERROR):
        r = kit.test_client().get("/v", headers={"Origin": "http://a.test"})
    assert r.status_code == 500
    assert r.get_json(force=True) == {"error": "handled"}
    assert not header_problems(r.headers.to_wsgi_list())
    logged = [rec.exc_info[1] for rec in caplog.records if rec.exc_info]
    assert len(logged) == 1
    assert (type(logged[0]), str(logged[0])) == expected
    if name.startswith("cors"):
        assert r.headers["Access-Control-Allow-Origin"] in ("*", "http://a.test")
    record("faults: unconvertible return values x decorators (test client)", 1)
