from __future__ import annotations

import asyncio
import datetime
import re
import typing as t

import pytest
from flask import Blueprint, Flask, Response, abort, make_response
from flask.views import MethodView

from flask_respkit import (
    RespKit,
    auth_challenge,
    cors,
    created,
    csv_export,
    headers,
    link_header,
    paginate,
    response_decorator,
)
from flask_respkit.cross_origin import expose_present

OK = "https://app.example.com"
OTHER = "https://other.example"
ACAO = "Access-Control-Allow-Origin"
ACEH = "Access-Control-Expose-Headers"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


def preflight(
    client: t.Any,
    path: str,
    method: str = "PUT",
    origin: str = OK,
    request_headers: str | None = None,
    **extra: str,
) -> t.Any:
    sent = {"Origin": origin, "Access-Control-Request-Method": method, **extra}
    if request_headers is not None:
        sent["Access-Control-Request-Headers"] = request_headers
    return client.options(path, headers=sent)


def vary_of(r: t.Any) -> list[str]:
    return [v.strip() for line in r.headers.getlist("Vary") for v in line.split(",")]


# -- options are validated when the decorator is made ------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"origins": "https://a.example/"}, ValueError, "origins.*serialized"),
        ({"origins": "https://a.example/path"}, ValueError, "serialized origin"),
        ({"origins": "a.example"}, ValueError, "serialized origin"),
        ({"origins": "https://*example.com"}, ValueError, "not an origin pattern"),
        ({"origins": "https://a.example:99999"}, ValueError, "serialized origin"),
        ({"origins": "https://a.example\r\nX-Evil: 1"}, ValueError, "control"),
        ({"origins": ["https://a.example", "*"]}, ValueError, "alone"),
        ({"origins": []}, ValueError, "empty"),
        ({"origins": [5]}, TypeError, "str or re.Pattern"),
        ({"origins": b"https://a.example"}, TypeError, "origins"),
        ({"origins": 5}, TypeError, "origins"),
        ({"methods": ["GET", "P UT"]}, ValueError, "methods"),
        ({"methods": ["GET\r\n"]}, ValueError, "methods"),
        ({"allow_headers": ["X-Ok", "Bad\nName"]}, ValueError, "allow_headers"),
        ({"expose_headers": ["X-Id\r\nSet-Cookie: a=b"]}, ValueError, "expose"),
        ({"expose_headers": 5}, TypeError, "expose_headers"),
        ({"max_age": -1}, ValueError, "max_age"),
        ({"max_age": "600"}, TypeError, "max_age"),
        ({"max_age": True}, TypeError, "max_age"),
        ({"allow_credentials": "yes"}, TypeError, "allow_credentials"),
        ({"allow_private_network": 1}, TypeError, "allow_private_network"),
    ],
)
def test_bad_options_fail_when_the_decorator_is_made(
    kwargs: dict[str, t.Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        cors(**kwargs)


def test_credentials_with_any_origin_fail_when_made() -> None:
    with pytest.raises(ValueError, match=r"allow_credentials=True.*origins='\*'"):
        cors("*", allow_credentials=True)
    with pytest.raises(ValueError, match="allow_credentials"):
        cors(origins="*", allow_credentials=True)


def test_credentials_with_configured_any_origin_fail_on_first_use(app: Flask) -> None:
    app.config["RESPKIT_CORS_ORIGINS"] = "*"  # validated at init_app already

    @app.get("/")
    @cors(allow_credentials=True)
    def view() -> str:
        return "x"

    with pytest.raises(ValueError, match="allow_credentials=True"):
        app.test_client().get("/", headers={"Origin": OK})


def test_credentials_without_extension_use_builtin_any_origin(bare_app: Flask) -> None:
    @bare_app.get("/")
    @cors(allow_credentials=True)
    def view() -> str:
        return "x"

    with pytest.raises(ValueError, match="allow_credentials=True"):
        bare_app.test_client().get("/")


# -- actual requests -----------------------------------------------------------


def test_allowed_origin_is_reflected_with_vary(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @cors([OK, "https://other.example"])
    def view() -> str:
        return "body"

    r = client.get("/", headers={"Origin": OK})
    assert r.headers.getlist(ACAO) == [OK]
    assert vary_of(r) == ["Origin"]
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert r.data == b"body"


def test_credentials_are_announced(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @cors(OK, allow_credentials=True)
    def view() -> str:
        return "x"

    r = client.get("/", headers={"Origin": OK})
    assert r.headers[ACAO] == OK
    assert r.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.parametrize("origin", [None, "https://evil.example"])
def test_rejected_or_missing_origin_runs_view_without_cors(
    app: Flask, client: t.Any, origin: str | None
) -> None:
    calls = []

    @app.get("/")
    @cors(OK, allow_credentials=True, expose_headers=["X-Id"])
    def view() -> tuple[str, dict[str, str]]:
        calls.append(1)
        return "body", {"Link": "<https://a.example/>; rel=next"}

    r = client.get("/", headers={"Origin": origin} if origin else {})
    assert r.data == b"body"
    assert calls == [1]
    assert ACAO not in r.headers
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert ACEH not in r.headers
    assert vary_of(r) == ["Origin"]


@pytest.mark.parametrize("origin", [None, OK, "null", "https://anyone.example"])
def test_any_origin_sends_a_star_and_no_vary(
    bare_app: Flask, origin: str | None
) -> None:
    @bare_app.get("/")
    @cors()
    def view() -> str:
        return "x"

    r = bare_app.test_client().get("/", headers={"Origin": origin} if origin else {})
    assert r.headers.getlist(ACAO) == ["*"]
    assert "Vary" not in r.headers


def test_origins_compare_case_insensitively_and_reflect_as_sent(
    app: Flask, client: t.Any
) -> None:
    @app.get("/")
    @cors("HTTPS://App.Example.COM")
    def view() -> str:
        return "x"

    assert client.get("/", headers={"Origin": OK}).headers[ACAO] == OK
    shouted = "HTTPS://APP.EXAMPLE.COM"
    assert client.get("/", headers={"Origin": shouted}).headers[ACAO] == shouted


def test_default_port_in_an_option_matches_what_browsers_send(
    app: Flask, client: t.Any
) -> None:
    @app.get("/")
    @cors(["https://app.example.com:443", "http://dev.example:8080", "http://[::1]:80"])
    def view() -> str:
        return "x"

    assert client.get("/", headers={"Origin": OK}).headers[ACAO] == OK
    dev = "http://dev.example:8080"
    assert client.get("/", headers={"Origin": dev}).headers[ACAO] == dev
    assert ACAO not in client.get("/", headers={"Origin": "http://dev.example"}).headers
    ipv6 = client.get("/", headers={"Origin": "http://[::1]"})
    assert ipv6.headers[ACAO] == "http://[::1]"


REGEX = re.compile(r"https://[a-z0-9-]+\.example\.com")

# Origins that look like an allowed one; every one must be refused.
LOOK_ALIKES = [
    "https://app.example.com.evil.com",  # suffix
    "https://evil-app.example.com.attacker.net",  # suffix on a regex match
    "https://app.example.comevil.com",  # glued suffix
    "https://evilapp.example.com",  # prefix (exact list)
    "http://app.example.com",  # scheme
    "https://app.example.com:8443",  # port
    "https://app.example.com/",  # trailing slash
    "https://app.example.com/path",  # path
    "null",  # opaque origin
    " https://app.example.com",  # whitespace
    "https://app.example.com\t",
    "https://app.example.com@evil.com",  # userinfo trick
    "https://app.example.com%2eevil.com",
    "",
]


ORIGIN_FORMS = {
    "exact": OK,
    "list": [OK],
    "regex": [re.compile(r"https://app\.example\.com")],
    "subdomain-regex": [REGEX],  # allows https://evilapp.example.com on purpose
    "subdomain-pattern": "https://*.example.com",  # so does this
}


@pytest.mark.parametrize(
    ("origins", "origin"),
    [
        pytest.param(origins, origin, id=f"{form}-{origin!r}")
        for form, origins in ORIGIN_FORMS.items()
        for origin in LOOK_ALIKES
        if not (
            form.startswith("subdomain") and origin == "https://evilapp.example.com"
        )
    ],
)
def test_look_alike_origins_are_refused(
    bare_app: Flask, origin: str, origins: t.Any
) -> None:
    @bare_app.route("/", methods=["GET", "PUT"])
    @cors(origins)
    def view() -> str:
        return "x"

    client = bare_app.test_client()
    r = client.get("/", environ_overrides={"HTTP_ORIGIN": origin})
    assert r.status_code == 200
    assert ACAO not in r.headers
    p = client.options(
        "/",
        environ_overrides={
            "HTTP_ORIGIN": origin,
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
        },
    )
    assert p.status_code == 403
    assert ACAO not in p.headers


def test_regex_origins_must_match_in_full(bare_app: Flask) -> None:
    @bare_app.get("/")
    @cors([REGEX])
    def view() -> str:
        return "x"

    client = bare_app.test_client()
    good = "https://x-1.example.com"
    assert client.get("/", headers={"Origin": good}).headers[ACAO] == good
    for bad in ("https://x.example.com.evil.com", "xhttps://x.example.com"):
        assert ACAO not in client.get("/", headers={"Origin": bad}).headers


def test_null_matches_only_when_listed(bare_app: Flask) -> None:
    @bare_app.get("/any-pattern")
    @cors([re.compile(r".*")])
    def any_pattern() -> str:
        return "x"

    @bare_app.get("/callable")
    @cors(lambda origin: True)
    def any_callable() -> str:
        return "x"

    @bare_app.get("/listed")
    @cors([OK, "null"])
    def listed() -> str:
        return "x"

    client = bare_app.test_client()
    null = {"Origin": "null"}
    assert ACAO not in client.get("/any-pattern", headers=null).headers
    assert ACAO not in client.get("/callable", headers=null).headers
    assert client.get("/listed", headers=null).headers[ACAO] == "null"
    for odd in ("NULL", "Null"):  # the serialized opaque origin is lower-case
        assert ACAO not in client.get("/listed", headers={"Origin": odd}).headers
        assert preflight(client, "/listed", "GET", odd).status_code == 403
    upper = {"Origin": OK.upper()}  # real origins stay case-insensitive
    assert client.get("/listed", headers=upper).headers[ACAO] == OK.upper()


def test_callable_sees_only_well_formed_origins(bare_app: Flask) -> None:
    seen: list[str] = []

    def trusted(origin: str) -> bool:
        seen.append(origin)
        return origin.endswith(".trusted.example")

    @bare_app.get("/")
    @cors(trusted)
    def view() -> str:
        return "x"

    client = bare_app.test_client()
    good = "https://a.trusted.example"
    assert client.get("/", headers={"Origin": good}).headers[ACAO] == good
    hostile = "https://x/<script>.trusted.example"
    assert ACAO not in client.get("/", headers={"Origin": hostile}).headers
    assert ACAO not in client.get("/", headers={"Origin": "https://b.example"}).headers
    assert seen == [good, "https://b.example"]


def test_callable_errors_are_not_hidden(bare_app: Flask) -> None:
    def broken(origin: str) -> bool:
        raise KeyError("user bug")

    @bare_app.get("/")
    @cors(broken)
    def view() -> str:
        return "x"

    with pytest.raises(KeyError, match="user bug"):
        bare_app.test_client().get("/", headers={"Origin": OK})


@pytest.mark.parametrize(
    "origin", ["https://app.example.com\r\nX-Evil: 1", "https://app.example.com\x00"]
)
def test_hostile_origin_is_never_reflected(bare_app: Flask, origin: str) -> None:
    @bare_app.get("/")
    @cors([REGEX, OK])
    def view() -> str:
        return "x"

    r = bare_app.test_client().get("/", environ_overrides={"HTTP_ORIGIN": origin})
    assert r.status_code == 200
    assert ACAO not in r.headers
    assert "X-Evil" not in r.headers


def test_existing_vary_and_cookies_are_kept(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @cors(OK)
    def view() -> Response:
        response = make_response("x")
        response.headers.add("Vary", "Accept-Encoding")
        response.headers.add("Vary", "Accept-Language")
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    r = client.get("/", headers={"Origin": OK})
    assert vary_of(r) == ["Accept-Encoding", "Accept-Language", "Origin"]
    assert len(r.headers.getlist("Set-Cookie")) == 2


def test_never_two_allow_origin_values(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @cors(["https://other.example", OK])
    @cors(OK, expose_headers=["X-A"])
    def view() -> tuple[str, dict[str, str]]:
        return "x", {ACAO: "https://stale.example"}

    r = client.get("/", headers={"Origin": OK})
    assert r.headers.getlist(ACAO) == [OK]
    assert vary_of(r) == ["Origin"]


def test_the_same_cors_stacked_twice_applies_once(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @cors(OK, expose_headers=["X-A"])
    @cors(OK, expose_headers=["X-A"])
    def view() -> str:
        return "x"

    r = client.get("/", headers={"Origin": OK})
    assert r.headers.getlist(ACEH) == [f"X-A, {KIT_LIST}"]
    assert r.headers.getlist("Vary") == ["Origin"]


# -- Access-Control-Expose-Headers ----------------------------------------------

#: What every CORS answer of the kit exposes besides the policy's own names.
KIT_LIST = (
    "Link, X-Total-Count, WWW-Authenticate, Content-Disposition, Location,"
    " ETag, Deprecation, Sunset"
)

KIT_HEADERS = {
    "Link": '<https://api.example/items?page=2>; rel="next"',
    "X-Total-Count": "42",
    "WWW-Authenticate": 'Bearer realm="api"',
    "Content-Disposition": 'attachment; filename="a.csv"',
    "Location": "https://api.example/items/1",
    "ETag": '"v1"',
}


def test_kit_headers_present_are_exposed(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @cors(OK, expose_headers=["X-Request-Id", "link"])
    def view() -> tuple[str, dict[str, str]]:
        return "x", {**KIT_HEADERS, "X-Other": "not exposed"}

    r = client.get("/", headers={"Origin": OK})
    assert r.headers[ACEH] == (
        "X-Request-Id, link, X-Total-Count, WWW-Authenticate,"
        " Content-Disposition, Location, ETag, Deprecation, Sunset"
    )


def test_the_kit_headers_are_exposed_as_one_constant_list(
    app: Flask, client: t.Any
) -> None:
    # A listed header that is absent is harmless: no per-request detection.
    @app.get("/bare")
    @cors(OK)
    def bare() -> str:
        return "x"

    @app.get("/one")
    @cors(OK, expose_headers=["X-Id"])
    def one() -> tuple[str, dict[str, str]]:
        return "x", {"X-Total-Count": "3"}

    assert client.get("/bare", headers={"Origin": OK}).headers[ACEH] == KIT_LIST
    r = client.get("/one", headers={"Origin": OK})
    assert r.headers.getlist(ACEH) == [f"X-Id, {KIT_LIST}"]
    assert ACEH not in client.get("/bare", headers={"Origin": OTHER}).headers


def test_expose_headers_the_view_set_are_kept(app: Flask, client: t.Any) -> None:
    @app.get("/mine")
    @cors(OK)
    def mine() -> tuple[str, dict[str, str]]:
        return "x", {ACEH: "X-Mine", "Link": KIT_HEADERS["Link"]}

    @app.get("/overlap")
    @cors(OK, expose_headers=["X-Id", "X-Mine"])
    def overlap() -> tuple[str, dict[str, str]]:
        return "x", {ACEH: "x-mine, link", "Link": KIT_HEADERS["Link"]}

    r = client.get("/mine", headers={"Origin": OK})
    assert r.headers.getlist(ACEH) == [f"X-Mine, {KIT_LIST}"]
    r = client.get("/overlap", headers={"Origin": OK})
    rest = KIT_LIST.replace("Link, ", "")
    assert r.headers.getlist(ACEH) == [f"x-mine, link, X-Id, {rest}"]


@response_decorator
def add_link(response: Response) -> None:
    response.headers.add("Link", '<https://api.example/?page=2>; rel="next"')


@response_decorator(errors=True)
def add_challenge(response: Response) -> None:
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'


def test_headers_from_decorators_below_cors_are_exposed(
    app: Flask, client: t.Any
) -> None:
    @app.post("/")
    @cors(OK)
    @created("https://api.example/items/1")
    @add_link
    @headers({"X-Total-Count": "1"})
    def view() -> str:
        return "x"

    r = client.post("/", headers={"Origin": OK})
    assert r.status_code == 201
    assert r.headers[ACEH] == KIT_LIST


def test_headers_from_decorators_above_cors_are_exposed(
    app: Flask, client: t.Any
) -> None:
    @app.post("/")
    @created("https://api.example/items/1")
    @add_link
    @headers({"Content-Disposition": "inline"})
    @cors(OK, expose_headers=["X-Id"])
    def view() -> str:
        return "x"

    r = client.post("/", headers={"Origin": OK})
    assert r.status_code == 201
    assert r.headers.getlist(ACEH) == [f"X-Id, {KIT_LIST}"]
    other = client.post("/", headers={"Origin": "https://evil.example"})
    assert ACEH not in other.headers


def test_error_headers_from_decorators_above_cors_are_exposed(
    app: Flask, client: t.Any
) -> None:
    @app.get("/")
    @add_challenge
    @cors(OK)
    def view() -> str:
        abort(401)

    r = client.get("/", headers={"Origin": OK})
    assert r.status_code == 401
    assert r.headers[ACAO] == OK
    assert r.headers[ACEH] == KIT_LIST


def test_app_wide_401_challenge_is_exposed(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @cors(OK)
    def view() -> tuple[str, int]:
        return "who?", 401

    r = client.get("/", headers={"Origin": OK})
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert r.headers[ACEH] == KIT_LIST


def test_expose_present_leaves_non_cors_responses_alone() -> None:
    response = Response("x", headers={"Link": "<a>; rel=next"})
    assert ACEH not in expose_present(response).headers
    response.headers[ACAO] = OK
    response.headers[ACEH] = "X-A"
    assert expose_present(response).headers[ACEH] == "X-A, Link"


# -- preflights ------------------------------------------------------------------


def test_allowed_preflight_is_answered_without_the_view(
    app: Flask, client: t.Any
) -> None:
    calls = []

    @app.route("/", methods=["GET", "PUT", "OPTIONS"])
    @cors(OK, allow_credentials=True, max_age=600)
    def view() -> str:
        calls.append(1)
        return "view"

    r = preflight(client, "/", request_headers="content-type,x-custom,authorization")
    assert r.status_code == 204
    assert r.data == b""
    assert calls == []
    assert "Content-Type" not in r.headers
    assert r.headers[ACAO] == OK
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS, PUT"
    assert (
        r.headers["Access-Control-Allow-Headers"]
        == "content-type,x-custom,authorization"
    )
    assert r.headers["Access-Control-Max-Age"] == "600"
    assert r.headers["Vary"] == PREFLIGHT_VARY
    assert "Access-Control-Allow-Private-Network" not in r.headers


def test_preflight_reaches_a_route_without_options_in_methods(
    app: Flask, client: t.Any
) -> None:
    @app.delete("/items/<int:id>")
    @cors(OK, max_age=datetime.timedelta(hours=1))
    def delete(id: int) -> str:
        raise AssertionError("the view must not run for a preflight")

    r = preflight(client, "/items/3", method="DELETE")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Methods"] == "DELETE, OPTIONS"
    assert r.headers["Access-Control-Max-Age"] == "3600"


@pytest.mark.parametrize(
    ("kwargs", "sent", "reason"),
    [
        ({}, {"origin": "https://evil.example"}, "origin not allowed"),
        ({"methods": ["GET", "POST"]}, {"method": "PUT"}, "method not allowed"),
        ({"methods": ["GET"]}, {"method": "ET"}, "method not allowed"),
        ({"methods": ["GET"]}, {"method": "G"}, "method not allowed"),
        ({"methods": ["GET", "PUT"]}, {"method": "GET, PUT"}, "method not allowed"),
        ({"methods": ["put"]}, {"method": "put"}, "method not allowed"),
        ({}, {"method": "DELETE"}, "method not allowed"),  # not a route method
        (
            {"allow_headers": ["X-Token"]},
            {"request_headers": "x-token,x-other"},
            "request headers",
        ),
        (
            {"allow_headers": ["X-Token"]},
            {"request_headers": "x-tok"},
            "request headers",
        ),
        ({}, {"request_headers": "x-a\r\nx-b: c"}, "request headers"),
        ({}, {"request_headers": "x-a;b"}, "request headers"),
        (
            {},
            {"Access-Control-Request-Private-Network": "true"},
            "private network",
        ),
    ],
)
def test_disallowed_preflight_is_refused_with_a_reason(
    bare_app: Flask, kwargs: dict[str, t.Any], sent: dict[str, str], reason: str
) -> None:
    calls = []

    @bare_app.route("/", methods=["GET", "PUT", "POST"])
    @cors(OK, **kwargs)
    def view() -> str:
        calls.append(1)
        return "x"

    client = bare_app.test_client()
    extra = {
        "HTTP_" + k.upper().replace("-", "_"): v
        for k, v in sent.items()
        if k not in {"origin", "method", "request_headers"}
    }
    environ = {
        "HTTP_ORIGIN": sent.get("origin", OK),
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": sent.get("method", "PUT"),
        **extra,
    }
    if "request_headers" in sent:
        environ["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = sent["request_headers"]
    r = client.options("/", environ_overrides=environ)
    assert r.status_code == 403
    assert r.mimetype == "text/plain"
    assert reason in r.get_data(as_text=True)
    assert ACAO not in r.headers
    assert r.headers["Vary"] == PREFLIGHT_VARY
    assert calls == []


def test_methods_option_is_announced_upper_cased(app: Flask, client: t.Any) -> None:
    @app.route("/", methods=["GET", "PUT", "PATCH"])
    @cors(OK, methods="get, put")
    def view() -> str:
        return "x"

    r = preflight(client, "/", method="PUT")
    assert r.headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert preflight(client, "/", method="PATCH").status_code == 403


def test_explicit_allow_headers_echo_the_allowed_and_safelisted(
    app: Flask, client: t.Any
) -> None:
    @app.put("/")
    @cors(OK, allow_headers=["X-Token", "Authorization"])
    def view() -> str:
        return "x"

    r = preflight(client, "/", request_headers="Content-Type, x-token,AUTHORIZATION")
    assert r.status_code == 204
    allowed = r.headers["Access-Control-Allow-Headers"]
    assert allowed == "content-type, x-token, authorization"


def test_star_allow_headers_echo_authorization(app: Flask, client: t.Any) -> None:
    @app.put("/")
    @cors(OK)
    def view() -> str:
        return "x"

    r = preflight(client, "/", request_headers="authorization")
    assert r.headers["Access-Control-Allow-Headers"] == "authorization"
    assert "Access-Control-Allow-Headers" not in preflight(client, "/").headers


def test_private_network_preflight_when_enabled(app: Flask, client: t.Any) -> None:
    @app.put("/")
    @cors(OK, allow_private_network=True)
    def view() -> str:
        return "x"

    r = preflight(client, "/", **{"Access-Control-Request-Private-Network": "true"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Private-Network"] == "true"
    plain = preflight(client, "/")
    assert "Access-Control-Allow-Private-Network" not in plain.headers


def test_any_origin_preflight_sends_a_star(bare_app: Flask) -> None:
    @bare_app.put("/")
    @cors()
    def view() -> str:
        return "x"

    r = preflight(bare_app.test_client(), "/")
    assert r.status_code == 204
    assert r.headers[ACAO] == "*"


def test_preflight_for_a_sibling_rule_uses_its_policy(
    app: Flask, client: t.Any
) -> None:
    @app.get("/items")
    @cors(OK)
    def list_items() -> str:
        return "list"

    @app.post("/items")
    @cors([OK, OTHER], allow_headers=["X-Token"])
    def add_item() -> str:
        return "added"

    @app.get("/things")
    @cors(OK)
    def list_things() -> str:
        return "list"

    @app.post("/things")
    @cors(OTHER)
    def add_thing() -> str:
        return "added"

    @app.get("/other")
    @cors(OK)
    def other() -> str:
        return "x"

    @app.post("/other")
    def other_post() -> str:
        return "no cors here"

    r = preflight(client, "/items", method="POST", request_headers="x-token")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Methods"] == "OPTIONS, POST"
    refused = preflight(client, "/items", method="POST", request_headers="x-other")
    assert refused.status_code == 403
    assert preflight(client, "/items", method="PUT").status_code == 403
    assert preflight(client, "/other", method="POST").status_code == 403
    # the sibling's origins decide, not those of the rule that got the OPTIONS
    r = preflight(client, "/items", method="POST", origin=OTHER)
    assert r.status_code == 204
    assert r.headers[ACAO] == OTHER
    r = preflight(client, "/things", method="POST", origin=OTHER)
    assert r.status_code == 204
    assert r.headers[ACAO] == OTHER
    assert client.post("/things", headers={"Origin": OTHER}).headers[ACAO] == OTHER
    assert preflight(client, "/things", method="POST").status_code == 403
    assert ACAO not in client.post("/things", headers={"Origin": OK}).headers
    assert preflight(client, "/things", method="GET", origin=OTHER).status_code == 403


@pytest.mark.parametrize("config", [{}, {"RESPKIT_CORS_METHODS": ["GET", "POST"]}])
@pytest.mark.parametrize("methods", [None, ["GET", "POST", "DELETE", "PATCH"]])
def test_a_method_no_cors_route_serves_is_refused(
    config: dict[str, t.Any], methods: list[str] | None
) -> None:
    app = Flask(__name__)
    app.config.update(config)
    RespKit(app)

    @app.get("/items")
    @cors(OK, methods=methods, allow_credentials=True)
    def items() -> str:
        return "list"

    @app.post("/items")
    def add_item() -> str:
        raise AssertionError("never opted in to CORS")

    @app.route("/items", methods=["PATCH"])
    @cors(OK, methods=methods)
    def patch_items() -> str:
        return "patched"

    client = app.test_client()
    for method in ("POST", "DELETE", "PUT"):
        r = preflight(client, "/items", method=method)
        assert (r.status_code, ACAO in r.headers) == (403, False), method
        assert b"method not allowed" in r.data
    assert preflight(client, "/items", method="GET").status_code == 204
    assert preflight(client, "/items", method="PATCH").status_code == 204


def test_plain_options_gets_flasks_answer_plus_cors(app: Flask, client: t.Any) -> None:
    @app.route("/", methods=["GET", "PUT"])
    @cors(OK)
    def view() -> str:
        raise AssertionError("Flask answers a plain OPTIONS")

    for sent in ({"Origin": OK}, {"Origin": OK, "X": "y"}):
        r = client.options("/", headers=sent)
        assert r.status_code == 200
        assert set(r.allow) == {"GET", "HEAD", "OPTIONS", "PUT"}
        assert r.headers[ACAO] == OK
        assert vary_of(r) == ["Origin"]
    # Access-Control-Request-Method without Origin is no preflight
    no_origin = client.options("/", headers={"Access-Control-Request-Method": "PUT"})
    assert no_origin.status_code == 200
    assert ACAO not in no_origin.headers


# -- MethodView ------------------------------------------------------------------


def test_method_view_decorators_receive_preflights(app: Flask, client: t.Any) -> None:
    class Items(MethodView):
        decorators: t.ClassVar[list[t.Any]] = [cors(OK)]

        def get(self) -> str:
            return "list"

        def put(self) -> str:
            return "put"

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    r = preflight(client, "/items")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS, PUT"
    plain = client.options("/items", headers={"Origin": OK})
    assert set(plain.allow) == {"GET", "HEAD", "OPTIONS", "PUT"}
    assert plain.headers[ACAO] == OK
    assert client.put("/items", headers={"Origin": OK}).headers[ACAO] == OK


def test_method_view_with_its_own_options_handles_plain_options(
    app: Flask, client: t.Any
) -> None:
    class Items(MethodView):
        decorators: t.ClassVar[list[t.Any]] = [cors(OK)]

        def get(self) -> str:
            return "list"

        def options(self) -> tuple[str, dict[str, str]]:
            return "custom", {"Allow": "GET"}

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    plain = client.options("/items", headers={"Origin": OK})
    assert plain.data == b"custom"
    assert plain.headers[ACAO] == OK
    r = preflight(client, "/items", method="GET")
    assert r.status_code == 204
    assert r.data == b""


def test_function_view_declaring_options_handles_plain_options(
    app: Flask, client: t.Any
) -> None:
    def handler() -> tuple[str, dict[str, str]]:
        return "mine", {"Allow": "GET, OPTIONS"}

    handler.methods = ["GET", "OPTIONS"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=cors(OK)(handler))
    plain = client.options("/", headers={"Origin": OK})
    assert plain.data == b"mine"
    assert plain.headers[ACAO] == OK
    assert preflight(client, "/", method="GET").data == b""


# -- errors ------------------------------------------------------------------------


def test_abort_in_the_view_carries_cors(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @cors(OK)
    def view() -> str:
        abort(404)

    r = client.get("/", headers={"Origin": OK})
    assert r.status_code == 404
    assert r.headers[ACAO] == OK
    assert vary_of(r) == ["Origin"]


def test_uncaught_exception_and_error_handler_carry_cors(app: Flask) -> None:
    app.config["TESTING"] = False
    handled = []

    @app.errorhandler(409)
    def conflict(e: Exception) -> tuple[dict[str, str], int]:
        handled.append(1)
        return {"message": "conflict"}, 409

    @app.get("/crash")
    @cors(OK)
    def crash() -> str:
        raise RuntimeError("boom")

    @app.get("/conflict")
    @cors(OK)
    def conflicted() -> str:
        abort(409)

    client = app.test_client()
    r = client.get("/crash", headers={"Origin": OK})
    assert r.status_code == 500
    assert r.headers[ACAO] == OK
    r = client.get("/conflict", headers={"Origin": OK})
    assert r.status_code == 409
    assert r.json == {"message": "conflict"}
    assert handled == [1]
    assert r.headers[ACAO] == OK
    assert ACAO not in client.get("/crash", headers={"Origin": "https://e.x"}).headers


def test_async_view(app: Flask, client: t.Any) -> None:
    @app.put("/")
    @cors(OK)
    async def view() -> str:
        await asyncio.sleep(0)
        return "async"

    assert client.put("/", headers={"Origin": OK}).headers[ACAO] == OK
    assert preflight(client, "/").status_code == 204


# -- configuration ---------------------------------------------------------------


def test_options_left_out_take_the_app_config(app: Flask) -> None:
    other = Flask(__name__)
    other.config.update(
        RESPKIT_CORS_ORIGINS=[OK],
        RESPKIT_CORS_ALLOW_CREDENTIALS=True,
        RESPKIT_CORS_EXPOSE_HEADERS="X-Id",
        RESPKIT_CORS_MAX_AGE=60,
        RESPKIT_CORS_METHODS=["PUT"],
    )
    RespKit(other)
    decorator = cors(expose_headers=["X-Explicit"])
    for target in (app, other):

        @target.put("/")
        @decorator
        def view() -> str:
            return "x"

    mine = other.test_client().put("/", headers={"Origin": OK})
    assert mine.headers[ACAO] == OK
    assert mine.headers["Access-Control-Allow-Credentials"] == "true"
    assert mine.headers[ACEH] == f"X-Explicit, {KIT_LIST}"
    p = preflight(other.test_client(), "/")
    assert p.headers["Access-Control-Max-Age"] == "60"
    assert p.headers["Access-Control-Allow-Methods"] == "PUT"
    default = app.test_client().put("/", headers={"Origin": OK})
    assert default.headers[ACAO] == "*"


# -- blueprints --------------------------------------------------------------------


def test_blueprint_gets_cors_on_every_route(app: Flask, client: t.Any) -> None:
    bp = Blueprint("api", __name__, url_prefix="/api")

    @bp.get("/early")
    def early() -> str:
        return "early"

    assert cors(OK, max_age=5)(bp) is bp

    @bp.route("/a")
    @bp.route("/b", methods=["PUT"])
    def late() -> str:
        return "late"

    @bp.get("/own")
    @cors("https://own.example")
    def own() -> str:
        return "own"

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="api2", url_prefix="/v2")

    @app.get("/outside")
    def outside() -> str:
        return "outside"

    for path in ("/api/early", "/api/a", "/v2/a"):
        assert client.get(path, headers={"Origin": OK}).headers[ACAO] == OK
    r = preflight(client, "/api/b")
    assert r.status_code == 204
    assert r.headers["Access-Control-Max-Age"] == "5"
    assert ACAO not in client.get("/outside", headers={"Origin": OK}).headers
    assert ACAO not in client.get("/api/own", headers={"Origin": OK}).headers
    own_origin = {"Origin": "https://own.example"}
    assert (
        client.get("/api/own", headers=own_origin).headers[ACAO] == own_origin["Origin"]
    )


def test_blueprint_route_with_explicit_automatic_options(
    app: Flask, client: t.Any
) -> None:
    # Before 3.2, Flask routes OPTIONS to a rule only when it decides on
    # automatic options itself; an explicit provide_automatic_options=True
    # leaves OPTIONS out of the rule's methods: Flask answers a preflight 405
    # before any hook runs. Flask 3.2 routes it.
    bp = Blueprint("api", __name__)
    bp.add_url_rule("/x", "x", lambda: "x", provide_automatic_options=True)
    bp.add_url_rule("/y", "y", lambda: "y")
    cors(OK)(bp)
    app.register_blueprint(bp)
    rule = next(app.url_map.iter_rules("api.x"))
    r = preflight(client, "/x", "GET")
    if "OPTIONS" in (rule.methods or ()):
        assert (r.status_code, r.headers[ACAO]) == (204, OK)
    else:
        assert r.status_code == 405
    assert client.get("/x", headers={"Origin": OK}).headers[ACAO] == OK
    r = preflight(client, "/y", "GET")
    assert (r.status_code, r.headers[ACAO]) == (204, OK)


def test_blueprint_cors_covers_nested_blueprints(app: Flask, client: t.Any) -> None:
    outer = Blueprint("outer", __name__, url_prefix="/outer")
    inner = Blueprint("inner", __name__, url_prefix="/inner")
    deep = Blueprint("deep", __name__, url_prefix="/deep")
    own = Blueprint("own", __name__, url_prefix="/own")
    for bp in (inner, deep, own):
        bp.add_url_rule("/x", view_func=lambda: "x")
    cors(OTHER)(own)
    inner.register_blueprint(deep)
    outer.register_blueprint(inner)
    outer.register_blueprint(own)
    cors(OK, max_age=5)(outer)
    app.register_blueprint(outer)
    app.register_blueprint(inner, name="alone", url_prefix="/alone")

    for path in ("/outer/inner/x", "/outer/inner/deep/x"):
        assert client.get(path, headers={"Origin": OK}).headers[ACAO] == OK
        r = preflight(client, path, "GET")
        assert r.status_code == 204
        assert r.headers["Access-Control-Max-Age"] == "5"
    # a nested blueprint's own cors() wins; registered elsewhere, no cors
    assert ACAO not in client.get("/outer/own/x", headers={"Origin": OK}).headers
    r = client.get("/outer/own/x", headers={"Origin": OTHER})
    assert r.headers[ACAO] == OTHER
    for path in ("/alone/x", "/alone/deep/x"):
        assert ACAO not in client.get(path, headers={"Origin": OK}).headers


def test_blueprint_already_registered_is_refused(app: Flask) -> None:
    bp = Blueprint("late", __name__)
    app.register_blueprint(bp)
    with pytest.raises(RuntimeError, match="already registered"):
        cors(OK)(bp)


# -- RESPKIT_CORS_RESOURCES ------------------------------------------------------


def resource_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(TESTING=False, **config)
    RespKit(app)

    @app.get("/api/items")
    def items() -> tuple[str, dict[str, str]]:
        return "items", {"X-Total-Count": "2"}

    @app.route("/api/items", methods=["PUT", "DELETE"])
    def change_items() -> str:
        return "changed"

    @app.get("/apix")
    def apix() -> str:
        return "apix"

    @app.get("/v1/api/items")
    def nested() -> str:
        return "nested"

    @app.get("/api/crash")
    def crash() -> str:
        raise RuntimeError("boom")

    @app.get("/api/own")
    @cors("https://own.example")
    def own() -> str:
        return "own"

    @app.get("/files/<name>")
    def files(name: str) -> str:
        return name

    return app


def test_resources_apply_by_full_path_match() -> None:
    app = resource_app(RESPKIT_CORS_RESOURCES={r"/api/.*": {"origins": [OK]}})
    client = app.test_client()
    r = client.get("/api/items", headers={"Origin": OK})
    assert r.headers[ACAO] == OK
    assert r.headers[ACEH] == KIT_LIST
    assert vary_of(r) == ["Origin"]
    for path in ("/apix", "/v1/api/items"):
        assert ACAO not in client.get(path, headers={"Origin": OK}).headers
    assert (
        ACAO not in client.get("/api/items", headers={"Origin": "https://e.x"}).headers
    )


def test_resources_cover_errors_and_unknown_routes() -> None:
    app = resource_app(RESPKIT_CORS_RESOURCES={r"/api/.*": {"origins": [OK]}})
    client = app.test_client()
    missing = client.get("/api/nope", headers={"Origin": OK})
    assert missing.status_code == 404
    assert missing.headers[ACAO] == OK
    crash = client.get("/api/crash", headers={"Origin": OK})
    assert crash.status_code == 500
    assert crash.headers[ACAO] == OK
    p = preflight(client, "/api/nope", method="PATCH")
    assert p.status_code == 204
    assert "PATCH" in p.headers["Access-Control-Allow-Methods"]


def test_resource_preflights_use_the_route_serving_the_method() -> None:
    app = resource_app(
        RESPKIT_CORS_RESOURCES={r"/api/.*": {"origins": [OK], "max_age": 30}}
    )
    client = app.test_client()
    r = preflight(client, "/api/items", method="DELETE")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Methods"] == "DELETE, OPTIONS, PUT"
    assert r.headers["Access-Control-Max-Age"] == "30"
    for refused in (
        preflight(client, "/api/items", origin="https://e.x"),
        preflight(client, "/api/items", method="PATCH"),
        preflight(
            client, "/api/items", **{"Access-Control-Request-Private-Network": "true"}
        ),
    ):
        assert refused.status_code == 403
        assert ACAO not in refused.headers
        assert refused.headers["Vary"] == PREFLIGHT_VARY


def test_a_view_decorator_wins_over_a_resource() -> None:
    app = resource_app(RESPKIT_CORS_RESOURCES={r"/api/.*": {"origins": [OK]}})
    client = app.test_client()
    assert ACAO not in client.get("/api/own", headers={"Origin": OK}).headers
    own = "https://own.example"
    r = client.get("/api/own", headers={"Origin": own})
    assert r.headers.getlist(ACAO) == [own]
    assert preflight(client, "/api/own", method="GET").status_code == 403
    assert preflight(client, "/api/own", method="GET", origin=own).status_code == 204


@pytest.mark.parametrize("decorated", ["GET", "POST"])
def test_a_preflight_meets_the_decorator_of_the_requested_method(
    decorated: str,
) -> None:
    # Flask matches OPTIONS to the first rule (GET); the rule serving the
    # requested method (POST) decides whether its own cors() wins.
    app = Flask(__name__)
    app.config["RESPKIT_CORS_RESOURCES"] = {r"/api/.*": {"origins": [OK]}}
    RespKit(app)
    own = cors(OTHER, max_age=5)
    app.get("/api/x")(own(lambda: "g") if decorated == "GET" else lambda: "g")
    app.post("/api/x", endpoint="p")(
        own(lambda: "p") if decorated == "POST" else lambda: "p"
    )
    client = app.test_client()
    granted, refused = (OTHER, OK) if decorated == "POST" else (OK, OTHER)
    r = preflight(client, "/api/x", "POST", granted)
    assert r.status_code == 204
    assert r.headers[ACAO] == granted
    assert ("Access-Control-Max-Age" in r.headers) is (decorated == "POST")
    assert client.post("/api/x", headers={"Origin": granted}).headers[ACAO] == granted
    assert preflight(client, "/api/x", "POST", refused).status_code == 403
    assert ACAO not in client.post("/api/x", headers={"Origin": refused}).headers
    # GET is the other way round
    assert preflight(client, "/api/x", "GET", refused).status_code == 204
    assert preflight(client, "/api/x", "GET", granted).status_code == 403


def test_a_resource_finds_a_views_cors_once_per_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import flask_respkit.cross_origin as cors_app

    calls: list[str | None] = []
    real = cors_app.cors_policy_of

    def counting(app: Flask, endpoint: str | None) -> t.Any:
        calls.append(endpoint)
        return real(app, endpoint)

    monkeypatch.setattr(cors_app, "cors_policy_of", counting)
    app = resource_app(RESPKIT_CORS_RESOURCES={r"/api/.*": {"origins": [OK]}})
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/items", headers={"Origin": OK}).headers[ACAO] == OK
        assert client.get("/api/own", headers={"Origin": OK}).status_code == 200
        assert preflight(client, "/api/items", "DELETE").status_code == 204
    assert sorted(calls, key=str) == ["change_items", "items", "own"]


def test_resource_patterns_see_the_routed_path() -> None:
    app = resource_app(RESPKIT_CORS_RESOURCES={r"/files/a b": {"origins": [OK]}})
    client = app.test_client()
    assert client.get("/files/a%20b", headers={"Origin": OK}).headers[ACAO] == OK
    assert ACAO not in client.get("/files/a+b", headers={"Origin": OK}).headers


ADMIN = "https://admin.example"
PUBLIC = "https://public.example"
#: A strict policy for the admin paths (credentialed, one origin) listed
#: before a broad one for the rest of the API.
ADMIN_FIRST = {
    r"/api/admin/.*": {"origins": [ADMIN], "allow_credentials": True},
    r"/api/.*": {"origins": [PUBLIC], "allow_credentials": True},
}


def admin_app() -> Flask:
    app = resource_app(RESPKIT_CORS_RESOURCES=ADMIN_FIRST)

    @app.route("/api/admin/secret", methods=["GET", "DELETE"])
    def secret() -> dict[str, str]:
        return {"secret": "admin only"}

    return app


@pytest.mark.parametrize(
    "path",
    [
        "/api/admin/secret",
        "/api/%61dmin/secret",
        "/api/admin/%73ecret",
        "/api/a%64min/secret",
    ],
)
def test_resources_judge_the_path_flask_routes(path: str) -> None:
    # An escaped letter must not move the request to the broader policy: the
    # view routed is the admin one, so the admin policy decides.
    client = admin_app().test_client()
    leaked = client.get(path, headers={"Origin": PUBLIC})
    assert leaked.json == {"secret": "admin only"}
    assert ACAO not in leaked.headers
    assert "Access-Control-Allow-Credentials" not in leaked.headers
    assert client.get(path, headers={"Origin": ADMIN}).headers[ACAO] == ADMIN
    refused = preflight(client, path, "DELETE", origin=PUBLIC)
    assert refused.status_code == 403
    assert ACAO not in refused.headers
    assert preflight(client, path, "DELETE", origin=ADMIN).headers[ACAO] == ADMIN


def test_resource_options_take_the_app_defaults() -> None:
    app = resource_app(
        RESPKIT_CORS_ORIGINS=[OK],
        RESPKIT_CORS_RESOURCES={r"/api/.*": {"expose_headers": ["X-Id"]}},
    )
    r = app.test_client().get("/api/items", headers={"Origin": OK})
    assert r.headers[ACAO] == OK
    assert r.headers[ACEH] == f"X-Id, {KIT_LIST}"


@pytest.mark.parametrize(
    ("resources", "error", "match"),
    [
        ({r"/api/.*": {"origin": OK}}, TypeError, "unknown CORS option"),
        ({r"/api/.*": {"origins": "https://a/"}}, ValueError, r"\['/api/\.\*'\]"),
        ({r"/api/.*": {"allow_credentials": True}}, ValueError, "allow_credentials"),
    ],
)
def test_bad_resources_fail_at_init_app(
    resources: dict[str, t.Any], error: type[Exception], match: str
) -> None:
    app = Flask(__name__)
    app.config["RESPKIT_CORS_RESOURCES"] = resources
    with pytest.raises(error, match=match):
        RespKit(app)


# -- with the kit's other decorators, on either side of cors -------------------


def _paginated(pagination: t.Any) -> list[int]:
    pagination.total = 10
    return [1, 2]


KIT_CASES = {
    "paginate": (paginate(per_page=2), _paginated, 200, ["Link", "X-Total-Count"]),
    "created": (created("/items/1"), lambda: {"id": 1}, 201, ["Location"]),
    "csv_export": (
        csv_export(filename="a.csv"),
        lambda: [{"a": 1}],
        200,
        ["Content-Disposition"],
    ),
    "auth_challenge": (
        auth_challenge("Bearer"),
        lambda: ("", 401),
        401,
        ["WWW-Authenticate"],
    ),
    "link_header": (
        link_header(help="https://a.example/h"),
        lambda: "x",
        200,
        ["Link"],
    ),
}


@pytest.mark.parametrize(
    ("cors_on_top", "decorator", "view", "status", "exposed"),
    [
        pytest.param(on_top, *case, id=f"{name}-{'below' if on_top else 'above'}")
        for name, case in KIT_CASES.items()
        for on_top in (True, False)
        # csv_export turns the view's rows into CSV, so it sits right on the view
        if on_top or name != "csv_export"
    ],
)
def test_kit_headers_are_exposed_whichever_side(
    bare_app: Flask,
    cors_on_top: bool,
    decorator: t.Any,
    view: t.Any,
    status: int,
    exposed: list[str],
) -> None:
    policy = cors(OK, expose_headers=["X-Id"])
    wrapped = policy(decorator(view)) if cors_on_top else decorator(policy(view))
    bare_app.add_url_rule("/", "view", wrapped)
    r = bare_app.test_client().get("/", headers={"Origin": OK})
    assert r.status_code == status
    assert r.headers[ACAO] == OK
    assert r.headers[ACEH] == f"X-Id, {KIT_LIST}"
    assert all(name in r.headers for name in exposed)


def test_cors_on_an_error_handler(bare_app: Flask) -> None:
    @bare_app.errorhandler(404)
    @cors(OK)
    def not_found(e: Exception) -> tuple[dict[str, str], int]:
        return {"message": "not here"}, 404

    r = bare_app.test_client().get("/nowhere", headers={"Origin": OK})
    assert r.status_code == 404
    assert r.json == {"message": "not here"}
    assert r.headers[ACAO] == OK


def test_bare_cors_without_parentheses_is_a_clear_error() -> None:
    def view() -> str:
        return ""

    with pytest.raises(TypeError, match=r"Did you write @cors instead of @cors\(\)"):
        cors(view)  # type: ignore[arg-type]


def test_a_predicate_taking_the_origin_is_accepted(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @cors(lambda origin: origin.endswith(".example.org"))
    def view() -> str:
        return ""

    r = client.get("/", headers={"Origin": "https://a.example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://a.example.org"


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"methods": []}, "at least one method"),
        ({"methods": ""}, "at least one method"),
        ({"allow_headers": ["*", "X-A"]}, "must stand alone"),
    ],
)
def test_options_that_would_refuse_everything_are_refused_when_made(
    options: dict[str, t.Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        cors("https://app.example", **options)
