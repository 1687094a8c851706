"""Fixtures for the end-to-end tests."""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask


@pytest.fixture
def _live_server_name(app: Flask) -> None:
    """Name the app after the host the tests request.

    pytest-flask's ``live_server`` sets ``SERVER_NAME`` to
    ``localhost.localdomain:<port>`` when the app has none, while
    ``live_server.url()`` is ``http://localhost:<port>``. Flask 3.1 serves any
    host, but Flask 3.0 answers a request for another host with a 404, and the
    warning Werkzeug gives about the mismatch becomes an error (a 500) in the
    server process, which inherits the suite's ``filterwarnings = error``.
    With ``localhost`` here, pytest-flask adds the port and the names match.
    """
    if not app.config["SERVER_NAME"]:
        app.config["SERVER_NAME"] = "localhost"


@pytest.fixture
def live_server(_live_server_name: None, live_server: t.Any) -> t.Any:
    """pytest-flask's ``live_server``, started after :func:`_live_server_name`."""
    return live_server
