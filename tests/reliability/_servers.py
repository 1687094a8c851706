"""Real WSGI servers on loopback for the reliability suite: waitress in a thread
of this process, gunicorn (2 workers, threads) as a child process. Both bind a
free port (port 0) and are always stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import typing as t
from pathlib import Path

import requests

from .mixed_app import CLOSES_ENV

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask

TESTS_DIR = Path(__file__).resolve().parents[1]
#: gunicorn's shape under test.
GUNICORN_WORKERS = 2
GUNICORN_THREADS = 4
WAITRESS_THREADS = 8


def _has_setting(name: str) -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == name for setting in KNOWN_SETTINGS)


def wait_until_up(base: str, timeout: float = 30.0) -> None:
    """Poll ``/health`` until it answers, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(base + "/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server at {base} did not come up in {timeout}s")
        time.sleep(0.1)


@contextlib.contextmanager
def waitress_server(app: Flask) -> t.Iterator[str]:
    """Serve ``app`` with waitress on ``127.0.0.1:0``; yields the base URL."""
    from waitress.server import create_server

    server = create_server(
        app,
        host="127.0.0.1",
        port=0,
        threads=WAITRESS_THREADS,
        channel_timeout=30,
    )
    port = server.effective_port  # type: ignore[union-attr]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base
    finally:
        server.close()
        # Unblock the asyncore loop's select so run() notices the close.
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        thread.join(timeout=10)
        server.task_dispatcher.shutdown(timeout=5)  # type: ignore[union-attr]


@contextlib.contextmanager
def gunicorn_server(closes_path: str, log_path: str) -> t.Iterator[str]:
    """Run the mixed app under gunicorn (gthread, 2 workers x 4 threads) on a
    socket this process bound to ``127.0.0.1:0``; yields the base URL.

    :param closes_path: Where the app records ended CSV generators.
    :param log_path: gunicorn's error log (read it when a test fails).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    fd = sock.fileno()
    env = {**os.environ, CLOSES_ENV: closes_path}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"fd://{fd}",
        "--workers",
        str(GUNICORN_WORKERS),
        "--threads",
        str(GUNICORN_THREADS),
        "--worker-class",
        "gthread",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--pythonpath",
        str(TESTS_DIR),
        "--error-logfile",
        log_path,
        "reliability.mixed_app:create_app()",
    ]
    if _has_setting("control_socket_disable"):
        # Newer gunicorn opens a control socket in $HOME; parallel runs clash.
        command.insert(3, "--no-control-socket")
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command,
            pass_fds=(fd,),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    sock.close()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
