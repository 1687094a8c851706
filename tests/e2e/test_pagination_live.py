"""Walk paginated collections over real HTTP, following ``Link: rel="next"``."""

from __future__ import annotations

import shutil
import subprocess
import typing as t

import httpx
import pytest
import requests
from flask import Flask

from flask_respkit import Pagination, RespKit, paginate

from ._live import free_port, run_example

pytestmark = pytest.mark.live

ITEMS = [{"id": i, "name": f"item {i}"} for i in range(1, 248)]
#: The example's authors, in the order it gives them to books.
AUTHORS = ["Austen", "Borges", "Calvino", "Dickens", "Eco", "Ferrante"]


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    RespKit(app)

    @app.get("/items")
    @paginate(per_page=25)
    def items(pagination: Pagination) -> list[dict[str, t.Any]]:
        pagination.total = len(ITEMS)
        return ITEMS[pagination.offset : pagination.offset + pagination.limit]

    @app.get("/stream")
    @paginate(per_page=30)
    def stream(pagination: Pagination) -> list[dict[str, t.Any]]:
        rows = ITEMS[pagination.offset : pagination.offset + pagination.limit + 1]
        pagination.has_next = len(rows) > pagination.limit
        return rows[: pagination.limit]

    return app


def walk(first_url: str, get: t.Callable[[str], t.Any]) -> tuple[list[t.Any], int]:
    """Follow ``next`` links from ``first_url``; return the items and page count."""
    seen: list[t.Any] = []
    url: str | None = first_url
    pages = 0
    while url is not None:
        r = get(url)
        assert r.status_code == 200
        seen.extend(r.json())
        pages += 1
        assert pages < 100, "pagination does not end"
        next_link = r.links.get("next")
        url = None if next_link is None else str(next_link["url"])
    return seen, pages


def test_requests_follows_next_and_gets_every_item_once(live_server: t.Any) -> None:
    with requests.Session() as s:
        seen, pages = walk(
            live_server.url("/items?sort=id&per_page=40"),
            lambda u: s.get(u, timeout=5),
        )
        assert seen == ITEMS
        assert pages == 7
        last = s.get(live_server.url("/items?sort=id&per_page=40"), timeout=5)
    assert last.headers["X-Total-Count"] == str(len(ITEMS))
    assert last.links["last"]["url"] == live_server.url(
        "/items?sort=id&per_page=40&page=7"
    )


def test_httpx_follows_next_without_a_total(live_server: t.Any) -> None:
    with httpx.Client(timeout=5) as client:
        seen, pages = walk(live_server.url("/stream"), client.get)
        first = client.get(live_server.url("/stream"))
    assert seen == ITEMS
    assert pages == 9
    assert "last" not in first.links
    assert "X-Total-Count" not in first.headers


def test_clamped_page_size_is_what_the_links_carry(live_server: t.Any) -> None:
    r = requests.get(live_server.url("/items?per_page=1000"), timeout=5)
    assert len(r.json()) == 100  # RESPKIT_MAX_PER_PAGE
    assert r.links["next"]["url"] == live_server.url("/items?per_page=100&page=2")


def test_bad_page_is_400_over_http(live_server: t.Any) -> None:
    r = requests.get(live_server.url("/items?page=1e3"), timeout=5)
    assert r.status_code == 400
    assert "page" in r.text
    assert "Link" not in r.headers


# --- the example app --------------------------------------------------------------


@pytest.fixture
def example() -> t.Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"PORT": str(port), "BOOKS": "137", "BOOKS_DB": None}
    with run_example("pagination/app.py", env, base + "/books"):
        yield base


def test_example_walks_the_sqlite_table(example: str) -> None:
    with requests.Session() as s:
        books, pages = walk(
            example + "/books?per_page=20", lambda u: s.get(u, timeout=5)
        )
        first = s.get(example + "/books", timeout=5)
    assert [b["id"] for b in books] == list(range(1, 138))
    assert pages == 7
    assert first.headers["X-Total-Count"] == "137"
    assert first.links["alternate"]["url"] == example + "/books/feed"
    assert first.links["last"]["url"] == example + "/books?page=14"


def test_example_filter_is_kept_across_pages(example: str) -> None:
    with requests.Session() as s:
        books, _ = walk(
            example + "/books/feed?author=Eco&per_page=7", lambda u: s.get(u, timeout=5)
        )
    assert [b["id"] for b in books] == [i for i in range(1, 138) if i % 6 == 4]
    assert {b["author"] for b in books} == {"Eco"}


def test_example_with_curl(example: str) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    out = subprocess.run(
        [curl, "-sSi", example + "/books?page=3&per_page=50"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout
    head = out.split("\r\n\r\n", 1)[0].splitlines()
    link = next(line for line in head if line.lower().startswith("link:"))
    assert f'<{example}/books?page=2&per_page=50>; rel="prev"' in link
    assert "X-Total-Count: 137" in head
    assert 'rel="next"' not in link


def test_example_walks_by_cursor_in_the_keys_order(example: str) -> None:
    with requests.Session() as s:
        books, pages = walk(
            example + "/books/by-author?per_page=20", lambda u: s.get(u, timeout=5)
        )
        first = s.get(example + "/books/by-author?per_page=20", timeout=5)
    expected = sorted(
        (
            {"id": i, "title": f"Book {i}", "author": AUTHORS[i % 6]}
            for i in range(1, 138)
        ),
        key=lambda b: (b["author"], -b["id"]),
    )
    assert books == expected
    assert pages == 7
    # Cursor pages never count: no total, no last page; next carries a cursor.
    assert "X-Total-Count" not in first.headers
    assert set(first.links) == {"first", "next"}
    assert first.links["first"]["url"] == example + "/books/by-author?per_page=20"
    assert first.links["next"]["url"].startswith(
        example + "/books/by-author?per_page=20&cursor="
    )


def test_example_cursor_keeps_the_filter_and_refuses_a_tampered_cursor(
    example: str,
) -> None:
    with requests.Session() as s:
        books, _ = walk(
            example + "/books/by-author?author=Eco&per_page=4",
            lambda u: s.get(u, timeout=5),
        )
        first = s.get(example + "/books/by-author?per_page=4", timeout=5)
        token = first.links["next"]["url"].rsplit("cursor=", 1)[1]
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        r = s.get(example + f"/books/by-author?cursor={forged}", timeout=5)
    assert [b["id"] for b in books] == [i for i in range(137, 0, -1) if i % 6 == 4]
    assert r.status_code == 400
    assert "cursor" in r.text
