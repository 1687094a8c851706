from __future__ import annotations

import pytest
from flask import Flask

from flask_respkit import RespKit


@pytest.fixture
def app() -> Flask:
    """A fresh app with the extension registered, for pytest-flask's ``client``."""
    app = Flask(__name__)
    app.config["TESTING"] = True
    RespKit(app)
    return app


@pytest.fixture
def bare_app() -> Flask:
    """A fresh app without the extension: decorators use built-in defaults."""
    app = Flask(__name__)
    app.config["TESTING"] = True
    return app
