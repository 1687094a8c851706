from __future__ import annotations

import re
import typing as t

import pytest
from flask import Blueprint, Flask, Response, url_for

from flask_respkit import created


def test_created_with_relative_url_is_absolute(app: Flask, client: t.Any) -> None:
    @app.post("/items")
    @created("/items/1")
    def add() -> dict[str, int]:
        return {"id": 1}

    r = client.post("/items")
    assert r.status_code == 201
    assert r.headers["Location"] == "http://localhost/items/1"
    assert r.json == {"id": 1}


def test_created_with_absolute_url_keeps_it(app: Flask, client: t.Any) -> None:
    @app.post("/items")
    @created("https://api.example.com/items/1")
    def add() -> str:
        return ""

    assert (
        client.post("/items").headers["Location"] == "https://api.example.com/items/1"
    )


def test_created_with_endpoint_uses_fitting_view_args(
    app: Flask, client: t.Any
) -> None:
    @app.get("/shops/<int:shop>/orders")
    def orders(shop: int) -> str:
        return ""

    @app.post("/shops/<int:shop>/orders/new")
    @created("orders")
    def add(shop: int) -> str:
        return ""

    r = client.post("/shops/7/orders/new")
    assert r.headers["Location"] == "http://localhost/shops/7/orders"


def test_created_with_callable_of_the_response(app: Flask, client: t.Any) -> None:
    @app.get("/items/<int:id>")
    def item(id: int) -> str:
        return ""

    def location(response: Response) -> str:
        return url_for("item", id=response.json["id"])  # type: ignore[index]

    @app.post("/items")
    @created(location)
    def add() -> dict[str, int]:
        return {"id": 42}

    assert client.post("/items").headers["Location"] == "http://localhost/items/42"


def test_created_callable_returning_none_omits_location(
    app: Flask, client: t.Any
) -> None:
    @app.post("/items")
    @created(lambda response: None)
    def add() -> str:
        return ""

    r = client.post("/items")
    assert r.status_code == 201
    assert "Location" not in r.headers


@pytest.mark.parametrize("status", [400, 404, 302, 500])
def test_created_leaves_non_2xx_alone(app: Flask, client: t.Any, status: int) -> None:
    @app.post("/items")
    @created("/items/1")
    def add() -> tuple[str, int]:
        return "no", status

    r = client.post("/items")
    assert r.status_code == status
    assert "Location" not in r.headers


def test_created_escapes_hostile_callable_results(app: Flask, client: t.Any) -> None:
    @app.post("/items")
    @created(lambda response: "/items/a b\r\nSet-Cookie: evil=1/\u00e9")
    def add() -> str:
        return ""

    r = client.post("/items")
    location = r.headers["Location"]
    assert "\r" not in location
    assert "\n" not in location
    assert " " not in location
    # urllib drops CR, LF and TAB from URLs (WHATWG); the rest is percent-encoded.
    assert location == "http://localhost/items/a%20bSet-Cookie:%20evil=1/%C3%A9"
    assert "Set-Cookie" not in r.headers


def test_created_url_with_non_ascii_is_percent_encoded(
    app: Flask, client: t.Any
) -> None:
    @app.post("/items")
    @created("/caf\u00e9/1")
    def add() -> str:
        return ""

    assert client.post("/items").headers["Location"] == "http://localhost/caf%C3%A9/1"


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("/items\r\n1", ValueError),
        ("", ValueError),
        ("   ", ValueError),
        ("not an endpoint!", ValueError),
        (42, TypeError),
    ],
)
def test_created_refuses_bad_locations_when_made(
    location: t.Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="created"):
        created(location)


@pytest.mark.parametrize(
    "hostile",
    [
        "http://a\x00b\x1b.example/",
        "http://[::1/x",
        "http://h:port/",
        "http://\u2100.example/",
        "/x\ud800",
        "//[::1",
        "/a\x7fb",
    ],
)
def test_created_never_sends_raw_bytes_or_fails_on_hostile_callables(
    app: Flask, client: t.Any, hostile: str
) -> None:
    @app.post("/items")
    @created(lambda response: hostile)
    def add() -> str:
        return ""

    r = client.post("/items")
    assert r.status_code == 201
    location = r.headers.get("Location")
    if location is not None:  # left out when it cannot be a URL at all
        assert re.fullmatch(r"[\x21-\x7e]+", location), location


@pytest.mark.parametrize("broken", ["http://[::1/x", "http://h:port/", "//[::1"])
def test_created_leaves_out_what_cannot_be_a_url_and_logs_it(
    app: Flask, client: t.Any, broken: str, caplog: pytest.LogCaptureFixture
) -> None:
    @app.post("/items")
    @created(lambda response: broken)
    def add() -> str:
        return ""

    r = client.post("/items")
    assert r.status_code == 201
    assert "Location" not in r.headers
    assert "Not a URL" in caplog.text


@pytest.mark.parametrize("broken", ["http://[::1/x", "https://h:port/"])
def test_created_refuses_a_constant_that_is_no_url(broken: str) -> None:
    with pytest.raises(ValueError, match="created"):
        created(broken)


def test_created_accepts_an_iri_and_sends_a_uri(app: Flask, client: t.Any) -> None:
    @app.post("/items")
    @created("/\u65e5\u672c/1")
    def add() -> str:
        return ""

    assert client.post("/items").headers["Location"] == (
        "http://localhost/%E6%97%A5%E6%9C%AC/1"
    )


def test_created_accepts_a_blueprint_relative_endpoint(
    app: Flask, client: t.Any
) -> None:
    bp = Blueprint("shop", __name__)

    @bp.get("/orders")
    def orders() -> str:
        return ""

    @bp.post("/orders")
    @created(".orders")
    def add() -> str:
        return ""

    app.register_blueprint(bp, url_prefix="/shop")
    assert client.post("/shop/orders").headers["Location"] == (
        "http://localhost/shop/orders"
    )
