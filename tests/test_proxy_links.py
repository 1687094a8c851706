"""Absolute URLs behind a reverse proxy: with Werkzeug's ``ProxyFix`` trusting
the proxy's ``X-Forwarded-*`` headers, ``paginate`` (page and cursor mode),
``link_header`` and ``created`` write the public scheme, host and prefix;
without it they write what the app itself was asked, never what a client
claims in those headers."""

from __future__ import annotations

import typing as t
from importlib.metadata import version
from urllib.parse import urlsplit

import pytest
import requests.utils
from flask import Flask, request, url_for
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


# -- SERVER_NAME: the host url_for writes ------------------------------------------

#: Flask 3.1 serves a request for any host when SERVER_NAME is set; Flask 3.0
#: answers one whose Host is not SERVER_NAME with a 404 (and a warning).
SERVES_ANY_HOST = tuple(map(int, version("flask").split(".")[:2])) >= (3, 1)


def named_app(server_name: str, **flask_options: t.Any) -> tuple[Flask, list[str]]:
    """:func:`make_app` with ``SERVER_NAME``, recording the origin
    ``url_for(..., _external=True)`` gives in each request it serves."""
    app = make_app(proxy_fix=False)
    app.config["SERVER_NAME"] = server_name
    origins: list[str] = []

    @app.after_request
    def record(response: t.Any) -> t.Any:
        assert request.endpoint is not None
        url = url_for(request.endpoint, _external=True, **(request.view_args or {}))
        parts = urlsplit(url)
        origins.append(f"{parts.scheme}://{parts.netloc}")
        return response

    return app, origins


def kit_urls(client: t.Any, **kw: t.Any) -> list[str]:
    """Every absolute URL the kit writes in answers to ``client``: page and
    cursor links, link_header targets, and Location from a URL and from an
    endpoint."""
    urls = [
        *links(client.get("/items?page=2", **kw)).values(),
        *links(client.get("/events", **kw)).values(),
        *links(client.get("/items/3", **kw)).values(),
        client.post("/items", **kw).headers["Location"],
        client.post("/items/by-endpoint", **kw).headers["Location"],
    ]
    assert len(urls) == 4 + 2 + 4 + 2
    return urls


def origins_of(urls: list[str]) -> set[str]:
    return {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in urls}


@pytest.mark.skipif(not SERVES_ANY_HOST, reason="Flask 3.0 answers 404")
@pytest.mark.parametrize(
    "host", ["attacker.example", "evil.example:8080", "127.0.0.1", "[::1]:5000"]
)
def test_with_server_name_urls_carry_it_whatever_host_the_client_sends(
    host: str,
) -> None:
    app, origins = named_app("api.example.com")
    urls = kit_urls(app.test_client(), headers={"Host": host})
    assert origins_of(urls) == {"http://api.example.com"}
    assert set(origins) == {"http://api.example.com"}  # what url_for wrote
    assert "http://api.example.com/items/4" in urls  # a relative target too


@pytest.mark.parametrize(
    ("server_name", "base_url", "expected"),
    [
        # Werkzeug strips the scheme's default port and lowercases the name.
        ("API.Example.com:80", "http://api.example.com", "http://api.example.com"),
        ("api.example.com:443", "https://api.example.com", "https://api.example.com"),
        ("api.example.com:8443", "https://api.example.com:8443", None),
        ("api.example.com", "http://API.EXAMPLE.COM", "http://api.example.com"),
    ],
)
def test_with_server_name_urls_are_the_ones_url_for_writes(
    server_name: str, base_url: str, expected: str | None
) -> None:
    app, origins = named_app(server_name)
    # PREFERRED_URL_SCHEME is for URLs built outside a request: url_for keeps
    # the request's scheme, and so does the kit.
    app.config["PREFERRED_URL_SCHEME"] = "ftp"
    urls = kit_urls(app.test_client(), base_url=base_url)
    assert origins_of(urls) == set(origins) == {expected or base_url}


@pytest.mark.skipif(not SERVES_ANY_HOST, reason="Flask 3.0 answers 404")
def test_with_server_name_behind_proxy_fix_the_proxy_gives_the_scheme() -> None:
    app, origins = named_app("api.example.com")
    app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
        app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1
    )
    headers = {**FORWARDED, "X-Forwarded-Host": "other.example"}
    urls = kit_urls(app.test_client(), headers=headers)
    assert origins_of(urls) == set(origins) == {"https://api.example.com"}
    assert all(urlsplit(u).path.startswith("/v1/") for u in urls if "/items" in u)


def test_with_server_name_and_subdomains_the_subdomain_is_kept() -> None:
    app = Flask(__name__, subdomain_matching=True)
    app.config.update(
        TESTING=True, SECRET_KEY="test-secret-key-0123456789", SERVER_NAME="example.com"
    )
    seen: list[str] = []

    @app.get("/items", subdomain="<tenant>")
    @paginate(per_page=10)
    @link_header(collection="items")
    def items(tenant: str, pagination: Pagination) -> t.Any:
        seen.append(url_for("items", tenant=tenant, _external=True))
        pagination.total = len(ITEMS)
        return ITEMS[pagination.offset : pagination.offset + pagination.limit]

    r = app.test_client().get("/items?page=2", base_url="http://acme.example.com")
    assert seen == ["http://acme.example.com/items"]
    assert origins_of(list(links(r).values())) == {"http://acme.example.com"}


@pytest.mark.parametrize(
    "server_name",
    [
        None,
        # Flask 3.0 routes by SERVER_NAME, not Host, when the map matches
        # hosts (so this request is a 404); 3.1 routes by Host.
        pytest.param(
            "example.com",
            marks=pytest.mark.skipif(not SERVES_ANY_HOST, reason="Flask 3.0: 404"),
        ),
    ],
)
def test_with_host_matching_urls_carry_the_host_of_the_rule(
    server_name: str | None,
) -> None:
    app = Flask(__name__, host_matching=True, static_host="static.example")
    app.config.update(TESTING=True, SERVER_NAME=server_name)
    seen: list[str] = []

    @app.get("/items", host="<shop>.example.com")
    @paginate(per_page=10)
    def items(shop: str, pagination: Pagination) -> t.Any:
        seen.append(url_for("items", shop=shop, _external=True))
        pagination.total = len(ITEMS)
        return ITEMS[pagination.offset : pagination.offset + pagination.limit]

    r = app.test_client().get("/items?page=2", base_url="http://acme.example.com")
    assert r.status_code == 200
    assert seen == ["http://acme.example.com/items"]
    assert origins_of(list(links(r).values())) == {"http://acme.example.com"}


def test_without_server_name_the_host_is_the_one_url_for_writes() -> None:
    app = make_app(proxy_fix=False)
    origins: list[str] = []

    @app.after_request
    def record(response: t.Any) -> t.Any:
        origins.append(url_for("items", _external=True).rsplit("/", 1)[0])
        return response

    urls = kit_urls(app.test_client(), headers={"Host": "API.Example.com:8000"})
    assert origins_of(urls) == set(origins) == {"http://api.example.com:8000"}
