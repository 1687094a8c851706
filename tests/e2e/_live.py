"""Helpers for end-to-end tests: a Flask app served on loopback in a thread, an
example app run as its own process, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def serve(app: Flask, host: str = "127.0.0.1") -> t.Iterator[int]:
    """Serve ``app`` with Werkzeug's threaded server on a free port of ``host``;
    yields the port and shuts the server down afterwards."""
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


#: The repository's ``examples`` folder.
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def run_example(
    script: str, env: dict[str, str | None], *ready: str, timeout: float = 60
) -> t.Iterator[subprocess.Popen[bytes]]:
    """Run ``examples/<script>`` as a user would, with ``env`` added to the
    environment (``None`` removes a variable); wait until every ``ready`` URL
    answers, yield the process, then stop it. If it does not start, fail with
    what it printed."""
    merged = {**os.environ, **env}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, str(EXAMPLES / script)],
            env={k: v for k, v in merged.items() if v is not None},
            stdout=log,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + timeout
            for url in ready:
                while True:
                    try:
                        requests.get(url, timeout=2)
                        break
                    except requests.ConnectionError:
                        if time.monotonic() > deadline or proc.poll() is not None:
                            log.seek(0)
                            output = log.read().decode(errors="replace")
                            pytest.fail(f"{script} did not start:\n{output}")
                        time.sleep(0.1)
            yield proc
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def browser_or_skip() -> str:
    """The Chromium executable, or skip; with ``RESPKIT_REQUIRE_BROWSER=1``
    (CI) a missing browser or Playwright fails instead."""
    required = os.environ.get("RESPKIT_REQUIRE_BROWSER") == "1"
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    problem = None
    if executable is None:
        problem = f"Chromium not found at {CHROMIUM} or on PATH"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright is not installed"
    if problem is not None:
        if required:
            pytest.fail(f"RESPKIT_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    return t.cast(str, executable)
