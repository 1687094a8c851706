"""Origin patterns (API.md §3a): ``https://*.example.com`` and
``http://localhost:*`` in the decorator, ``RESPKIT_CORS_ORIGINS`` and a
resource's origins; their grammar, their matching, and the credentialed
patterns refused when made."""

from __future__ import annotations

import re
import typing as t

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from flask_respkit import RespKit, cors
from flask_respkit.cross_origin import (
    check_credentialed_pattern,
    check_pattern,
    compile_patterns,
    public_suffixes,
)

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"


def vary_of(r: t.Any) -> list[str]:
    return [v.strip() for line in r.headers.getlist("Vary") for v in line.split(",")]


def app_with(
    origins: t.Any = None, *, config: dict[str, t.Any] | None = None, **options: t.Any
) -> Flask:
    app = Flask(__name__)
    app.config["TESTING"] = True
    app.config.update(config or {})
    if config is not None:
        RespKit(app)
    decorate = cors(**options) if origins is None else cors(origins, **options)

    @app.route("/x", methods=["GET", "PUT"])
    @decorate
    def x() -> str:
        return "x"

    return app


# -- the grammar: every other '*' is refused when made, naming the pattern ------

REFUSED_FORMS = [
    "https://*example.com",  # '*' inside a label
    "https://a.*.example.com",  # '*' not leftmost
    "https://*.*.example.com",  # '*.' already stands for one or more labels
    "*.example.com",  # no scheme
    "//*.example.com",
    "https://example.*",  # '*' as the last label
    "https://example.com*",
    "https://*",
    "https://*.",
    "http://*:*",
    "https://*.example.com:**",
    "https://*.example.com:*8",
    "https://*.example.com:8*",
    "https://*.example.com/",  # a path
    "https://*.example.com/api",
    "https://user@*.example.com",
    "https://*.ex ample.com",
    "https://*.example.com.",  # a trailing dot
    "https://*..example.com",  # an empty label
    "https://*.127.0.0.1",  # '*.' before an IP address
    "https://*.[::1]",
    "https://*.example.com:0",  # ports 1-65535
    "https://*.example.com:65536",
    "ftp://*.example.com",  # http or https only
    "wss://*.example.com",
    "*://app.example.com",  # '*' as the scheme
    "https*://app.example.com",
    "http://localhost.:*",
]


@pytest.mark.parametrize("pattern", REFUSED_FORMS)
def test_every_other_star_is_refused_naming_the_pattern_and_both_forms(
    pattern: str,
) -> None:
    with pytest.raises(ValueError, match="not an origin pattern") as caught:
        cors(pattern)
    message = str(caught.value)
    assert repr(pattern) in message
    assert "'*.'" in message
    assert "'https://*.example.com'" in message
    assert "'http://localhost:*'" in message
    assert "origins" in message  # the option


@pytest.mark.parametrize("pattern", ["https://*example.com", "https://a.*.example.com"])
def test_a_bad_pattern_fails_in_a_list_in_config_and_in_a_resource(
    pattern: str,
) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(pattern))):
        cors(["https://app.example.com", pattern])
    app = Flask(__name__)
    app.config["RESPKIT_CORS_ORIGINS"] = [pattern]
    with pytest.raises(ValueError, match="RESPKIT_CORS_ORIGINS") as caught:
        RespKit(app)
    assert repr(pattern) in str(caught.value)
    app = Flask(__name__)
    app.config["RESPKIT_CORS_RESOURCES"] = {r"/api/.*": {"origins": pattern}}
    with pytest.raises(ValueError, match=re.escape("RESPKIT_CORS_RESOURCES")) as caught:
        RespKit(app)
    assert repr(pattern) in str(caught.value)


def test_a_pattern_with_control_characters_is_refused() -> None:
    with pytest.raises(ValueError, match="control"):
        cors("https://*.example.com\r\nX-Evil: 1")


@pytest.mark.parametrize(
    ("pattern", "parts"),
    [
        ("https://*.example.com", ("https", "example.com", ".example.com", None)),
        ("HTTPS://*.Example.COM", ("https", "example.com", ".example.com", None)),
        ("https://*.example.com:443", ("https", "example.com", ".example.com", None)),
        (
            "https://*.example.com:8443",
            ("https", "example.com", ".example.com", "8443"),
        ),
        ("https://*.example.com:*", ("https", "example.com", ".example.com", "*")),
        ("http://localhost:*", ("http", "localhost", None, "*")),
        ("http://127.0.0.1:*", ("http", "127.0.0.1", None, "*")),
        ("http://[::1]:*", ("http", "[::1]", None, "*")),
        (
            "https://*.xn--bcher-kva.example",
            ("https", "xn--bcher-kva.example", ".xn--bcher-kva.example", None),
        ),
    ],
)
def test_accepted_patterns_are_precompiled(
    pattern: str, parts: tuple[t.Any, ...]
) -> None:
    compiled = check_pattern("origins", pattern)
    assert compiled.text == pattern
    assert (compiled.scheme, compiled.host, compiled.suffix, compiled.port) == parts
    cors(pattern)  # and the decorator takes it


# -- matching ------------------------------------------------------------------

MATCHES = [
    # (pattern, origin, allowed)
    ("https://*.example.com", "https://a.example.com", True),
    ("https://*.example.com", "https://a.b.example.com", True),
    ("https://*.example.com", "https://x-1.y_2.example.com", True),
    ("https://*.example.com", "https://A.Example.COM", True),  # case-insensitive
    ("https://*.example.com", "https://example.com", False),  # the bare domain
    ("https://*.example.com", "https://xexample.com", False),  # not a label
    ("https://*.example.com", "https://a.example.com.evil.net", False),
    ("https://*.example.com", "https://a.example.comevil.net", False),
    ("https://*.example.com", "http://a.example.com", False),  # another scheme
    ("https://*.example.com", "wss://a.example.com", False),
    ("https://*.example.com", "https://a.example.com:8443", False),  # another port
    ("https://*.example.com", "https://a.example.com:443", False),  # never sent
    ("https://*.example.com", "https://a.example.com.", False),  # trailing dot
    ("https://*.example.com", "https://.example.com", False),  # empty label
    ("https://*.example.com", "https://a..example.com", False),
    ("https://*.example.com", "https://a.example.com:", False),
    ("https://*.example.com", "https://a.example.com/", False),
    ("https://*.example.com", "https://evil.net/.example.com", False),
    ("https://*.example.com", "https://evil.net?.example.com", False),
    ("https://*.example.com", "https://evil.net#.example.com", False),
    ("https://*.example.com", "https://a@b.example.com", False),
    ("https://*.example.com", "https://evil.net:1@a.example.com", False),
    ("https://*.example.com", "https://a b.example.com", False),
    ("https://*.example.com", " https://a.example.com", False),
    ("https://*.example.com", "https://\xe9.example.com", False),
    ("https://*.example.com", "null", False),
    ("https://*.example.com", "", False),
    ("https://*.example.com:8443", "https://a.example.com:8443", True),
    ("https://*.example.com:8443", "https://a.example.com", False),
    ("https://*.example.com:8443", "https://a.example.com:18443", False),
    ("https://*.example.com:*", "https://a.example.com", True),  # default port
    ("https://*.example.com:*", "https://a.b.example.com:8443", True),
    ("https://*.example.com:*", "https://example.com:8443", False),
    ("https://*.example.com:*", "https://xexample.com:8443", False),
    ("https://*.example.com:*", "https://a.example.com.:8443", False),
    ("https://*.example.com:*", "https://a.example.com:99999", False),
    ("https://*.example.com:*", "https://a.example.com:1:2", False),
    ("https://*.example.com:*", "https://a.example.com:x", False),
    ("http://localhost:*", "http://localhost:3000", True),
    ("http://localhost:*", "http://localhost", True),  # the default port
    ("http://localhost:*", "http://LOCALHOST:5173", True),
    ("http://localhost:*", "https://localhost:3000", False),
    ("http://localhost:*", "http://localhost.:3000", False),
    ("http://localhost:*", "http://localhost.evil.net:3000", False),
    ("http://localhost:*", "http://a.localhost:3000", False),
    ("http://localhost:*", "http://localhost:", False),
    ("http://localhost:*", "http://localhost:3000/", False),
    ("http://127.0.0.1:*", "http://127.0.0.1:8000", True),
    ("http://127.0.0.1:*", "http://127.0.0.10:8000", False),
    ("http://[::1]:*", "http://[::1]:8000", True),
    ("http://[::1]:*", "http://[::1]", True),
    ("http://[::1]:*", "http://[::2]:8000", False),
    ("http://[::1]:*", "http://[::1]x", False),
    ("http://[::1]:*", "http://[::1]:", False),
]


@pytest.mark.parametrize(
    ("pattern", "origin", "allowed"),
    [pytest.param(*case, id=f"{case[0]}-{case[1]!r}") for case in MATCHES],
)
def test_matching(pattern: str, origin: str, allowed: bool) -> None:
    client = app_with(pattern).test_client()
    r = client.get("/x", environ_overrides={"HTTP_ORIGIN": origin})
    p = client.options(
        "/x",
        environ_overrides={
            "HTTP_ORIGIN": origin,
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
        },
    )
    assert r.status_code == 200
    assert "Origin" in vary_of(r)
    assert "Origin" in vary_of(p)
    if allowed:
        # the request's origin, exactly as sent, never the pattern
        assert r.headers.getlist(ACAO) == [origin]
        assert (p.status_code, p.headers.getlist(ACAO)) == (204, [origin])
    else:
        assert ACAO not in r.headers
        assert (p.status_code, p.headers.get(ACAO)) == (403, None)


def test_patterns_mix_with_exact_origins_regexes_and_each_other() -> None:
    client = app_with(
        [
            "https://example.com",
            "https://*.example.com",
            "http://localhost:*",
            re.compile(r"https://[a-z]+\.example\.org"),
        ]
    ).test_client()
    for origin, allowed in [
        ("https://example.com", True),
        ("https://a.example.com", True),
        ("http://localhost:8080", True),
        ("https://a.example.org", True),
        ("https://xexample.com", False),
        ("https://a.example.net", False),
    ]:
        r = client.get("/x", headers={"Origin": origin})
        assert r.headers.get(ACAO) == (origin if allowed else None), origin


def test_patterns_from_config_and_resources() -> None:
    app = Flask(__name__)
    app.config["RESPKIT_CORS_ORIGINS"] = "https://*.example.com"
    app.config["RESPKIT_CORS_RESOURCES"] = {
        r"/dev/.*": {"origins": ["http://localhost:*"]},
        r"/api/.*": {},  # the app's origins
    }
    RespKit(app)

    @app.get("/view")
    @cors()
    def view() -> str:
        return "v"

    @app.get("/api/x")
    def api() -> str:
        return "a"

    @app.get("/dev/x")
    def dev() -> str:
        return "d"

    client = app.test_client()
    for path, origin, allowed in [
        ("/view", "https://a.example.com", True),
        ("/view", "https://xexample.com", False),
        ("/api/x", "https://a.b.example.com", True),
        ("/api/x", "https://example.com", False),
        ("/api/nowhere", "https://a.example.com", True),  # a 404 under a resource
        ("/dev/x", "http://localhost:5173", True),
        ("/dev/x", "https://a.example.com", False),
    ]:
        r = client.get(path, headers={"Origin": origin})
        assert r.headers.get(ACAO) == (origin if allowed else None), (path, origin)
        assert "Origin" in vary_of(r)


def test_the_summary_lists_the_pattern(app: Flask) -> None:
    decorator = cors(["https://example.com", "https://*.example.com"])
    assert "'https://*.example.com'" in decorator.summary(app.config)


# -- credentials: patterns over a public suffix or plain http are refused -------

#: (pattern, what the error says)
CREDENTIAL_REFUSALS = [
    ("https://*.com", "com is a public suffix"),
    ("https://*.co.uk", "co.uk is a public suffix"),
    ("https://*.github.io", "github.io is a public suffix"),  # private section
    ("https://*.s3.amazonaws.com", "s3.amazonaws.com is a public suffix"),
    ("https://*.ck", "ck is a public suffix"),
    ("https://*.foo.ck", "foo.ck is a public suffix"),  # a wildcard rule
    ("https://*.internal", "internal is a public suffix"),  # not on the list
    ("https://*.amazonaws.com", "beneath amazonaws.com is a public suffix"),
    ("https://*.com:*", "com is a public suffix"),
    ("http://*.example.com", "plain http"),
    ("http://app.example.com:*", "plain http"),
    ("http://192.168.1.10:*", "plain http"),
    ("http://*.localhost:*", "plain http"),
]


@pytest.mark.parametrize(("pattern", "why"), CREDENTIAL_REFUSALS)
def test_credentialed_pattern_is_refused_when_the_decorator_is_made(
    pattern: str, why: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(why)) as caught:
        cors(["https://app.example.org", pattern], allow_credentials=True)
    assert repr(pattern) in str(caught.value)
    assert "allow_credentials=True" in str(caught.value)
    cors(pattern)  # without credentials it is fine


@pytest.mark.parametrize(("pattern", "why"), CREDENTIAL_REFUSALS)
def test_credentialed_pattern_is_refused_at_init_app(pattern: str, why: str) -> None:
    app = Flask(__name__)
    app.config["RESPKIT_CORS_ORIGINS"] = [pattern]
    app.config["RESPKIT_CORS_ALLOW_CREDENTIALS"] = True
    with pytest.raises(ValueError, match=re.escape(why)) as caught:
        RespKit(app)
    assert "RESPKIT_CORS_ALLOW_CREDENTIALS" in str(caught.value)
    assert repr(pattern) in str(caught.value)

    app = Flask(__name__)
    app.config["RESPKIT_CORS_RESOURCES"] = {
        r"/api/.*": {"origins": pattern, "allow_credentials": True}
    }
    with pytest.raises(ValueError, match=re.escape(why)) as caught:
        RespKit(app)
    assert "RESPKIT_CORS_RESOURCES['/api/.*']" in str(caught.value)

    # credentials from the app, the pattern from the resource
    app = Flask(__name__)
    app.config["RESPKIT_CORS_ORIGINS"] = ["https://app.example.org"]
    app.config["RESPKIT_CORS_ALLOW_CREDENTIALS"] = True
    app.config["RESPKIT_CORS_RESOURCES"] = {r"/api/.*": {"origins": [pattern]}}
    with pytest.raises(ValueError, match=re.escape(why)):
        RespKit(app)


def test_decorator_credentials_meeting_app_patterns_fail_on_first_use() -> None:
    app = app_with(
        config={"RESPKIT_CORS_ORIGINS": "https://*.github.io"},
        allow_credentials=True,
    )
    with pytest.raises(ValueError, match=r"github\.io is a public suffix"):
        app.test_client().get("/x", headers={"Origin": "https://a.github.io"})
    # and the other way round: the decorator's pattern, the app's credentials
    app = Flask(__name__)
    app.config["TESTING"] = True
    app.config["RESPKIT_CORS_ALLOW_CREDENTIALS"] = True
    app.config["RESPKIT_CORS_ORIGINS"] = ["https://app.example.org"]
    RespKit(app)

    @app.get("/y")
    @cors("https://*.co.uk")
    def y() -> str:
        return "y"

    with pytest.raises(ValueError, match=r"co\.uk is a public suffix"):
        app.test_client().get("/y")


@pytest.mark.parametrize(
    "pattern",
    [
        "https://*.example.com",
        "https://*.example.co.uk",
        "https://*.ada.github.io",  # one user's pages: not a public suffix
        "https://*.example.com:*",
        "https://app.example.com:*",
        "http://localhost:*",
        "http://127.0.0.1:*",
        "http://[::1]:*",
        "https://*.localhost.example.com",
    ],
)
def test_credentialed_patterns_over_a_domain_you_own_work(pattern: str) -> None:
    client = app_with(pattern, allow_credentials=True).test_client()
    origin = pattern.replace("*.", "a.").replace(":*", ":8443")
    r = client.get("/x", headers={"Origin": origin})
    assert (r.headers[ACAO], r.headers[ACAC]) == (origin, "true")
    app = Flask(__name__)
    app.config["RESPKIT_CORS_ORIGINS"] = pattern
    app.config["RESPKIT_CORS_ALLOW_CREDENTIALS"] = True
    RespKit(app)


def test_the_public_suffix_list_is_read_once_and_has_the_private_section() -> None:
    psl, below = public_suffixes()
    assert public_suffixes() is public_suffixes()
    assert psl.is_public("github.io")  # private section
    assert psl.is_public("co.uk")  # ICANN section
    assert not psl.is_public("example.com")
    assert below["amazonaws.com"].endswith(".amazonaws.com")
    assert "example.com" not in below


def test_exact_origins_need_no_suffix_check() -> None:
    compiled = check_pattern("origins", "https://github.io:*")  # one host only
    check_credentialed_pattern(compiled)
    cors(["https://github.io", "http://app.example.com"], allow_credentials=True)


# -- the matcher against an oracle written independently of it -----------------

PIECES = [
    "https://", "http://", "https:", "//", "a", "b-1", "_", "example", "com",
    "xexample", "evil", ".", "..", ":", "8443", "443", "99999", "/", "@", "?",
    "#", " ", "%2e", "*", "[::1]", "[", "]", "\xe9", "A", "EXAMPLE",
]  # fmt: skip
ORACLE_ORIGIN = re.compile(
    r"(https?)://((?:[a-z0-9_~-]+\.)*[a-z0-9_~-]+|\[[0-9a-f:.]+\])(?::([0-9]{1,5}))?"
)


def oracle(pattern: str, origin: str) -> bool:
    """What API.md §3a says, by labels: scheme exact; ``*.`` one or more whole
    non-empty labels before the fixed ones; no ``:*``: no port written."""
    scheme, _, rest = pattern.partition("://")
    if rest.startswith("["):
        end = rest.index("]") + 1
        host, port = rest[:end], rest[end + 1 :]
    else:
        host, _, port = rest.partition(":")
    if not origin.isascii():
        return False
    found = ORACLE_ORIGIN.fullmatch(origin.lower())
    if not found or found[1] != scheme:
        return False
    if found[3] is not None and int(found[3]) > 65535:
        return False
    if port == "*":
        pass
    elif port:
        if found[3] != port:
            return False
    elif found[3] is not None:
        return False
    if not host.startswith("*."):
        return found[2] == host
    fixed = host[2:].split(".")
    labels = found[2].split(".")
    return len(labels) > len(fixed) and labels[-len(fixed) :] == fixed


LABELS = ["a", "b-1", "x_y", "EXAMPLE", "", "a b", "x@y", "%2e", "\xe9", "a/b", "*"]
#: Hosts near the patterns' own, and look-alikes.
FIXED = [
    "example.com", "EXAMPLE.com", "example.com.", "xexample.com", "a.example",
    "example.com.evil.net", "com", "localhost", "[::1]", "[::2]", "127.0.0.1",
]  # fmt: skip
PORTS = ["", ":8443", ":443", ":", ":99999", ":0", ":80", "/", ":x", ":84430"]
PATTERNS = [
    "https://*.example.com",
    "https://*.example.com:*",
    "https://*.example.com:8443",
    "http://*.a.example:*",
    "http://localhost:*",
    "http://[::1]:*",
]


def near(pattern: str) -> st.SearchStrategy[str]:
    """Origins built around ``pattern``: its scheme, valid labels, its fixed
    host and port most of the time, something else the rest."""
    scheme, _, rest = pattern.partition("://")
    fixed = rest[2:] if rest.startswith("*.") else rest
    fixed = fixed[: -len(":*")] if fixed.endswith(":*") else fixed
    fixed, _, port = fixed.partition(":") if "[" not in fixed else (fixed, "", "")
    labels = st.lists(st.sampled_from(["a", "b-1", "x_y"] * 3 + LABELS), min_size=1)
    subdomains = st.builds(
        "{}{}".format,
        labels.map(".".join),
        st.sampled_from(["."] * 6 + ["", ".."]),
    )
    return st.builds(
        "{}{}{}{}".format,
        st.sampled_from([f"{scheme}://"] * 6 + ["https://", "http://", "wss://", ""]),
        st.one_of(st.just(""), subdomains),
        st.sampled_from([fixed] * len(FIXED) + FIXED),
        st.sampled_from([f":{port}" if port else "", ":8080"] * 3 + PORTS),
    )


@given(st.sampled_from(PATTERNS), st.data())
@settings(max_examples=500, deadline=None)
def test_matching_agrees_with_a_label_oracle(pattern: str, data: st.DataObject) -> None:
    free = st.lists(st.sampled_from(PIECES), max_size=9).map("".join)
    origin = data.draw(st.one_of(free, near(pattern), near(pattern)), label="origin")
    match = compile_patterns((check_pattern("origins", pattern),))
    assert match is not None
    assert match(origin) is oracle(pattern, origin), origin


def test_respkit_check_reports_a_credentialed_pattern_before_any_request() -> None:
    app = Flask(__name__)
    app.config["RESPKIT_CORS_ORIGINS"] = ["https://*.github.io"]
    respkit = RespKit(app)

    @app.get("/x")
    @cors(allow_credentials=True)
    def x() -> str:
        return "x"

    with pytest.raises(ValueError, match=r"github\.io is a public suffix") as caught:
        respkit.check(app)
    assert "'https://*.github.io'" in str(caught.value)
