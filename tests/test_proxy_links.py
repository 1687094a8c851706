"""Absolute URLs behind a reverse proxy: with Werkzeug's ``ProxyFix`` trusting
the proxy's ``X-Forwarded-*`` headers, ``paginate`` (page and cursor mode),
``link_header`` and ``created`` write the public scheme, host and prefix;
without it they write what the app itself was asked, never what a client
claims in those headers."""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

import pytest
import requests.utils
from flask import Flask, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from flask_respkit import Pagination, RespKit, created, link_header, paginate

ITEMS = [{"id": i} for i in range(1, 96)]
#: What a TLS-terminating proxy in front of the app adds to each request.
FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "api.example.com",
    "X-Forwarded-Prefix": "/v1",
}


def make_app(proxy_fix: bool) -> Flask:
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY="test-secret-key-0123456789")
    RespKit(app)
    if proxy_fix:
        # One proxy in front: trust one hop of each header.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1
        )

    @app.get("/items")
    @paginate(per_page=10)
    def items(pagination: Pagination) -> t.Any:
        pagination.total = len(ITEMS)
        return ITEMS[pagination.offset : pagination.offset + pagination.limit]

    @app.get("/events")
    @paginate(cursor="-id", per_page=10)
    def events(pagination: Pagination) -> t.Any:
        rows = ITEMS[::-1]
        if pagination.after is not None:
            rows = [r for r in rows if r["id"] < pagination.after[0]]
        return rows[: pagination.limit]

    @app.get("/items/<int:id>")
    @link_header(collection="items", self="item", root="/", sibling="./4")
    def item(id: int) -> t.Any:
        return ITEMS[id - 1]

    @app.post("/items")
    @created(lambda response: url_for("item", id=response.json["id"]))
    def add_item() -> t.Any:
        return {"id": 96}

    @app.post("/items/by-endpoint")
    @created("items")
    def add_item_by_endpoint() -> t.Any:
        return {"id": 97}

    return app


def links(response: t.Any) -> dict[str, str]:
    value = response.headers.get("Link", "")
    return {
        link["rel"]: link["url"] for link in requests.utils.parse_header_links(value)
    }


def test_page_links_carry_the_public_scheme_host_and_prefix() -> None:
    client = make_app(proxy_fix=True).test_client()
    r = client.get("/items?page=2&sort=id", headers=FORWARDED)
    assert links(r) == {
        "first": "https://api.example.com/v1/items?page=1&sort=id",
        "prev": "https://api.example.com/v1/items?page=1&sort=id",
        "next": "https://api.example.com/v1/items?page=3&sort=id",
        "last": "https://api.example.com/v1/items?page=10&sort=id",
    }


def test_cursor_links_carry_the_public_origin_and_work_through_the_proxy() -> None:
    client = make_app(proxy_fix=True).test_client()
    url = "/events?per_page=30"
    seen: list[int] = []
    while url:
        r = client.get(url, headers=FORWARDED)
        assert r.status_code == 200
        seen += [row["id"] for row in r.json]
        rels = links(r)
        for target in rels.values():
            assert target.startswith("https://api.example.com/v1/events?per_page=30")
        assert rels.get("first", "https://api.example.com/v1/events?per_page=30") == (
            "https://api.example.com/v1/events?per_page=30"
        )
        # The proxy strips its prefix before passing the request on.
        nxt = urlsplit(rels.get("next", ""))
        url = nxt.path.removeprefix("/v1") + "?" + nxt.query if nxt.path else ""
    assert seen == list(range(95, 0, -1))


def test_link_header_and_created_carry_the_public_origin() -> None:
    client = make_app(proxy_fix=True).test_client()
    r = client.get("/items/3", headers=FORWARDED)
    assert links(r) == {
        "collection": "https://api.example.com/v1/items",
        "self": "https://api.example.com/v1/items/3",
        # URLs resolve against the public URL as RFC 3986 says: a path from
        # the root leaves the prefix out; a relative one keeps it.
        "root": "https://api.example.com/",
        "sibling": "https://api.example.com/v1/items/4",
    }
    r = client.post("/items", headers=FORWARDED)
    assert r.status_code == 201
    assert r.headers["Location"] == "https://api.example.com/v1/items/96"
    r = client.post("/items/by-endpoint", headers=FORWARDED)
    assert r.headers["Location"] == "https://api.example.com/v1/items"


def test_a_forwarded_port_is_kept() -> None:
    client = make_app(proxy_fix=True).test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.com:8443"}
    r = client.get("/events?per_page=90", headers=headers)
    assert links(r)["next"].startswith("https://api.example.com:8443/events?")
    assert client.post("/items", headers=headers).headers["Location"] == (
        "https://api.example.com:8443/items/96"
    )


@pytest.mark.parametrize("path", ["/items?page=2", "/events", "/items/3"])
def test_without_proxy_fix_forwarded_headers_are_not_trusted(path: str) -> None:
    client = make_app(proxy_fix=False).test_client()
    r = client.get(path, headers=FORWARDED)
    assert links(r)
    for target in links(r).values():
        assert target.startswith("http://localhost/")
    r = client.post("/items", headers=FORWARDED)
    assert r.headers["Location"] == "http://localhost/items/96"
