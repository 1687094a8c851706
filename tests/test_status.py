from __future__ import annotations

import typing as t

import pytest
from flask import Flask, Response, abort

from flask_respkit import headers, no_content, response_decorator, vary


@pytest.mark.parametrize("decorator", [no_content, no_content()])
def test_no_content_bare_and_called(
    app: Flask, client: t.Any, decorator: t.Callable[..., t.Any]
) -> None:
    @app.post("/")
    @decorator
    def view() -> dict[str, str]:
        return {"ignored": "body"}

    r = client.post("/")
    assert r.status_code == 204
    assert r.data == b""
    assert "Content-Type" not in r.headers
    assert "Content-Length" not in r.headers


def test_no_content_keeps_etag_location_and_every_cookie(
    app: Flask, client: t.Any
) -> None:
    @app.put("/")
    @no_content
    def view() -> Response:
        response = Response("saved", status=200)
        response.headers["ETag"] = '"v2"'
        response.headers["Location"] = "/items/1"
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    r = client.put("/")
    assert r.status_code == 204
    assert r.headers["ETag"] == '"v2"'
    assert r.headers["Location"] == "/items/1"
    assert len(r.headers.getlist("Set-Cookie")) == 2


@pytest.mark.parametrize("status", [201, 202, 299])
def test_no_content_turns_any_2xx_into_204(
    app: Flask, client: t.Any, status: int
) -> None:
    @app.post("/")
    @no_content
    def view() -> tuple[str, int]:
        return "x", status

    assert client.post("/").status_code == 204


@pytest.mark.parametrize(
    "rv",
    [
        (None, 202),
        (None, 200, {"ETag": '"v3"'}),
        (None, {"ETag": '"v3"'}),
        (None, "201 CREATED"),
    ],
)
def test_no_content_takes_an_explicit_status_with_no_body(
    app: Flask, client: t.Any, rv: tuple[t.Any, ...]
) -> None:
    @app.post("/")
    @no_content
    def view() -> t.Any:
        return rv

    r = client.post("/")
    assert (r.status_code, r.data) == (204, b"")
    assert "Content-Type" not in r.headers
    if any(isinstance(part, dict) for part in rv):
        assert r.headers["ETag"] == '"v3"'


def test_no_content_leaves_a_non_2xx_status_without_body_alone(
    app: Flask, client: t.Any
) -> None:
    @app.post("/")
    @no_content
    def view() -> t.Any:
        return None, 409

    r = client.post("/")
    assert (r.status_code, r.data) == (409, b"")


@pytest.mark.parametrize("status", [301, 400, 404, 409, 500])
def test_no_content_leaves_non_2xx_alone(
    app: Flask, client: t.Any, status: int
) -> None:
    @app.post("/")
    @no_content
    def view() -> tuple[dict[str, str], int]:
        return {"error": "nope"}, status

    r = client.post("/")
    assert r.status_code == status
    assert r.json == {"error": "nope"}
    assert r.headers["Content-Type"] == "application/json"


def test_no_content_leaves_raised_errors_alone(app: Flask, client: t.Any) -> None:
    @app.delete("/")
    @no_content
    def view() -> None:
        abort(404)

    r = client.delete("/")
    assert r.status_code == 404
    assert b"Not Found" in r.data


def test_no_content_closes_a_generator_unread(app: Flask, client: t.Any) -> None:
    events = []

    def body() -> t.Iterator[str]:
        try:
            events.append("started")
            yield "x"
        finally:
            events.append("closed")

    @app.post("/")
    @no_content
    def view() -> t.Iterator[str]:
        gen = body()
        next(gen)  # started, so closing it runs its finally
        return gen

    assert client.post("/").status_code == 204
    assert events == ["started", "closed"]


def test_headers_sets_keyword_and_mapping_names(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @headers({"Content-Security-Policy": "default-src 'self'"}, x_frame_options="DENY")
    def view() -> str:
        return ""

    r = client.get("/")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Content-Security-Policy"] == "default-src 'self'"


def test_headers_replaces_the_views_value_and_removes_with_none(
    app: Flask, client: t.Any
) -> None:
    @app.get("/")
    @headers(cache_control="no-store", x_powered_by=None, x_rate_limit=100)
    def view() -> tuple[str, dict[str, str]]:
        return "", {"Cache-Control": "max-age=60", "X-Powered-By": "flask"}

    r = client.get("/")
    assert r.headers.getlist("Cache-Control") == ["no-store"]
    assert "X-Powered-By" not in r.headers
    assert r.headers["X-Rate-Limit"] == "100"


def test_equal_headers_stacked_twice_wrap_once() -> None:
    def view() -> str:
        return ""

    once = headers(x_a="1")(view)
    assert headers(x_a="1")(once) is once
    assert headers(x_a="2")(once) is not once


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"x_a": "ok\r\nSet-Cookie: evil=1"}, ValueError, "CR, LF"),
        ({"x_a": "nul\x00"}, ValueError, "CR, LF, NUL"),
        ({"x_a": "tab\tis fine", "x_b": "bell\x07"}, ValueError, "X-B"),
        ({"x_a": "caf\u20ac"}, ValueError, "Latin-1"),
        ({"x_a": "c1\x85control"}, ValueError, "control characters"),
        ({"x_a": b"bytes"}, TypeError, "must be a str"),
        ({"x_a": 1.5}, TypeError, "must be a str"),
        ({"mapping": {"Bad Name": "v"}}, ValueError, "HTTP token"),
        ({"mapping": {"X-Split\r\n": "v"}}, ValueError, "HTTP token"),
        ({}, ValueError, "at least one"),
    ],
)
def test_headers_refuses_bad_names_and_values_when_made(
    kwargs: dict[str, t.Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        headers(**kwargs)


def test_vary_appends_and_keeps_existing(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @vary("Accept", "Accept-Language")
    def view() -> tuple[str, dict[str, str]]:
        return "", {"Vary": "Cookie"}

    assert client.get("/").headers.getlist("Vary") == [
        "Cookie, Accept, Accept-Language"
    ]


def test_vary_never_duplicates_case_insensitively(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @vary("origin", "Accept")
    @vary("Accept")
    def view() -> tuple[str, dict[str, str]]:
        return "", {"Vary": "Origin"}

    assert client.get("/").headers.getlist("Vary") == ["Origin, Accept"]


def test_vary_merges_every_existing_line(app: Flask, client: t.Any) -> None:
    @response_decorator
    def two_lines(response: Response) -> None:
        response.headers.add("Vary", "Cookie")
        response.headers.add("Vary", "Origin, Accept")

    @app.get("/")
    @vary("Accept", "Authorization")
    @two_lines
    def view() -> str:
        return ""

    assert client.get("/").headers.getlist("Vary") == [
        "Cookie, Origin, Accept, Authorization"
    ]


def test_vary_star_already_covers_everything(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @vary("Accept")
    def view() -> tuple[str, dict[str, str]]:
        return "", {"Vary": "*"}

    assert client.get("/").headers.getlist("Vary") == ["*"]


def test_vary_dedupes_its_own_arguments(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @vary("Accept", "ACCEPT", "accept")
    def view() -> str:
        return ""

    assert client.get("/").headers.getlist("Vary") == ["Accept"]


@pytest.mark.parametrize(
    ("names", "error"),
    [
        ((), ValueError),
        (("Accept\r\n",), ValueError),
        (("A B",), ValueError),
        ((3,), TypeError),
    ],
)
def test_vary_refuses_bad_names_when_made(
    names: tuple[t.Any, ...], error: type[Exception]
) -> None:
    with pytest.raises(error, match="vary"):
        vary(*names)


def test_vary_star_replaces_the_list(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @vary("*", "Accept")
    def view() -> tuple[str, dict[str, str]]:
        return "", {"Vary": "Cookie, Accept"}

    assert client.get("/").headers.getlist("Vary") == ["*"]


def test_no_content_view_may_return_nothing(app: Flask, client: t.Any) -> None:
    deleted = []

    @app.delete("/items/<int:id>")
    @no_content
    def delete_item(id: int) -> None:
        deleted.append(id)

    r = client.delete("/items/3")
    assert (r.status_code, r.data, deleted) == (204, b"", [3])
    assert "Content-Type" not in r.headers


def test_vary_reaches_error_responses_too(bare_app: Flask) -> None:
    @bare_app.get("/v")
    @vary("Accept-Language")
    def view() -> str:
        abort(404)

    @bare_app.get("/ok")
    @vary("Accept-Language")
    def ok() -> str:
        return "ok"

    client = bare_app.test_client()
    assert client.get("/v").status_code == 404
    assert client.get("/v").headers["Vary"] == "Accept-Language"
    assert client.get("/ok").headers["Vary"] == "Accept-Language"
