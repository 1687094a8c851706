from __future__ import annotations

import datetime
import re
import typing as t

import pytest
from flask import Flask

from flask_respkit import RespKit
from flask_respkit.settings import State, defaults, known_settings, settings_for


def test_init_app_registers_state() -> None:
    app = Flask(__name__)
    respkit = RespKit()
    respkit.init_app(app)
    state = app.extensions["respkit"]
    assert isinstance(state, State)
    assert state.extension is respkit


def test_constructor_with_app_registers() -> None:
    app = Flask(__name__)
    respkit = RespKit(app)
    assert app.extensions["respkit"].extension is respkit


def test_one_extension_serves_several_apps() -> None:
    respkit = RespKit()
    first, second = Flask("first"), Flask("second")
    second.config["RESPKIT_PER_PAGE"] = 5
    respkit.init_app(first)
    respkit.init_app(second)
    assert settings_for(first)["RESPKIT_PER_PAGE"] == 20
    assert settings_for(second)["RESPKIT_PER_PAGE"] == 5
    assert not hasattr(respkit, "app")


def test_second_init_of_same_app_raises() -> None:
    app = Flask(__name__)
    RespKit(app)
    with pytest.raises(RuntimeError, match="already registered"):
        RespKit().init_app(app)


def test_every_key_gets_its_default_with_setdefault() -> None:
    app = Flask(__name__)
    app.config["RESPKIT_AUTH_REALM"] = "Mine"
    RespKit(app)
    assert app.config["RESPKIT_AUTH_REALM"] == "Mine"
    for setting in known_settings():
        assert setting.key in app.config
    assert app.config["RESPKIT_PER_PAGE"] == 20
    assert app.config["RESPKIT_MAX_PER_PAGE"] == 100
    assert app.config["RESPKIT_AUTH_SCHEME"] == "Bearer"
    assert app.config["RESPKIT_AUTH_REALM"] == "Mine"
    assert app.config["RESPKIT_AUTH_CHALLENGE_401"] is True
    assert app.config["RESPKIT_CORS_ORIGINS"] == "*"
    assert app.config["RESPKIT_CSV_DIALECT"] == "excel"
    assert app.config["RESPKIT_PROBLEM_DETAILS"] is False


def test_keys_match_the_contract() -> None:
    # The kit's own keys (a family defined by the tests adds RESPKIT_TOY_*).
    keys = {s.key for s in known_settings() if not s.key.startswith("RESPKIT_TOY_")}
    assert keys == {
        "RESPKIT_CORS_ORIGINS",
        "RESPKIT_CORS_METHODS",
        "RESPKIT_CORS_ALLOW_HEADERS",
        "RESPKIT_CORS_EXPOSE_HEADERS",
        "RESPKIT_CORS_ALLOW_CREDENTIALS",
        "RESPKIT_CORS_MAX_AGE",
        "RESPKIT_CORS_ALLOW_PRIVATE_NETWORK",
        "RESPKIT_CORS_RESOURCES",
        "RESPKIT_AUTH_CHALLENGE_401",
        "RESPKIT_AUTH_SCHEME",
        "RESPKIT_AUTH_REALM",
        "RESPKIT_CSV_BOM",
        "RESPKIT_CSV_ESCAPE_FORMULAS",
        "RESPKIT_CSV_DIALECT",
        "RESPKIT_PER_PAGE",
        "RESPKIT_MAX_PER_PAGE",
        "RESPKIT_PROBLEM_DETAILS",
    }


def test_settings_without_extension_are_the_defaults() -> None:
    app = Flask(__name__)
    app.config["RESPKIT_PER_PAGE"] = 3
    assert settings_for(app) is defaults()
    assert defaults()["RESPKIT_PER_PAGE"] == 20


def test_settings_are_read_only() -> None:
    app = Flask(__name__)
    RespKit(app)
    with pytest.raises(TypeError):
        settings_for(app)["RESPKIT_PER_PAGE"] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        ("RESPKIT_PER_PAGE", 0, ValueError),
        ("RESPKIT_PER_PAGE", "20", TypeError),
        ("RESPKIT_PER_PAGE", True, TypeError),
        ("RESPKIT_MAX_PER_PAGE", -1, ValueError),
        ("RESPKIT_AUTH_CHALLENGE_401", "yes", TypeError),
        ("RESPKIT_PROBLEM_DETAILS", "yes", TypeError),
        ("RESPKIT_PROBLEM_DETAILS", 1, TypeError),
        ("RESPKIT_AUTH_SCHEME", "Bas ic", ValueError),
        ("RESPKIT_AUTH_SCHEME", None, TypeError),
        ("RESPKIT_AUTH_REALM", "a\r\nSet-Cookie: x=1", ValueError),
        ("RESPKIT_AUTH_REALM", "caf\u20ac", ValueError),
        ("RESPKIT_CSV_BOM", 1, TypeError),
        ("RESPKIT_CSV_ESCAPE_FORMULAS", None, TypeError),
        ("RESPKIT_CSV_DIALECT", "nope", ValueError),
        ("RESPKIT_CSV_DIALECT", 3, TypeError),
        ("RESPKIT_CORS_ALLOW_CREDENTIALS", "true", TypeError),
        ("RESPKIT_CORS_ALLOW_PRIVATE_NETWORK", 0, TypeError),
        ("RESPKIT_CORS_MAX_AGE", -5, ValueError),
        ("RESPKIT_CORS_MAX_AGE", "600", TypeError),
        ("RESPKIT_CORS_METHODS", ["GET", "P UT"], ValueError),
        ("RESPKIT_CORS_METHODS", 5, TypeError),
        ("RESPKIT_CORS_ALLOW_HEADERS", ["X-Ok", "Bad\nName"], ValueError),
        ("RESPKIT_CORS_EXPOSE_HEADERS", ["X:Y"], ValueError),
        ("RESPKIT_CORS_ORIGINS", 5, TypeError),
        ("RESPKIT_CORS_ORIGINS", [5], TypeError),
        ("RESPKIT_CORS_RESOURCES", ["/api/.*"], TypeError),
        ("RESPKIT_CORS_RESOURCES", {"/api/(": {}}, ValueError),
        ("RESPKIT_CORS_RESOURCES", {"/api/.*": "*"}, TypeError),
    ],
)
def test_bad_config_raises_naming_the_key(
    key: str, value: t.Any, error: type[Exception]
) -> None:
    app = Flask(__name__)
    app.config[key] = value
    with pytest.raises(error, match=re.escape(key)):
        RespKit(app)
    assert "respkit" not in app.extensions


def test_per_page_above_max_per_page_raises() -> None:
    app = Flask(__name__)
    app.config.update(RESPKIT_PER_PAGE=50, RESPKIT_MAX_PER_PAGE=10)
    with pytest.raises(ValueError, match="RESPKIT_PER_PAGE must not exceed"):
        RespKit(app)


@pytest.mark.parametrize(
    ("key", "value", "normalized"),
    [
        ("RESPKIT_CORS_MAX_AGE", datetime.timedelta(minutes=10), 600),
        ("RESPKIT_CORS_MAX_AGE", 0, 0),
        ("RESPKIT_CORS_METHODS", "GET, PUT", ("GET", "PUT")),
        ("RESPKIT_CORS_ALLOW_HEADERS", ["X-Token"], ("X-Token",)),
        ("RESPKIT_CSV_DIALECT", "unix", "unix"),
        ("RESPKIT_AUTH_REALM", 'say "hi"', 'say "hi"'),
    ],
)
def test_good_config_is_normalized_once(
    key: str, value: t.Any, normalized: t.Any
) -> None:
    app = Flask(__name__)
    app.config[key] = value
    RespKit(app)
    assert settings_for(app)[key] == normalized


def test_misspelled_key_is_refused_with_a_suggestion() -> None:
    app = Flask(__name__)
    app.config["RESPKIT_CORS_ORIGIN"] = "https://app.example"
    with pytest.raises(ValueError, match="did you mean RESPKIT_CORS_ORIGINS"):
        RespKit(app)


def test_unknown_key_is_refused() -> None:
    app = Flask(__name__)
    app.config["RESPKIT_ZZZ"] = 1
    with pytest.raises(ValueError, match="RESPKIT_ZZZ is not a flask-respkit setting"):
        RespKit(app)


def test_credentials_with_any_origin_in_config_fails_at_init_app() -> None:
    app = Flask(__name__)
    app.config["RESPKIT_CORS_ALLOW_CREDENTIALS"] = True
    with pytest.raises(ValueError, match=r"RESPKIT_CORS_ALLOW_CREDENTIALS.*ORIGINS"):
        RespKit(app)
    app = Flask(__name__)
    app.config["RESPKIT_CORS_ALLOW_CREDENTIALS"] = True
    app.config["RESPKIT_CORS_ORIGINS"] = ["https://app.example"]
    RespKit(app)
