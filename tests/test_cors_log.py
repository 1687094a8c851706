"""The refusal log (API.md §3a): one INFO line on ``flask_respkit.cors`` per
refused CORS request, with the reason, the URL rule and the offending values
(``%r``, cut to 200 characters); nothing for allowed or origin-less requests."""

from __future__ import annotations

import logging
import typing as t

import pytest
from flask import Blueprint, Flask

from flask_respkit import RespKit, cors
from flask_respkit.compat import flask_cors as shim

OK = "https://app.example.com"
EVIL = "https://evil.example.net"
LOGGER = "flask_respkit.cors"


@pytest.fixture
def lines(caplog: pytest.LogCaptureFixture) -> t.Callable[[], list[str]]:
    """The messages logged on ``flask_respkit.cors`` since the last call."""
    caplog.set_level(logging.INFO, logger=LOGGER)

    def take() -> list[str]:
        records = [r for r in caplog.records if r.name == LOGGER]
        assert all(r.levelno == logging.INFO for r in records)
        caplog.clear()
        return [r.getMessage() for r in records]

    return take


def build() -> Flask:
    app = Flask(__name__)
    app.config["TESTING"] = True
    app.config["RESPKIT_CORS_RESOURCES"] = {r"/res/.*": {"origins": [OK]}}
    RespKit(app)

    @app.route("/items/<int:id>", methods=["GET", "PUT"])
    @cors(
        ["https://*.example.com"],
        allow_headers=["X-Token"],
        methods=["GET", "PUT"],
    )
    def item(id: int) -> str:
        return "item"

    @app.route("/any", methods=["GET", "PUT"])
    @cors("*", methods=["GET"])
    def any_origin() -> str:
        return "any"

    @app.get("/res/x")
    def res() -> str:
        return "res"

    bp = cors(OK)(Blueprint("bp", __name__, url_prefix="/bp"))

    @bp.get("/y")
    def y() -> str:
        return "y"

    app.register_blueprint(bp)
    return app


def preflight(origin: str, method: str = "PUT", **more: str) -> dict[str, str]:
    return {
        "HTTP_ORIGIN": origin,
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": method,
        **more,
    }


REFUSED = [
    # (method, path, environ, the one line logged)
    (
        "GET",
        "/items/1",
        {"HTTP_ORIGIN": EVIL},
        "CORS request refused: origin not allowed; rule '/items/<int:id>';"
        " Origin 'https://evil.example.net'",
    ),
    (
        "OPTIONS",
        "/items/1",
        preflight(EVIL),
        "CORS preflight refused: origin not allowed; rule '/items/<int:id>';"
        " Origin 'https://evil.example.net'",
    ),
    (
        "OPTIONS",
        "/items/1",
        preflight(OK, "DELETE"),
        "CORS preflight refused: method not allowed; rule '/items/<int:id>';"
        " Origin 'https://app.example.com'; Access-Control-Request-Method 'DELETE'",
    ),
    (
        "OPTIONS",
        "/items/1",
        preflight(OK, HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-token, x-other"),
        "CORS preflight refused: request headers not allowed;"
        " rule '/items/<int:id>'; Origin 'https://app.example.com';"
        " Access-Control-Request-Headers 'x-token, x-other'",
    ),
    (
        "OPTIONS",
        "/items/1",
        preflight(OK, HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK="true"),
        "CORS preflight refused: private network access not allowed;"
        " rule '/items/<int:id>'; Origin 'https://app.example.com';"
        " Access-Control-Request-Private-Network 'true'",
    ),
    (
        "OPTIONS",
        "/any",
        preflight(EVIL, "PUT"),  # "*" refuses a method all the same
        "CORS preflight refused: method not allowed; rule '/any';"
        " Origin 'https://evil.example.net'; Access-Control-Request-Method 'PUT'",
    ),
    (
        "GET",
        "/res/x",
        {"HTTP_ORIGIN": EVIL},
        "CORS request refused: origin not allowed; rule '/res/x';"
        " Origin 'https://evil.example.net'",
    ),
    (
        "GET",
        "/res/nowhere",  # a 404: no rule
        {"HTTP_ORIGIN": EVIL},
        "CORS request refused: origin not allowed; rule None;"
        " Origin 'https://evil.example.net'",
    ),
    (
        "OPTIONS",
        "/res/x",
        preflight(EVIL, "GET"),
        "CORS preflight refused: origin not allowed; rule '/res/x';"
        " Origin 'https://evil.example.net'",
    ),
    (
        "GET",
        "/bp/y",
        {"HTTP_ORIGIN": "null"},
        "CORS request refused: origin not allowed; rule '/bp/y'; Origin 'null'",
    ),
    (
        "OPTIONS",
        "/bp/y",
        preflight(EVIL, "GET"),
        "CORS preflight refused: origin not allowed; rule '/bp/y';"
        " Origin 'https://evil.example.net'",
    ),
]


@pytest.mark.parametrize(("method", "path", "environ", "line"), REFUSED)
def test_each_refused_request_logs_one_line(
    lines: t.Callable[[], list[str]],
    method: str,
    path: str,
    environ: dict[str, str],
    line: str,
) -> None:
    client = build().test_client()
    r = client.open(path, method=method, environ_overrides=environ)
    assert "Access-Control-Allow-Origin" not in r.headers
    assert lines() == [line]


ALLOWED = [
    ("GET", "/items/1", {"HTTP_ORIGIN": "https://a.example.com"}),
    ("OPTIONS", "/items/1", preflight("https://a.example.com")),
    (
        "OPTIONS",
        "/items/1",
        preflight(OK, HTTP_ACCESS_CONTROL_REQUEST_HEADERS="X-Token, Content-Type"),
    ),
    ("GET", "/any", {"HTTP_ORIGIN": EVIL}),
    ("OPTIONS", "/any", preflight(EVIL, "GET")),
    ("GET", "/res/x", {"HTTP_ORIGIN": OK}),
    ("GET", "/res/nowhere", {"HTTP_ORIGIN": OK}),
    ("GET", "/bp/y", {"HTTP_ORIGIN": OK}),
    # no Origin at all
    ("GET", "/items/1", {}),
    ("OPTIONS", "/items/1", {}),
    ("OPTIONS", "/items/1", {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"}),
    ("GET", "/res/x", {}),
    ("GET", "/bp/y", {}),
    ("GET", "/elsewhere", {"HTTP_ORIGIN": EVIL}),  # no CORS here at all
]


@pytest.mark.parametrize(("method", "path", "environ"), ALLOWED)
def test_allowed_and_origin_less_requests_log_nothing(
    lines: t.Callable[[], list[str]],
    method: str,
    path: str,
    environ: dict[str, str],
) -> None:
    client = build().test_client()
    client.open(path, method=method, environ_overrides=environ)
    assert lines() == []


HOSTILE = (
    "https://a.example.com\r\n"
    "INFO:flask_respkit.cors:CORS request allowed\x1b[2J\x00'\"\u00e9" + "A" * 5000
)


def test_hostile_values_are_quoted_and_cut(lines: t.Callable[[], list[str]]) -> None:
    client = build().test_client()
    client.get("/items/1", environ_overrides={"HTTP_ORIGIN": HOSTILE})
    client.options(
        "/items/1",
        environ_overrides=preflight(
            OK, HOSTILE, HTTP_ACCESS_CONTROL_REQUEST_HEADERS=HOSTILE
        ),
    )
    client.options(
        "/items/1",
        environ_overrides=preflight(
            OK, HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-token," + HOSTILE
        ),
    )
    logged = lines()
    assert len(logged) == 3
    cut = repr(HOSTILE[:200])
    assert logged[0].endswith(f"; Origin {cut}")
    assert logged[1].endswith(f"; Access-Control-Request-Method {cut}")
    assert logged[2].endswith(
        f"; Access-Control-Request-Headers {('x-token,' + HOSTILE)[:200]!r}"
    )
    for line in logged:
        assert "\r" not in line
        assert "\n" not in line
        assert "\x1b" not in line
        assert "\x00" not in line
        assert "A" * 201 not in line
        assert len(line) < 2 * 4 * 200 + 200  # two values at most


def test_the_same_cors_stacked_twice_logs_once(
    lines: t.Callable[[], list[str]],
) -> None:
    app = Flask(__name__)
    twice = cors(OK)

    @app.get("/")
    @twice
    @twice
    def view() -> str:
        return "x"

    app.test_client().get("/", headers={"Origin": EVIL})
    assert lines() == [
        "CORS request refused: origin not allowed; rule '/'; Origin"
        " 'https://evil.example.net'"
    ]


def test_errors_of_the_view_log_once(lines: t.Callable[[], list[str]]) -> None:
    app = Flask(__name__)

    @app.get("/")
    @cors(OK)
    def view() -> str:
        raise LookupError

    @app.errorhandler(LookupError)
    def handle(e: Exception) -> tuple[str, int]:
        return "gone", 404

    assert app.test_client().get("/", headers={"Origin": EVIL}).status_code == 404
    assert len(lines()) == 1


def test_nothing_is_formatted_when_info_is_off(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    logger = logging.getLogger(LOGGER)
    monkeypatch.setattr(logger, "info", lambda *a, **k: pytest.fail("logged"))
    client = build().test_client()
    client.get("/items/1", headers={"Origin": EVIL})
    client.options("/items/1", environ_overrides=preflight(OK, "DELETE"))
    assert caplog.records == []


def test_the_library_leaves_the_loggers_level_alone() -> None:
    # the app decides what to see (Flask-CORS set its own level on import)
    assert logging.getLogger(LOGGER).level == logging.NOTSET


# -- the Flask-CORS shim logs its refusals the same way --------------------------


def shim_app() -> Flask:
    app = Flask(__name__)
    app.config["TESTING"] = True
    shim.CORS(app, resources={r"/api/*": {"origins": ["https://*.example.com"]}})

    @app.route("/api/items", methods=["GET", "PUT"])
    def items() -> str:
        return "items"

    @app.get("/deco")
    @shim.cross_origin(origins=[OK], methods=["GET"])
    def deco() -> str:
        return "deco"

    return app


@pytest.mark.parametrize(
    ("method", "path", "environ", "line"),
    [
        (
            "GET",
            "/api/items",
            {"HTTP_ORIGIN": "https://xexample.com"},
            "CORS request refused: origin not allowed; rule '/api/items';"
            " Origin 'https://xexample.com'",
        ),
        (
            "OPTIONS",
            "/api/items",
            preflight("https://xexample.com"),
            "CORS preflight refused: origin not allowed; rule '/api/items';"
            " Origin 'https://xexample.com'",
        ),
        (
            "OPTIONS",
            "/deco",
            preflight(OK, "PUT"),
            "CORS preflight refused: method not allowed; rule '/deco';"
            " Origin 'https://app.example.com'; Access-Control-Request-Method 'PUT'",
        ),
        (
            "GET",
            "/deco",
            {"HTTP_ORIGIN": EVIL},
            "CORS request refused: origin not allowed; rule '/deco';"
            " Origin 'https://evil.example.net'",
        ),
    ],
)
def test_the_shim_logs_each_refusal_once(
    lines: t.Callable[[], list[str]],
    method: str,
    path: str,
    environ: dict[str, str],
    line: str,
) -> None:
    shim_app().test_client().open(path, method=method, environ_overrides=environ)
    assert lines() == [line]


def test_the_shim_logs_nothing_for_allowed_or_origin_less(
    lines: t.Callable[[], list[str]],
) -> None:
    client = shim_app().test_client()
    client.get("/api/items", headers={"Origin": "https://a.example.com"})
    client.options("/api/items", environ_overrides=preflight("https://a.example.com"))
    client.get("/api/items")
    client.get("/deco", headers={"Origin": OK})
    client.get("/deco")
    assert lines() == []
