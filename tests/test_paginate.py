"""``paginate``: query validation, the injected ``Pagination``, GitHub-style links."""

from __future__ import annotations

import asyncio
import re
import typing as t
from pathlib import Path

import pytest
import requests.utils
from flask import Flask, abort, request
from flask.views import MethodView
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

from flask_respkit import Link, Pagination, RespKit, created, link_header, paginate

ITEMS = list(range(1, 96))  # 95 items


def links(value: str | None) -> dict[str, str]:
    if value is None:
        return {}
    return {
        link["rel"]: link["url"] for link in requests.utils.parse_header_links(value)
    }


def collection(app: Flask, path: str = "/items", **options: t.Any) -> None:
    @app.get(path, endpoint=path)
    @paginate(**options)
    def items(pagination: Pagination) -> list[int]:
        pagination.total = len(ITEMS)
        return ITEMS[pagination.offset : pagination.offset + pagination.limit]


# --- Pagination -----------------------------------------------------------------


def test_pagination_numbers() -> None:
    p = Pagination(3, 20)
    assert (p.page, p.per_page, p.offset, p.limit) == (3, 20, 40, 20)
    assert (p.total, p.pages, p.has_next) == (None, None, None)
    p.total = 41
    assert (p.pages, p.has_next) == (3, False)
    p.total = 61
    assert (p.pages, p.has_next) == (4, True)
    p.has_next = False
    assert p.has_next is False
    p.total = 0
    assert p.pages == 1
    assert repr(p) == "Pagination(page=3, per_page=20, total=0, has_next=False)"


@pytest.mark.parametrize(
    ("attr", "value", "error"),
    [
        ("total", -1, ValueError),
        ("total", "5", TypeError),
        ("total", True, TypeError),
        ("has_next", 1, TypeError),
    ],
)
def test_pagination_refuses_bad_values(attr: str, value: t.Any, error: type) -> None:
    with pytest.raises(error, match=f"Pagination.{attr}"):
        setattr(Pagination(1, 20), attr, value)


# --- links ----------------------------------------------------------------------


def test_first_page_has_next_and_last_but_no_prev(app: Flask) -> None:
    collection(app, per_page=10)
    r = app.test_client().get("/items")
    assert r.json == list(range(1, 11))
    assert r.headers["X-Total-Count"] == "95"
    assert r.headers["Link"] == (
        '<http://localhost/items?page=1>; rel="first",'
        ' <http://localhost/items?page=2>; rel="next",'
        ' <http://localhost/items?page=10>; rel="last"'
    )


def test_middle_page_has_all_four(app: Flask) -> None:
    collection(app, per_page=10)
    r = app.test_client().get("/items?page=5")
    assert r.json == list(range(41, 51))
    assert links(r.headers["Link"]) == {
        "first": "http://localhost/items?page=1",
        "prev": "http://localhost/items?page=4",
        "next": "http://localhost/items?page=6",
        "last": "http://localhost/items?page=10",
    }


def test_last_page_has_no_next(app: Flask) -> None:
    collection(app, per_page=10)
    r = app.test_client().get("/items?page=10")
    assert r.json == list(range(91, 96))
    assert set(links(r.headers["Link"])) == {"first", "prev", "last"}


def test_page_past_the_end_points_back_to_the_last(app: Flask) -> None:
    collection(app, per_page=10)
    r = app.test_client().get("/items?page=50")
    assert r.json == []
    assert links(r.headers["Link"]) == {
        "first": "http://localhost/items?page=1",
        "prev": "http://localhost/items?page=10",
        "last": "http://localhost/items?page=10",
    }


def test_no_link_header_when_everything_fits(app: Flask) -> None:
    collection(app, per_page=100)
    r = app.test_client().get("/items")
    assert "Link" not in r.headers
    assert r.headers["X-Total-Count"] == "95"


def test_empty_collection(app: Flask) -> None:
    @app.get("/none")
    @paginate()
    def none(pagination: Pagination) -> list[int]:
        pagination.total = 0
        return []

    r = app.test_client().get("/none")
    assert "Link" not in r.headers
    assert r.headers["X-Total-Count"] == "0"


def test_other_query_arguments_are_kept_in_order(app: Flask) -> None:
    collection(app, per_page=10)
    r = app.test_client().get("/items?sort=-id&page=2&q=a+b%26c&tag=x&tag=y&per_page=7")
    assert links(r.headers["Link"])["next"] == (
        "http://localhost/items?sort=-id&page=3&q=a+b%26c&tag=x&tag=y&per_page=7"
    )


def test_page_is_appended_when_absent_and_per_page_not_added(app: Flask) -> None:
    collection(app, per_page=10)
    r = app.test_client().get("/items?sort=name")
    assert links(r.headers["Link"])["next"] == (
        "http://localhost/items?sort=name&page=2"
    )


def test_repeated_page_parameter_uses_the_first_and_sends_one(app: Flask) -> None:
    collection(app, per_page=10)
    r = app.test_client().get("/items?page=2&x=1&page=7")
    assert r.json == list(range(11, 21))
    assert links(r.headers["Link"])["next"] == "http://localhost/items?page=3&x=1"


def test_per_page_above_max_is_clamped_and_links_carry_it(app: Flask) -> None:
    collection(app, per_page=10, max_per_page=30)
    r = app.test_client().get("/items?per_page=1000&page=2")
    assert r.json == list(range(31, 61))
    assert links(r.headers["Link"]) == {
        "first": "http://localhost/items?per_page=30&page=1",
        "prev": "http://localhost/items?per_page=30&page=1",
        "next": "http://localhost/items?per_page=30&page=3",
        "last": "http://localhost/items?per_page=30&page=4",
    }


def test_hostile_query_is_encoded_never_splitting_the_header(app: Flask) -> None:
    collection(app, per_page=10)
    r = app.test_client().get(
        '/items?a=<x>;b,c&d="q"&e=%0D%0Aevil&f=\xe9&g=%zz&&', headers={"Host": "ex.com"}
    )
    value = r.headers["Link"]
    assert "\r" not in value
    assert "\n" not in value
    assert links(value)["next"] == (
        "http://ex.com/items?a=%3Cx%3E%3Bb%2Cc&d=%22q%22&e=%0D%0Aevil&f=%C3%A9&g=%zz"
        "&page=2"
    )


def test_path_with_odd_characters_is_encoded(app: Flask) -> None:
    @app.get("/c/<name>")
    @paginate(per_page=1)
    def by_name(name: str, pagination: Pagination) -> list[str]:
        return [name]

    r = app.test_client().get("/c/a;b,é")
    assert (
        links(r.headers["Link"])["next"] == "http://localhost/c/a%3Bb%2C%C3%A9?page=2"
    )


def test_custom_parameter_names(app: Flask) -> None:
    collection(app, per_page=10, page_param="p", per_page_param="size")
    r = app.test_client().get("/items?p=2&size=5&page=9")
    assert r.json == list(range(6, 11))
    assert (
        links(r.headers["Link"])["next"] == "http://localhost/items?p=3&size=5&page=9"
    )


def test_per_page_param_none_ignores_the_client(app: Flask) -> None:
    collection(app, per_page=10, per_page_param=None)
    r = app.test_client().get("/items?per_page=50&page=2")
    assert r.json == list(range(11, 21))
    assert links(r.headers["Link"])["next"] == (
        "http://localhost/items?per_page=50&page=3"
    )


# --- unknown total --------------------------------------------------------------


def unknown_total(app: Flask) -> None:
    @app.get("/stream")
    @paginate(per_page=10)
    def stream(pagination: Pagination) -> list[int]:
        rows = ITEMS[pagination.offset : pagination.offset + pagination.limit + 1]
        if "peek" in request.args:
            pagination.has_next = len(rows) > pagination.limit
        return rows[: pagination.limit]


def test_unknown_total_gives_next_but_no_last_or_count(app: Flask) -> None:
    unknown_total(app)
    r = app.test_client().get("/stream?page=2")
    assert "X-Total-Count" not in r.headers
    assert links(r.headers["Link"]) == {
        "first": "http://localhost/stream?page=1",
        "prev": "http://localhost/stream?page=1",
        "next": "http://localhost/stream?page=3",
    }


def test_view_says_there_is_no_next_page(app: Flask) -> None:
    unknown_total(app)
    r = app.test_client().get("/stream?page=10&peek")
    assert r.json == list(range(91, 96))
    assert set(links(r.headers["Link"])) == {"first", "prev"}


def test_unknown_total_single_page_without_next_has_no_header(app: Flask) -> None:
    @app.get("/few")
    @paginate()
    def few(pagination: Pagination) -> list[int]:
        pagination.has_next = False
        return [1, 2]

    assert "Link" not in app.test_client().get("/few").headers


def test_view_has_next_overrides_the_total(app: Flask) -> None:
    @app.get("/x")
    @paginate(per_page=10)
    def x(pagination: Pagination) -> list[int]:
        pagination.total = 95
        pagination.has_next = False
        return []

    assert "next" not in links(app.test_client().get("/x?page=2").headers["Link"])


# --- bad query ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("page=abc", "page"),
        ("page=1e3", "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=", "page"),
        ("page=1.0", "page"),
        ("page=+2", "page"),
        ("page=%202", "page"),
        ("page=%D9%A1", "page"),  # Arabic-Indic digit one: int() would take it
        ("per_page=0", "per_page"),
        ("per_page=ten", "per_page"),
        ("per_page=1e2", "per_page"),
    ],
)
def test_bad_numbers_are_400_naming_the_parameter(
    app: Flask, query: str, name: str
) -> None:
    collection(app)
    r = app.test_client().get(f"/items?{query}")
    assert r.status_code == 400
    assert f"&#39;{name}&#39; must be a whole number of at least 1" in r.text


def test_huge_page_is_400_not_500(app: Flask) -> None:
    collection(app, per_page=100)
    client = app.test_client()
    for page in ["9" * 19, "1" + "0" * 5000, str(2**63 // 100 + 2)]:
        r = client.get(f"/items?page={page}")
        assert r.status_code == 400
        assert "&#39;page&#39; is too large" in r.text


def test_bad_query_goes_through_the_apps_error_handler(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(e: t.Any) -> tuple[dict[str, str], int]:
        return {"message": e.description}, 400

    collection(app)
    r = app.test_client().get("/items?page=x")
    assert r.json == {
        "message": "Query parameter 'page' must be a whole number of at least 1,"
        " got 'x'."
    }


def test_long_bad_value_is_shortened_in_the_message(app: Flask) -> None:
    collection(app)
    r = app.test_client().get("/items?page=" + "x" * 500)
    assert r.status_code == 400
    assert "x" * 41 not in r.text


# --- responses that are not 2xx -------------------------------------------------


@pytest.mark.parametrize("status", [400, 404, 500, 304])
def test_non_2xx_gets_no_pagination_headers(app: Flask, status: int) -> None:
    @app.get("/x")
    @paginate(per_page=10)
    def x(pagination: Pagination) -> tuple[str, int]:
        pagination.total = 95
        return "", status

    r = app.test_client().get("/x?page=2")
    assert "Link" not in r.headers
    assert "X-Total-Count" not in r.headers


def test_aborted_view_gets_no_pagination_headers(app: Flask) -> None:
    @app.get("/x")
    @paginate(per_page=10)
    def x(pagination: Pagination) -> list[int]:
        pagination.total = 95
        abort(403)

    r = app.test_client().get("/x?page=2")
    assert r.status_code == 403
    assert "Link" not in r.headers


# --- existing links, stacking, view kinds --------------------------------------


def test_links_the_view_set_are_kept_and_not_repeated(app: Flask) -> None:
    @app.get("/items")
    @paginate(per_page=10)
    def items(pagination: Pagination) -> tuple[list[int], dict[str, str]]:
        pagination.total = 95
        return [], {"Link": '</schema>; rel="describedby", </items?page=2>; rel="next"'}

    value = app.test_client().get("/items").headers["Link"]
    assert [(x["rel"], x["url"]) for x in requests.utils.parse_header_links(value)] == [
        ("describedby", "/schema"),
        ("next", "/items?page=2"),
        ("first", "http://localhost/items?page=1"),
        ("last", "http://localhost/items?page=10"),
    ]


def test_stacked_twice_applies_once(app: Flask) -> None:
    deco = paginate(per_page=10)

    @app.get("/items")
    @deco
    @paginate(per_page=10)
    def items(pagination: Pagination) -> list[int]:
        pagination.total = 95
        return []

    assert app.test_client().get("/items").headers["Link"].count("rel=") == 3


def test_async_view(app: Flask) -> None:
    @app.get("/a")
    @paginate(per_page=10)
    async def a(pagination: Pagination) -> list[int]:
        await asyncio.sleep(0)
        pagination.total = 25
        return [pagination.page]

    r = app.test_client().get("/a?page=3")
    assert r.json == [3]
    assert set(links(r.headers["Link"])) == {"first", "prev", "last"}


def test_method_view(app: Flask) -> None:
    class Items(MethodView):
        decorators: t.ClassVar = [paginate(per_page=10)]

        def get(self, pagination: Pagination) -> list[int]:
            pagination.total = 95
            return [pagination.offset]

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    r = app.test_client().get("/items?page=4")
    assert r.json == [30]
    assert r.headers["X-Total-Count"] == "95"


def test_with_link_header_below(app: Flask) -> None:
    @app.get("/items")
    @paginate(per_page=10)
    @link_header(Link("/schema", "describedby"))
    def items(pagination: Pagination) -> list[int]:
        pagination.total = 95
        return []

    value = app.test_client().get("/items").headers["Link"]
    assert list(links(value)) == ["describedby", "first", "next", "last"]


# --- options and configuration ---------------------------------------------------


def test_defaults_come_from_builtin_then_config_then_argument(bare_app: Flask) -> None:
    collection(bare_app, "/builtin")
    app = Flask(__name__)
    app.config.update(TESTING=True, RESPKIT_PER_PAGE=7, RESPKIT_MAX_PER_PAGE=9)
    RespKit(app)
    collection(app, "/config")
    collection(app, "/explicit", per_page=3, max_per_page=4)
    assert len(bare_app.test_client().get("/builtin").json) == 20
    assert len(bare_app.test_client().get("/builtin?per_page=500").json) == 95
    client = app.test_client()
    assert len(client.get("/config").json) == 7
    assert len(client.get("/config?per_page=500").json) == 9
    assert len(client.get("/explicit").json) == 3
    assert len(client.get("/explicit?per_page=500").json) == 4


def test_per_page_above_config_max_fails_when_it_meets_the_app() -> None:
    deco = paginate(per_page=50)
    app = Flask(__name__)
    app.config.update(TESTING=True, RESPKIT_MAX_PER_PAGE=30)
    RespKit(app)

    @app.get("/x")
    @deco
    def x(pagination: Pagination) -> list[int]:
        return []

    with pytest.raises(
        ValueError,
        match=r"per_page \(50\) must not exceed"
        r" RESPKIT_MAX_PER_PAGE \(30\)",
    ):
        app.test_client().get("/x")


def test_config_per_page_above_explicit_max_fails() -> None:
    app = Flask(__name__)
    app.config.update(TESTING=True, RESPKIT_PER_PAGE=50)
    RespKit(app)

    @app.get("/x")
    @paginate(max_per_page=30)
    def x(pagination: Pagination) -> list[int]:
        return []

    with pytest.raises(ValueError, match=r"RESPKIT_PER_PAGE \(50\).*max_per_page"):
        app.test_client().get("/x")


def test_resolved_once_per_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    deco = paginate()
    calls = []
    real = type(deco).resolve

    def counting(self: t.Any, a: Flask, s: t.Any) -> t.Any:
        calls.append(a)
        return real(self, a, s)

    monkeypatch.setattr(type(deco), "resolve", counting)

    @app.get("/x")
    @deco
    def x(pagination: Pagination) -> list[int]:
        return []

    client = app.test_client()
    for _ in range(3):
        client.get("/x")
    assert calls == [app]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"per_page": 0}, ValueError, r"paginate\(per_page=\) must be at least 1"),
        ({"per_page": "5"}, TypeError, r"paginate\(per_page=\)"),
        ({"max_per_page": -1}, ValueError, r"paginate\(max_per_page=\)"),
        ({"per_page": 10, "max_per_page": 5}, ValueError, "must not exceed"),
        ({"page_param": ""}, ValueError, r"paginate\(page_param=\)"),
        ({"page_param": "a&b"}, ValueError, r"paginate\(page_param=\)"),
        ({"page_param": 1}, TypeError, r"paginate\(page_param=\)"),
        ({"per_page_param": "p x"}, ValueError, r"paginate\(per_page_param=\)"),
        ({"per_page_param": "page"}, ValueError, "must differ"),
    ],
)
def test_bad_options_fail_when_made(
    kwargs: dict[str, t.Any], error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        paginate(**kwargs)


def test_view_without_pagination_parameter_fails_when_decorated() -> None:
    def items() -> list[int]:
        return []

    with pytest.raises(TypeError, match="add a 'pagination' parameter to items"):
        paginate()(items)

    def anything(**kwargs: t.Any) -> list[int]:
        return []

    paginate()(anything)


# --- property: every page once ---------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    total=st.integers(0, 60),
    per_page=st.integers(1, 15),
    know_total=st.booleans(),
)
def test_following_next_visits_every_item_once(
    total: int, per_page: int, know_total: bool
) -> None:
    app = Flask(__name__)
    data = list(range(total))

    @app.get("/d")
    @paginate(per_page=per_page)
    def d(pagination: Pagination) -> list[int]:
        if know_total:
            pagination.total = total
        else:
            pagination.has_next = pagination.offset + pagination.limit < total
        return data[pagination.offset : pagination.offset + pagination.limit]

    client = app.test_client()
    seen: list[int] = []
    url: str | None = "/d?x=1"
    pages = 0
    while url:
        r = client.get(url)
        seen += r.json
        pages += 1
        found = links(r.headers.get("Link"))
        url = found.get("next")
        if know_total and total > per_page:
            assert found["last"].endswith(f"page={-(-total // per_page)}")
        assert pages <= total + 1
    assert seen == data


def test_host_request_url_fails_on_still_gets_links(app: Flask) -> None:
    # Werkzeug's request.url decodes the host as IDNA and raises on "xn--zz";
    # the kit builds its URLs from the request's parts instead.
    @app.get("/x")
    @paginate(per_page=1)
    def x(pagination: Pagination) -> list[int]:
        pagination.total = 2
        return []

    # Werkzeug's test client cannot send this Host itself, so call the app.
    environ = EnvironBuilder(path="/x").get_environ()
    environ["HTTP_HOST"] = "xn--zz"
    _, status, headers = run_wsgi_app(app.wsgi_app, environ, buffered=True)
    assert status == "200 OK"
    assert links(Headers(headers)["Link"])["next"] == "http://xn--zz/x?page=2"


def test_docs_example_answers_as_the_page_says() -> None:
    page = Path(__file__).resolve().parents[1] / "docs" / "links.rst"
    block = re.search(
        r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", page.read_text()
    )
    assert block is not None
    source = "\n".join(line[4:] for line in block.group(1).splitlines())
    namespace: dict[str, t.Any] = {"__name__": "links_docs"}
    exec(compile(source, str(page), "exec"), namespace)
    r = namespace["app"].test_client().get("/books?page=2&sort=title")
    assert [b["id"] for b in r.json] == list(range(11, 21))
    assert r.headers["X-Total-Count"] == "95"
    assert r.headers["Link"] == (
        '<http://localhost/books?page=1&sort=title>; rel="first",'
        ' <http://localhost/books?page=1&sort=title>; rel="prev",'
        ' <http://localhost/books?page=3&sort=title>; rel="next",'
        ' <http://localhost/books?page=10&sort=title>; rel="last"'
    )


@pytest.mark.parametrize("query", ["page=\x80", "per_page=2&x=\xff\xfe"])
def test_query_string_not_utf8_is_400(app: Flask, query: str) -> None:
    # Raw bytes a WSGI server may pass through; request.args cannot decode them.
    collection(app)
    r = app.test_client().get("/items", environ_overrides={"QUERY_STRING": query})
    assert r.status_code == 400
    assert b"not valid UTF-8" in r.data


@pytest.mark.parametrize("name", ["a?b", "a#b", "%41", "caf\u00e9 x"])
def test_links_keep_escaped_path_characters(app: Flask, name: str) -> None:
    from urllib.parse import quote

    seen = []

    @app.get("/f/<name>")
    @paginate(per_page=1)
    def files(name: str, pagination: Pagination) -> list[str]:
        seen.append(name)
        pagination.total = 3
        return [name]

    client = app.test_client()
    r = client.get(f"/f/{quote(name, safe='')}?page=2")
    nxt = requests.utils.parse_header_links(r.headers["Link"])[2]
    assert nxt["rel"] == "next"
    client.get(nxt["url"])
    assert seen == [name, name]


def test_links_keep_the_mount_point(app: Flask) -> None:
    @app.get("/books")
    @paginate(per_page=1)
    def books(pagination: Pagination) -> list[int]:
        pagination.total = 2
        return [pagination.page]

    r = app.test_client().get("/books", base_url="http://localhost/api/")
    assert "<http://localhost/api/books?page=2>" in r.headers["Link"]


def test_huge_per_page_is_clamped_not_refused(app: Flask) -> None:
    @app.get("/books")
    @paginate(per_page=5, max_per_page=50)
    def books(pagination: Pagination) -> dict[str, int]:
        return {"per_page": pagination.per_page}

    r = app.test_client().get("/books?per_page=99999999999999999999999")
    assert (r.status_code, r.json) == (200, {"per_page": 50})


def test_a_host_werkzeug_drops_is_400_not_a_broken_link(app: Flask) -> None:
    @app.get("/books")
    @paginate(per_page=1)
    def books(pagination: Pagination) -> list[int]:
        pagination.total = 2
        return []

    r = app.test_client().get("/books", headers={"Host": "a b"})
    assert r.status_code == 400
    assert "Link" not in r.headers


@pytest.mark.parametrize(
    "host", ["a b", "h\u017f.example", "ex\u00e4mple.org", "a/b", "a@b"]
)
def test_a_host_that_is_no_host_name_is_400_for_every_url_form(
    app: Flask, host: str
) -> None:
    # Werkzeug 3.1 drops such a Host to ""; 3.0 passes it through as it is.
    @app.post("/books")
    @created("book")
    def add() -> str:
        return "x"

    @app.get("/books/1")
    @link_header(self="/books/1")
    def book() -> str:
        return "x"

    client = app.test_client()
    for r in (
        client.post("/books", headers={"Host": host}),
        client.get("/books/1", headers={"Host": host}),
    ):
        assert r.status_code == 400
        assert "Location" not in r.headers
        assert "Link" not in r.headers


def test_has_next_false_with_a_known_total_keeps_first_and_last(app: Flask) -> None:
    @app.get("/books")
    @paginate(per_page=20)
    def books(pagination: Pagination) -> list[int]:
        pagination.total = 50
        pagination.has_next = False
        return []

    links = requests.utils.parse_header_links(
        app.test_client().get("/books").headers["Link"]
    )
    assert [link["rel"] for link in links] == ["first", "last"]
