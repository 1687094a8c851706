"""flask_respkit.compat.flask_cors against the real Flask-CORS 6.

Most tests build the same app twice, once with ``flask_cors`` and once with the
shim, send the same requests and compare. Where the shim deviates on purpose
(docs/migrating-flask-cors.rst), a test shows both behaviours side by side.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import logging
import re
import types
import typing as t

import flask_cors
import pytest
from flask import Blueprint, Flask, abort, request, session
from flask.views import MethodView

from flask_respkit import cors
from flask_respkit.compat import flask_cors as shim

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAH = "Access-Control-Allow-Headers"
ACAM = "Access-Control-Allow-Methods"
A = "https://a.example.com"
EVIL = "https://evil.example.net"
LIBS = {"flask_cors": flask_cors, "shim": shim}

Headers = dict[str, str]
Request = tuple[str, str, Headers]


class Teapot(Exception):
    pass


def build(
    lib: types.ModuleType,
    cors_kwargs: dict[str, t.Any] | None = None,
    config: dict[str, t.Any] | None = None,
    on_blueprint: bool = False,
) -> Flask:
    """The test app: plain routes, errors, decorated views and a blueprint."""
    app = Flask(__name__)
    app.config.update(config or {})
    app.config["PROPAGATE_EXCEPTIONS"] = False
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @app.route("/api/items", methods=["GET", "POST"])
    def items() -> dict[str, int]:
        return {"n": 1}

    @app.route("/api/items/<int:id>", methods=["PUT", "DELETE"])
    def item(id: int) -> dict[str, int]:
        return {"id": id}

    @app.get("/api/err")
    def err() -> str:
        abort(404)

    @app.get("/api/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    @app.get("/api/teapot")
    def teapot() -> str:
        raise Teapot

    @app.errorhandler(Teapot)
    def on_teapot(e: Teapot) -> tuple[str, int]:
        return "short and stout", 418

    @app.get("/api/redirect")
    def redirect() -> tuple[str, int, Headers]:
        return "", 302, {"Location": "/api/items"}

    @app.get("/public/page")
    def public() -> str:
        return "public"

    @app.get("/other")
    def other() -> str:
        return "other"

    @app.route("/deco", methods=["GET", "PUT"])
    @lib.cross_origin(origins=[A], supports_credentials=True, max_age=60)
    def deco() -> str:
        return "deco"

    @app.get("/deco-any")
    @lib.cross_origin()
    def deco_any() -> str:
        return "deco-any"

    @app.route("/deco-manual", methods=["GET", "OPTIONS"])
    @lib.cross_origin(automatic_options=False, methods=["GET", "PATCH"])
    def deco_manual() -> str:
        return "the view answered"

    @bp.get("/ping")
    def ping() -> str:
        return "pong"

    @bp.get("/err")
    def bp_err() -> str:
        abort(403)

    if on_blueprint:
        lib.CORS(bp, **(cors_kwargs or {}))
    app.register_blueprint(bp)
    if cors_kwargs is not None and not on_blueprint:
        lib.CORS(app, **cors_kwargs)
    return app


def preflight(method: str, headers: str | None = None, origin: str = A) -> Headers:
    h = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        h["Access-Control-Request-Headers"] = headers
    return h


REQUESTS: list[Request] = [
    ("GET", "/api/items", {}),
    ("GET", "/api/items", {"Origin": A}),
    ("GET", "/api/items", {"Origin": "HTTPS://A.EXAMPLE.COM"}),
    ("GET", "/api/items", {"Origin": EVIL}),
    ("GET", "/api/items", {"Origin": "https://x.b.example.org"}),
    ("HEAD", "/api/items", {"Origin": A}),
    ("POST", "/api/items", {"Origin": A}),
    ("OPTIONS", "/api/items", {"Origin": A}),
    ("OPTIONS", "/api/items", preflight("POST", "x-b")),
    ("OPTIONS", "/api/items", preflight("POST", "X-C-One, x-b")),
    ("OPTIONS", "/api/items", preflight("GET")),
    ("OPTIONS", "/api/items", preflight("GET", origin=EVIL)),
    ("OPTIONS", "/api/items/1", preflight("DELETE")),
    ("PUT", "/api/items/1", {"Origin": A}),
    ("GET", "/api/err", {"Origin": A}),
    ("GET", "/api/boom", {"Origin": A}),
    ("GET", "/api/teapot", {"Origin": A}),
    ("GET", "/api/redirect", {"Origin": A}),
    ("GET", "/api/nope", {"Origin": A}),
    ("GET", "/public/page", {"Origin": A}),
    ("GET", "/public/page", {}),
    ("GET", "/other", {"Origin": A}),
    ("GET", "/deco", {"Origin": A}),
    ("GET", "/deco", {"Origin": EVIL}),
    ("GET", "/deco", {}),
    ("PUT", "/deco", {"Origin": A}),
    ("OPTIONS", "/deco", preflight("PUT")),
    ("GET", "/deco-any", {"Origin": A}),
    ("GET", "/deco-any", {}),
    ("OPTIONS", "/deco-any", preflight("GET", "x-b")),
    ("OPTIONS", "/deco-manual", preflight("PATCH")),
    ("GET", "/bp/ping", {"Origin": A}),
    ("OPTIONS", "/bp/ping", preflight("GET")),
    ("GET", "/bp/err", {"Origin": A}),
    ("GET", "/bp/nope", {"Origin": A}),
]

SCENARIOS: dict[str, dict[str, t.Any]] = {
    "defaults": {"cors": {}},
    "send_wildcard": {"cors": {"send_wildcard": True}},
    "lists": {
        "cors": {
            "origins": [A, r"https://.*\.b\.example\.org"],
            "allow_headers": ["X-B", "X-C-.*"],
            "expose_headers": ["X-Z", "X-A"],
            "methods": ["POST", "GET", "DELETE", "PUT"],
            "max_age": datetime.timedelta(minutes=10),
        }
    },
    "credentials": {
        "cors": {"origins": A, "supports_credentials": True, "max_age": "600"}
    },
    "resources_dict": {
        "cors": {
            "resources": {
                r"/api/*": {"origins": [A], "expose_headers": "X-Api"},
                "/public/page": {"send_wildcard": True},
                r"/bp/.*": {},
            }
        }
    },
    "resources_list": {"cors": {"resources": [r"/api/.*", "/other"]}},
    "resources_str": {"cors": {"resources": r"/api/*"}},
    "resources_regex": {"cors": {"resources": re.compile(r"/(api|bp)/")}},
    "config": {
        "cors": {},
        "config": {
            "CORS_ORIGINS": [A],
            "CORS_EXPOSE_HEADERS": "X-Total",
            "CORS_MAX_AGE": 30,
            "CORS_METHODS": "GET, POST, PUT, DELETE",
            "CORS_RESOURCES": {r"/api/*": {}, r"/bp/*": {"origins": "*"}},
        },
    },
    "config_under_kwargs": {
        "cors": {"origins": "*", "send_wildcard": True},
        "config": {"CORS_ORIGINS": [A], "CORS_SEND_WILDCARD": False},
    },
    "always_send_off": {"cors": {"always_send": False}},
    "vary_off": {"cors": {"vary_header": False, "origins": [A, "http://c.org"]}},
    "intercept_off": {"cors": {"intercept_exceptions": False}},
    "private_network": {"cors": {"allow_private_network": True}},
    "no_extension": {"cors": None},
    "blueprint": {"cors": {"origins": [A]}, "blueprint": True},
}


@functools.cache
def scenario_app(scenario: str, lib: str) -> Flask:
    spec = SCENARIOS[scenario]
    return build(LIBS[lib], spec["cors"], spec.get("config"), spec.get("blueprint"))


def responses(scenario: str, request: Request) -> list[t.Any]:
    method, path, headers = request
    return [
        scenario_app(scenario, lib)
        .test_client()
        .open(path, method=method, headers=headers)
        for lib in LIBS
    ]


def vary_of(response: t.Any) -> set[str]:
    return {
        v.strip().lower()
        for line in response.headers.getlist("Vary")
        for v in line.split(",")
        if v.strip()
    }


def comparable(response: t.Any) -> tuple[t.Any, ...]:
    """Status, headers in order (``Allow`` as a set, ``Vary`` apart), body."""
    headers = []
    for name, value in response.headers:
        if name == "Allow":
            value = ", ".join(sorted(v.strip() for v in value.split(",")))
        if name != "Vary":
            headers.append((name, value))
    return response.status_code, headers, response.get_data()


#: Flask 3.2 passes the context to ``make_default_options_response``; Flask-CORS
#: 6.0.5 calls it without, so its own automatic OPTIONS answer is a 500 there.
FLASK_CORS_BROKEN = (
    len(inspect.signature(Flask.make_default_options_response).parameters) > 1
)


def assert_same(fc: t.Any, mine: t.Any) -> None:
    """Equal but for the documented ``Vary: Origin`` the shim may add."""
    if FLASK_CORS_BROKEN and fc.status_code == 500:
        pytest.skip("Flask-CORS 6.0.5 cannot answer OPTIONS on Flask 3.2")
    assert comparable(mine) == comparable(fc)
    assert vary_of(fc) <= vary_of(mine)
    assert vary_of(mine) - vary_of(fc) <= {"origin"}


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r[0]} {r[1]}")
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_responses_as_flask_cors(scenario: str, request_: Request) -> None:
    fc, mine = responses(scenario, request_)
    assert_same(fc, mine)


def test_the_table_exercises_cors_headers() -> None:
    # guard against a comparison of two header-less apps
    _, mine = responses("lists", ("OPTIONS", "/api/items", preflight("POST", "x-b")))
    assert mine.headers[ACAO] == A
    assert mine.headers[ACAH] == "x-b"
    assert mine.headers[ACAM] == "DELETE, GET, POST, PUT"
    assert mine.headers["Access-Control-Max-Age"] == "600"
    assert mine.headers["Access-Control-Expose-Headers"] == "X-A, X-Z"
    _fc, mine = responses("credentials", ("GET", "/api/err", {"Origin": A}))
    assert (mine.status_code, mine.headers[ACAO], mine.headers[ACAC]) == (
        404,
        A,
        "true",
    )


# -- every option, as a CORS() option, a CORS_* config key and a decorator option


def option_app(lib: types.ModuleType, way: str, options: dict[str, t.Any]) -> Flask:
    app = Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    decorate: t.Callable[[t.Any], t.Any] = lambda view: view  # noqa: E731
    if way.startswith("config"):
        app.config.update({f"CORS_{k.upper()}": v for k, v in options.items()})
        options = {}
    if way.endswith("cross_origin"):
        decorate = lib.cross_origin(**options)
    else:
        lib.CORS(app, **options)

    @app.route("/x", methods=["GET", "PUT", "OPTIONS"])
    @decorate
    def x() -> str:
        return "x"

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    return app


OPTION_CASES: list[tuple[str, t.Any, dict[str, t.Any], Request, bool]] = [
    # (option, value, other options, request, changes the answer)
    ("origins", [A], {}, ("GET", "/x", {"Origin": EVIL}), True),
    ("origins", r"https://.*\.example\.com", {}, ("GET", "/x", {"Origin": EVIL}), True),
    ("origins", "*", {}, ("GET", "/x", {"Origin": EVIL}), False),
    ("methods", ["put", "GET"], {}, ("OPTIONS", "/x", preflight("PUT")), True),
    ("methods", "GET, PUT", {}, ("OPTIONS", "/x", preflight("PUT")), True),
    ("allow_headers", ["X-B"], {}, ("OPTIONS", "/x", preflight("GET", "X-B")), False),
    ("allow_headers", "X-.*", {}, ("OPTIONS", "/x", preflight("GET", "x-b")), False),
    ("expose_headers", ["X-Z", "X-A"], {}, ("GET", "/x", {"Origin": A}), True),
    ("expose_headers", "X-Z, X-A", {}, ("GET", "/x", {"Origin": A}), True),
    (
        "supports_credentials",
        True,
        {"origins": [A]},
        ("GET", "/x", {"Origin": A}),
        True,
    ),
    ("max_age", 600, {}, ("OPTIONS", "/x", preflight("GET")), True),
    ("max_age", "600", {}, ("OPTIONS", "/x", preflight("GET")), True),
    (
        "max_age",
        datetime.timedelta(hours=1),
        {},
        ("OPTIONS", "/x", preflight("GET")),
        True,
    ),
    ("max_age", 0, {}, ("OPTIONS", "/x", preflight("GET")), False),
    ("send_wildcard", True, {}, ("GET", "/x", {"Origin": A}), True),
    ("vary_header", False, {}, ("GET", "/x", {"Origin": A}), True),
    (
        "vary_header",
        False,
        {"origins": [A, "http://c.org"]},
        ("GET", "/x", {"Origin": A}),
        True,
    ),
    ("always_send", False, {}, ("GET", "/x", {}), True),
    ("always_send", True, {"origins": ["http://c.org", A]}, ("GET", "/x", {}), False),
    (
        "allow_private_network",
        True,
        {},
        (
            "OPTIONS",
            "/x",
            {**preflight("GET"), "Access-Control-Request-Private-Network": "true"},
        ),
        True,
    ),
    (
        "allow_private_network",
        False,
        {},
        ("GET", "/x", {"Origin": A, "Access-Control-Request-Private-Network": "true"}),
        False,
    ),
    ("automatic_options", False, {}, ("OPTIONS", "/x", preflight("GET")), True),
]
APP_CASES: list[tuple[str, t.Any, dict[str, t.Any], Request, bool]] = [
    ("resources", r"/x", {}, ("GET", "/x", {"Origin": A}), False),
    ("resources", "/y", {}, ("GET", "/x", {"Origin": A}), True),
    ("resources", [r"/b.*"], {}, ("GET", "/x", {"Origin": A}), True),
    ("intercept_exceptions", False, {}, ("GET", "/boom", {"Origin": A}), False),
    ("intercept_exceptions", True, {}, ("GET", "/boom", {"Origin": A}), False),
]
WAYS = [
    *(
        (way, case)
        for case in OPTION_CASES
        for way in ("CORS", "config", "cross_origin")
    ),
    *((way, case) for case in APP_CASES for way in ("CORS", "config")),
]


@pytest.mark.parametrize(
    ("way", "case"), WAYS, ids=[f"{w}-{c[0]}={c[1]!r}" for w, c in WAYS]
)
def test_option_as_flask_cors_documents(way: str, case: t.Any) -> None:
    option, value, others, (method, path, headers), changes = case
    if option == "automatic_options" and not way.endswith("cross_origin"):
        pytest.skip("automatic_options only applies to cross_origin")
    got = {}
    for name, lib in LIBS.items():
        app = option_app(lib, way, {**others, option: value})
        got[name] = app.test_client().open(path, method=method, headers=headers)
    assert_same(got["flask_cors"], got["shim"])
    # the option is not ignored: without it (other options kept) the answer differs
    app = option_app(shim, way, others)
    without = app.test_client().open(path, method=method, headers=headers)
    differs = (comparable(without), vary_of(without)) != (
        comparable(got["shim"]),
        vary_of(got["shim"]),
    )
    assert differs is changes


# -- the deliberate deviations (docs/migrating-flask-cors.rst), side by side


def both(
    request: Request, cors_kwargs: dict[str, t.Any] | None = None, **build_kw: t.Any
) -> tuple[t.Any, t.Any]:
    method, path, headers = request
    fc, mine = (
        build(lib, cors_kwargs, **build_kw)
        .test_client()
        .open(path, method=method, headers=headers)
        for lib in LIBS.values()
    )
    return fc, mine


def test_regex_origins_are_full_matched() -> None:
    kwargs = {"origins": r"https://.*\.example\.com"}
    spoof = "https://app.example.com.evil.net"
    fc, mine = both(("GET", "/api/items", {"Origin": spoof}), kwargs)
    assert fc.headers[ACAO] == spoof  # re.match: a prefix is enough
    assert ACAO not in mine.headers
    fc, mine = both(
        ("GET", "/api/items", {"Origin": "https://app.example.com"}), kwargs
    )
    assert fc.headers[ACAO] == mine.headers[ACAO] == "https://app.example.com"


# (origins, request Origin, Flask-CORS grants it, the shim grants it)
PATTERN_CASES = [
    ("https://*.example.com", "https://app.example.com", False, True),
    ("https://*.example.com", "https://a.b.example.com", False, True),
    ("https://*.example.com", "https://xexample.com", True, False),
    ("https://*.example.com", "https://:example.com", True, False),
    ("https://*.example.com", "https://example.com", True, False),
    ("http://localhost:*", "http://localhost:3000", True, True),
    ("http://localhost:*", "http://localhost", True, True),
    ("http://localhost:*", "http://localhost.evil.net", True, False),
    ("http://localhost:*", "http://localhost:3000.evil.net", True, False),
    (["https://*.example.com"], "https://xexample.com", True, False),
    (["https://*.example.com:*"], "https://a.example.com:8443", False, True),
]


@pytest.mark.parametrize(
    ("origins", "origin", "fc_grants", "shim_grants"), PATTERN_CASES
)
@pytest.mark.parametrize("way", ["CORS", "cross_origin", "config", "resource"])
def test_a_glob_flask_cors_reads_as_a_regex_is_the_safe_pattern(
    origins: t.Any, origin: str, fc_grants: bool, shim_grants: bool, way: str
) -> None:
    def app_of(lib: types.ModuleType) -> Flask:
        app = Flask(__name__)
        decorate: t.Callable[[t.Any], t.Any] = lambda view: view  # noqa: E731
        if way == "CORS":
            lib.CORS(app, origins=origins)
        elif way == "cross_origin":
            decorate = lib.cross_origin(origins=origins)
        elif way == "config":
            app.config["CORS_ORIGINS"] = origins
            lib.CORS(app)
        else:
            lib.CORS(app, resources={r"/x": {"origins": origins}})
        app.get("/x")(decorate(lambda: "x"))
        return app

    fc, mine = (
        app_of(lib).test_client().get("/x", headers={"Origin": origin})
        for lib in LIBS.values()
    )
    assert fc.headers.get(ACAO) == (origin if fc_grants else None)
    assert mine.headers.get(ACAO) == (origin if shim_grants else None)
    assert "Origin" in mine.headers.getlist("Vary")


def test_a_glob_that_is_no_valid_pattern_stays_a_regex() -> None:
    # ".*.example.com" (in Flask-CORS's own tests) has no scheme: a regex,
    # matched in full, as before
    for origins in (r".*.example.com", r"https://*example.com"):
        kwargs = {"origins": origins}
        fc, mine = both(
            ("GET", "/api/items", {"Origin": "https://app.example.com"}), kwargs
        )
        assert fc.headers.get(ACAO) == mine.headers.get(ACAO)


@pytest.mark.parametrize(
    ("origins", "why"),
    [
        ("https://*.github.io", "github.io is a public suffix"),
        (["https://*.co.uk"], "co.uk is a public suffix"),
        ("http://*.example.com", "plain http"),
    ],
)
def test_credentialed_globs_over_a_public_suffix_raise_at_setup(
    origins: t.Any, why: str
) -> None:
    app = Flask(__name__)
    with pytest.raises(ValueError, match=r"CORS resources.*supports_credentials=True"):
        shim.CORS(app, origins=origins, supports_credentials=True)
    app = Flask(__name__)
    app.config["TESTING"] = True
    app.get("/")(
        shim.cross_origin(origins=origins, supports_credentials=True)(lambda: "x")
    )
    with pytest.raises(ValueError, match=re.escape(why)):
        app.test_client().get("/", headers={"Origin": A})
    # Flask-CORS reads them as regexes and sends credentials
    flask_cors.CORS(Flask(__name__), origins=origins, supports_credentials=True)


@pytest.mark.parametrize("asked", ["ET", "put", "GET, PUT"])
def test_methods_are_exact_case_sensitive_tokens(asked: str) -> None:
    kwargs = {"methods": "GET, PUT"}
    fc, mine = both(("OPTIONS", "/api/items", preflight(asked)), kwargs)
    assert fc.headers[ACAM] == "GET, PUT"  # substring of "GET, PUT", upper-cased
    assert ACAM not in mine.headers
    assert ACAO not in mine.headers
    fc, mine = both(("OPTIONS", "/api/items", preflight("PUT")), kwargs)
    assert fc.headers[ACAM] == mine.headers[ACAM] == "GET, PUT"


def test_resource_paths_are_decoded_once_not_twice() -> None:
    # Flask-CORS unquotes the already-decoded request.path again: %252F
    # becomes "/", and a view outside the resource gets its CORS headers
    def client_of(lib: types.ModuleType) -> t.Any:
        app = Flask(__name__)

        @app.get("/<name>")
        def page(name: str) -> str:
            return name

        @app.get("/api/<name>")
        def api(name: str) -> str:
            return name

        lib.CORS(app, resources={r"/api/.*": {"origins": "*"}})
        return app.test_client()

    fc, mine = (client_of(lib) for lib in LIBS.values())
    r_fc, r_mine = (c.get("/api%252Fsecret", headers={"Origin": A}) for c in (fc, mine))
    assert r_fc.get_data() == r_mine.get_data() == b"api%2Fsecret"  # the page view
    assert r_fc.headers[ACAO] == A
    assert ACAO not in r_mine.headers
    # a path under the pattern is covered by both, however it is escaped
    for path in ("/api/x", "/api%2Fx", "/ap%69/x"):
        r_fc, r_mine = (c.get(path, headers={"Origin": A}) for c in (fc, mine))
        assert r_fc.get_data() == r_mine.get_data() == b"x"  # the api view
        assert r_fc.headers[ACAO] == r_mine.headers[ACAO] == A


@pytest.mark.parametrize(
    ("path", "covered"),
    [
        ("/caf%C3%A9/a%20b", True),
        ("/caf%c3%a9/a%20b", True),  # lower-case escapes: the same path
        ("/caf%C3%A9/zz", True),
        ("/caf\u00e9/zz", True),  # sent unescaped
        ("caf%C3%A9/zz", True),  # relative: Flask adds the leading "/"
        ("/caf%C3%A9/a+b", False),  # "+" is not a space in a path
        ("/CAF%C3%A9/zz", False),  # paths are case-sensitive
    ],
)
def test_resources_match_the_path_flask_routes(path: str, covered: bool) -> None:
    # request.path: percent-escapes decoded once, a leading "/" ensured;
    # patterns are written decoded, as in Flask-CORS
    def client_of(lib: types.ModuleType) -> t.Any:
        app = Flask(__name__)

        @app.get("/<a>/<x>")
        def cafe(a: str, x: str) -> str:
            return x

        lib.CORS(app, resources=["/caf\u00e9/a b", r"/caf\u00e9/z.*"])
        return app.test_client()

    fc, mine = (
        client_of(lib).get(path, headers={"Origin": A}) for lib in LIBS.values()
    )
    assert_same(fc, mine)
    assert (ACAO in mine.headers) is covered


def test_credentials_with_an_allow_all_origin_raise_at_setup() -> None:
    app = Flask(__name__)
    app.get("/")(lambda: "x")
    flask_cors.CORS(app, supports_credentials=True)
    r = app.test_client().get("/", headers={"Origin": EVIL})
    assert (r.headers[ACAO], r.headers[ACAC]) == (EVIL, "true")  # the hole
    with pytest.raises(ValueError, match="supports_credentials=True cannot be"):
        shim.CORS(Flask(__name__), supports_credentials=True)
    with pytest.raises(ValueError, match=r"resources\['/api/\*'\].*supports_cred"):
        shim.CORS(
            Flask(__name__), resources={r"/api/*": {"supports_credentials": True}}
        )
    app = Flask(__name__)
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    with pytest.raises(ValueError, match="allow-all origin"):
        shim.CORS(app)


def test_decorator_credentials_meet_the_app_config_at_first_request() -> None:
    app = Flask(__name__)
    app.config["TESTING"] = True

    @app.get("/")
    @shim.cross_origin(supports_credentials=True)
    def index() -> str:
        return "x"

    with pytest.raises(ValueError, match=r"cross_origin.*supports_credentials"):
        app.test_client().get("/", headers={"Origin": A})
    other = Flask(__name__)
    other.config["CORS_ORIGINS"] = [A]
    other.get("/")(index)
    r = other.test_client().get("/", headers={"Origin": A})
    assert (r.headers[ACAO], r.headers[ACAC]) == (A, "true")


def test_vary_origin_whenever_the_answer_depends_on_it() -> None:
    kwargs = {"origins": A}
    fc, mine = both(("GET", "/api/items", {"Origin": EVIL}), kwargs)
    assert "Vary" not in fc.headers
    assert mine.headers["Vary"] == "Origin"
    fc, mine = both(("GET", "/api/items", {"Origin": A}), kwargs)
    assert "Vary" not in fc.headers  # one literal origin: no Vary in Flask-CORS
    assert mine.headers["Vary"] == "Origin"
    # without Origin (always_send): the origin is sent, a browser's request
    # from another origin must not get this answer from a cache
    fc, mine = both(("GET", "/api/items", {}), kwargs)
    assert fc.headers[ACAO] == mine.headers[ACAO] == A
    assert "Vary" not in fc.headers
    assert mine.headers["Vary"] == "Origin"
    # a fixed "*" answer does not vary
    fc, mine = both(("GET", "/api/items", {"Origin": A}), {"send_wildcard": True})
    assert "Vary" not in fc.headers
    assert "Vary" not in mine.headers


@pytest.mark.parametrize(
    ("kwargs", "headers"),
    [
        ({"methods": ["GET"]}, preflight("PUT")),
        ({}, {**preflight("GET"), "Access-Control-Request-Private-Network": "true"}),
    ],
)
def test_a_refused_preflight_gets_no_cors_headers(
    kwargs: dict[str, t.Any], headers: Headers
) -> None:
    fc, mine = both(("OPTIONS", "/api/items", headers), kwargs)
    assert fc.status_code == mine.status_code == 200
    assert fc.headers[ACAO] == A  # Flask-CORS answers the origin anyway
    assert not [h for h in mine.headers if h[0].startswith("Access-Control-")]
    assert mine.headers["Allow"]  # still Flask's own OPTIONS answer


def test_cors_safelisted_request_headers_are_always_allowed() -> None:
    kwargs = {"allow_headers": ["X-B"]}
    fc, mine = both(
        ("OPTIONS", "/api/items", preflight("POST", "content-type,x-b")), kwargs
    )
    assert fc.headers[ACAH] == "x-b"
    assert mine.headers[ACAH] == "content-type, x-b"


def test_errors_of_a_decorated_view_carry_its_headers() -> None:
    def app_with(lib: types.ModuleType) -> Flask:
        app = Flask(__name__)

        @app.get("/gone")
        @lib.cross_origin(origins=[A])
        def gone() -> str:
            abort(410)

        return app

    fc, mine = (
        app_with(lib).test_client().get("/gone", headers={"Origin": A})
        for lib in LIBS.values()
    )
    assert fc.status_code == mine.status_code == 410
    assert ACAO not in fc.headers
    assert mine.headers[ACAO] == A


@pytest.mark.parametrize("origin", ["null", "https://a.example.com/path", "x y"])
def test_odd_origins_are_never_echoed(origin: str) -> None:
    fc, mine = both(("GET", "/api/items", {"Origin": origin}), {})
    assert fc.headers[ACAO] == origin
    assert mine.headers[ACAO] == "*"


@pytest.mark.parametrize("origin", ["null", "x.example.com", "a b.example.com"])
def test_regex_origins_never_see_null_or_malformed_values(origin: str) -> None:
    kwargs = {"origins": [r"null|.*\.example\.com"]}
    fc, mine = both(("GET", "/api/items", {"Origin": origin}), kwargs)
    assert fc.headers[ACAO] == origin
    assert ACAO not in mine.headers
    # a well-formed origin the regex matches in full is echoed by both
    fc, mine = both(("GET", "/api/items", {"Origin": A}), kwargs)
    assert fc.headers[ACAO] == mine.headers[ACAO] == A


def test_request_header_names_that_are_not_tokens_are_never_echoed() -> None:
    request = ("OPTIONS", "/api/items", preflight("GET", "x-b;evil, x-c, x d"))
    fc, mine = both(request, {})
    assert fc.headers[ACAH] == "x d, x-b;evil, x-c"
    assert mine.headers[ACAH] == "x-c"
    assert fc.headers[ACAO] == mine.headers[ACAO] == A


def test_vary_origin_is_never_repeated() -> None:
    # a view that already varies on Origin: Flask-CORS adds a second line
    def app_with(lib: types.ModuleType) -> Flask:
        app = Flask(__name__)

        @app.get("/")
        @lib.cross_origin(origins=[A, "http://c.org"])
        def index() -> tuple[str, int, Headers]:
            return "x", 200, {"Vary": "Accept-Encoding, Origin"}

        return app

    fc, mine = (
        app_with(lib).test_client().get("/", headers={"Origin": A})
        for lib in LIBS.values()
    )
    assert fc.headers.getlist("Vary") == ["Accept-Encoding, Origin", "Origin"]
    assert mine.headers.getlist("Vary") == ["Accept-Encoding, Origin"]


def test_a_method_view_preflight_gets_the_headers_from_the_shim_only() -> None:
    def app_with(lib: types.ModuleType) -> Flask:
        app = Flask(__name__)

        class Things(MethodView):
            decorators: t.ClassVar[list[t.Any]] = [lib.cross_origin(origins=[A])]

            def get(self) -> str:
                return "things"

            def delete(self) -> tuple[str, int]:
                return "", 204

        app.add_url_rule("/things", view_func=Things.as_view("things"))
        return app

    fc, mine = (
        app_with(lib).test_client().options("/things", headers=preflight("DELETE"))
        for lib in LIBS.values()
    )
    # Flask answers OPTIONS for a MethodView before its decorators run
    assert fc.status_code == mine.status_code == 200
    assert not [h for h in fc.headers if h[0].startswith("Access-Control-")]
    assert mine.headers[ACAO] == A
    assert mine.headers[ACAM] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
    assert fc.headers["Allow"] == mine.headers["Allow"]


def test_a_comma_separated_origins_string_raises() -> None:
    origins = "https://a.example.com, https://c.org"
    app = Flask(__name__)
    app.config["CORS_ORIGINS"] = origins
    app.get("/")(lambda: "x")
    flask_cors.CORS(app)  # one origin "a, c" that no browser sends
    assert ACAO not in app.test_client().get("/", headers={"Origin": A}).headers
    app = Flask(__name__)
    app.config["CORS_ORIGINS"] = origins
    with pytest.raises(ValueError, match=r"CORS_ORIGINS.*give a list of origins"):
        shim.CORS(app)
    with pytest.raises(ValueError, match="not one origin"):
        shim.cross_origin(origins=origins)


# -- the same as Flask-CORS, where respkit's own cors() differs


@pytest.mark.parametrize("way", ["CORS", "config", "cross_origin"])
@pytest.mark.parametrize(
    "request_",
    [
        ("GET", "/x", {"Origin": A}),
        ("GET", "/x", {}),
        ("OPTIONS", "/x", preflight("GET")),
    ],
    ids=["origin", "no-origin", "preflight"],
)
def test_an_empty_origins_list_matches_nothing(way: str, request_: Request) -> None:
    # respkit's cors() refuses origins=[] ("omit cors"); Flask-CORS starts
    method, path, headers = request_
    fc, mine = (
        option_app(lib, way, {"origins": []})
        .test_client()
        .open(path, method=method, headers=headers)
        for lib in LIBS.values()
    )
    assert not [h for h in mine.headers if h[0].startswith("Access-Control-")]
    assert "Vary" not in mine.headers  # the answer does not depend on Origin
    assert_same(fc, mine)


@pytest.mark.parametrize(
    ("origins", "origin", "echoed"),
    [
        # compared as written, case-insensitively: no default-port folding
        ("https://a.example.com:443", "https://a.example.com", False),
        ("https://a.example.com:443", "https://a.example.com:443", True),
        ("https://a.example.com", "https://a.example.com:443", False),
        ("https://A.Example.com", "https://a.example.COM", True),
        ("null", "null", True),
        ("null", "NULL", True),
        ("NULL", "null", True),
    ],
)
def test_literal_origins_compare_as_written(
    origins: str, origin: str, echoed: bool
) -> None:
    fc, mine = both(("GET", "/api/items", {"Origin": origin}), {"origins": origins})
    assert_same(fc, mine)
    assert mine.headers.get(ACAO) == (origin if echoed else None)
    # without Origin, both send the origin as written (always_send)
    fc, mine = both(("GET", "/api/items", {}), {"origins": origins})
    assert fc.headers[ACAO] == mine.headers[ACAO] == origins


def test_allow_headers_regexes_match_from_the_start() -> None:
    kwargs = {"allow_headers": ["X-(A|B)", "X-D"]}
    request = ("OPTIONS", "/api/items", preflight("GET", "x-a-more, X-B, y-x-a, x-d"))
    fc, mine = both(request, kwargs)
    assert_same(fc, mine)
    assert mine.headers[ACAH] == "X-B, x-a-more, x-d"


@pytest.mark.parametrize(
    ("asked", "allowed"),
    [
        ("x-b, x-other", "x-b"),  # partly allowed: the allowed ones
        ("X-Other, X-B, X-C-1", "X-B, X-C-1"),  # as asked, sorted
        ("x-other", None),  # none: no Allow-Headers, the rest of the answer
    ],
)
def test_partly_allowed_request_headers_get_the_allowed_ones(
    asked: str, allowed: str | None
) -> None:
    kwargs = {"allow_headers": ["X-B", "X-C-.*"]}
    fc, mine = both(("OPTIONS", "/api/items", preflight("POST", asked)), kwargs)
    assert_same(fc, mine)
    assert mine.headers.get(ACAH) == allowed
    assert mine.headers[ACAO] == A
    assert mine.headers[ACAM] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


@pytest.mark.parametrize(
    ("methods", "written"),
    [
        ("get,post", "GET,POST"),  # a string as given, upper-cased
        ("GET, PUT", "GET, PUT"),
        (["post", "get"], "GET, POST"),  # a list sorted and joined
    ],
)
def test_methods_are_written_as_flask_cors_writes_them(
    methods: t.Any, written: str
) -> None:
    request = ("OPTIONS", "/api/items", preflight("GET"))
    fc, mine = both(request, {"methods": methods})
    assert_same(fc, mine)
    assert mine.headers[ACAM] == written


def test_listed_methods_are_granted_even_where_no_route_serves_them() -> None:
    # respkit's cors() refuses a preflight for a method no route with CORS
    # serves on the URL; the shim grants what methods lists, as Flask-CORS
    def app_with(decorate: t.Any) -> Flask:
        app = Flask(__name__)
        app.get("/x")(decorate(lambda: "x"))
        return app

    fc, mine, own = (
        app_with(decorate).test_client().options("/x", headers=preflight("PUT"))
        for decorate in (
            flask_cors.cross_origin(methods=["GET", "PUT"]),
            shim.cross_origin(methods=["GET", "PUT"]),
            cors(methods=["GET", "PUT"]),
        )
    )
    assert (mine.status_code, mine.headers[ACAO], mine.headers[ACAM]) == (
        200,
        A,
        "GET, PUT",
    )
    assert own.status_code == 403
    assert ACAO not in own.headers
    assert_same(fc, mine)


def test_vary_origin_is_a_field_line_of_its_own() -> None:
    def app_with(lib: types.ModuleType, session_too: bool) -> Flask:
        app = Flask(__name__)
        app.secret_key = "test"

        @app.get("/")
        @lib.cross_origin(origins=[A, "http://c.org"])
        def index() -> tuple[str, int, Headers]:
            if session_too:
                session["seen"] = True
            return "x", 200, {"Vary": "Accept-Encoding"}

        return app

    fc, mine = (
        app_with(lib, False).test_client().get("/", headers={"Origin": A})
        for lib in LIBS.values()
    )
    assert fc.headers.getlist("Vary") == ["Accept-Encoding", "Origin"]
    assert mine.headers.getlist("Vary") == ["Accept-Encoding", "Origin"]
    # as in Flask-CORS, Werkzeug's response.vary (which Flask's session uses
    # to add Cookie) reads only the first line and rewrites them all
    fc, mine = (
        app_with(lib, True).test_client().get("/", headers={"Origin": A})
        for lib in LIBS.values()
    )
    assert fc.headers.getlist("Vary") == ["Accept-Encoding, Cookie"]
    assert mine.headers.getlist("Vary") == ["Accept-Encoding, Cookie"]


def test_cross_origin_answers_options_on_every_flask() -> None:
    def app_with(lib: types.ModuleType) -> Flask:
        app = Flask(__name__)
        app.get("/x")(lib.cross_origin(origins=[A])(lambda: "x"))
        return app

    fc, mine = (
        app_with(lib).test_client().options("/x", headers=preflight("GET"))
        for lib in LIBS.values()
    )
    assert (mine.status_code, mine.headers[ACAO]) == (200, A)
    assert set(mine.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    # Flask-CORS 6.0.5 calls make_default_options_response() without the
    # context argument Flask 3.2 requires
    assert fc.status_code == (500 if FLASK_CORS_BROKEN else 200)


def test_no_logging_and_no_evaluated_marker(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="flask_cors")  # WARN by its own default

    def app_with(lib: types.ModuleType, responses: list[t.Any]) -> Flask:
        app = Flask(__name__)
        app.get("/x")(lib.cross_origin(origins=[A])(lambda: "x"))
        app.after_request(lambda response: responses.append(response) or response)
        lib.CORS(app, resources={"/y": {}})
        return app

    for name, lib in LIBS.items():
        responses: list[t.Any] = []
        client = app_with(lib, responses).test_client()
        caplog.clear()
        assert client.get("/x", headers={"Origin": A}).headers[ACAO] == A
        assert client.get("/y", headers={"Origin": A}).headers[ACAO] == A
        logged = {r.name for r in caplog.records}
        marked = hasattr(responses[0], "_FLASK_CORS_EVALUATED")
        if name == "flask_cors":
            assert {n.partition(".")[0] for n in logged} == {"flask_cors"}
            assert marked
        else:
            assert logged == set()
            assert not marked


def test_intercept_exceptions_leaves_flask_alone() -> None:
    app = Flask(__name__)
    handlers = (app.handle_exception, app.handle_user_exception)
    shim.CORS(app, intercept_exceptions=True)
    assert (app.handle_exception, app.handle_user_exception) == handlers


# -- bad configuration fails at set-up, naming the option or key


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"supports_credential": True},
            TypeError,
            r"unknown option.*supports_credential",
        ),
        ({"origins": "https://a.example.com/"}, ValueError, "origins.*serialized"),
        ({"origins": "https://(a"}, ValueError, "origins.*not a valid regex"),
        ({"origins": 5}, TypeError, "origins"),
        ({"methods": ["GET\r\nX: y"]}, ValueError, "methods.*token"),
        ({"methods": ["GET", 1]}, TypeError, "methods must be a str"),
        ({"allow_headers": ["X B"]}, ValueError, "allow_headers.*token"),
        ({"expose_headers": ["X\nY"]}, ValueError, "expose_headers"),
        ({"max_age": "soon"}, ValueError, "max_age"),
        ({"max_age": -1}, ValueError, "max_age"),
        ({"send_wildcard": "false"}, TypeError, "send_wildcard"),
        ({"vary_header": 1}, TypeError, "vary_header"),
        ({"resources": 5}, TypeError, "resources"),
        ({"resources": {r"/(": {}}}, ValueError, r"resources\['/\('\].*regex"),
        ({"resources": {r"/a": {"origins": "nope"}}}, ValueError, r"\['/a'\].*origins"),
        ({"resources": {r"/a": []}}, TypeError, "dict of options"),
        ({"intercept_exceptions": None}, TypeError, "intercept_exceptions"),
    ],
)
def test_bad_options_raise(kwargs: dict[str, t.Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        shim.CORS(Flask(__name__), **kwargs)
    decorator_only = not {"resources", "intercept_exceptions"} & set(kwargs)
    if decorator_only and "supports_credential" not in kwargs:
        with pytest.raises(error, match=match):
            shim.cross_origin(**kwargs)


@pytest.mark.parametrize("resources", [5, None, b"/x", [5], {"/x": []}])
def test_a_bad_resources_value_raises_value_error(resources: t.Any) -> None:
    # Flask-CORS raises ValueError for a value of the wrong type; the shim's
    # error is a TypeError too, as for every other option
    if resources in (5, None):
        with pytest.raises(ValueError, match="Unexpected value for resources"):
            flask_cors.CORS(Flask(__name__), resources=resources)
    else:  # Flask-CORS starts; the pattern never matches, or [] is no options
        flask_cors.CORS(Flask(__name__), resources=resources)
    with pytest.raises(ValueError, match="resources") as info:
        shim.CORS(Flask(__name__), resources=resources)
    assert isinstance(info.value, TypeError)
    if resources is not None:  # a CORS_* key set to None is ignored
        app = Flask(__name__)
        app.config["CORS_RESOURCES"] = resources
        with pytest.raises(shim.ResourcesError):
            shim.CORS(app)


def test_bad_config_values_name_the_key() -> None:
    app = Flask(__name__)
    app.config["CORS_MAX_AGE"] = "soon"
    with pytest.raises(ValueError, match=r"app.config\['CORS_MAX_AGE'\]"):
        shim.CORS(app)
    app = Flask(__name__)
    app.config["CORS_ORIGINS"] = "https://a.example.com/"
    app.config["TESTING"] = True
    app.get("/")(shim.cross_origin()(lambda: "x"))
    with pytest.raises(ValueError, match=r"CORS_ORIGINS"):
        app.test_client().get("/")


def test_cross_origin_takes_keywords_only() -> None:
    with pytest.raises(TypeError, match=r"keyword options only.*@cross_origin\(\)"):
        shim.cross_origin(lambda: "x")
    with pytest.raises(TypeError, match=r"unknown option.*resources"):
        shim.cross_origin(resources="/x")


def test_resources_are_tried_literal_first_then_most_specific() -> None:
    resources = {
        r"/api/.*": {"origins": [A]},
        re.compile(r"/api/it"): {"origins": ["http://compiled.org"]},
        r"/api/items/.*": {"origins": ["http://c.org"]},
        "/api/items": {"send_wildcard": True},
    }
    cases = [
        ("/api/items", A, "*"),
        ("/api/items/1", "http://compiled.org", "http://compiled.org"),
        ("/api/items/1", "http://c.org", None),
        ("/api/err", "http://compiled.org", None),
        ("/api/err", A, A),
    ]
    for path, origin, want in cases:
        method = "PUT" if path == "/api/items/1" else "GET"
        fc, mine = both((method, path, {"Origin": origin}), {"resources": resources})
        assert_same(fc, mine)
        assert mine.headers.get(ACAO) == want, (path, origin)
    # among regex strings: more slashes first
    del resources[re.compile(r"/api/it")]
    for origin, want in (("http://c.org", "http://c.org"), (A, None)):
        request = ("PUT", "/api/items/1", {"Origin": origin})
        fc, mine = both(request, {"resources": resources})
        assert_same(fc, mine)
        assert mine.headers.get(ACAO) == want
    # a compiled pattern comes before regex strings of the same shape
    fc, mine = both(
        ("GET", "/api/items?x", {"Origin": "http://compiled.org"}),
        {"resources": {r"/api/.*": {}, re.compile(r"/api/"): {"origins": [A]}}},
    )
    assert_same(fc, mine)
    assert ACAO not in mine.headers


def test_init_app_options_override_the_constructor_and_stack() -> None:
    def app_with(lib: types.ModuleType, again: bool) -> Flask:
        app = Flask(__name__)
        app.get("/")(lambda: "x")
        ext = lib.CORS(origins=[A], expose_headers="X-One")
        ext.init_app(app, expose_headers="X-Two")
        if again:  # a second hook; Flask runs it first, and it alone answers
            lib.CORS(app, origins="*", expose_headers="X-Three")
        return app

    for again, origin, exposed in ((False, A, "X-Two"), (True, EVIL, "X-Three")):
        fc, mine = (
            app_with(lib, again).test_client().get("/", headers={"Origin": origin})
            for lib in LIBS.values()
        )
        assert_same(fc, mine)
        assert mine.headers["Access-Control-Expose-Headers"] == exposed
        assert mine.headers.getlist(ACAO) == [origin]


def test_stacked_twice_applies_once() -> None:
    got = []
    for lib in LIBS.values():
        app = Flask(__name__)

        @app.get("/")
        @lib.cross_origin(origins=[A])
        @lib.cross_origin(origins=[A])
        def index() -> str:
            return "x"

        got.append(app.test_client().get("/", headers={"Origin": A}))
    assert_same(*got)
    assert got[1].headers.getlist(ACAO) == [A]


def test_method_view_and_async_view() -> None:
    app = Flask(__name__)

    class Things(MethodView):
        decorators: t.ClassVar[list[t.Any]] = [shim.cross_origin(origins=[A])]

        def get(self) -> str:
            return "things"

        def delete(self) -> tuple[str, int]:
            return "", 204

    app.add_url_rule("/things", view_func=Things.as_view("things"))

    @app.get("/later")
    @shim.cross_origin(origins=[A])
    async def later() -> str:
        return "later"

    client = app.test_client()
    r = client.options("/things", headers=preflight("DELETE"))
    assert (r.status_code, r.headers[ACAO]) == (200, A)
    assert r.headers[ACAM] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "DELETE", "OPTIONS"}
    r = client.get("/later", headers={"Origin": A})
    assert (r.get_data(), r.headers[ACAO]) == (b"later", A)


def test_a_respkit_cors_view_keeps_its_policy_under_the_extension() -> None:
    app = Flask(__name__)

    @app.get("/own")
    @cors("http://c.org")
    def own() -> str:
        return "own"

    shim.CORS(app)
    client = app.test_client()
    assert ACAO not in client.get("/own", headers={"Origin": A}).headers
    r = client.get("/own", headers={"Origin": "http://c.org"})
    assert r.headers[ACAO] == "http://c.org"


# -- in a real browser: a page on 127.0.0.1 calls the API on localhost


FETCH = """
async ([url, init]) => {
  try {
    const r = await fetch(url, init);
    return {ok: true, status: r.status, body: await r.text(),
            total: r.headers.get("X-Total")};
  } catch (e) {
    return {ok: false, error: String(e)};
  }
}
"""


def browser_app(calls: list[str]) -> Flask:
    app = Flask(__name__)
    page_origin = r"http://127\.0\.0\.1:\d+"
    shim.CORS(
        app,
        resources={
            r"/api/*": {
                "origins": page_origin,
                "supports_credentials": True,
                "allow_headers": ["X-Custom"],
                "expose_headers": ["X-Total"],
            }
        },
    )

    @app.get("/page")
    def page() -> str:
        return "<!doctype html><title>client</title>"

    @app.get("/api/items")
    def items() -> tuple[list[int], Headers]:
        calls.append("items")
        return [1, 2], {"X-Total": "2"}

    @app.put("/api/items/<int:id>")
    def put_item(id: int) -> dict[str, t.Any]:
        calls.append("put")
        return {"id": id, "custom": request.headers.get("X-Custom")}

    @app.get("/api/prefix")
    @shim.cross_origin(origins=r"http://127\.0\.0\.1")  # a prefix of the page
    def prefix() -> str:
        calls.append("prefix")
        return "prefix"

    return app


@pytest.mark.browser
@pytest.mark.live
def test_in_chromium() -> None:
    from e2e._live import CHROMIUM_ARGS, browser_or_skip, serve

    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    calls: list[str] = []
    with serve(browser_app(calls)) as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        page = browser.new_context().new_page()
        page.goto(f"http://127.0.0.1:{port}/page")
        api = f"http://localhost:{port}"

        def fetch(path: str, **init: t.Any) -> dict[str, t.Any]:
            return t.cast("dict[str, t.Any]", page.evaluate(FETCH, [api + path, init]))

        r = fetch("/api/items", credentials="include")
        assert (r["ok"], r["status"], r["total"]) == (True, 200, "2"), r
        r = fetch(
            "/api/items/7",
            method="PUT",
            credentials="include",
            headers={"X-Custom": "hi", "Content-Type": "application/json"},
            body="{}",
        )
        assert r["ok"], r
        assert r["body"].replace("\n", "") == '{"custom":"hi","id":7}'
        assert calls == ["items", "put"]  # the preflight never reached a view
        # refused: a header outside allow_headers; an origin regex that is
        # only a prefix of the page's origin (Flask-CORS would allow it)
        r = fetch("/api/items/7", method="PUT", headers={"X-Other": "no"})
        assert not r["ok"]
        r = fetch("/api/prefix")
        assert not r["ok"], r
        browser.close()


# -- respkit's own cors(), whose preflight detection the shim shares


@pytest.mark.parametrize("method", ["OPTIONS", "options"])
def test_cors_answers_a_preflight_whatever_the_method_case(method: str) -> None:
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    calls = []
    app = Flask(__name__)

    @app.put("/x")
    @cors([A])
    def x() -> str:
        calls.append("view")
        return "x"

    shim.CORS(app)  # the extension's hook leaves the decorated view alone
    env = EnvironBuilder("/x", method="OPTIONS", headers=preflight("PUT")).get_environ()
    env["REQUEST_METHOD"] = method  # as a server passes it on
    _, status, headers = run_wsgi_app(app, env, buffered=True)
    assert status.upper() == "204 NO CONTENT"  # Werkzeug 3.2 writes "No Content"
    assert (headers[ACAO], headers[ACAM]) == (A, "OPTIONS, PUT")
    assert calls == []
