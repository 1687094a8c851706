"""Helpers for end-to-end tests: a Flask app served on loopback in a thread, and
Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import typing as t

import pytest
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
