"""Run ``examples/quickstart.py`` as a real server and talk to it like a user."""

from __future__ import annotations

import shutil
import subprocess
import typing as t
from pathlib import Path

import pytest
import requests

from ._live import free_port, run_example

pytestmark = pytest.mark.live


@pytest.fixture
def server(tmp_path: Path) -> t.Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"PORT": str(port), "NOTES_DB": str(tmp_path / "notes.db")}
    with run_example("quickstart.py", env, base + "/notes"):
        yield base


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
