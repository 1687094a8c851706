"""Hostile request data, property-based: whatever a client sends in ``Origin``,
``Access-Control-Request-*``, ``Authorization``, ``page``/``per_page``,
``Accept`` or ``Host``, the mixed app answers 2xx/4xx with clean headers and
never echoes an origin its policy does not allow.

Values go in three ways: through werkzeug's test client with the raw WSGI
environ overridden (so any Unicode, CR/LF and NUL reach the kit, as no real
server would allow), as the Latin-1 decoding of arbitrary bytes (what a WSGI
server hands over), and over a real socket to waitress with ``http.client``.
"""

from __future__ import annotations

import http.client
import os
import typing as t
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._checks import header_problems
from ._figures import record
from ._servers import waitress_server
from .mixed_app import create_app

pytestmark = [pytest.mark.reliability]

#: Examples per property; raise it with RESPKIT_HYPOTHESIS_EXAMPLES.
EXAMPLES = int(os.environ.get("RESPKIT_HYPOTHESIS_EXAMPLES", "2000"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ROUTES = [
    ("GET", "/items"),
    ("GET", "/report"),
    ("GET", "/export.csv"),
    ("GET", "/me"),
    ("DELETE", "/things/7"),
    ("PUT", "/things/7"),
    ("OPTIONS", "/things/7"),
    ("OPTIONS", "/items"),
    ("OPTIONS", "/me"),
    ("GET", "/gone"),
    ("GET", "/nowhere"),
]
TRICKY = [
    "",
    " ",
    "null",
    "*",
    "http://a.test",
    "HTTP://A.TEST",
    "http://a.test:80",
    "http://a.test/",
    "https://b.test:8443",
    "http://client-1.test",
    "http://client-1.test\r\nX-Evil: 1",
    "http://client-1.test\n",
    "http://client-1.test\x00",
    "http://client-\u0661.test",
    "http://clïent-1.test",
    "http://client-1.test\u2028",
    "\ud800",
    "Bearer token-1",
    "Bearer token-1\r\nX-Evil: 1",
    "Basic Zm9vOmJhcg==",
    "Basic /w==",
    "Basic " + "A" * 9000,
    'Digest username="\xff"',
    "Bearer",
    "GET",
    "DELETE",
    "get",
    "x-a, authorization",
    "x-a,\tx-b",
    "true",
    "application/json",
    "text/csv",
    "text/csv;q=nan, application/json;q=1e400",
    "*/*;q=0",
    "1",
    "0",
    "-1",
    "99999999999999999999",
    "0x10",
    "1e3",
    "٣",
    "+5",
    "5 ",
    "50%00",
]
#: Any Unicode (surrogates excluded: they cannot be Python str in a
#: real environ) or a known tricky value.
any_text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
)
#: What a WSGI server can hand over: bytes decoded as Latin-1.
wsgi_text = st.binary(max_size=40).map(lambda b: b.decode("latin-1"))
maybe = st.one_of(st.none(), any_text)

APP = create_app(None)
APP.config["TESTING"] = True  # any exception fails the test


def _environ(draw: st.DrawFn, text: st.SearchStrategy[str]) -> dict[str, str]:
    def header(strategy: st.SearchStrategy[str]) -> str | None:
        return draw(st.one_of(st.none(), strategy))

    env: dict[str, str] = {}
    for key in (
        "HTTP_ORIGIN",
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS",
        "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
        "HTTP_AUTHORIZATION",
        "HTTP_ACCEPT",
        "HTTP_HOST",
    ):
        value = header(text)
        if value is not None:
            env[key] = value
    return env


@st.composite
def requests_raw(draw: st.DrawFn, text: st.SearchStrategy[str]) -> dict[str, t.Any]:
    method, path = draw(st.sampled_from(ROUTES))
    env = _environ(draw, text)
    query = []
    for name in ("page", "per_page", "format", "size"):
        value = draw(st.one_of(st.none(), wsgi_text, st.sampled_from(TRICKY)))
        if value is not None:
            query.append(f"{name}={quote(value.encode('utf-8', 'replace'))}")
    raw = draw(st.one_of(st.none(), wsgi_text))
    if raw is not None:  # unencoded bytes, as a careless client sends them
        query.append("page=" + raw.replace("&", "").replace("#", ""))
    env["QUERY_STRING"] = "&".join(query)
    return {"method": method, "path": path, "environ": env}


def _check(response: t.Any) -> None:
    assert 200 <= response.status_code < 500, response.status_code
    problems = header_problems(response.headers.to_wsgi_list())
    assert not problems, problems
    response.get_data()  # the whole body streams without an error
    response.close()


#: The figures this module publishes: how many examples each property ran
#: (recorded by each example, so no test has to run last to report them).
RAW = "hostile requests: any Unicode in the raw environ (examples)"
WSGI = "hostile requests: Latin-1 bytes via WSGI (examples)"
HTTP = "hostile requests: over HTTP to waitress (examples)"


def _send(request: dict[str, t.Any]) -> None:
    client = APP.test_client()
    response = client.open(
        request["path"],
        method=request["method"],
        environ_overrides=request["environ"],
        buffered=False,
    )
    _check(response)


@SETTINGS
@given(requests_raw(any_text))
def test_any_unicode_in_the_environ(request: dict[str, t.Any]) -> None:
    record(RAW, 1)
    _send(request)


@SETTINGS
@given(requests_raw(wsgi_text))
def test_latin1_bytes_as_a_wsgi_server_decodes_them(request: dict[str, t.Any]) -> None:
    record(WSGI, 1)
    _send(request)


@pytest.fixture(scope="module")
def waitress_base() -> t.Iterator[str]:
    with waitress_server(create_app(None)) as base:
        yield base


#: Header text a real HTTP client can put on the wire (no CR/LF/NUL).
wire_text = st.one_of(
    st.sampled_from(
        [
            v.encode("utf-8", "replace").decode("latin-1")  # UTF-8 on the wire
            for v in TRICKY
            if not set(v) & set("\r\n\x00")
        ]
    ),
    st.binary(max_size=40)
    .map(lambda b: b.decode("latin-1"))
    .filter(lambda s: not set(s) & set("\r\n\x00")),
)


@pytest.mark.live
@settings(SETTINGS, max_examples=max(EXAMPLES // 4, 10))
@given(data=st.data())
def test_over_http_to_waitress(waitress_base: str, data: st.DataObject) -> None:
    record(HTTP, 1)
    request = data.draw(requests_raw(wire_text))
    host, port = waitress_base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        query = request["environ"].pop("QUERY_STRING")
        conn.putrequest(
            request["method"], request["path"] + "?" + quote(query, safe="=&%")
        )
        for key, value in request["environ"].items():
            name = key.removeprefix("HTTP_").replace("_", "-").title()
            conn.putheader(name, value.strip(" \t"))
        conn.endheaders()
        r = conn.getresponse()
        body = r.read()
    finally:
        conn.close()
    assert 200 <= r.status < 500, (r.status, body[:200])
    problems = header_problems(r.getheaders())
    assert not problems, problems
