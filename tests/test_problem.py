"""Problem Details (RFC 9457): ``RESPKIT_PROBLEM_DETAILS`` answers every error
of an app as ``application/problem+json`` unless the app's own handlers take
it, ``Problem`` and ``problem()`` always do, and the kit's own errors say what
was wrong. API.md §11."""

from __future__ import annotations

import json
import math
import typing as t
from datetime import date

import pytest
from apispec import APISpec
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask, Response, abort, request
from openapi_spec_validator import validate
from werkzeug.datastructures import Authorization, WWWAuthenticate
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
)

from flask_respkit import (
    Problem,
    RespKit,
    auth_challenge,
    cors,
    deprecated,
    paginate,
    problem,
    vary,
)
from flask_respkit.openapi import RespKitPlugin
from flask_respkit.problem_details import (
    GENERIC_500,
    MEDIA_TYPE,
    check_uri_reference,
    prefers_html,
    problem_response,
)

ORIGIN = "https://app.example"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NOT_FOUND = (
    "The requested URL was not found on the server. If you entered the URL"
    " manually please check your spelling and try again."
)


@pytest.fixture
def app() -> Flask:
    """An app with Problem Details on; errors of unhandled exceptions become
    500 responses (``TESTING`` would re-raise them)."""
    app = Flask(__name__)
    app.config.update(
        TESTING=True, PROPAGATE_EXCEPTIONS=False, RESPKIT_PROBLEM_DETAILS=True
    )
    return app


def _kit(app: Flask) -> Flask:
    RespKit(app)
    return app


def _problem(r: t.Any) -> dict[str, t.Any]:
    assert r.headers["Content-Type"] == MEDIA_TYPE
    body = json.loads(r.data)
    assert isinstance(body, dict)
    return body


def _vary(r: t.Any) -> set[str]:
    return {v.strip() for line in r.headers.getlist("Vary") for v in line.split(",")}


# -- The setting ---------------------------------------------------------------


def test_off_by_default_errors_keep_flasks_page() -> None:
    app = Flask(__name__)
    RespKit(app)

    @app.get("/")
    def view() -> str:
        abort(404)

    r = app.test_client().get("/")
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Vary" not in r.headers
    assert HTTPException not in app.error_handler_spec[None][None]


def test_on_abort_is_a_problem(app: Flask) -> None:
    _kit(app)

    @app.get("/")
    def view() -> str:
        abort(404)

    r = app.test_client().get("/")
    assert r.status_code == 404
    assert _problem(r) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": NOT_FOUND,
    }
    assert list(_problem(r)) == ["type", "title", "status", "detail"]
    assert r.headers["Vary"] == "Accept"


def test_routing_404_and_405_keep_allow(app: Flask) -> None:
    _kit(app)

    @app.get("/items")
    def items() -> str:
        return "items"

    client = app.test_client()
    r = client.get("/nowhere")
    assert _problem(r)["status"] == 404
    r = client.delete("/items")
    assert r.status_code == 405
    assert _problem(r) == {
        "type": "about:blank",
        "title": "Method Not Allowed",
        "status": 405,
        "detail": "The method is not allowed for the requested URL.",
    }
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_description_is_the_detail(app: Flask) -> None:
    _kit(app)

    @app.get("/")
    def view() -> str:
        abort(400, "category must be one of books, games")

    body = _problem(app.test_client().get("/"))
    assert body["title"] == "Bad Request"
    assert body["detail"] == "category must be one of books, games"


def test_a_description_that_is_no_string_is_left_out(app: Flask) -> None:
    _kit(app)

    @app.get("/")
    def view() -> str:
        raise BadRequest(description={"name": ["required"]})  # type: ignore[arg-type]

    body = _problem(app.test_client().get("/"))
    assert body == {"type": "about:blank", "title": "Bad Request", "status": 400}


@pytest.mark.parametrize(
    ("error", "name", "value"),
    [
        (
            Unauthorized(www_authenticate=WWWAuthenticate("basic", {"realm": "x"})),
            "WWW-Authenticate",
            None,
        ),
        (TooManyRequests(retry_after=30), "Retry-After", "30"),
        (ServiceUnavailable(retry_after=120), "Retry-After", "120"),
    ],
    ids=["401", "429", "503"],
)
def test_the_exceptions_own_headers_are_kept(
    app: Flask, error: HTTPException, name: str, value: str | None
) -> None:
    _kit(app)
    expected = dict(error.get_headers())[name] if value is None else value

    @app.get("/")
    def view() -> str:
        raise error

    r = app.test_client().get("/")
    assert r.status_code == error.code
    assert _problem(r)["status"] == error.code
    assert r.headers[name] == expected
    assert r.headers.getlist("Content-Type") == [MEDIA_TYPE]


def test_headers_of_a_carried_response_are_kept(app: Flask) -> None:
    _kit(app)

    @app.get("/")
    def view() -> str:
        carried = Response(
            "no", 401, {"WWW-Authenticate": 'Bearer realm="x"', "X-Reason": "expired"}
        )
        raise Unauthorized("Your token expired.", response=carried)

    r = app.test_client().get("/")
    assert _problem(r)["detail"] == "Your token expired."
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="x"'
    assert r.headers["X-Reason"] == "expired"
    assert r.headers.getlist("Content-Type") == [MEDIA_TYPE]
    assert r.headers["Content-Length"] == str(len(r.data))


def test_head_gets_the_headers_without_a_body(app: Flask) -> None:
    _kit(app)
    r = app.test_client().head("/nowhere")
    assert (r.status_code, r.data) == (404, b"")
    assert r.headers["Content-Type"] == MEDIA_TYPE


# -- 500 -----------------------------------------------------------------------


def test_unhandled_exception_is_a_500_without_its_message(app: Flask) -> None:
    _kit(app)

    @app.get("/")
    def view() -> str:
        raise RuntimeError("password=hunter2")

    r = app.test_client().get("/")
    assert r.status_code == 500
    assert _problem(r) == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": GENERIC_500,
    }
    assert b"hunter2" not in r.data
    assert InternalServerError.description == GENERIC_500


@pytest.mark.parametrize(
    "raise_it",
    [
        lambda: abort(500, "password=hunter2"),
        lambda: (_ for _ in ()).throw(InternalServerError("password=hunter2")),
    ],
    ids=["abort", "raise"],
)
def test_a_500s_detail_is_always_the_generic_text(
    app: Flask, raise_it: t.Callable[[], None]
) -> None:
    _kit(app)

    @app.get("/")
    def view() -> str:
        raise_it()
        return "never"

    client = app.test_client()
    r = client.get("/")
    assert _problem(r)["detail"] == GENERIC_500
    assert b"hunter2" not in r.data
    page = client.get("/", headers={"Accept": BROWSER})
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<title>500 Internal Server Error</title>" in page.data
    assert b"hunter2" not in page.data


def test_testing_mode_still_raises_the_exception() -> None:
    app = Flask(__name__)
    app.config.update(TESTING=True, RESPKIT_PROBLEM_DETAILS=True)
    RespKit(app)

    @app.get("/")
    def view() -> str:
        raise RuntimeError("for the test to see")

    with pytest.raises(RuntimeError, match="for the test to see"):
        app.test_client().get("/")


def test_the_500_is_still_logged(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    _kit(app)

    @app.get("/")
    def view() -> str:
        raise RuntimeError("logged, not sent")

    app.test_client().get("/")
    assert "logged, not sent" in caplog.text


# -- Browsers get the HTML page ------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("TEXT/HTML", True),
        ("text/html, application/json;q=0.9", True),
        ("text/*, application/json;q=0.5", True),
        (None, False),
        ("*/*", False),
        ("application/json", False),
        ("application/json, text/plain, */*", False),
        ("application/problem+json, text/html;q=0.9", False),
        ("text/html;q=0.5, application/json", False),
        ("text/html, application/json", False),  # a tie: JSON
        ("text/html;q=0, */*", False),
        ("text/plain", False),
    ],
)
def test_html_only_when_preferred_over_json(
    app: Flask, accept: str | None, html: bool
) -> None:
    _kit(app)
    headers = {} if accept is None else {"Accept": accept}
    r = app.test_client().get("/nowhere", headers=headers)
    assert r.status_code == 404
    if html:
        assert r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"<title>404 Not Found</title>" in r.data
    else:
        assert _problem(r)["status"] == 404
    assert "Accept" in _vary(r)
    assert prefers_html({} if accept is None else {"HTTP_ACCEPT": accept}) is html


def test_html_page_keeps_the_headers(app: Flask) -> None:
    _kit(app)

    @app.get("/items")
    def items() -> str:
        return "items"

    r = app.test_client().post("/items", headers={"Accept": BROWSER})
    assert r.status_code == 405
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "GET" in r.headers["Allow"]
    assert r.headers["Vary"] == "Accept"


# -- The app's and blueprints' handlers win ------------------------------------


def test_app_handler_for_the_code_wins(app: Flask) -> None:
    @app.errorhandler(404)
    def mine(e: HTTPException) -> tuple[str, int]:
        return "my 404", 404

    _kit(app)
    r = app.test_client().get("/nowhere")
    assert (r.status_code, r.data) == (404, b"my 404")


def test_app_handler_for_the_class_wins(app: Flask) -> None:
    _kit(app)

    @app.errorhandler(NotFound)
    def mine(e: HTTPException) -> tuple[str, int]:
        return "my NotFound", 404

    @app.get("/other")
    def other() -> str:
        abort(400)

    client = app.test_client()
    assert client.get("/nowhere").data == b"my NotFound"
    assert _problem(client.get("/other"))["status"] == 400


def test_app_handler_for_exception_wins(app: Flask) -> None:
    """Flask gives an HTTPException to a handler for ``Exception`` when nothing
    nearer takes it; the kit's handler, nearer, hands it on."""
    _kit(app)
    seen: list[str] = []

    @app.errorhandler(Exception)
    def everything(e: Exception) -> tuple[dict[str, str], int]:
        seen.append(type(e).__name__)
        code = e.code if isinstance(e, HTTPException) else 500
        return {"error": str(code)}, code or 500

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("x")

    client = app.test_client()
    r = client.get("/nowhere")
    assert (r.status_code, r.json) == (404, {"error": "404"})
    r = client.get("/boom")
    assert (r.status_code, r.json) == (500, {"error": "500"})
    assert seen == ["NotFound", "RuntimeError"]


def test_app_handler_for_a_later_class_of_the_mro_wins(app: Flask) -> None:
    """``BadRequestKeyError`` is a ``KeyError`` after ``HTTPException`` in its
    class hierarchy: Flask gives it to a ``KeyError`` handler, so must the kit."""
    _kit(app)

    @app.errorhandler(KeyError)
    def missing(e: KeyError) -> tuple[str, int]:
        return f"missing {e.args[0]}", 422

    @app.post("/form")
    def form() -> str:
        return request.form["name"]

    r = app.test_client().post("/form", data={})
    assert (r.status_code, r.data) == (422, b"missing name")


def test_app_handler_for_httpexception_before_init_app_is_kept(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def mine(e: HTTPException) -> tuple[str, int]:
        return f"mine {e.code}", e.code or 500

    _kit(app)
    assert app.error_handler_spec[None][None][HTTPException] is mine
    assert app.test_client().get("/nowhere").data == b"mine 404"


def test_app_handler_for_httpexception_after_init_app_wins(app: Flask) -> None:
    _kit(app)

    @app.errorhandler(HTTPException)
    def mine(e: HTTPException) -> tuple[str, int]:
        return f"mine {e.code}", e.code or 500

    assert app.test_client().get("/nowhere").data == b"mine 404"


@pytest.mark.parametrize("key", [404, NotFound, HTTPException, Exception])
def test_blueprint_handler_wins_in_its_blueprint_only(app: Flask, key: t.Any) -> None:
    bp = Blueprint("bp", __name__)

    @bp.errorhandler(key)
    def mine(e: Exception) -> tuple[str, int]:
        return "blueprint's", 404

    @bp.get("/gone")
    def gone() -> str:
        abort(404)

    app.register_blueprint(bp, url_prefix="/bp")
    _kit(app)

    @app.get("/gone")
    def app_gone() -> str:
        abort(404)

    client = app.test_client()
    assert client.get("/bp/gone").data == b"blueprint's"
    assert _problem(client.get("/gone"))["status"] == 404


def test_blueprint_handler_for_the_code_wins_over_an_app_class_handler(
    app: Flask,
) -> None:
    bp = Blueprint("bp", __name__)

    @bp.errorhandler(400)
    def mine(e: HTTPException) -> tuple[str, int]:
        return "blueprint's 400", 400

    @bp.get("/bad")
    def bad() -> str:
        abort(400)

    app.register_blueprint(bp)
    _kit(app)
    assert app.test_client().get("/bad").data == b"blueprint's 400"


def test_own_handler_may_log_then_answer_as_the_kit(app: Flask) -> None:
    logged: list[int | None] = []

    @app.errorhandler(HTTPException)
    def logging_handler(e: HTTPException) -> Response:
        logged.append(e.code)
        return problem_response(e)

    _kit(app)
    r = app.test_client().get("/nowhere")
    assert _problem(r)["status"] == 404
    assert r.headers["Vary"] == "Accept"
    assert logged == [404]


# -- Problem and problem() -----------------------------------------------------


def test_problem_is_answered_as_problem_json_without_the_setting(
    bare_app: Flask,
) -> None:
    @bare_app.put("/items/<int:id>")
    def replace(id: int) -> str:
        raise Problem(
            409,
            type="https://example.com/probs/changed",
            detail="The item changed meanwhile.",
            instance=f"/items/{id}",
            current_version=7,
            fields=["name", "price"],
        )

    r = bare_app.test_client().put("/items/3", headers={"Accept": BROWSER})
    assert r.status_code == 409
    assert _problem(r) == {
        "type": "https://example.com/probs/changed",
        "title": "Conflict",
        "status": 409,
        "detail": "The item changed meanwhile.",
        "instance": "/items/3",
        "current_version": 7,
        "fields": ["name", "price"],
    }
    assert "Vary" not in r.headers


def test_problem_with_the_setting_and_a_browser(app: Flask) -> None:
    _kit(app)

    @app.get("/")
    def view() -> str:
        raise Problem(
            403,
            title="You do not have enough credit.",
            headers={"Retry-After": "3600"},
        )

    r = app.test_client().get("/", headers={"Accept": BROWSER})
    assert _problem(r) == {
        "type": "about:blank",
        "title": "You do not have enough credit.",
        "status": 403,
    }
    assert r.headers["Retry-After"] == "3600"


def test_problem_attributes() -> None:
    error = Problem(
        429, detail="Slow down.", headers=[("Retry-After", "5")], window="1m"
    )
    assert (error.status, error.code, error.title, error.detail) == (
        429,
        429,
        "Too Many Requests",
        "Slow down.",
    )
    assert error.description == "Slow down."
    assert error.type is None
    assert dict(error.extensions) == {"window": "1m"}
    assert error.headers == (("Retry-After", "5"),)
    assert isinstance(error, HTTPException)
    assert json.loads(error.body)["window"] == "1m"
    assert "Problem(429" in repr(error)


def test_an_app_handler_for_problem_sees_it_and_may_send_it(app: Flask) -> None:
    _kit(app)
    seen: list[int] = []

    @app.errorhandler(Problem)
    def log(e: Problem) -> Problem:
        seen.append(e.status)
        return e

    @app.get("/")
    def view() -> str:
        raise Problem(418, detail="short and stout")

    r = app.test_client().get("/")
    assert (r.status_code, _problem(r)["detail"]) == (418, "short and stout")
    assert seen == [418]


def test_a_subclass_with_a_code_reaches_code_handlers(app: Flask) -> None:
    class OutOfCredit(Problem, Forbidden):
        def __init__(self, balance: int) -> None:
            super().__init__(
                403,
                type="https://example.com/probs/out-of-credit",
                title="You do not have enough credit.",
                balance=balance,
            )

    @app.errorhandler(403)
    def forbidden(e: HTTPException) -> tuple[str, int]:
        return f"403 handler: {type(e).__name__}", 403

    _kit(app)

    @app.get("/")
    def view() -> str:
        raise OutOfCredit(30)

    @app.get("/plain")
    def plain() -> str:
        raise Problem(403)

    client = app.test_client()
    assert client.get("/").data == b"403 handler: OutOfCredit"
    # Problem's code is unset: no code handler sees it.
    assert _problem(client.get("/plain"))["status"] == 403


def test_problem_returned_gets_the_views_edits(bare_app: Flask) -> None:
    @bare_app.get("/")
    @cors(ORIGIN)
    @vary("Accept-Language")
    def view() -> Response:
        return problem(422, detail="name is required", errors=[{"field": "name"}])

    r = bare_app.test_client().get("/", headers={"Origin": ORIGIN})
    assert r.status_code == 422
    assert _problem(r) == {
        "type": "about:blank",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "name is required",
        "errors": [{"field": "name"}],
    }
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert {"Origin", "Accept-Language"} <= _vary(r)


def test_problem_outside_a_request_is_a_response() -> None:
    r = problem(404)
    assert isinstance(r, Response)
    assert (r.status_code, r.mimetype) == (404, MEDIA_TYPE)
    assert json.loads(r.get_data()) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
    }


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"status": True}, TypeError, "status must be an int"),
        ({"status": "404"}, TypeError, "status must be an int"),
        ({"status": 404.0}, TypeError, "status must be an int"),
        ({"status": 399}, ValueError, "400-599"),
        ({"status": 200}, ValueError, "400-599"),
        ({"status": 600}, ValueError, "400-599"),
        ({"title": 5}, TypeError, "title"),
        ({"detail": b"x"}, TypeError, "detail"),
        ({"type": 5}, TypeError, "type"),
        ({"type": ""}, ValueError, "URI reference"),
        ({"type": "out of credit"}, ValueError, "URI reference"),
        ({"type": "https://example.com/probs/caf\xe9"}, ValueError, "URI reference"),
        ({"type": "https://example.com/%zz"}, ValueError, "URI reference"),
        ({"type": "/a#b#c"}, ValueError, "URI reference"),
        ({"type": "1st:problem"}, ValueError, "URI reference"),
        ({"type": "/path/[x]"}, ValueError, "URI reference"),
        ({"type": "http://[::1/x"}, ValueError, "URI reference"),
        ({"type": "https://example.com/\r\nX: y"}, ValueError, "URI reference"),
        ({"instance": "not a uri"}, ValueError, "instance"),
        ({"instance": ["/x"]}, TypeError, "instance"),
        ({"ab": 1}, ValueError, "'ab'"),
        ({"_abc": 1}, ValueError, "'_abc'"),
        ({"a-b-c": 1}, ValueError, "'a-b-c'"),
        ({"1abc": 1}, ValueError, "'1abc'"),
        ({"caf\xe9": 1}, ValueError, "caf"),
        ({"value": object()}, TypeError, "'value' must be JSON-serialisable"),
        ({"value": {1, 2}}, TypeError, "'value' must be JSON-serialisable"),
        ({"value": math.nan}, ValueError, "'value' must be JSON-serialisable"),
        ({"value": [math.inf]}, ValueError, "'value' must be JSON-serialisable"),
        ({"value": {(1, 2): "x"}}, TypeError, "'value' must be JSON-serialisable"),
        ({"headers": {"Content-Type": "text/plain"}}, ValueError, "Content-Type"),
        ({"headers": {"content-length": "3"}}, ValueError, "content-length"),
        ({"headers": {"Bad Name": "x"}}, ValueError, "token"),
        ({"headers": {"X-A": "a\r\nSet-Cookie: x=1"}}, ValueError, "X-A"),
        ({"headers": {"X-A": 5}}, TypeError, "X-A"),
        ({"headers": ["X-A: 1"]}, TypeError, "pairs"),
    ],
)
def test_bad_arguments_are_refused_when_made(
    kwargs: dict[str, t.Any], error: type[Exception], match: str
) -> None:
    args = {"status": 400, **kwargs}
    status = args.pop("status")
    with pytest.raises(error, match=match):
        Problem(status, **args)
    with pytest.raises(error, match=match):
        problem(status, **args)


def test_a_recursive_value_is_refused() -> None:
    loop: list[t.Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="'things' must be JSON-serialisable"):
        Problem(400, things=loop)


@pytest.mark.parametrize(
    "uri",
    [
        "about:blank",
        "urn:example:problem:out-of-credit",
        "https://example.com/probs/out-of-credit",
        "https://example.com/probs?x=1&y=%20#top",
        "https://[::1]:8080/probs",
        "//example.com/probs",
        "/probs/out-of-credit",
        "out-of-credit",
        "probs/a:b",
        "#fragment",
        "?q",
    ],
)
def test_uri_references_are_taken(uri: str) -> None:
    assert check_uri_reference("type", uri) == uri
    assert Problem(400, type=uri, instance=uri).type == uri


def test_standard_members_cannot_be_extensions() -> None:
    # Each is a parameter: it can never arrive among the extensions.
    with pytest.raises(TypeError, match="multiple values"):
        Problem(400, **{"status": 401})  # type: ignore[misc]
    error = Problem(400, **{"type": "/t", "title": "T", "detail": "D"})
    assert dict(error.extensions) == {}


# -- The kit's own errors ------------------------------------------------------


def test_paginate_400_names_the_parameter(app: Flask) -> None:
    _kit(app)

    @app.get("/items")
    @paginate()
    def items(pagination: t.Any) -> list[int]:
        return []

    client = app.test_client()
    body = _problem(client.get("/items?page=0"))
    assert body == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "Query parameter 'page' must be a whole number of at least 1,"
        " got '0'.",
    }
    assert "'per_page'" in _problem(client.get("/items?per_page=x"))["detail"]


def test_cursor_400_says_the_cursor_is_not_valid(app: Flask) -> None:
    app.config["SECRET_KEY"] = "cursor tests"
    _kit(app)

    @app.get("/items")
    @paginate(cursor="id")
    def items(pagination: t.Any) -> list[dict[str, int]]:
        return []

    body = _problem(app.test_client().get("/items?cursor=garbled"))
    assert body["status"] == 400
    assert body["detail"].startswith("Query parameter 'cursor' is not a valid cursor")


def _deny(authorization: Authorization | None) -> bool:
    return False


def _forbid(authorization: Authorization | None) -> bool:
    raise Forbidden("Admins only.")


def test_guard_401_is_a_problem_with_the_challenge(app: Flask) -> None:
    _kit(app)

    @app.get("/admin")
    @auth_challenge("Bearer", "api", verify=_deny)
    def admin() -> str:
        return "secret"

    for accept in (None, "application/json", "*/*"):
        headers = {} if accept is None else {"Accept": accept}
        r = app.test_client().get("/admin", headers=headers)
        assert r.status_code == 401
        assert _problem(r) == {
            "type": "about:blank",
            "title": "Unauthorized",
            "status": 401,
            "detail": "Authentication required.",
        }
        assert r.headers.getlist("WWW-Authenticate") == ['Bearer realm="api"']
        assert "Accept" in _vary(r)


def test_guard_401_for_a_browser_keeps_its_text(app: Flask) -> None:
    _kit(app)

    @app.get("/admin")
    @auth_challenge("Bearer", "api", verify=_deny)
    def admin() -> str:
        return "secret"

    r = app.test_client().get("/admin", headers={"Accept": BROWSER})
    assert r.status_code == 401
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.data == b"Authentication required."
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert _vary(r) == {"Accept"}


def test_guard_403_carries_the_verify_message(app: Flask) -> None:
    _kit(app)

    @app.get("/admin")
    @auth_challenge("Bearer", verify=_forbid)
    def admin() -> str:
        return "secret"

    r = app.test_client().get("/admin", headers={"Authorization": "Bearer x"})
    assert r.status_code == 403
    assert _problem(r)["detail"] == "Admins only."
    assert "WWW-Authenticate" not in r.headers


def test_guard_401_with_the_setting_off_keeps_its_message_body() -> None:
    app = Flask(__name__)
    RespKit(app)

    @app.get("/admin")
    @auth_challenge("Bearer", verify=_deny)
    def admin() -> str:
        return "secret"

    r = app.test_client().get("/admin", headers={"Accept": "application/json"})
    assert r.json == {"message": "Authentication required."}


def test_gone_410_says_when(app: Flask) -> None:
    _kit(app)

    @app.get("/v1")
    @deprecated(date(2020, 1, 1), sunset=date(2021, 6, 30), gone_after_sunset=True)
    def v1() -> str:
        return "old"

    r = app.test_client().get("/v1")
    assert r.status_code == 410
    assert _problem(r) == {
        "type": "about:blank",
        "title": "Gone",
        "status": 410,
        "detail": "This endpoint was retired at its sunset,"
        " Wed, 30 Jun 2021 00:00:00 GMT.",
    }
    assert r.headers["Sunset"] == "Wed, 30 Jun 2021 00:00:00 GMT"


# -- The chain's error edits are kept ------------------------------------------


def test_cors_on_a_problem_response(app: Flask) -> None:
    _kit(app)

    @app.get("/items/<int:id>")
    @cors(ORIGIN, allow_credentials=True)
    def item(id: int) -> str:
        abort(404)

    r = app.test_client().get("/items/1", headers={"Origin": ORIGIN})
    assert _problem(r)["status"] == 404
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert {"Accept", "Origin"} <= _vary(r)
    assert "Deprecation" in r.headers["Access-Control-Expose-Headers"]


def test_cors_and_deprecation_on_a_500(app: Flask) -> None:
    _kit(app)

    @app.get("/")
    @cors(ORIGIN)
    @deprecated(date(2024, 1, 1))
    def view() -> str:
        raise RuntimeError("password=hunter2")

    r = app.test_client().get("/", headers={"Origin": ORIGIN})
    assert r.status_code == 500
    assert _problem(r)["detail"] == GENERIC_500
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Deprecation"] == "@1704067200"


def test_cors_of_a_blueprint_and_of_resources_on_problems(app: Flask) -> None:
    app.config["RESPKIT_CORS_RESOURCES"] = {"/open/.*": {"origins": ORIGIN}}
    bp = Blueprint("api", __name__)

    @bp.get("/thing")
    def thing() -> str:
        abort(403)

    cors(ORIGIN)(bp)
    app.register_blueprint(bp, url_prefix="/api")
    _kit(app)
    client = app.test_client()
    for path, status in (("/api/thing", 403), ("/open/unknown", 404)):
        r = client.get(path, headers={"Origin": ORIGIN})
        assert _problem(r)["status"] == status
        assert r.headers["Access-Control-Allow-Origin"] == ORIGIN, path


def test_async_view_error_is_a_problem(app: Flask) -> None:
    _kit(app)

    @app.get("/")
    @cors(ORIGIN)
    async def view() -> str:
        abort(404)

    r = app.test_client().get("/", headers={"Origin": ORIGIN})
    assert _problem(r)["status"] == 404
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN


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


def _openapi_app(on: bool) -> Flask:
    app = Flask(__name__)
    app.config["RESPKIT_PROBLEM_DETAILS"] = on
    RespKit(app)

    @app.get("/items")
    @paginate()
    def items(pagination: t.Any) -> list[int]:
        return []

    @app.get("/admin")
    @auth_challenge("Bearer", verify=_deny)
    def admin() -> str:
        return "x"

    @app.get("/plain")
    @vary("Accept")
    def plain() -> str:
        return "x"

    return app


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_openapi_documents_problem_errors(version: str) -> None:
    spec = _spec(_openapi_app(True), version)
    schema = spec["components"]["schemas"]["Problem"]
    assert schema["required"] == ["type", "title", "status"]
    assert set(schema["properties"]) == {
        "type",
        "title",
        "status",
        "detail",
        "instance",
    }
    ref = {"schema": {"$ref": "#/components/schemas/Problem"}}
    paths = spec["paths"]
    assert paths["/items"]["get"]["responses"]["400"]["content"] == {MEDIA_TYPE: ref}
    admin = paths["/admin"]["get"]["responses"]
    assert admin["401"]["content"] == {MEDIA_TYPE: ref}
    assert "WWW-Authenticate" in admin["401"]["headers"]
    assert admin["403"]["content"] == {MEDIA_TYPE: ref}
    assert set(paths["/plain"]["get"]["responses"]) == {"200"}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_openapi_without_the_setting_has_no_problem(version: str) -> None:
    spec = _spec(_openapi_app(False), version)
    assert "Problem" not in spec.get("components", {}).get("schemas", {})
    admin = spec["paths"]["/admin"]["get"]["responses"]
    assert MEDIA_TYPE not in admin["401"]["content"]
    assert "application/json" in admin["401"]["content"]


def test_a_subclass_may_inherit_any_werkzeug_exception() -> None:
    class NotHere(Problem, MethodNotAllowed):
        def __init__(self) -> None:
            super().__init__(405, detail="Use PUT.", headers={"Allow": "PUT"})

    error = NotHere()
    assert (error.detail, error.valid_methods) == ("Use PUT.", None)
    r = error.get_response()
    assert json.loads(r.get_data())["detail"] == "Use PUT."
    assert r.headers["Allow"] == "PUT"
