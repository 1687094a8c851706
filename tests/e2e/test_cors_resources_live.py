"""RESPKIT_CORS_RESOURCES through real servers, where the raw request URI
(RAW_URI/REQUEST_URI) keeps the client's percent-escapes while Flask routes the
decoded path: the policy must follow the routed path.

``http.client`` sends the path byte for byte (``requests`` would normalise
``%61`` to ``a`` before sending, hiding the attack)."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest
from flask import Flask

from ._live import free_port, serve
from .resources_app import ADMIN, PUBLIC, make_app

pytestmark = pytest.mark.live

ACAO = "Access-Control-Allow-Origin"
WAITRESS = (sys.executable, "-m", "waitress", "--host=127.0.0.1")


@contextlib.contextmanager
def waitress_server(app: Flask) -> t.Iterator[str]:
    """This module's app under waitress, in a process of its own (no server
    thread to tear down inside the test process)."""
    del app  # waitress builds its own from make_app
    port = free_port()
    process = subprocess.Popen(
        [*WAITRESS, f"--port={port}", "--call", "resources_app:make_app"],
        cwd=Path(__file__).parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("waitress did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


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
