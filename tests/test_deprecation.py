"""``deprecated``: ``Deprecation`` (RFC 9745), ``Sunset`` (RFC 8594) and their
links on every response of a view, validated when made, and 410 Gone after the
sunset. API.md §12."""

from __future__ import annotations

import typing as t
from datetime import date, datetime, timedelta, timezone

import pytest
import requests.utils
from apispec import APISpec
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask, Response, abort, request
from openapi_spec_validator import validate
from werkzeug.http import parse_date

import flask_respkit.deprecation as deprecation_module
from flask_respkit import (
    Link,
    RespKit,
    auth_challenge,
    cors,
    deprecated,
    link_header,
    paginate,
)
from flask_respkit.core import ResponseDecorator, Step, exposed_headers
from flask_respkit.openapi import RespKitPlugin

SINCE = date(2025, 1, 1)  # 1735689600
SUNSET = date(2025, 12, 31)  # Wed, 31 Dec 2025 00:00:00 GMT
ORIGIN = "https://app.example"
CEST = timezone(timedelta(hours=2))


def _links(r: t.Any) -> dict[str, str]:
    value = ", ".join(r.headers.getlist("Link"))
    return {
        link["rel"]: link["url"] for link in requests.utils.parse_header_links(value)
    }


def _views(app: Flask, *decorators: t.Callable[[t.Any], t.Any]) -> None:
    """``/old`` with ``decorators`` (top first) and ``/new``, its successor."""

    def old() -> t.Any:
        kind = request.args.get("answer")
        if kind == "abort":
            abort(404)
        if kind == "return":
            return "missing", 404
        if kind == "raise":
            raise RuntimeError("boom")
        if kind == "304":
            return "", 304
        return {"items": []}

    for decorator in reversed(decorators):
        old = decorator(old)
    app.get("/old")(old)

    @app.get("/new")
    def new() -> str:
        return "new"


# -- The headers ---------------------------------------------------------------


def test_headers_on_a_success(app: Flask, client: t.Any) -> None:
    _views(
        app,
        deprecated(
            SINCE,
            sunset=SUNSET,
            link="https://example.com/changelog#v1",
            successor="new",
        ),
    )
    r = client.get("/old")
    assert r.status_code == 200
    assert r.headers["Deprecation"] == "@1735689600"
    assert r.headers["Sunset"] == "Wed, 31 Dec 2025 00:00:00 GMT"
    assert parse_date(r.headers["Sunset"]) == datetime(
        2025, 12, 31, tzinfo=timezone.utc
    )
    assert r.headers["Link"] == (
        '<https://example.com/changelog#v1>; rel="deprecation",'
        ' <http://localhost/new>; rel="successor-version"'
    )
    assert _links(r) == {
        "deprecation": "https://example.com/changelog#v1",
        "successor-version": "http://localhost/new",
    }


def test_only_deprecation_when_nothing_else_is_given(app: Flask, client: t.Any) -> None:
    _views(app, deprecated(SINCE))
    r = client.get("/old")
    assert r.headers["Deprecation"] == "@1735689600"
    assert "Sunset" not in r.headers
    assert "Link" not in r.headers


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (date(2023, 7, 1), "@1688169600"),
        (datetime(2023, 6, 30, 23, 59, 59, tzinfo=timezone.utc), "@1688169599"),
        (datetime(2023, 7, 1, 1, 59, 59, 999999, tzinfo=CEST), "@1688169599"),
        (datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=timezone.utc), "@-1"),
        (datetime(2099, 1, 1, tzinfo=timezone.utc), "@4070908800"),
    ],
    ids=["date", "utc", "other-zone-and-fraction", "before-1970", "future"],
)
def test_deprecation_is_a_structured_field_date(
    app: Flask, client: t.Any, since: date, expected: str
) -> None:
    _views(app, deprecated(since))
    assert client.get("/old").headers["Deprecation"] == expected


def test_sunset_is_an_imf_fixdate_in_gmt(app: Flask, client: t.Any) -> None:
    sunset = datetime(2026, 3, 1, 9, 30, 15, 250000, tzinfo=CEST)
    _views(app, deprecated(SINCE, sunset=sunset))
    assert client.get("/old").headers["Sunset"] == "Sun, 01 Mar 2026 07:30:15 GMT"


@pytest.mark.parametrize("answer", ["abort", "return", "raise", "304"])
def test_headers_on_errors_and_304(answer: str) -> None:
    app = Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    RespKit(app)
    _views(
        app,
        deprecated(SINCE, sunset=SUNSET, link="/docs/deprecations", successor="new"),
    )
    r = app.test_client().get(f"/old?answer={answer}")
    assert r.status_code == {"abort": 404, "return": 404, "raise": 500}.get(answer, 304)
    assert r.headers["Deprecation"] == "@1735689600"
    assert r.headers["Sunset"] == "Wed, 31 Dec 2025 00:00:00 GMT"
    assert _links(r) == {
        "deprecation": "http://localhost/docs/deprecations",
        "successor-version": "http://localhost/new",
    }


def test_headers_on_an_app_error_handlers_answer(app: Flask, client: t.Any) -> None:
    @app.errorhandler(404)
    def mine(e: Exception) -> tuple[str, int]:
        return "my 404", 404

    _views(app, deprecated(SINCE))
    r = client.get("/old?answer=abort")
    assert (r.data, r.headers["Deprecation"]) == (b"my 404", "@1735689600")


class _Answer304(ResponseDecorator, Step):
    """Answers ``304 Not Modified`` before the view, as a conditional request
    would."""

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        return Response(status=304)


def test_headers_on_an_early_304(app: Flask, client: t.Any) -> None:
    ran: list[bool] = []

    @app.get("/cached")
    @deprecated(SINCE, successor="/v2/cached")
    @_Answer304()
    def cached() -> str:
        ran.append(True)
        return "x"

    r = client.get("/cached")
    assert r.status_code == 304
    assert r.headers["Deprecation"] == "@1735689600"
    assert _links(r) == {"successor-version": "http://localhost/v2/cached"}
    assert ran == []


def test_link_targets_resolve_like_link_headers(app: Flask, client: t.Any) -> None:
    bp = Blueprint("v1", __name__)

    @bp.get("/items/<int:id>")
    @deprecated(
        SINCE,
        link=lambda response: f"https://docs.example/v1?status={response.status_code}",
        successor="v2.item",
    )
    def item(id: int) -> str:
        return "v1"

    v2 = Blueprint("v2", __name__)

    @v2.get("/items/<int:id>")
    def item(id: int) -> str:  # noqa: F811 (the endpoint v2.item)
        return "v2"

    app.register_blueprint(bp, url_prefix="/v1")
    app.register_blueprint(v2, url_prefix="/v2")
    r = client.get("/v1/items/7")
    assert _links(r) == {
        "deprecation": "https://docs.example/v1?status=200",
        "successor-version": "http://localhost/v2/items/7",
    }


def test_a_callable_returning_none_leaves_the_link_out(
    app: Flask, client: t.Any
) -> None:
    _views(app, deprecated(SINCE, link=lambda response: None, successor="/v2"))
    assert _links(client.get("/old")) == {"successor-version": "http://localhost/v2"}


def test_links_join_the_views_own_without_repeats(app: Flask, client: t.Any) -> None:
    _views(
        app,
        deprecated(SINCE, successor="https://api.example/v2/items"),
        link_header(Link("https://api.example/v2/items", "successor-version")),
    )

    @app.get("/list")
    @deprecated(SINCE, successor="https://api.example/v2/items")
    @paginate(per_page=1)
    def listing(pagination: t.Any) -> list[int]:
        pagination.total = 3
        return [pagination.page]

    @app.get("/list-endpoint")
    @deprecated(SINCE, link="https://docs.example/v1", successor="new")
    @paginate(per_page=1)
    def listing_endpoint(pagination: t.Any) -> list[int]:
        pagination.total = 3
        return [pagination.page]

    r = client.get("/old")
    assert r.headers["Link"].count("successor-version") == 1
    for path in ("/list?page=2", "/list-endpoint?page=2"):
        r = client.get(path)
        assert len(r.headers.getlist("Link")) == 1
        assert set(_links(r)) >= {"first", "prev", "next", "last", "successor-version"}
    assert _links(r)["successor-version"] == "http://localhost/new"
    assert _links(r)["deprecation"] == "https://docs.example/v1"


def test_the_same_decorator_twice_applies_once(app: Flask, client: t.Any) -> None:
    twice = deprecated(SINCE, successor="https://api.example/v2")
    _views(app, twice, deprecated(SINCE, successor="https://api.example/v2"))
    r = client.get("/old")
    assert r.headers.getlist("Deprecation") == ["@1735689600"]
    assert r.headers.getlist("Link") == [
        '<https://api.example/v2>; rel="successor-version"'
    ]


def test_works_without_the_extension(bare_app: Flask) -> None:
    _views(bare_app, deprecated(SINCE, sunset=SUNSET))
    r = bare_app.test_client().get("/old")
    assert (r.headers["Deprecation"], r.headers["Sunset"]) == (
        "@1735689600",
        "Wed, 31 Dec 2025 00:00:00 GMT",
    )


def test_async_view(app: Flask, client: t.Any) -> None:
    @app.get("/a")
    @deprecated(SINCE)
    async def view() -> str:
        return "a"

    assert client.get("/a").headers["Deprecation"] == "@1735689600"


def test_an_unknown_endpoint_fails_on_the_first_request(
    app: Flask, client: t.Any
) -> None:
    _views(app, deprecated(SINCE, successor="no_such_view"))
    with pytest.raises(ValueError, match=r"deprecated\(successor=\).*'no_such_view'"):
        client.get("/old")


# -- CORS ----------------------------------------------------------------------


def test_cors_exposes_the_headers(app: Flask, client: t.Any) -> None:
    assert {"Deprecation", "Sunset"} <= set(exposed_headers())
    _views(app, cors(ORIGIN), deprecated(SINCE, sunset=SUNSET))
    for answer in ("", "abort"):
        r = client.get(f"/old?answer={answer}", headers={"Origin": ORIGIN})
        assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
        exposed = r.headers["Access-Control-Expose-Headers"].split(", ")
        assert {"Deprecation", "Sunset", "Link"} <= set(exposed)
        assert r.headers["Deprecation"] == "@1735689600"


# -- Gone after the sunset -----------------------------------------------------


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


SUNSET_AT = 1767139200  # SUNSET, midnight UTC


@pytest.mark.parametrize(
    ("now", "status"),
    [(SUNSET_AT - 1, 200), (SUNSET_AT - 0.001, 200), (SUNSET_AT, 410), (2e9, 410)],
)
def test_gone_from_the_sunset_instant(
    app: Flask, client: t.Any, monkeypatch: pytest.MonkeyPatch, now: float, status: int
) -> None:
    monkeypatch.setattr(deprecation_module, "time", _Clock(now))
    ran: list[bool] = []

    @app.get("/v1")
    @deprecated(SINCE, sunset=SUNSET, successor="/v2", gone_after_sunset=True)
    def v1() -> str:
        ran.append(True)
        return "v1"

    r = client.get("/v1")
    assert r.status_code == status
    assert ran == ([True] if status == 200 else [])
    assert r.headers["Deprecation"] == "@1735689600"
    assert r.headers["Sunset"] == "Wed, 31 Dec 2025 00:00:00 GMT"
    assert _links(r) == {"successor-version": "http://localhost/v2"}
    if status == 410:
        assert b"retired at its sunset, Wed, 31 Dec 2025 00:00:00 GMT" in r.data


@pytest.mark.parametrize("order", ["gone-outside", "gone-inside"])
def test_gone_wins_over_guards_and_arguments(
    app: Flask, client: t.Any, order: str
) -> None:
    gone = deprecated(date(2020, 1, 1), sunset=date(2021, 1, 1), gone_after_sunset=True)
    guard = auth_challenge("Bearer", verify=lambda auth: False)
    pages = paginate()
    stack = (gone, guard, pages) if order == "gone-outside" else (guard, pages, gone)
    ran: list[bool] = []

    def view(pagination: t.Any) -> str:
        ran.append(True)
        return "x"

    for decorator in reversed(stack):
        view = decorator(view)
    app.get("/v1")(view)
    r = client.get("/v1?page=0")
    assert r.status_code == 410
    assert "WWW-Authenticate" not in r.headers
    assert ran == []


def test_gone_keeps_cors_and_the_error_handlers(app: Flask, client: t.Any) -> None:
    @app.errorhandler(410)
    def gone_page(e: Exception) -> tuple[dict[str, str], int]:
        return {"error": "gone"}, 410

    @app.get("/v1")
    @cors(ORIGIN)
    @deprecated(date(2020, 1, 1), sunset=date(2021, 1, 1), gone_after_sunset=True)
    def v1() -> str:
        return "x"

    r = client.get("/v1", headers={"Origin": ORIGIN})
    assert (r.status_code, r.json) == (410, {"error": "gone"})
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Sunset"] == "Fri, 01 Jan 2021 00:00:00 GMT"


def test_a_past_sunset_without_gone_still_answers(app: Flask, client: t.Any) -> None:
    _views(app, deprecated(date(2020, 1, 1), sunset=date(2021, 1, 1)))
    r = client.get("/old")
    assert r.status_code == 200
    assert r.headers["Sunset"] == "Fri, 01 Jan 2021 00:00:00 GMT"


# -- Bad arguments -------------------------------------------------------------


NAIVE = datetime(2025, 1, 1)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((NAIVE,), {}, ValueError, r"deprecated\(since=\) must be timezone-aware"),
        (
            (SINCE,),
            {"sunset": NAIVE},
            ValueError,
            r"deprecated\(sunset=\) must be timezone-aware",
        ),
        (("2025-01-01",), {}, TypeError, r"deprecated\(since=\)"),
        ((1735689600,), {}, TypeError, r"deprecated\(since=\)"),
        ((SINCE,), {"sunset": "2025-12-31"}, TypeError, r"deprecated\(sunset=\)"),
        (
            (SUNSET,),
            {"sunset": SINCE},
            ValueError,
            r"sunset=\) must not be earlier than since",
        ),
        (
            (datetime(2025, 1, 1, 12, tzinfo=timezone.utc),),
            {"sunset": datetime(2025, 1, 1, 13, tzinfo=CEST)},
            ValueError,
            "must not be earlier",
        ),
        ((SINCE,), {"gone_after_sunset": True}, ValueError, "needs a sunset"),
        ((SINCE,), {"sunset": SUNSET, "gone_after_sunset": 1}, TypeError, "gone_after"),
        ((SINCE,), {"link": ""}, ValueError, r"deprecated\(link=\) must not be empty"),
        ((SINCE,), {"link": "/a\r\nSet-Cookie: x=1"}, ValueError, r"\(link=\)"),
        ((SINCE,), {"link": 5}, TypeError, r"deprecated\(link=\)"),
        ((SINCE,), {"successor": "a b"}, ValueError, r"deprecated\(successor=\)"),
        ((SINCE,), {"successor": "http://[::1"}, ValueError, r"\(successor=\)"),
    ],
)
def test_bad_arguments_are_refused_when_made(
    args: tuple[t.Any, ...],
    kwargs: dict[str, t.Any],
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        deprecated(*args, **kwargs)


def test_sunset_equal_to_since_is_allowed() -> None:
    moment = datetime(2025, 1, 1, tzinfo=timezone.utc)
    deprecated(moment, sunset=moment, gone_after_sunset=True)
    deprecated(moment, sunset=moment.astimezone(CEST))


def test_repr_says_what_it_does() -> None:
    d = deprecated(SINCE, sunset=SUNSET, successor="new", gone_after_sunset=True)
    assert repr(d) == (
        "deprecated(since=2025-01-01T00:00:00+00:00,"
        " sunset=2025-12-31T00:00:00+00:00, successor='new', gone_after_sunset=True)"
    )


# -- OpenAPI -------------------------------------------------------------------


def _spec(app: Flask, version: str) -> dict[str, t.Any]:
    spec = APISpec("t", "1.0", version, plugins=[FlaskPlugin(), RespKitPlugin(app)])
    with app.test_request_context():
        for endpoint, view in app.view_functions.items():
            if endpoint != "static":
                spec.path(view=view, app=app)
    document = spec.to_dict()
    validate(document)
    return document


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("problems", [False, True])
def test_openapi(version: str, problems: bool) -> None:
    app = Flask(__name__)
    app.config["RESPKIT_PROBLEM_DETAILS"] = problems
    RespKit(app)

    @app.get("/v1/items")
    @deprecated(SINCE, sunset=SUNSET, successor="/v2/items", gone_after_sunset=True)
    @paginate()
    def v1(pagination: t.Any) -> list[int]:
        return []

    @app.get("/v1/plain")
    @deprecated(SINCE)
    def plain() -> str:
        return "x"

    @app.get("/v2/items")
    @paginate()
    def v2(pagination: t.Any) -> list[int]:
        return []

    paths = _spec(app, version)["paths"]
    operation = paths["/v1/items"]["get"]
    assert operation["deprecated"] is True
    responses = operation["responses"]
    assert set(responses) == {"200", "400", "410"}
    ok = responses["200"]["headers"]
    assert ok["Deprecation"]["example"] == "@1735689600"
    assert ok["Sunset"]["example"] == "Wed, 31 Dec 2025 00:00:00 GMT"
    assert "successor-version" in ok["Link"]["description"]
    for status in ("400", "410"):
        assert {"Deprecation", "Sunset", "Link"} <= set(responses[status]["headers"])
    assert "Wed, 31 Dec 2025" in responses["410"]["description"]
    if problems:
        assert list(responses["410"]["content"]) == ["application/problem+json"]
    only = paths["/v1/plain"]["get"]
    assert only["deprecated"] is True
    assert set(only["responses"]) == {"200"}
    assert set(only["responses"]["200"]["headers"]) == {"Deprecation"}
    assert "deprecated" not in paths["/v2/items"]["get"]
