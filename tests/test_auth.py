"""Auth challenges: Challenge, auth_challenge (and its verify guard),
challenge_response, and the app-wide 401 challenge."""

from __future__ import annotations

import base64
import typing as t

import pytest
from flask import Blueprint, Flask, Response, abort, request
from flask.views import MethodView
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import Authorization
from werkzeug.exceptions import Forbidden
from werkzeug.http import parse_dict_header

from flask_respkit import (
    Challenge,
    RespKit,
    auth_challenge,
    challenge_response,
    cors,
    response_decorator,
)
from flask_respkit._http import TOKEN, is_preflight
from flask_respkit.auth import (
    MAX_AUTHORIZATION_LENGTH,
    challenge_schemes,
    wants_json,
)
from flask_respkit.core import ResponseDecorator, Step

PREFLIGHT = {"Origin": "http://a.example", "Access-Control-Request-Method": "GET"}
BASIC_DEFAULT = 'Basic realm="Authentication Required", charset="UTF-8"'
BEARER_DEFAULT = 'Bearer realm="Authentication Required"'


def parse(value: str) -> tuple[str, dict[str, str | None]]:
    """Split one challenge with a real parser: scheme, then auth-params."""
    scheme, _, rest = value.partition(" ")
    return scheme, parse_dict_header(rest)


def basic(user: str, password: str, encoding: str = "utf-8") -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode(encoding)).decode()
    return {"Authorization": f"Basic {token}"}


def challenges(response: t.Any) -> list[str]:
    return t.cast(list[str], response.headers.getlist("WWW-Authenticate"))


# -- Challenge ---------------------------------------------------------------


def test_challenge_serializes_quoted_params_in_order() -> None:
    c = Challenge("Basic", realm="Users", charset="UTF-8")
    assert str(c) == 'Basic realm="Users", charset="UTF-8"'
    assert str(Challenge("Negotiate")) == "Negotiate"
    assert str(Challenge("Bearer", scope="a", realm="x")) == (
        'Bearer scope="a", realm="x"'
    )


@pytest.mark.parametrize(
    "realm",
    ['a"b', "a\\b", '\\"', 'x\\\\"y', '"', "\\", "", "caf\xe9 \xff", "tab\there"],
)
def test_realm_round_trips_through_werkzeug_parser(realm: str) -> None:
    value = str(Challenge("Basic", realm=realm))
    scheme, params = parse(value)
    assert scheme == "Basic"
    assert params == {"realm": realm}
    value.encode("latin-1")


def test_quote_and_backslash_are_escaped() -> None:
    assert str(Challenge("Basic", realm='a"b\\c')) == r'Basic realm="a\"b\\c"'


@pytest.mark.parametrize(
    "realm", ["a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\x00b", "a\x1bb", "a\x7fb"]
)
def test_control_characters_raise_when_made(realm: str) -> None:
    with pytest.raises(ValueError, match="control"):
        Challenge("Basic", realm=realm)
    with pytest.raises(ValueError, match="control"):
        auth_challenge(realm=realm)


@pytest.mark.parametrize("realm", ["\u20ac", "\u65e5\u672c", "\U0001f600"])
def test_non_latin1_raises_when_made(realm: str) -> None:
    with pytest.raises(ValueError, match="Latin-1"):
        Challenge("Basic", realm=realm)


@pytest.mark.parametrize("scheme", ["", "Ba sic", "B\u00e4sic", 'a"b', "a,b", "a\r\n"])
def test_scheme_must_be_a_token(scheme: str) -> None:
    with pytest.raises(ValueError, match="token"):
        Challenge(scheme)
    with pytest.raises(ValueError, match="token"):
        auth_challenge(scheme)


def test_param_names_must_be_tokens_and_unique() -> None:
    with pytest.raises(ValueError, match="token"):
        Challenge("Basic", **{"re alm": "x"})
    with pytest.raises(ValueError, match="repeated"):
        Challenge("Basic", realm="a", Realm="b")
    with pytest.raises(ValueError, match="repeated"):
        Challenge("Basic", realm=None, REALM="b")
    with pytest.raises(ValueError, match="extended"):
        Challenge("Basic", **{"title*": "x"})


def test_param_values_must_be_strings_and_none_is_left_out() -> None:
    with pytest.raises(TypeError):
        Challenge("Basic", realm=3)  # type: ignore[arg-type]
    assert str(Challenge("Basic", realm="r", charset=None)) == 'Basic realm="r"'


def test_basic_charset_must_be_utf8() -> None:
    assert Challenge("Basic", charset="utf-8").get("CHARSET") == "utf-8"
    with pytest.raises(ValueError, match="UTF-8"):
        Challenge("Basic", charset="ISO-8859-1")
    with pytest.raises(ValueError, match="UTF-8"):
        auth_challenge("Basic", charset="latin-1")


def test_bearer_params_follow_rfc6750() -> None:
    c = Challenge(
        "Bearer",
        realm="api",
        error="insufficient_scope",
        error_description="Needs write access",
        error_uri="https://docs.example/errors#scope",
        scope=["read", "write"],
    )
    _, params = parse(str(c))
    assert params == {
        "realm": "api",
        "error": "insufficient_scope",
        "error_description": "Needs write access",
        "error_uri": "https://docs.example/errors#scope",
        "scope": "read write",
    }
    assert Challenge("Bearer", scope="read write").get("scope") == "read write"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("error", 'bad"'),
        ("error_description", "caf\xe9"),
        ("error_description", "back\\slash"),
        ("error_uri", "https://x/a b"),
        ("scope", "read  write"),
        ("scope", 'read "write"'),
    ],
)
def test_bearer_params_outside_rfc6750_raise(name: str, value: str) -> None:
    with pytest.raises(ValueError, match="RFC 6750"):
        Challenge("Bearer", **{name: value})
    # Other schemes only need a valid quoted-string.
    assert parse(str(Challenge("Custom", **{name: value})))[1] == {name: value}


def test_challenge_value_object() -> None:
    c = Challenge("Bearer", realm="x", error="invalid_token")
    assert c == Challenge("Bearer", realm="x", error="invalid_token")
    assert c != Challenge("Bearer", realm="y")
    assert len({c, Challenge("Bearer", realm="x", error="invalid_token")}) == 1
    assert repr(c) == "Challenge('Bearer', realm='x', error='invalid_token')"
    assert c.get("ERROR") == "invalid_token"
    assert c.get("scope") is None
    assert c.params == (("realm", "x"), ("error", "invalid_token"))


# Mostly sendable text (quotes, backslashes, tabs, Latin-1), and anything at all.
SENDABLE = st.characters(
    min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"
)
TRICKY = st.one_of(
    st.text(alphabet=st.one_of(st.sampled_from('"\\\t'), SENDABLE), max_size=30),
    st.text(alphabet=st.sampled_from('"\\\r\n\x00\t a\xe9\u20ac'), max_size=8),
    st.text(max_size=20),
)
NAMES = st.one_of(st.from_regex(TOKEN, fullmatch=True), st.text(min_size=1, max_size=8))


@given(TRICKY)
def test_any_realm_raises_or_round_trips(realm: str) -> None:
    try:
        value = str(Challenge("Basic", realm=realm))
    except ValueError:
        return
    assert "\r" not in value
    assert "\n" not in value
    value.encode("latin-1")
    assert parse(value) == ("Basic", {"realm": realm})


@given(NAMES, TRICKY)
def test_any_param_raises_or_round_trips(name: str, value: str) -> None:
    try:
        header = str(Challenge("Custom", **{name: value}))
    except ValueError:
        return
    assert "\r" not in header
    assert "\n" not in header
    header.encode("latin-1")
    assert parse(header) == ("Custom", {name: value})


def test_challenge_schemes_skips_quoted_text_and_params() -> None:
    assert challenge_schemes(['Custom realm="Basic, Bearer x"']) == {"custom"}
    assert challenge_schemes(['Basic realm="a", charset="UTF-8", Bearer']) == {
        "basic",
        "bearer",
    }
    assert challenge_schemes(["Newauth abc==", 'Digest realm = "x", qop="auth"']) == {
        "newauth",
        "digest",
    }
    assert challenge_schemes(['Bearer realm="unterminated']) == {"bearer"}
    assert challenge_schemes(['Custom realm  = "x"']) == {"custom"}


# -- auth_challenge on responses ---------------------------------------------


def test_every_401_form_gets_the_challenge(app: Flask, client: t.Any) -> None:
    app.config["TESTING"] = False

    @app.get("/returned")
    @auth_challenge("Basic", "Users")
    def returned() -> t.Any:
        return "no", 401

    @app.get("/aborted")
    @auth_challenge("Basic", "Users")
    def aborted() -> t.Any:
        abort(401)

    @app.errorhandler(418)
    def teapot(e: Exception) -> t.Any:
        return {"message": "handled"}, 401

    @app.get("/handled")
    @auth_challenge("Basic", "Users")
    def handled() -> t.Any:
        abort(418)

    want = ['Basic realm="Users", charset="UTF-8"']
    for path in ("/returned", "/aborted", "/handled"):
        r = client.get(path)
        assert (r.status_code, challenges(r)) == (401, want), path
    assert client.get("/handled").json == {"message": "handled"}


@pytest.mark.parametrize("status", [200, 204, 302, 400, 403, 404, 407, 500])
def test_other_statuses_are_untouched(app: Flask, client: t.Any, status: int) -> None:
    @app.get("/")
    @auth_challenge("Basic", "Users")
    def view() -> t.Any:
        return "", status

    assert "WWW-Authenticate" not in client.get("/").headers


def test_an_existing_challenge_of_that_scheme_is_kept(
    app: Flask, client: t.Any
) -> None:
    @app.get("/same")
    @auth_challenge("Basic", "Users")
    def same() -> t.Any:
        return "", 401, {"WWW-Authenticate": 'basic realm="mine"'}

    @app.get("/other")
    @auth_challenge("Basic", "Users")
    def other() -> t.Any:
        return "", 401, {"WWW-Authenticate": 'Custom realm="Basic x"'}

    assert challenges(client.get("/same")) == ['basic realm="mine"']
    assert challenges(client.get("/other")) == [
        'Custom realm="Basic x"',
        'Basic realm="Users", charset="UTF-8"',
    ]


BEARER = 'Bearer realm="api"'


def test_stacked_top_decorator_first_both_orders(app: Flask, client: t.Any) -> None:
    @app.get("/bearer-on-top")
    @auth_challenge("Bearer", "api")
    @auth_challenge("Basic")
    def bearer_on_top() -> t.Any:
        return "", 401

    @app.get("/basic-on-top")
    @auth_challenge("Basic")
    @auth_challenge("Bearer", "api")
    def basic_on_top() -> t.Any:
        abort(401)

    assert challenges(client.get("/bearer-on-top")) == [BEARER, BASIC_DEFAULT]
    assert challenges(client.get("/basic-on-top")) == [BASIC_DEFAULT, BEARER]


def test_three_stacked_follow_the_views_own_challenge(
    app: Flask, client: t.Any
) -> None:
    @app.get("/")
    @auth_challenge("A")
    @auth_challenge("B")
    @auth_challenge("C")
    def view() -> t.Any:
        return "", 401, {"WWW-Authenticate": "Mine"}

    r = client.get("/")
    assert [v.split()[0] for v in challenges(r)] == ["Mine", "A", "B", "C"]


def test_same_decorator_stacked_twice_adds_one(app: Flask, client: t.Any) -> None:
    twice = auth_challenge("Bearer", "api")

    @app.get("/")
    @twice
    @auth_challenge("Bearer", "api")
    def view() -> t.Any:
        return "", 401

    assert challenges(client.get("/")) == [BEARER]


def test_scheme_and_realm_default_to_config() -> None:
    app = Flask(__name__)
    app.config.update(RESPKIT_AUTH_SCHEME="Bearer", RESPKIT_AUTH_REALM='My "API"')
    RespKit(app)

    @app.get("/")
    @auth_challenge()
    def view() -> t.Any:
        return "", 401

    assert challenges(app.test_client().get("/")) == [r'Bearer realm="My \"API\""']


def test_defaults_without_the_extension(bare_app: Flask) -> None:
    @bare_app.get("/")
    @auth_challenge(charset=None)
    def view() -> t.Any:
        return "", 401

    assert challenges(bare_app.test_client().get("/")) == [
        'Bearer realm="Authentication Required"'
    ]


def test_config_scheme_rules_fail_on_first_request() -> None:
    app = Flask(__name__)
    app.config.update(TESTING=True, RESPKIT_AUTH_SCHEME="Basic")
    RespKit(app)
    decorator = auth_challenge(charset="ISO-8859-1")  # fine for an unknown scheme

    @app.get("/")
    @decorator
    def view() -> t.Any:
        return "", 401

    with pytest.raises(ValueError, match="UTF-8"):
        app.test_client().get("/")


def test_bad_options_fail_when_made() -> None:
    with pytest.raises(TypeError, match="verify"):
        auth_challenge(verify="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        auth_challenge(realm=b"x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="RFC 6750"):
        auth_challenge("Bearer", error='a"b')


@pytest.mark.parametrize("scheme", [b"Basic", 3, ["Bearer"]])
def test_scheme_not_a_str_is_a_type_error_naming_it(scheme: t.Any) -> None:
    with pytest.raises(TypeError, match=r"auth_challenge\(scheme=\)"):
        auth_challenge(scheme)


def test_on_an_error_handler(app: Flask, client: t.Any) -> None:
    @app.errorhandler(401)
    @auth_challenge("Bearer", "api")
    def unauthorized(e: Exception) -> t.Any:
        return {"message": "no"}, 401

    app.add_url_rule("/", "v", lambda: abort(401))
    r = client.get("/")
    assert (r.json, challenges(r)) == ({"message": "no"}, [BEARER])


def test_async_view_and_method_view(app: Flask, client: t.Any) -> None:
    @app.get("/async")
    @auth_challenge("Bearer", "api")
    async def view() -> t.Any:
        return "", 401

    class Things(MethodView):
        decorators: t.ClassVar = [auth_challenge("Bearer", "api")]

        def get(self) -> t.Any:
            abort(401)

    app.add_url_rule("/things", view_func=Things.as_view("things"))
    assert challenges(client.get("/async")) == [BEARER]
    assert challenges(client.get("/things")) == [BEARER]


# -- the verify guard ----------------------------------------------------------


class Guarded:
    """A view behind a Basic guard that records what verify saw."""

    def __init__(self, app: Flask, path: str = "/", **route: t.Any) -> None:
        self.seen: list[Authorization | None] = []
        self.runs = 0

        def verify(auth: Authorization | None) -> bool:
            self.seen.append(auth)
            return auth is not None and (auth.username, auth.password) == (
                "ada",
                "s\xe9same \u2603",
            )

        @app.route(path, endpoint=path, **route)
        @auth_challenge("Basic", "Users", verify=verify)
        def view() -> t.Any:
            self.runs += 1
            return {"user": "ada"}


def test_guard_answers_401_with_challenge_and_text_body(
    app: Flask, client: t.Any
) -> None:
    g = Guarded(app)
    r = client.get("/")
    assert r.status_code == 401
    assert parse(challenges(r)[0]) == ("Basic", {"realm": "Users", "charset": "UTF-8"})
    assert (r.mimetype, r.text) == ("text/plain", "Authentication required.")
    assert r.headers["Vary"] == "Accept"
    assert (g.seen, g.runs) == ([None], 0)


def test_guard_lets_good_credentials_through(app: Flask, client: t.Any) -> None:
    g = Guarded(app)
    r = client.get("/", headers=basic("ada", "s\xe9same \u2603"))
    assert (r.status_code, r.json, g.runs) == (200, {"user": "ada"}, 1)
    assert g.seen[0] is not None
    assert g.seen[0].type == "basic"


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "application/json, text/plain, */*",
        "text/*;q=0.5, application/*",
    ],
)
def test_guard_body_is_json_when_preferred(
    app: Flask, client: t.Any, accept: str
) -> None:
    Guarded(app)
    r = client.get("/", headers={"Accept": accept})
    assert (r.status_code, r.mimetype) == (401, "application/json")
    assert r.json == {"message": "Authentication required."}


@pytest.mark.parametrize(
    "accept",
    [None, "*/*", "text/plain, application/json;q=0.9", "text/html,*/*;q=0.8"],
)
def test_guard_body_is_text_otherwise(
    app: Flask, client: t.Any, accept: str | None
) -> None:
    Guarded(app)
    r = client.get("/", headers={"Accept": accept} if accept else {})
    assert (r.status_code, r.mimetype) == (401, "text/plain")


@pytest.mark.parametrize(
    ("accept", "want"),
    [
        ("APPLICATION/JSON", True),
        ("application/json ; q=1", True),
        ("application/*", True),
        ("text/plain;q=0, */*", True),  # the more specific range wins (RFC 9110)
        ("application/json;q=0.9, text/*;q=0.5", True),
        ("application/json;q=0.5, text/plain", False),
        ("application/json;q=0", False),
        ("application/json;q=abc", False),  # a bad q drops the range
        ("application/json;q=2", False),
        ("application/json;q=nan", False),
        ("*", False),
        ("text/plain, application/json", True),  # equal, JSON named
        (" , ;;, /,application/, /json", False),
    ],
)
def test_accept_negotiation_follows_rfc9110(
    app: Flask, accept: str, want: bool
) -> None:
    with app.test_request_context("/", headers={"Accept": accept}):
        assert wants_json(request) is want


RANGES = [
    "application/json",
    "text/plain",
    "*/*",
    "text/*",
    "application/*",
    "text/html",
]


@given(st.lists(st.sampled_from(RANGES), min_size=1), st.sampled_from(["", ";q=0.5"]))
def test_accept_negotiation_agrees_with_werkzeug(ranges: list[str], q: str) -> None:
    app = Flask(__name__)
    with app.test_request_context(
        "/", headers={"Accept": ", ".join(r + q for r in ranges)}
    ):
        accept = request.accept_mimetypes
        json_q, text_q = (
            accept.quality("application/json"),
            accept.quality("text/plain"),
        )
        named = "application/json" in accept.values()
        want = json_q > text_q or (json_q == text_q > 0 and named)
        assert wants_json(request) is want


@given(st.text(alphabet=st.characters(exclude_characters="\r\n"), max_size=40))
def test_accept_negotiation_never_fails(accept: str) -> None:
    app = Flask(__name__)
    with app.test_request_context("/", headers={"Accept": accept}):
        assert wants_json(request) in (True, False)


@pytest.mark.parametrize(
    "value",
    [
        "Basic %%%notbase64",
        "Basic " + base64.b64encode(b"ada:s\xe9same").decode(),  # Latin-1, not UTF-8
        "Basic s\xe9same",  # non-ASCII in the header itself
        "Basic",
        "Basic   ",
        "Bearer",
        'Digest realm="unterminated',
        "Basic " + "QUFB" * (MAX_AUTHORIZATION_LENGTH // 4),
    ],
)
def test_malformed_authorization_is_none_never_500(
    app: Flask, client: t.Any, value: str
) -> None:
    app.config["TESTING"] = False
    g = Guarded(app)
    r = client.get("/", headers={"Authorization": value})
    assert r.status_code == 401
    assert challenges(r)
    assert (g.seen, g.runs) == ([None], 0)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    "value",
    [
        # RFC 7617 §2: user-id ":" password, no control characters
        "Basic " + _b64(b"admin"),
        "Basic " + _b64(b""),
        "Basic " + _b64("adémin".encode()),
        *(
            "Basic " + _b64(raw)
            for c in (b"\x00", b"\x1b", b"\r", b"\n", b"\t", b"\x7f")
            for raw in (b"ad" + c + b"min:pw", b"admin:p" + c + b"w", c + b":" + c)
        ),
        "Basic " + _b64(b"admin:pw")[:-1] + " " + _b64(b"admin:pw")[-1],
        # RFC 6750 §2.1: a token68
        "Bearer abc def",
        "Bearer abc,def",
        'Bearer "abc"',
        "Bearer ab=cd",
        "Bearer ab@cd",
        "Bearer töken",
        "Bearer abc\tdef",
    ],
)
def test_credentials_that_break_their_grammar_reach_verify_as_none(
    app: Flask, client: t.Any, value: str
) -> None:
    app.config["TESTING"] = False
    g = Guarded(app)
    r = client.get("/", headers={"Authorization": value})
    assert r.status_code == 401
    assert (g.seen, g.runs) == ([None], 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Basic " + _b64(b"admin:"), ("admin", "")),
        ("Basic " + _b64(b":pw"), ("", "pw")),
        ("Basic " + _b64(b"a:b:c"), ("a", "b:c")),
        ("Basic " + _b64("é:sésame ☃".encode()), ("é", "sésame ☃")),
        ("Bearer abc.DEF-ghi_~+/==", "abc.DEF-ghi_~+/=="),
        ("Bearer  spaced", "spaced"),
    ],
)
def test_well_formed_credentials_reach_verify(
    app: Flask, client: t.Any, value: str, expected: t.Any
) -> None:
    g = Guarded(app)
    client.get("/", headers={"Authorization": value})
    auth = g.seen[0]
    assert auth is not None
    got = (auth.username, auth.password) if auth.type == "basic" else auth.token
    assert got == expected


def test_empty_basic_credentials_are_still_credentials(
    app: Flask, client: t.Any
) -> None:
    g = Guarded(app)
    client.get("/", headers={"Authorization": "Basic Og=="})  # ":"
    assert g.seen[0] is not None
    assert (g.seen[0].username, g.seen[0].password) == (
        "",
        "",
    )


def test_verify_may_forbid_or_fail(app: Flask, client: t.Any) -> None:
    app.config["TESTING"] = False
    runs = []

    def forbid(auth: Authorization | None) -> bool:
        raise Forbidden("Not yours.")

    def unauthorized(auth: Authorization | None) -> bool:
        abort(401)

    def buggy(auth: Authorization | None) -> bool:
        raise KeyError("bug")

    for name, verify in [("f", forbid), ("u", unauthorized), ("b", buggy)]:
        app.add_url_rule(
            f"/{name}",
            name,
            auth_challenge("Bearer", "api", verify=verify)(lambda: runs.append(1)),
        )
    r = client.get("/f")
    assert (r.status_code, challenges(r)) == (403, [])
    assert b"Not yours." in r.data
    r = client.get("/u")
    assert (r.status_code, challenges(r)) == (401, [BEARER])
    assert client.get("/b").status_code == 500
    assert runs == []


def test_an_app_401_handler_shapes_the_guards_answer(app: Flask, client: t.Any) -> None:
    @app.errorhandler(401)
    def unauthorized(e: Exception) -> t.Any:
        return {"error": "login first"}, 401

    g = Guarded(app)
    r = client.get("/")
    assert (r.status_code, r.json) == (401, {"error": "login first"})
    assert challenges(r) == ['Basic realm="Users", charset="UTF-8"']
    assert g.runs == 0


def test_a_blueprint_401_handler_shapes_only_its_routes(app: Flask) -> None:
    bp = Blueprint("bp", __name__)

    @bp.errorhandler(401)
    def unauthorized(e: Exception) -> t.Any:
        return "bp says no", 401

    never = auth_challenge("Bearer", "api", verify=lambda auth: False)
    bp.add_url_rule("/in", "inside", never(lambda: "ok"))
    app.add_url_rule("/out", "outside", never(lambda: "ok"))
    app.register_blueprint(bp)
    client = app.test_client()
    r = client.get("/in")
    assert (r.text, challenges(r)) == ("bp says no", [BEARER])
    r = client.get("/out")
    assert (r.text, challenges(r)) == ("Authentication required.", [BEARER])


def test_guard_401_carries_the_challenges_below_it(app: Flask, client: t.Any) -> None:
    inner_seen = []

    @app.get("/")
    @auth_challenge("Bearer", "api", verify=lambda auth: False)
    @auth_challenge("Basic", verify=lambda auth: inner_seen.append(auth) or True)
    @auth_challenge("Custom")
    def view() -> t.Any:
        return "ok"

    r = client.get("/")
    assert r.status_code == 401
    assert [v.split()[0] for v in challenges(r)] == ["Bearer", "Basic", "Custom"]
    assert inner_seen == []


def test_guard_401_goes_through_the_error_steps_of_the_whole_chain(
    app: Flask, client: t.Any
) -> None:
    @response_decorator(errors=True)
    def on_errors(response: Response) -> None:
        response.headers.add("X-Seen", "errors-below")

    @response_decorator
    def on_success(response: Response) -> None:
        response.headers.add("X-Seen", "success-below")

    @response_decorator(errors=True)
    def above_errors(response: Response) -> None:
        response.headers.add("X-Seen", "errors-above")

    @response_decorator
    def above(response: Response) -> None:
        response.headers.add("X-Seen", "success-above")

    @app.get("/")
    @above
    @above_errors
    @auth_challenge("Bearer", "api", verify=lambda auth: False)
    @on_success
    @on_errors
    def view() -> t.Any:
        return "ok"

    r = client.get("/")
    assert r.status_code == 401
    assert r.headers.getlist("X-Seen") == ["errors-below", "errors-above"]


def test_async_view_behind_a_guard(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @auth_challenge("Bearer", verify=lambda auth: auth and auth.token == "t0k")
    async def view() -> t.Any:
        return "ok"

    assert client.get("/").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer t0k"}).text == "ok"


# -- CORS preflights -------------------------------------------------------------


def test_is_preflight(app: Flask) -> None:
    for method, headers, want in [
        ("OPTIONS", PREFLIGHT, True),
        ("OPTIONS", {"Origin": "http://a.example"}, False),
        ("OPTIONS", {"Access-Control-Request-Method": "GET"}, False),
        ("GET", PREFLIGHT, False),
    ]:
        with app.test_request_context("/", method=method, headers=headers):
            assert is_preflight(request) is want


def test_preflight_is_never_challenged_nor_runs_the_view(
    app: Flask, client: t.Any
) -> None:
    g = Guarded(app, "/listed", methods=["GET", "OPTIONS"])
    h = Guarded(app, "/unlisted")
    for path in ("/listed", "/unlisted"):
        r = client.options(path, headers=PREFLIGHT)
        assert r.status_code == 200, path
        assert "GET" in r.headers["Allow"]
        assert "WWW-Authenticate" not in r.headers
    assert (g.runs, g.seen, h.runs) == (0, [], 0)


def test_a_plain_options_to_a_route_listing_it_is_verified(
    app: Flask, client: t.Any
) -> None:
    g = Guarded(app, "/", methods=["GET", "OPTIONS"])
    r = client.options("/", headers={"Origin": "http://a.example"})
    assert (r.status_code, g.runs, g.seen) == (401, 0, [None])


class _AnswersPreflights(ResponseDecorator, Step):
    """A stand-in for ``cors``: receives OPTIONS and answers preflights."""

    receives_options = True

    def options(self, req: t.Any, app: Flask) -> Response | None:
        return Response(status=204) if is_preflight(req) else None


def test_preflight_passes_to_a_cors_decorator_below(app: Flask, client: t.Any) -> None:
    runs = []

    @app.get("/")
    @auth_challenge("Bearer", verify=lambda auth: False)
    @_AnswersPreflights()
    def view() -> t.Any:
        runs.append(1)
        return "ok"

    r = client.options("/", headers=PREFLIGHT)
    assert (r.status_code, challenges(r), runs) == (204, [], [])
    assert client.get("/").status_code == 401
    r = client.options("/")  # plain OPTIONS: Flask's automatic answer
    assert (r.status_code, challenges(r), runs) == (200, [], [])


def _exposed(response: t.Any) -> set[str]:
    value = response.headers.get("Access-Control-Expose-Headers", "")
    return {v.strip().lower() for v in value.split(",")}


@pytest.mark.parametrize("cors_on_top", [True, False])
def test_with_cors_in_either_order(
    app: Flask, client: t.Any, cors_on_top: bool
) -> None:
    runs = []

    def view() -> t.Any:
        runs.append(1)
        return "ok"

    guard = auth_challenge("Bearer", "api", verify=lambda auth: False)
    policy = cors("http://a.example", allow_headers=["Authorization"])
    app.add_url_rule(
        "/", "v", policy(guard(view)) if cors_on_top else guard(policy(view))
    )
    r = client.options(
        "/", headers={**PREFLIGHT, "Access-Control-Request-Headers": "authorization"}
    )
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "http://a.example"
    assert (challenges(r), runs) == ([], [])
    r = client.get("/", headers={"Origin": "http://a.example"})
    assert (r.status_code, challenges(r)) == (401, [BEARER])
    assert r.headers["Access-Control-Allow-Origin"] == "http://a.example"
    assert "www-authenticate" in _exposed(r)
    assert runs == []


# -- challenge_response ------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        ("invalid_request", 400),
        ("invalid_token", 401),
        ("insufficient_scope", 403),
        ("some_extension_error", 401),
        (None, 401),
    ],
)
def test_challenge_response_status_follows_rfc6750(
    app: Flask, error: str | None, status: int
) -> None:
    with app.test_request_context("/"):
        r = challenge_response(Challenge("Bearer", realm="api", error=error))
    assert r.status_code == status
    assert challenges(r) == [str(Challenge("Bearer", realm="api", error=error))]


def test_challenge_response_body_and_order(app: Flask) -> None:
    first = Challenge("Bearer", error="invalid_token", error_description="Expired.")
    with app.test_request_context("/", headers={"Accept": "application/json"}):
        r = challenge_response(first, Challenge("Basic", realm="x"))
    assert challenges(r) == [str(first), 'Basic realm="x"']
    assert (r.status_code, r.json) == (401, {"message": "Expired."})
    with app.test_request_context("/"):
        r = challenge_response(Challenge("Bearer", error="insufficient_scope"))
        assert (r.status_code, r.get_data(as_text=True)) == (403, "Forbidden")
        r = challenge_response(Challenge("Basic"), status=407, body={"a": 1})
        assert (r.status_code, r.json) == (407, {"a": 1})
        r = challenge_response(Challenge("Basic"), body="text")
        assert (r.status_code, r.get_data(as_text=True)) == (401, "text")


def test_challenge_response_bad_arguments(app: Flask) -> None:
    with app.test_request_context("/"):
        with pytest.raises(ValueError, match="at least one"):
            challenge_response()
        with pytest.raises(TypeError, match="Challenge"):
            challenge_response("Basic")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="status"):
            challenge_response(Challenge("Basic"), status=True)
        with pytest.raises(ValueError, match="status"):
            challenge_response(Challenge("Basic"), status=600)


def test_aborting_with_challenge_response_under_the_decorator(
    app: Flask, client: t.Any
) -> None:
    @app.get("/")
    @auth_challenge("Basic", "Users")
    @auth_challenge("Bearer", "api")
    def view() -> t.Any:
        abort(challenge_response(Challenge("Bearer", error="invalid_token")))

    r = client.get("/")
    assert r.status_code == 401
    assert challenges(r) == [
        'Bearer error="invalid_token"',
        'Basic realm="Users", charset="UTF-8"',
    ]


# -- the app-wide guarantee ------------------------------------------------------


def test_every_401_leaving_the_app_gets_the_default_challenge(
    app: Flask, client: t.Any
) -> None:
    @app.before_request
    def gate() -> None:
        if request.path == "/gate":
            abort(401)

    @app.get("/plain")
    def plain() -> t.Any:
        return "", 401

    @app.get("/own")
    def own() -> t.Any:
        return "", 401, {"WWW-Authenticate": "Custom"}

    @app.get("/ok")
    def ok() -> t.Any:
        return "ok"

    for path in ("/gate", "/plain"):
        assert challenges(client.get(path)) == [BEARER_DEFAULT], path
    assert challenges(client.get("/own")) == ["Custom"]
    assert "WWW-Authenticate" not in client.get("/ok").headers


def test_the_default_challenge_opens_no_login_dialog(app: Flask, client: t.Any) -> None:
    # Browsers open their login dialog for Basic (and Digest) challenges only.
    @app.get("/api/me")
    def me() -> t.Any:
        return {"message": "log in"}, 401

    value = client.get("/api/me").headers["WWW-Authenticate"]
    assert value.split()[0].lower() not in ("basic", "digest")
    assert value == BEARER_DEFAULT


def test_app_wide_challenge_uses_config() -> None:
    app = Flask(__name__)
    app.config.update(RESPKIT_AUTH_SCHEME="xBasic", RESPKIT_AUTH_REALM="a\\b")
    RespKit(app)
    app.add_url_rule("/", "v", lambda: ("", 401))
    assert challenges(app.test_client().get("/")) == [r'xBasic realm="a\\b"']


def test_app_wide_challenge_can_be_turned_off(bare_app: Flask) -> None:
    bare_app.add_url_rule("/", "v", lambda: ("", 401))
    assert challenges(bare_app.test_client().get("/")) == []  # no extension
    bare_app.config["RESPKIT_AUTH_CHALLENGE_401"] = False
    RespKit(bare_app)
    assert challenges(bare_app.test_client().get("/")) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("RESPKIT_AUTH_REALM", "a\r\nb"),
        ("RESPKIT_AUTH_SCHEME", "Ba sic"),
        ("RESPKIT_AUTH_CHALLENGE_401", "yes"),
    ],
)
def test_bad_auth_config_fails_at_init_app(key: str, value: str) -> None:
    app = Flask(__name__)
    app.config[key] = value
    with pytest.raises((ValueError, TypeError), match=key):
        RespKit(app)


# -- the documentation's examples -------------------------------------------------


def _doc_blocks() -> list[str]:
    import re
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "auth.rst"
    found = re.finditer(
        r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", page.read_text()
    )
    return ["\n".join(line[4:] for line in m.group(1).splitlines()) for m in found]


def test_docs_first_example_answers_as_shown() -> None:
    namespace: dict[str, t.Any] = {"__name__": "auth_docs"}
    exec(_doc_blocks()[0], namespace)
    client = namespace["app"].test_client()
    r = client.get("/me")
    assert r.status_code == 401
    assert challenges(r) == ['Basic realm="Users", charset="UTF-8"']
    assert (r.headers["Vary"], r.text) == ("Accept", "Authentication required.")
    assert client.get("/me", headers=basic("ada", "s\xe9same")).json == {"name": "ada"}


def test_docs_challenge_response_example() -> None:
    namespace: dict[str, t.Any] = {"__name__": "auth_docs"}
    exec(_doc_blocks()[1], namespace)
    client = namespace["app"].test_client()
    r = client.post("/reports")
    assert (r.status_code, challenges(r)) == (401, ['Bearer realm="api"'])
    r = client.post("/reports", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    assert parse(challenges(r)[0])[1]["error"] == "invalid_token"
    assert r.text == "The token is unknown or expired."
    for hostile in ("Basic \xe9", "Bearer", "Bearer  "):
        r = client.post("/reports", headers={"Authorization": hostile})
        assert (r.status_code, challenges(r)) == (401, ['Bearer realm="api"'])
    r = client.post("/reports", headers={"Authorization": "Bearer t0k3n"})
    assert r.status_code == 403
    assert parse(challenges(r)[0])[1] == {
        "realm": "api",
        "error": "insufficient_scope",
        "scope": "write",
    }


@pytest.mark.parametrize("async_view", [False, True])
@pytest.mark.parametrize(("token", "status"), [("good", 200), ("bad", 401)])
def test_async_verify_is_awaited_not_taken_as_true(
    app: Flask, client: t.Any, token: str, status: int, async_view: bool
) -> None:
    """On a plain view through Flask's async support, on an async one in its loop."""

    async def verify(auth: t.Any) -> bool:
        return auth is not None and auth.token == "good"

    async def async_secret() -> str:
        return "TOP SECRET"

    def secret() -> str:
        return "TOP SECRET"

    guard = auth_challenge("Bearer", verify=verify)
    app.add_url_rule("/secret", view_func=guard(async_secret if async_view else secret))

    r = client.get("/secret", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == status
    assert (b"TOP SECRET" in r.data) == (status == 200)


def test_verify_returning_an_awaitable_is_an_error_not_a_pass(
    app: Flask, client: t.Any
) -> None:
    class Verifier:
        async def check(self, auth: t.Any) -> bool:
            return False

        def __call__(self, auth: t.Any) -> t.Any:
            return self.check(auth)

    @app.get("/secret")
    @auth_challenge("Bearer", verify=Verifier())
    def secret() -> str:
        return "TOP SECRET"

    with pytest.raises(TypeError, match="returned an awaitable"):
        client.get("/secret", headers={"Authorization": "Bearer x"})


@pytest.mark.parametrize("guard_on_top", [True, False])
def test_plain_options_gets_flasks_answer_in_either_order(
    app: Flask, client: t.Any, guard_on_top: bool
) -> None:
    def view() -> str:
        return "secret"

    guard = auth_challenge("Bearer", verify=lambda auth: False)
    allow = cors("https://app.example")
    wrapped = guard(allow(view)) if guard_on_top else allow(guard(view))
    app.add_url_rule("/x", view_func=wrapped, methods=["GET"])

    r = client.options("/x")
    assert r.status_code == 200
    assert "WWW-Authenticate" not in r.headers
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert client.get("/x").status_code == 401


def test_challenge_response_fills_in_the_configured_realm(app: Flask) -> None:
    app.config["RESPKIT_AUTH_REALM"] = "ignored after init"

    @app.get("/")
    def view() -> t.Any:
        return challenge_response(Challenge("Basic"), Challenge("Bearer", realm="api"))

    r = app.test_client().get("/")
    assert r.headers.getlist("WWW-Authenticate") == [
        'Basic realm="Authentication Required"',
        'Bearer realm="api"',
    ]
