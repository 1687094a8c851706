"""CORS in a real browser: headless Chromium loads a page from one loopback
origin (``http://127.0.0.1:<port>``) and calls the API on another
(``http://localhost:<port>``) with ``fetch``; the browser enforces CORS.

For origin patterns the browser also resolves every name under
``example.test`` (and ``xexample.test``) to loopback
(``--host-resolver-rules``), so pages on real subdomains call the API."""

from __future__ import annotations

import logging
import typing as t

import pytest
from flask import Flask, abort, request
from flask.views import MethodView

from flask_respkit import RespKit, auth_challenge, cors, created, paginate

from ._live import CHROMIUM_ARGS, browser_or_skip, serve

pytestmark = [pytest.mark.browser, pytest.mark.live]

PAGE = "<!doctype html><title>client</title><p>client page</p>"
#: Host names the browser resolves to 127.0.0.1 (``.test`` is reserved).
RESOLVER_RULES = (
    "--host-resolver-rules=MAP *.example.test 127.0.0.1,"
    " MAP example.test 127.0.0.1, MAP xexample.test 127.0.0.1"
)

# Runs in the page: fetch, then report what JavaScript can see.
FETCH = """
async ([url, init, names]) => {
  try {
    const r = await fetch(url, init);
    const headers = {};
    for (const name of names) headers[name] = r.headers.get(name);
    return {ok: true, status: r.status, body: await r.text(), headers};
  } catch (e) {
    return {ok: false, error: String(e)};
  }
}
"""


def build_app(calls: list[str]) -> tuple[Flask, dict[str, str]]:
    app = Flask(__name__)
    origins: dict[str, str] = {}  # filled in once the port is known

    def page_origin(origin: str) -> bool:
        return origin == origins["page"]

    app.config["RESPKIT_CORS_RESOURCES"] = {r"/resource/.*": {"origins": page_origin}}
    RespKit(app)

    @app.get("/page")
    def page() -> str:
        return PAGE

    @app.get("/api/items")
    @paginate(per_page=2)
    @cors(page_origin)
    def items(pagination: t.Any) -> list[int]:
        calls.append("items")
        pagination.total = 5
        return list(range(pagination.offset, pagination.offset + pagination.limit))

    @app.put("/api/items/<int:id>")
    @cors(page_origin, allow_headers=["X-Custom"], max_age=0)
    def put_item(id: int) -> dict[str, t.Any]:
        calls.append("put")
        return {"id": id, "custom": request.headers.get("X-Custom")}

    @app.post("/api/items")
    @cors(page_origin)
    @created("/api/items/9")
    def add_item() -> dict[str, int]:
        calls.append("post")
        return {"id": 9}

    @app.get("/api/me")
    @cors(page_origin, allow_credentials=True)
    def me() -> dict[str, t.Any]:
        calls.append("me")
        auth = request.headers.get("Authorization")
        return {"authorization": auth, "cookie": request.cookies.get("sid")}

    @app.get("/api/no-credentials")
    @cors(page_origin)
    def no_credentials() -> str:
        return "readable only without credentials"

    @app.get("/api/secret")
    @cors(page_origin)
    @auth_challenge("Bearer", realm="api", verify=lambda auth: False)
    def secret() -> str:
        return "never"

    @app.get("/api/gone")
    @cors(page_origin)
    def gone() -> str:
        abort(404)

    @app.get("/api/elsewhere")
    @cors("https://elsewhere.example")
    def elsewhere() -> str:
        calls.append("elsewhere")
        return "not for you"

    class Thing(MethodView):
        decorators: t.ClassVar[list[t.Any]] = [cors(page_origin)]

        def get(self) -> str:
            return "thing"

        def delete(self) -> tuple[str, int]:
            calls.append("delete")
            return "", 204

    app.add_url_rule("/api/thing", view_func=Thing.as_view("thing"))

    # A GET with a generous policy beside a POST that never opted in to CORS.
    @app.get("/api/orders")
    @cors(page_origin, methods=["GET", "POST", "DELETE"], allow_credentials=True)
    def orders() -> list[int]:
        calls.append("orders")
        return [1]

    @app.post("/api/orders")
    def add_order() -> str:
        calls.append("add_order")
        return "the server acted on a cross-origin request"

    return app, origins


@pytest.fixture(scope="module")
def chromium() -> t.Iterator[t.Any]:
    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=[*CHROMIUM_ARGS, RESOLVER_RULES]
        )
        yield browser
        browser.close()


class Client:
    """The page on the page origin, fetching from the API origin."""

    def __init__(self, page: t.Any, api: str, calls: list[str]) -> None:
        self.page, self.api, self.calls = page, api, calls

    def fetch(self, path: str, *names: str, **init: t.Any) -> dict[str, t.Any]:
        return t.cast(
            "dict[str, t.Any]",
            self.page.evaluate(FETCH, [self.api + path, init, list(names)]),
        )


@pytest.fixture
def client(chromium: t.Any) -> t.Iterator[Client]:
    calls: list[str] = []
    app, origins = build_app(calls)
    with serve(app) as port:
        origins["page"] = f"http://127.0.0.1:{port}"
        context = chromium.new_context()
        page = context.new_page()
        page.goto(f"{origins['page']}/page")
        assert page.evaluate("location.origin") == origins["page"]
        yield Client(page, f"http://localhost:{port}", calls)
        context.close()


def test_simple_get_reads_link_and_total_count(client: Client) -> None:
    r = client.fetch("/api/items?page=2", "Link", "X-Total-Count", "Content-Type")
    assert r["ok"], r
    assert r["status"] == 200
    assert r["body"].replace("\n", "") == "[2,3]"
    assert 'rel="next"' in r["headers"]["Link"]
    assert "page=3" in r["headers"]["Link"]
    assert r["headers"]["X-Total-Count"] == "5"
    assert r["headers"]["Content-Type"] == "application/json"


def test_preflighted_put_with_a_custom_header(client: Client) -> None:
    r = client.fetch(
        "/api/items/7",
        method="PUT",
        headers={"X-Custom": "hello", "Content-Type": "application/json"},
        body="{}",
    )
    assert r["ok"], r
    assert r["body"].replace("\n", "") == '{"custom":"hello","id":7}'
    # the preflight never ran the view: one call for one PUT
    assert client.calls == ["put"]


def test_preflight_refusing_a_header_blocks_the_request(client: Client) -> None:
    r = client.fetch("/api/items/7", method="PUT", headers={"X-Other": "no"})
    assert not r["ok"]
    assert "Failed to fetch" in r["error"]
    assert client.calls == []


def test_created_location_is_readable(client: Client) -> None:
    r = client.fetch("/api/items", "Location", method="POST")
    assert r["ok"], r
    assert r["status"] == 201
    assert r["headers"]["Location"].endswith("/api/items/9")


def test_credentialed_request_with_authorization(client: Client) -> None:
    r = client.fetch(
        "/api/me",
        credentials="include",
        headers={"Authorization": "Bearer token-1"},
    )
    assert r["ok"], r
    assert '"authorization":"Bearer token-1"' in r["body"]
    assert client.calls == ["me"]


def test_credentials_without_allow_credentials_fail(client: Client) -> None:
    assert client.fetch("/api/no-credentials")["ok"]
    r = client.fetch("/api/no-credentials", credentials="include")
    assert not r["ok"]


def test_challenge_and_statuses_are_readable(client: Client) -> None:
    r = client.fetch("/api/secret", "WWW-Authenticate")
    assert r["ok"], r
    assert r["status"] == 401
    assert r["headers"]["WWW-Authenticate"] == 'Bearer realm="api"'
    gone = client.fetch("/api/gone")
    assert gone["ok"], gone
    assert gone["status"] == 404
    unknown = client.fetch("/resource/nothing-here")
    assert unknown["ok"], unknown
    assert unknown["status"] == 404


def test_disallowed_origin_fails(client: Client) -> None:
    r = client.fetch("/api/elsewhere")
    assert not r["ok"]
    assert "Failed to fetch" in r["error"]
    # a simple request still reaches the server; the browser hides the answer
    assert client.calls == ["elsewhere"]
    outside = client.fetch("/page")  # no CORS at all on this route
    assert not outside["ok"]


def test_method_view_delete_is_preflighted(client: Client) -> None:
    r = client.fetch("/api/thing", method="DELETE")
    assert r["ok"], r
    assert r["status"] == 204
    assert client.calls == ["delete"]


def test_a_sibling_route_without_cors_is_never_run(client: Client) -> None:
    assert client.fetch("/api/orders", credentials="include")["ok"]
    for method in ("POST", "DELETE"):
        r = client.fetch(
            "/api/orders",
            method=method,
            credentials="include",
            headers={"Content-Type": "application/json"},
            body="{}",
        )
        assert not r["ok"], r
    # the refused preflights stopped the browser: neither view ran
    assert client.calls == ["orders"]


def pattern_app(calls: list[str]) -> Flask:
    app = Flask(__name__)

    @app.get("/page")
    def page() -> str:
        return PAGE

    @app.get("/api/sub")
    @cors("http://*.example.test:*")
    def sub() -> str:
        calls.append("sub")
        return "for every subdomain"

    @app.get("/api/dev")
    @cors("http://localhost:*", allow_credentials=True)
    def dev() -> dict[str, t.Any]:
        calls.append("dev")
        return {"cookie": request.cookies.get("sid")}

    return app


@pytest.fixture
def pages(chromium: t.Any) -> t.Iterator[t.Callable[[str], Client]]:
    """Pages on any origin served by one app, calling its API on
    ``http://127.0.0.1:<port>``."""
    calls: list[str] = []
    with serve(pattern_app(calls)) as port:
        context = chromium.new_context()

        def open_page(host: str) -> Client:
            page = context.new_page()
            origin = f"http://{host}:{port}"
            page.goto(f"{origin}/page")
            assert page.evaluate("location.origin") == origin
            return Client(page, f"http://127.0.0.1:{port}", calls)

        yield open_page
        context.close()


@pytest.mark.parametrize(
    ("host", "readable"),
    [
        ("app.example.test", True),
        ("a.b.example.test", True),
        ("example.test", False),  # the bare domain
        ("xexample.test", False),  # a look-alike anyone could register
        ("localhost", False),
    ],
)
def test_a_subdomain_pattern_in_the_browser(
    pages: t.Callable[[str], Client],
    caplog: pytest.LogCaptureFixture,
    host: str,
    readable: bool,
) -> None:
    caplog.set_level(logging.INFO, logger="flask_respkit.cors")
    client = pages(host)
    r = client.fetch("/api/sub")
    if readable:
        assert r["ok"], r
        assert r["body"] == "for every subdomain"
    else:
        assert not r["ok"], r
        assert "Failed to fetch" in r["error"]
    assert client.calls == ["sub"]  # a simple GET reaches the view either way
    refusals = [
        r.getMessage() for r in caplog.records if r.name == "flask_respkit.cors"
    ]
    if readable:
        assert refusals == []
    else:
        port = client.api.rpartition(":")[2]
        assert refusals == [
            "CORS request refused: origin not allowed; rule '/api/sub';"
            f" Origin 'http://{host}:{port}'"
        ]


@pytest.mark.parametrize(
    ("host", "readable"), [("localhost", True), ("app.example.test", False)]
)
def test_a_port_pattern_with_credentials_in_the_browser(
    pages: t.Callable[[str], Client], host: str, readable: bool
) -> None:
    client = pages(host)
    r = client.fetch("/api/dev", credentials="include", headers={"X-Dev": "1"})
    assert r["ok"] is readable, r
    # the preflight (a custom header) decided: the view ran only when allowed
    assert client.calls == (["dev"] if readable else [])


@pytest.mark.parametrize(
    ("required", "outcome"),
    [("1", pytest.fail.Exception), ("", pytest.skip.Exception)],
)
def test_missing_browser_skips_unless_required(
    monkeypatch: pytest.MonkeyPatch, required: str, outcome: type[BaseException]
) -> None:
    from . import _live

    monkeypatch.setattr(_live, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("RESPKIT_REQUIRE_BROWSER", required)
    with pytest.raises(outcome, match="Chromium not found"):
        _live.browser_or_skip()
