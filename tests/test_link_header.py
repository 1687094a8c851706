"""``Link`` serialization (RFC 8288 / RFC 8187) and the ``link_header`` decorator."""

from __future__ import annotations

import asyncio
import typing as t
from urllib.parse import quote, unquote, unquote_to_bytes

import httpx
import pytest
import requests.utils
from aiohttp.client_reqrep import ClientResponse
from flask import Flask, Response, abort, url_for
from flask.views import MethodView
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder, run_wsgi_app
from yarl import URL

from flask_respkit import Link, created, link_header, paginate


def parse(value: str) -> list[dict[str, str]]:
    return requests.utils.parse_header_links(value)


def title_of(parsed: dict[str, str]) -> str:
    if "title*" in parsed:
        charset, _, encoded = parsed["title*"].partition("''")
        assert charset == "UTF-8"
        return unquote(encoded, errors="strict")
    return parsed["title"]


def httpx_links(value: str) -> dict[t.Any, dict[str, str]]:
    response = httpx.Response(200, headers={"Link": value})
    return response.links


def aiohttp_links(value: str) -> t.Any:
    response = object.__new__(ClientResponse)
    response._headers = CIMultiDictProxy(CIMultiDict({"Link": value}))
    response._url = URL("https://api.example.com/")
    response._cache = {}
    return response.links


# --- Link: serialization ------------------------------------------------------


def test_link_serializes_target_and_quoted_rel() -> None:
    link = Link("https://h/items?page=2", "next")
    assert str(link) == '<https://h/items?page=2>; rel="next"'


def test_every_param_is_quoted_in_order() -> None:
    link = Link("/x", "alternate", type="text/csv", hreflang="en", title="CSV")
    assert str(link) == (
        '</x>; rel="alternate"; type="text/csv"; hreflang="en"; title="CSV"'
    )


def test_semicolon_and_comma_in_target_are_percent_encoded() -> None:
    link = Link("https://h/a;b,c?q=1,2;3", "next")
    assert link.target == "https://h/a%3Bb%2Cc?q=1%2C2%3B3"
    assert parse(str(link)) == [{"url": link.target, "rel": "next"}]


def test_quote_and_space_and_angle_brackets_in_target_are_encoded() -> None:
    link = Link("/a b/'x'<y>\"", "next")
    assert link.target == "/a%20b/%27x%27%3Cy%3E%22"


def test_iri_target_becomes_uri() -> None:
    link = Link("https://bücher.de/straße?q=é", "related")
    assert link.target == "https://xn--bcher-kva.de/stra%C3%9Fe?q=%C3%A9"


def test_existing_percent_escapes_are_kept() -> None:
    assert Link("/a%2Fb%3B", "next").target == "/a%2Fb%3B"


def test_non_ascii_title_is_sent_as_title_star() -> None:
    link = Link("/x", "next", title="Página siguiente ✓")
    assert str(link) == (
        "</x>; rel=\"next\"; title*=UTF-8''P%C3%A1gina%20siguiente%20%E2%9C%93"
    )
    assert "title=" not in str(link)


@pytest.mark.parametrize(
    "title", ["a;b", "a,b", 'say "hi"', "back\\slash", "x=y", "a>b", " pad", "'q'"]
)
def test_title_a_parser_would_misread_goes_out_as_title_star(title: str) -> None:
    (parsed,) = parse(str(Link("/x", "next", title=title)))
    assert "title" not in parsed
    assert title_of(parsed) == title


def test_plain_title_is_a_quoted_string() -> None:
    assert str(Link("/x", "next", title="Page 2 of 9 (50%)")).endswith(
        '; title="Page 2 of 9 (50%)"'
    )


def test_rel_registered_names_are_lowercased_and_several_allowed() -> None:
    assert Link("/x", "Next Last").rel == "next last"
    ext = "https://example.com/rels/thing"
    assert Link("/x", f"item {ext}").rel == f"item {ext}"


def test_link_equality_and_hash_follow_the_value() -> None:
    assert Link("/x", "next") == Link("/x", "NEXT")
    assert len({Link("/x", "next"), Link("/x", "next"), Link("/y", "next")}) == 2
    assert repr(Link("/x", "next", title="T")) == "Link('/x', 'next', title='T')"


@pytest.mark.parametrize(
    "target", ["/a\r\nSet-Cookie: x=1", "/a\nb", "/a\x00", "/a\tb", "/\x7f"]
)
def test_control_characters_in_target_are_refused(target: str) -> None:
    with pytest.raises(ValueError, match="Link target"):
        Link(target, "next")


@pytest.mark.parametrize("target", ["http://[::1/x", "https://a..é/x", "/\udc80"])
def test_bad_url_target_is_refused(target: str) -> None:
    with pytest.raises(ValueError, match="not a URL"):
        Link(target, "next")


def test_non_string_target_is_refused() -> None:
    with pytest.raises(TypeError, match="Link target"):
        Link(42, "next")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "rel",
    ["", "next\r\n", "next,last", "ne xt;", '"next"', "1st", "next  last", " next"],
)
def test_bad_rel_is_refused(rel: str) -> None:
    with pytest.raises(ValueError, match="Link rel"):
        Link("/x", rel)


@pytest.mark.parametrize("value", ["a\r\nb", "a\nb", "\x00"])
def test_control_characters_in_params_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="Link title"):
        Link("/x", "next", title=value)
    with pytest.raises(ValueError, match="Link type"):
        Link("/x", "next", type=value)


@pytest.mark.parametrize("value", ['a"b', "a;b", "é", "a=b"])
def test_non_title_param_that_cannot_be_read_back_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="only title may hold any text"):
        Link("/x", "next", type=value)


def test_bad_param_names_are_refused() -> None:
    with pytest.raises(ValueError, match="parameter name"):
        Link("/x", "next", **{"REL": "prev"})
    with pytest.raises(ValueError, match="parameter name"):
        Link("/x", "next", **{"title*": "x"})
    with pytest.raises(TypeError, match="Link type"):
        Link("/x", "next", type=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["title", "type", "media", "anchor", "x-custom"])
@pytest.mark.parametrize(
    "other", [str.upper, str.title, lambda n: n[0].upper() + n[1:]]
)
def test_a_parameter_given_twice_in_any_case_is_refused(
    name: str, other: t.Callable[[str], str]
) -> None:
    twice = {name: "a", other(name): "b"}
    assert len(twice) == 2
    with pytest.raises(ValueError, match="given twice"):
        Link("/x", "next", **twice)


def test_hreflang_may_repeat() -> None:
    link = Link("/x", "alternate", hreflang="en", HREFLANG="de")
    assert str(link) == '</x>; rel="alternate"; hreflang="en"; hreflang="de"'


# --- Link: every common client parser reads it back --------------------------


_texts = st.text(st.characters(codec="utf-8"), max_size=30)


@given(path=_texts, title=_texts)
def test_any_target_and_title_raise_or_parse_back_exactly(
    path: str, title: str
) -> None:
    try:
        link = Link("https://api.example.com/" + path, "next", title=title)
    except ValueError:
        return
    value = ", ".join([str(link), str(Link("/other", "prev"))])
    first, second = parse(value)
    assert first["url"] == link.target
    meant = iri_path("https://api.example.com/" + path)
    assert unquote_to_bytes(link.target) == unquote_to_bytes(meant)
    assert first["rel"] == "next"
    assert title_of(first) == title
    assert second == {"url": "/other", "rel": "prev"}


def iri_path(url: str) -> str:
    """What the target means: non-ASCII percent-encoded as UTF-8 octets."""
    return "".join(c if ord(c) < 128 else quote(c, safe="") for c in url)


@given(path=_texts, title=_texts)
def test_httpx_and_aiohttp_read_it_back_too(path: str, title: str) -> None:
    try:
        link = Link("https://api.example.com/" + path, "next", title=title)
    except ValueError:
        return
    value = f'{link}, <https://api.example.com/last>; rel="last"'
    via_httpx = httpx_links(value)
    assert via_httpx["next"]["url"] == link.target
    assert title_of(via_httpx["next"]) == title
    assert via_httpx["last"]["url"] == "https://api.example.com/last"
    via_aiohttp = aiohttp_links(value)
    # aiohttp hands back the target joined to the response URL by yarl.
    expected = URL("https://api.example.com/").join(URL(link.target))
    assert str(via_aiohttp["next"]["url"]) == str(expected)
    assert title_of(dict(via_aiohttp["next"])) == title
    assert str(via_aiohttp["last"]["url"]) == "https://api.example.com/last"


def test_ordinary_titles_are_accepted() -> None:
    # The property above must not pass by refusing everything.
    for title in ["Page 2", "Página", "a;b", "x" * 200, ""]:
        Link("https://api.example.com/x", "next", title=title)


# --- link_header ----------------------------------------------------------------


def test_keywords_give_rel_and_targets_go_out_absolute(app: Flask) -> None:
    @app.get("/items/<int:id>")
    @link_header(up="/items", self="item", next=lambda r: "?page=2")
    def item(id: int) -> str:
        return "x"

    r = app.test_client().get("/items/7")
    assert parse(r.headers["Link"]) == [
        {"url": "http://localhost/items", "rel": "up"},
        {"url": "http://localhost/items/7", "rel": "self"},
        {"url": "http://localhost/items/7?page=2", "rel": "next"},
    ]


def test_underscore_in_keyword_becomes_hyphen(app: Flask) -> None:
    @app.get("/v")
    @link_header(latest_version="/v2")
    def v() -> str:
        return "x"

    r = app.test_client().get("/v")
    assert r.headers["Link"] == '<http://localhost/v2>; rel="latest-version"'


def test_endpoint_uses_the_view_args_that_fit(app: Flask) -> None:
    @app.get("/users/<int:uid>/posts/<int:pid>")
    @link_header(author="user", collection="posts")
    def post(uid: int, pid: int) -> str:
        return "x"

    @app.get("/users/<int:uid>")
    def user(uid: int) -> str:
        return "u"

    @app.get("/users/<int:uid>/posts")
    def posts(uid: int) -> str:
        return "p"

    r = app.test_client().get("/users/3/posts/9")
    assert r.headers["Link"] == (
        '<http://localhost/users/3>; rel="author",'
        ' <http://localhost/users/3/posts>; rel="collection"'
    )


def test_callable_returning_none_is_left_out(app: Flask) -> None:
    @app.get("/a")
    @link_header(next=lambda r: None, prev=lambda r: "/p")
    def a() -> str:
        return "x"

    assert app.test_client().get("/a").headers["Link"] == (
        '<http://localhost/p>; rel="prev"'
    )


def test_callable_sees_the_response(app: Flask) -> None:
    @app.get("/a")
    @link_header(related=lambda r: f"/things/{r.json['id']}")
    def a() -> dict[str, int]:
        return {"id": 5}

    assert "<http://localhost/things/5>" in app.test_client().get("/a").headers["Link"]


def test_link_objects_and_link_callables(app: Flask) -> None:
    @app.get("/docs/a")
    @link_header(
        Link("schema", "describedby", title="Schéma"),
        lambda r: Link(url_for("a", v=2), "alternate", type="text/html"),
        lambda r: None,
    )
    def a() -> str:
        return "x"

    value = app.test_client().get("/docs/a").headers["Link"]
    assert value == (
        '<http://localhost/docs/schema>; rel="describedby";'
        " title*=UTF-8''Sch%C3%A9ma,"
        ' <http://localhost/docs/a?v=2>; rel="alternate"; type="text/html"'
    )


def test_links_are_appended_to_what_the_view_set(app: Flask) -> None:
    @app.get("/a")
    @link_header(next="/n")
    def a() -> Response:
        r = Response("x")
        r.headers.add("Link", '<https://cdn/x.css>; rel="preload"')
        r.headers.add("Link", "</help>; rel=help")
        return r

    r = app.test_client().get("/a")
    assert r.headers.getlist("Link") == [
        '<https://cdn/x.css>; rel="preload", </help>; rel=help,'
        ' <http://localhost/n>; rel="next"'
    ]


def test_a_link_already_present_is_not_repeated(app: Flask) -> None:
    @app.get("/a")
    @link_header(self="a", next="/n")
    def a() -> tuple[str, dict[str, str]]:
        return "x", {"Link": '</a>; rel="self", <http://localhost/n>; rel=NEXT'}

    r = app.test_client().get("/a")
    assert r.headers["Link"] == '</a>; rel="self", <http://localhost/n>; rel=NEXT'


def test_same_target_other_rel_is_still_added(app: Flask) -> None:
    @app.get("/a")
    @link_header(first="/a", last="/a")
    def a() -> str:
        return "x"

    assert len(parse(app.test_client().get("/a").headers["Link"])) == 2


def test_unparseable_existing_header_is_kept(app: Flask) -> None:
    @app.get("/a")
    @link_header(next="/n")
    def a() -> tuple[str, dict[str, str]]:
        return "x", {"Link": "garbage"}

    assert app.test_client().get("/a").headers["Link"] == (
        'garbage, <http://localhost/n>; rel="next"'
    )


def test_stacked_twice_gives_one_link(
    app: Flask,
) -> None:
    deco = link_header(self="/a")

    @app.get("/a")
    @deco
    @link_header(self="/a")
    def a() -> str:
        return "x"

    assert app.test_client().get("/a").headers["Link"] == (
        '<http://localhost/a>; rel="self"'
    )


def test_combines_with_paginate_into_one_header(app: Flask) -> None:
    @app.get("/items")
    @link_header(describedby="/schema")
    @paginate(per_page=2)
    def items(pagination: t.Any) -> list[int]:
        pagination.total = 3
        return [1, 2]

    rels = [
        link["rel"] for link in parse(app.test_client().get("/items").headers["Link"])
    ]
    assert rels == ["first", "next", "last", "describedby"]


@pytest.mark.parametrize("status", [400, 404, 500])
def test_error_responses_get_no_links(app: Flask, status: int) -> None:
    @app.get("/a")
    @link_header(next="/n")
    def a() -> tuple[str, int]:
        return "no", status

    assert "Link" not in app.test_client().get("/a").headers


def test_aborted_view_gets_no_links(app: Flask) -> None:
    @app.get("/a")
    @link_header(next="/n")
    def a() -> str:
        abort(404)

    assert "Link" not in app.test_client().get("/a").headers


def test_redirect_keeps_links(app: Flask) -> None:
    @app.get("/a")
    @link_header(next="/n")
    def a() -> tuple[str, int, dict[str, str]]:
        return "", 302, {"Location": "/b"}

    assert app.test_client().get("/a").headers["Link"] == (
        '<http://localhost/n>; rel="next"'
    )


def test_async_view_and_method_view(app: Flask) -> None:
    @app.get("/async")
    @link_header(next="/n")
    async def view() -> str:
        await asyncio.sleep(0)
        return "x"

    class Items(MethodView):
        decorators: t.ClassVar = [link_header(self="/items")]

        def get(self) -> str:
            return "x"

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    client = app.test_client()
    assert client.get("/async").headers["Link"] == '<http://localhost/n>; rel="next"'
    assert client.get("/items").headers["Link"] == (
        '<http://localhost/items>; rel="self"'
    )


def test_hostile_callable_url_never_splits_the_header(app: Flask) -> None:
    @app.get("/a")
    @link_header(next=lambda r: '/x"; rel="evil", <http://evil\r\nX-Bad: 1')
    def a() -> str:
        return "x"

    r = app.test_client().get("/a")
    assert "X-Bad" not in r.headers
    (link,) = parse(r.headers["Link"])
    assert link["rel"] == "next"


def test_callable_returning_wrong_type_raises(app: Flask) -> None:
    @app.get("/a")
    @link_header(next=lambda r: 3)  # type: ignore[arg-type,return-value]
    def a() -> str:
        return "x"

    @app.get("/b")
    @link_header(lambda r: "/x")  # type: ignore[arg-type,return-value]
    def b() -> str:
        return "x"

    with pytest.raises(TypeError, match="str or None"):
        app.test_client().get("/a")
    with pytest.raises(TypeError, match="Link or None"):
        app.test_client().get("/b")


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((), {}, ValueError, "at least one link"),
        (("/x",), {}, TypeError, "Link objects"),
        ((), {"next": "/a\r\nb"}, ValueError, r"link_header\(next=\)"),
        ((), {"next": ""}, ValueError, "must not be empty"),
        ((), {"next": "not an endpoint"}, ValueError, "endpoint name"),
        ((), {"next": 3}, TypeError, r"link_header\(next=\)"),
        ((), {"1st": "/a"}, ValueError, "relation"),
    ],
)
def test_bad_arguments_fail_when_made(
    args: tuple[t.Any, ...],
    kwargs: dict[str, t.Any],
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        link_header(*args, **kwargs)


def test_query_and_fragment_only_targets_are_urls(app: Flask) -> None:
    @app.get("/a/b")
    @link_header(next="?page=2", self="#top")
    def a() -> str:
        return "x"

    assert parse(app.test_client().get("/a/b").headers["Link"]) == [
        {"url": "http://localhost/a/b?page=2", "rel": "next"},
        {"url": "http://localhost/a/b#top", "rel": "self"},
    ]


def test_created_shares_the_resolution(app: Flask) -> None:
    @app.post("/a/b")
    @created("?id=3")
    def a() -> str:
        return "x"

    r = app.test_client().post("/a/b")
    assert (r.status_code, r.headers["Location"]) == (201, "http://localhost/a/b?id=3")


def test_host_request_url_fails_on_still_gets_links(app: Flask) -> None:
    @app.get("/a")
    @link_header(next="/n")
    def a() -> str:
        return "x"

    # Werkzeug's test client cannot send this Host itself, so call the app.
    environ = EnvironBuilder(path="/a").get_environ()
    environ["HTTP_HOST"] = "xn--zz"
    _, status, headers = run_wsgi_app(app.wsgi_app, environ, buffered=True)
    assert status == "200 OK"
    assert Headers(headers)["Link"] == '<http://xn--zz/n>; rel="next"'


def test_blueprint_relative_endpoint_with_url_arguments(app: Flask) -> None:
    from flask import Blueprint

    bp = Blueprint("bp", __name__)

    @bp.get("/items/<int:id>")
    @link_header(self=".item")
    def item(id: int) -> str:
        return ""

    app.register_blueprint(bp, url_prefix="/bp")
    r = app.test_client().get("/bp/items/7")
    assert r.headers["Link"] == '<http://localhost/bp/items/7>; rel="self"'
