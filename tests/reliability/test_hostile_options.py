"""Hostile decorator options, property-based: any value given to any option of
the kit's decorators is either refused with ``ValueError``/``TypeError`` when
the decorator is made, or the decorated view answers 2xx/4xx with Latin-1,
CR/LF-free headers and never echoes an origin its policy does not allow."""

from __future__ import annotations

import datetime
import os
import re
import typing as t

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import BuildError

from flask_respkit import (
    Link,
    RespKit,
    auth_challenge,
    cors,
    created,
    csv_export,
    headers,
    link_header,
    paginate,
    response_decorator,
    vary,
)
from flask_respkit.cross_origin import cors_policy_of

from ._checks import header_problems
from ._figures import record

pytestmark = [pytest.mark.reliability]

#: Examples per decorator; RESPKIT_HYPOTHESIS_EXAMPLES sets the request
#: properties' count, of which this takes half.
EXAMPLES = int(os.environ.get("RESPKIT_HYPOTHESIS_EXAMPLES", "2000")) // 2
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TRICKY: list[t.Any] = [
    "*",
    "null",
    "http://a.test",
    "HTTP://A.TEST:80",
    "http://a.test/",
    "http://*.a.test",
    "https://b.test:99999",
    "Basic",
    "Bearer",
    "X-Custom",
    "Link",
    "Authorization",
    "GET",
    "get, post",
    "a\r\nb",
    "a\nSet-Cookie: x=1",
    "é",
    "€",
    "\x00",
    "",
    " ",
    "excel",
    "unix",
    "http://localhost/x?a=1#f",
    "/relative",
    "javascript:alert(1)",
    "next",
    "self",
    re.compile(r"http://[a-z]+\.test"),
    re.compile(r".*"),
    datetime.timedelta(seconds=30),
    datetime.timedelta(days=-1),
    0,
    1,
    -1,
    10**30,
    True,
    False,
    None,
    1.5,
    float("nan"),
    b"http://a.test",
    ("http://a.test", 3),
]
scalar = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=24),
    st.integers(-(2**40), 2**40),
    st.none(),
    st.booleans(),
)
#: Values some option accepts, so that many examples get made and served.
PLAUSIBLE: list[t.Any] = [
    "http://a.test",
    ["http://a.test", "https://b.test:8443"],
    [re.compile(r"http://[a-z]\.test")],
    ["GET", "POST"],
    ["X-Custom", "Authorization"],
    "X-Custom, X-Other",
    600,
    True,
    False,
    "Basic",
    "Bearer",
    "api",
    'Résumé "2024".csv',
    ["a", "b"],
    {"a": "A", "b": "=B"},
    {"X-Frame-Options": "DENY"},
    "Accept",
    "http://localhost/next?page=2",
    "https://example.com/a;b,c",
    "static",
    "next",
    "invalid_token",
    "read write",
    5,
    50,
]
plausible = st.sampled_from(PLAUSIBLE)
#: Option name -> values it accepts.
VALID: dict[str, list[t.Any]] = {
    "origins": [
        "*",
        "http://a.test",
        ["http://a.test", "https://b.test:8443", "null"],
        [re.compile(r"http://[a-z]\.test")],
        lambda origin: origin.endswith(".test"),
    ],
    "methods": [None, ["GET", "POST"], "GET, PUT"],
    "allow_headers": ["*", ["X-Custom", "Authorization"], "X-A, X-B", []],
    "expose_headers": [None, ["X-Custom"], "Link, X-Total-Count"],
    "allow_credentials": [True, False],
    "max_age": [None, 0, 600, datetime.timedelta(minutes=5)],
    "allow_private_network": [True, False],
    "scheme": [None, "Basic", "Bearer", "Digest", "X-Token"],
    "realm": [None, "api", 'quote " and \\ backslash', "Zoë"],
    "charset": ["UTF-8", None],
    "error": ["invalid_token", "insufficient_scope"],
    "scope": ["read write", ["read", "write"]],
    "verify": [None, lambda a: a is not None, lambda a: False],
    "per_page": [None, 1, 5, 20, 100],
    "max_per_page": [None, 20, 100, 500],
    "page_param": ["page", "p", "página"],
    "per_page_param": ["per_page", None, "size"],
    "columns": [None, ["a", "b"], {"a": "A", "b": "=B"}, ["b"]],
    "filename": [None, "x.csv", 'Résumé "2024".csv', lambda **kw: "k.csv"],
    "header": [True, False],
    "dialect": ["excel", "excel-tab", "unix"],
    "bom": [True, False],
    "escape_formulas": [True, False],
    "negotiate": [True, False],
    "mapping": [None, {"X-Frame-Options": "DENY", "Cache-Control": "no-store"}],
    "errors": [True, False],
    "location": ["http://localhost/x/1", "/relative", "view", lambda r: None],
    "target": ["http://localhost/next?page=2", "https://e.test/a;b,c", "view"],
    "rel": ["next", "prev", "https://rel.test/x", "next prev"],
    "title": ["Zoë", "plain"],
    "type": ["text/html"],
    "hreflang": ["en", "de-CH"],
}
any_value = st.one_of(
    plausible,
    plausible,
    scalar,
    st.lists(scalar, max_size=4),
    st.dictionaries(st.text(max_size=10), scalar, max_size=3),
)


def _stamp(response: t.Any) -> t.Any:
    response.headers["X-Stamped"] = "1"
    return response


def options(*names: str) -> st.SearchStrategy[dict[str, t.Any]]:
    """Some of ``names``: with values right for each, with one value anything,
    or each with any value."""
    right = {n: st.sampled_from(VALID.get(n, PLAUSIBLE)) for n in names}
    one_off = st.sampled_from(names).flatmap(
        lambda odd: st.fixed_dictionaries(
            {odd: any_value}, optional={n: v for n, v in right.items() if n != odd}
        )
    )
    return st.one_of(
        st.fixed_dictionaries({}, optional=right),
        one_off,
        st.fixed_dictionaries({}, optional=dict.fromkeys(names, any_value)),
    )


MAKERS: dict[str, tuple[t.Callable[..., t.Any], st.SearchStrategy[t.Any]]] = {
    "cors": (
        lambda kw: cors(**kw),
        options(
            "origins",
            "methods",
            "allow_headers",
            "expose_headers",
            "allow_credentials",
            "max_age",
            "allow_private_network",
        ),
    ),
    "auth_challenge": (
        lambda kw: auth_challenge(**kw),
        st.one_of(
            options("scheme", "realm", "charset", "error", "scope", "verify"),
            st.dictionaries(st.text(max_size=8), any_value, max_size=3),
        ),
    ),
    "paginate": (
        lambda kw: paginate(**kw),
        options("per_page", "max_per_page", "page_param", "per_page_param"),
    ),
    "csv_export": (
        lambda kw: csv_export(**kw),
        options(
            "columns",
            "filename",
            "header",
            "dialect",
            "bom",
            "escape_formulas",
            "negotiate",
        ),
    ),
    "headers": (
        lambda kw: headers(kw.pop("mapping", None), **kw),
        st.one_of(
            options("mapping"),
            st.dictionaries(st.text(max_size=12), any_value, max_size=3),
        ),
    ),
    "vary": (
        lambda kw: vary(*kw["names"]),
        st.fixed_dictionaries({"names": st.lists(any_value, max_size=3)}),
    ),
    "link_header": (
        lambda kw: link_header(**kw),
        st.dictionaries(
            st.sampled_from(["next", "self", "prev", "x"]), any_value, max_size=3
        ),
    ),
    "Link": (
        lambda kw: link_header(Link(kw.pop("target"), kw.pop("rel"), **kw)),
        st.fixed_dictionaries(
            {"target": any_value, "rel": any_value},
            optional={"title": any_value, "type": any_value, "hreflang": any_value},
        ),
    ),
    "response_decorator": (
        lambda kw: response_decorator(kw["mutator"], **kw["rest"]),
        st.fixed_dictionaries(
            {
                "mutator": st.one_of(
                    st.sampled_from([_stamp, lambda r: None]),
                    # None is the factory form, response_decorator(errors=...)
                    any_value.filter(lambda v: v is not None),
                ),
                "rest": options("errors"),
            }
        ),
    ),
    "created": (
        lambda kw: created(kw["location"]),
        st.fixed_dictionaries({"location": any_value}),
    ),
}
#: The figures this module publishes, counted by each test over its examples.
MADE = "hostile options: decorators made and served (examples)"
REFUSED = "hostile options: refused when made (examples)"
REFUSED_AT_APP = "hostile options: refused on meeting the app's config (examples)"
UNKNOWN_ENDPOINT = "hostile options: endpoint names unknown to the app (examples)"
ORIGIN = "http://a.test"


def _app(decorator: t.Any) -> Flask:
    app = Flask(__name__)
    app.config["TESTING"] = True  # any exception fails the test
    RespKit(app)

    @app.route("/v", methods=["GET", "POST"])
    @decorator
    def view(**kwargs: t.Any) -> list[dict[str, t.Any]]:
        return [{"a": 1, "b": "=x"}, {"a": 2, "b": "y"}]

    return app


def _refused_on_meeting_the_app(
    name: str, kw: dict[str, t.Any], method: str, error: Exception
) -> str:
    """Accept an error raised on the first request only where documented;
    the figure it counts for."""
    message = str(error)
    assert method == "GET", error  # the first request, not a later one
    if isinstance(error, BuildError):
        # A string that is not a URL names an endpoint, which only the app's
        # routes can resolve: Flask's own routing error, as with url_for.
        assert name in ("link_header", "Link", "created"), error
        return UNKNOWN_ENDPOINT
    # Documented: what only appears once merged with the app's config
    # (credentials with the default "*"; a parameter the config's scheme
    # forbids; per_page above the configured maximum) fails when the
    # decorator first meets the app, before any request data is read.
    assert (
        (name == "cors" and "allow_credentials" in message)
        or (name == "auth_challenge" and kw.get("scheme") is None)
        or (name == "paginate" and "must not exceed" in message)
    ), error
    return REFUSED_AT_APP


@pytest.mark.parametrize("name", MAKERS)
def test_any_option_is_refused_or_safe(name: str) -> None:
    make, strategy = MAKERS[name]
    counts = dict.fromkeys((MADE, REFUSED, REFUSED_AT_APP, UNKNOWN_ENDPOINT), 0)

    @SETTINGS
    @given(strategy)
    def check(kw: dict[str, t.Any]) -> None:
        try:
            decorator = make(dict(kw))
        except (ValueError, TypeError):
            counts[REFUSED] += 1
            return
        counts[MADE] += 1
        app = _app(decorator)
        # RespKit.check (flask respkit check) predicts, before any request,
        # exactly the configuration errors the first request raises.
        try:
            RespKit.check(app)
        except ValueError as e:
            predicted: str | None = str(e)
        else:
            predicted = None
        client = app.test_client()
        requests = [
            ("GET", {"Origin": ORIGIN, "Accept": "text/csv"}),
            ("POST", {"Origin": "http://evil.test"}),
            ("OPTIONS", {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}),
        ]
        for method, sent in requests:
            try:
                r = client.open("/v?page=2&per_page=1", method=method, headers=sent)
            except (ValueError, BuildError) as e:
                counts[_refused_on_meeting_the_app(name, kw, method, e)] += 1
                raised: Exception = e
                break
            assert 200 <= r.status_code < 500, (r.status_code, r.data[:200])
            policy = cors_policy_of(app, "view")
            allowed = policy.allows if policy is not None else lambda o: False
            problems = header_problems(r.headers.to_wsgi_list(), allowed=allowed)
            assert not problems, problems
            r.get_data()
            acao = r.headers.get("Access-Control-Allow-Origin")
            assert acao in (None, "*", sent["Origin"])
        else:
            assert predicted is None, predicted
            return
        if isinstance(raised, BuildError):  # routing, not configuration
            assert predicted is None, predicted
        else:
            assert predicted is not None, raised
            assert str(raised) in predicted, (raised, predicted)

    check()
    for label, count in counts.items():
        record(label, count)
