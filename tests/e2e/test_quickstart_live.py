"""Run ``examples/quickstart.py`` as a real server and talk to it like a user."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest
import requests

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"

pytestmark = pytest.mark.live


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> t.Iterator[str]:
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "NOTES_DB": str(tmp_path / "notes.db")}
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLE)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(base + "/notes", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_created_then_deleted_over_http(server: str) -> None:
    r = requests.post(server + "/notes", json={"text": "hello"}, timeout=5)
    assert r.status_code == 201
    location = r.headers["Location"]
    assert location == f"{server}/notes/{r.json()['id']}"
    assert requests.get(location, timeout=5).json()["text"] == "hello"

    r = requests.delete(location, timeout=5)
    assert r.status_code == 204
    assert r.content == b""
    assert "Content-Type" not in r.headers
    assert "Content-Length" not in r.headers
    assert requests.get(location, timeout=5).status_code == 404
    assert requests.delete(location, timeout=5).status_code == 404


def test_bad_input_is_a_400_not_a_201(server: str) -> None:
    r = requests.post(server + "/notes", json={"text": ""}, timeout=5)
    assert r.status_code == 400
    assert "Location" not in r.headers


def test_headers_and_vary_over_http(server: str) -> None:
    r = requests.get(server + "/notes", timeout=5)
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Vary"] == "Accept"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_sees_no_body_on_204(server: str) -> None:
    r = requests.post(server + "/notes", json={"text": "bye"}, timeout=5)
    out = subprocess.run(
        ["curl", "-si", "-X", "DELETE", r.headers["Location"]],
        capture_output=True,
        check=True,
        timeout=10,
    ).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 204")
    assert b"content-length" not in head.lower()
    assert body == b""
