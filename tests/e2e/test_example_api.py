"""Run ``examples/api/app.py`` as a user would (one command, two origins) and
drive it with ``requests`` and with a real browser on its demo page."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import threading
import typing as t
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import validate

from ._live import CHROMIUM_ARGS, EXAMPLES, browser_or_skip, free_port, run_example

ITEMS = 100_000
TOKEN = "s3cret-admin"
EXPECTED = "Failed to load resource: the server responded with a status of"
SCREENSHOT = Path("/tmp/respkit-example-api.png")
REFUSED = "respkit-example-api-refused.png"

pytestmark = pytest.mark.live


class Example(t.NamedTuple):
    api: str  # http://127.0.0.1:<port>
    web: str  # http://localhost:<port>, the page's origin


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Example]:
    api_port, web_port = free_port(), free_port()
    env = {
        "API_PORT": str(api_port),
        "WEB_PORT": str(web_port),
        "ADMIN_TOKEN": TOKEN,
        "ITEMS": str(ITEMS),
        "ITEMS_DB": str(tmp_path_factory.mktemp("example") / "items.db"),
    }
    urls = Example(f"http://127.0.0.1:{api_port}", f"http://localhost:{web_port}")
    with run_example("api/app.py", env, urls.api + "/items", urls.web + "/") as proc:
        yield urls
        proc.terminate()
        code = proc.wait(timeout=10)
    assert code == 0  # SIGTERM is a clean exit: servers shut down, files removed


def _create(example: Example, name: str = "Desk lamp") -> requests.Response:
    r = requests.post(
        example.api + "/items",
        json={"name": name, "category": "tools", "price": 24.5},
        timeout=5,
    )
    assert r.status_code == 201, r.text
    return r


def _admin(token: str = TOKEN, **more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **more}


def _status(line: str) -> re.Pattern[str]:
    """A status line as the page shows it (``response.statusText``): Werkzeug
    3.1 sends reason phrases upper-case, 3.2 as ``http.HTTPStatus`` spells
    them."""
    return re.compile(re.escape(line), re.IGNORECASE)


def _etag(example: Example, id: int) -> str:
    r = requests.get(f"{example.api}/items/{id}", timeout=5)
    assert r.status_code == 200, r.text
    return r.headers["ETag"]


def _delete(example: Example, id: int) -> requests.Response:
    tag = _etag(example, id)
    return requests.delete(
        f"{example.api}/admin/items/{id}",
        headers=_admin(**{"If-Match": tag}),
        timeout=5,
    )


# -- paginate, link_header, headers, the custom request_id -------------------


def test_list_is_paginated_with_links_and_a_total(example: Example) -> None:
    r = requests.get(example.api + "/items?per_page=10&category=books", timeout=5)
    assert r.status_code == 200
    assert [item["id"] for item in r.json()] == list(range(5, 55, 5))
    assert r.headers["X-Total-Count"] == str(ITEMS // 5)
    assert r.headers["Cache-Control"] == "no-cache"
    assert set(r.links) == {"first", "next", "last", "describedby", "self"}
    assert r.links["self"]["url"] == r.url
    assert r.links["last"]["url"].endswith("page=2000")
    assert r.links["describedby"]["type"] == "application/schema+json"

    following = requests.get(r.links["next"]["url"], timeout=5)
    assert following.json()[0]["id"] == 55
    assert following.links["prev"]["url"] == r.links["first"]["url"]
    assert "category=books" in following.links["next"]["url"]

    schema = requests.get(r.links["describedby"]["url"], timeout=5)
    assert schema.headers["Content-Type"] == "application/schema+json"
    assert schema.json()["title"] == "Item"


def test_bad_page_or_category_is_a_400(example: Example) -> None:
    for query in ("page=0", "per_page=abc", "category=weapons"):
        r = requests.get(f"{example.api}/items?{query}", timeout=5)
        assert r.status_code == 400, query
        assert "Link" not in r.headers
        assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-Id"])
        assert r.headers["Content-Type"] == "application/problem+json"
        problem = r.json()
        assert (problem["status"], problem["title"]) == (400, "Bad Request")
        assert ("page" if "page" in query else "category") in problem["detail"]


def test_every_answer_has_its_own_request_id(example: Example) -> None:
    answers = [
        requests.get(example.api + "/items", timeout=5),
        requests.get(example.api + "/items", timeout=5),
        requests.get(example.api + "/items/999999999", timeout=5),  # abort(404)
        requests.get(example.api + "/admin/stats", timeout=5),  # the guard's 401
    ]
    assert [a.status_code for a in answers] == [200, 200, 404, 401]
    assert answers[2].json()["detail"] == "There is no item 999999999."
    ids = {a.headers["X-Request-Id"] for a in answers}
    assert len(ids) == 4


def test_one_item_links_to_its_collection(example: Example) -> None:
    r = requests.get(example.api + "/items/7", timeout=5)
    assert r.json() == {**r.json(), "id": 7, "category": "garden"}
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.links["collection"]["url"] == example.api + "/items"


# -- conditional, cache_control ----------------------------------------------


def test_items_carry_etags_and_revalidate(example: Example) -> None:
    url = example.api + "/items/8"
    r = requests.get(url, headers={"Origin": example.web}, timeout=5)
    assert re.fullmatch(r'"\d+"', r.headers["ETag"])
    assert "etag" in r.headers["Access-Control-Expose-Headers"].lower()
    again = requests.get(
        url,
        headers={"If-None-Match": r.headers["ETag"], "Origin": example.web},
        timeout=5,
    )
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["ETag"] == r.headers["ETag"]
    assert again.headers["Cache-Control"] == "no-cache"
    assert again.headers["Access-Control-Allow-Origin"] == example.web
    assert re.fullmatch(r"[0-9a-f]{32}", again.headers["X-Request-Id"])
    assert requests.get(example.api + "/items/999999999", timeout=5).status_code == 404


def test_a_lost_update_is_refused(example: Example) -> None:
    item = _create(example, "Shared lamp").json()
    url = f"{example.api}/items/{item['id']}"
    alice = bob = _etag(example, item["id"])
    body = {"name": "Alice's lamp", "category": "tools", "price": 30}

    blind = requests.put(url, json=body, timeout=5)
    assert blind.status_code == 428
    assert "If-Match" in blind.json()["detail"]

    saved = requests.put(url, json=body, headers={"If-Match": alice}, timeout=5)
    assert saved.status_code == 200
    assert saved.json()["name"] == "Alice's lamp"
    assert saved.headers["ETag"] != alice

    lost = requests.put(
        url, json={**body, "name": "Bob's lamp"}, headers={"If-Match": bob}, timeout=5
    )
    assert lost.status_code == 412
    assert lost.json()["detail"]
    assert requests.get(url, timeout=5).json()["name"] == "Alice's lamp"

    stale = requests.delete(
        url.replace("/items/", "/admin/items/"),
        headers=_admin(**{"If-Match": bob}),
        timeout=5,
    )
    assert stale.status_code == 412
    assert _delete(example, item["id"]).status_code == 204


def test_racing_writers_one_wins(example: Example) -> None:
    """The write itself checks the version (``UPDATE ... WHERE version IN``):
    of eight clients holding the same tag, exactly one saves."""
    item = _create(example, "Raced lamp").json()
    url = f"{example.api}/items/{item['id']}"
    tag = _etag(example, item["id"])
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def write(n: int) -> None:
        barrier.wait()
        body = {"name": f"writer {n}", "category": "tools", "price": n}
        r = requests.put(url, json=body, headers={"If-Match": tag}, timeout=10)
        statuses.append(r.status_code)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [412] * 7
    assert _delete(example, item["id"]).status_code == 204


# -- cors --------------------------------------------------------------------


def test_cors_allows_exactly_the_page_origin(example: Example) -> None:
    url = example.api + "/items"
    r = requests.get(url, headers={"Origin": example.web}, timeout=5)
    assert r.headers["Access-Control-Allow-Origin"] == example.web
    exposed = {
        h.strip().lower() for h in r.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert {"link", "x-total-count", "x-request-id"} <= exposed
    assert "Origin" in r.headers["Vary"]

    same_port_other_host = example.web.replace("localhost", "127.0.0.1")
    for origin in (same_port_other_host, "http://evil.example", "null"):
        r = requests.get(url, headers={"Origin": origin}, timeout=5)
        assert r.status_code == 200
        assert "Access-Control-Allow-Origin" not in r.headers, origin


def test_preflight_is_answered_before_the_guard(example: Example) -> None:
    item = _create(example).json()["id"]
    asked = {
        "Origin": example.web,
        "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "authorization",
    }
    url = f"{example.api}/admin/items/{item}"
    r = requests.options(url, headers=asked, timeout=5)
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == example.web
    assert "DELETE" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Headers"].lower() == "authorization"
    assert r.headers["Access-Control-Max-Age"] == "600"
    assert requests.get(f"{example.api}/items/{item}", timeout=5).status_code == 200

    r = requests.options(
        url, headers={**asked, "Origin": "http://evil.example"}, timeout=5
    )
    assert r.status_code == 403
    assert "Access-Control-Allow-Origin" not in r.headers
    assert _delete(example, item).status_code == 204


def test_a_cross_origin_error_is_a_readable_problem(example: Example) -> None:
    r = requests.get(
        example.api + "/items/999999999", headers={"Origin": example.web}, timeout=5
    )
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "There is no item 999999999.",
    }
    assert r.headers["Access-Control-Allow-Origin"] == example.web
    assert {"Accept", "Origin"} <= {v.strip() for v in r.headers["Vary"].split(",")}
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-Id"])


def test_the_old_item_url_is_deprecated_with_a_successor(example: Example) -> None:
    for item, status in ((7, 200), (999999999, 404)):
        r = requests.get(
            f"{example.api}/item/{item}", headers={"Origin": example.web}, timeout=5
        )
        assert r.status_code == status
        assert r.headers["Deprecation"] == "@1767225600"  # 1 January 2026
        assert r.headers["Sunset"] == "Tue, 01 Jan 2030 00:00:00 GMT"
        assert r.links["successor-version"]["url"] == f"{example.api}/items/{item}"
        assert r.links["deprecation"]["url"] == f"{example.api}/openapi.json"
        exposed = r.headers["Access-Control-Expose-Headers"]
        assert "Deprecation" in exposed
        assert "Sunset" in exposed
    new = requests.get(
        r.links["successor-version"]["url"].replace("999999999", "7"), timeout=5
    )
    assert new.json() == requests.get(f"{example.api}/item/7", timeout=5).json()
    assert "Deprecation" not in new.headers


# -- auth_challenge, vary, headers -------------------------------------------


def test_admin_route_challenges_with_bearer(example: Example) -> None:
    url = example.api + "/admin/stats"
    r = requests.get(
        url, headers={"Accept": "application/json", "Origin": example.web}, timeout=5
    )
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="items"'
    assert r.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Authentication required.",
    }
    assert r.headers["Access-Control-Allow-Origin"] == example.web
    assert "www-authenticate" in r.headers["Access-Control-Expose-Headers"].lower()

    r = requests.get(url, headers=_admin("wrong"), timeout=5)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == (
        'Bearer realm="items", error="invalid_token",'
        ' error_description="The access token is not valid."'
    )
    assert r.json()["detail"] == "The access token is not valid."
    r = requests.get(url, auth=("admin", TOKEN), timeout=5)  # Basic is not Bearer
    assert r.status_code == 401

    r = requests.get(url, headers=_admin(), timeout=5)
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    assert "Authorization" in r.headers["Vary"]
    total = requests.get(example.api + "/items", timeout=5).headers["X-Total-Count"]
    assert r.json()["items"] == int(total)


# -- created, no_content -----------------------------------------------------


def test_created_then_deleted(example: Example) -> None:
    r = _create(example, "Garden chair")
    location = r.headers["Location"]
    assert location == f"{example.api}/items/{r.json()['id']}"
    assert requests.get(location, timeout=5).json()["name"] == "Garden chair"

    delete = location.replace("/items/", "/admin/items/")
    tag = requests.get(location, timeout=5).headers["ETag"]
    # the guard answers first: no credentials, no word about the version
    assert (
        requests.delete(delete, headers={"If-Match": '"0"'}, timeout=5).status_code
        == 401
    )
    assert requests.delete(delete, headers=_admin(), timeout=5).status_code == 428
    r = requests.delete(delete, headers=_admin(**{"If-Match": tag}), timeout=5)
    assert r.status_code == 204
    assert r.content == b""
    assert "Content-Type" not in r.headers
    assert requests.get(location, timeout=5).status_code == 404
    r = requests.delete(delete, headers=_admin(**{"If-Match": tag}), timeout=5)
    assert r.status_code == 412  # no current representation matches


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "category": "tools", "price": 1},
        {"name": "x", "category": "weapons", "price": 1},
        {"name": "x", "category": "tools", "price": -1},
        {"name": "x", "category": "tools", "price": True},
        ["not", "an", "object"],
    ],
)
def test_bad_item_is_a_400_without_location(example: Example, body: object) -> None:
    r = requests.post(example.api + "/items", json=body, timeout=5)
    assert r.status_code == 400
    assert "Location" not in r.headers
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json()["detail"]


# -- csv_export --------------------------------------------------------------


def test_csv_export_streams_every_row(example: Example) -> None:
    hostile = _create(example, '=HYPERLINK("http://evil.example")').json()["id"]
    try:
        total = int(
            requests.get(example.api + "/items", timeout=5).headers["X-Total-Count"]
        )
        r = requests.get(example.api + "/items.csv", stream=True, timeout=30)
        assert r.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
        assert r.headers["Content-Disposition"].startswith(
            'attachment; filename="items.csv"'
        )
        assert "Content-Length" not in r.headers  # streamed, not buffered
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    finally:
        _delete(example, hostile)
    assert rows[0] == ["ID", "Name", "Category", "Price"]
    assert len(rows) == total + 1
    first = requests.get(example.api + "/items/1", timeout=5).json()
    assert rows[1] == [
        "1",
        first["name"],
        first["category"],
        str(first["price"]),
    ]
    assert rows[-1][:2] == [str(hostile), '\'=HYPERLINK("http://evil.example")']


def test_csv_export_of_one_category(example: Example) -> None:
    r = requests.get(example.api + "/items.csv?category=music", timeout=30)
    rows = list(csv.reader(io.StringIO(r.text)))
    assert len(rows) == ITEMS // 5 + 1
    assert {row[2] for row in rows[1:]} == {"music"}


# -- the OpenAPI description -------------------------------------------------


def test_openapi_description_is_written_from_the_decorators(example: Example) -> None:
    r = requests.get(
        example.api + "/openapi.json", headers={"Origin": example.web}, timeout=10
    )
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == example.web
    spec = r.json()
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert spec["servers"] == [{"url": example.api}]
    paths = spec["paths"]
    assert "/openapi.json" not in paths

    items = paths["/items"]["get"]
    params = {p["name"]: p for p in items["parameters"]}
    assert params["per_page"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,  # RESPKIT_MAX_PER_PAGE
        "default": 20,
    }
    assert params["page"]["schema"]["minimum"] == 1
    assert params["category"]["schema"]["enum"][0] == "books"  # our own YAML
    ok = items["responses"]["200"]
    assert ok["description"] == "A page of items."  # our own YAML wins
    assert ok["headers"]["X-Request-Id"]["description"] == "Quote it in a bug report."
    assert {"Link", "X-Total-Count", "Cache-Control", "Vary"} <= set(ok["headers"])
    assert "Access-Control-Allow-Origin" in ok["headers"]  # the blueprint's cors
    assert "400" in items["responses"]

    add = paths["/items"]["post"]["responses"]
    assert "Location" in add["201"]["headers"]
    export = paths["/items.csv"]["get"]["responses"]["200"]
    assert list(export["content"]) == ["text/csv"]
    assert "Content-Disposition" in export["headers"]
    stats = paths["/admin/stats"]["get"]
    assert stats["security"] == [{"bearerAuth": []}]
    challenge = stats["responses"]["401"]["headers"]["WWW-Authenticate"]
    assert challenge["example"] == 'Bearer realm="items"'
    delete = paths["/admin/items/{id}"]["delete"]
    assert set(delete["responses"]) == {"204", "400", "401", "403", "412", "428"}
    one = paths["/items/{id}"]
    for method in ("get", "put"):
        names = {p["name"] for p in one[method]["parameters"]}
        assert {"id", "If-None-Match", "If-Match"} <= names
        assert "ETag" in one[method]["responses"]["200"]["headers"]
        assert "412" in one[method]["responses"]
    assert "304" in one["get"]["responses"]
    assert "428" not in one["get"]["responses"]
    assert "428" in one["put"]["responses"]
    assert "304" not in one["put"]["responses"]
    assert "Cache-Control" in one["get"]["responses"]["304"]["headers"]
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    assert delete["responses"]["401"]["content"] == {
        "application/problem+json": problem
    }
    assert items["responses"]["400"]["content"] == {"application/problem+json": problem}
    assert spec["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
    ]
    old = paths["/item/{id}"]["get"]
    assert old["deprecated"] is True
    assert old["responses"]["200"]["headers"]["Sunset"]["example"] == (
        "Tue, 01 Jan 2030 00:00:00 GMT"
    )
    assert "deprecated" not in paths["/items/{id}"]["get"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_openapi_description_needs_the_extra() -> None:
    """Without apispec the example still starts; /openapi.json says what to
    install."""
    path = str(EXAMPLES / "api" / "app.py")
    code = f"""
import importlib.util, sys
sys.modules["apispec"] = None  # as if not installed
spec = importlib.util.spec_from_file_location("example", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
r = module.api.test_client().get("/openapi.json")
assert r.status_code == 501, r.status_code
assert "flask-respkit[openapi]" in r.json["detail"], r.json
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# -- the page ----------------------------------------------------------------


def test_page_has_a_content_security_policy(example: Example) -> None:
    r = requests.get(example.web + "/", timeout=5)
    assert r.headers["Content-Security-Policy"] == (
        f"default-src 'self'; connect-src {example.api}"
    )
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    config = requests.get(example.web + "/config.js", timeout=5).text
    assert f'"api": "{example.api}"' in config


@pytest.mark.browser
def test_demo_page_in_chromium(example: Example) -> None:
    executable = browser_or_skip()
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                accept_downloads=True, viewport={"width": 1100, "height": 1300}
            )
            page = context.new_page()
            page.on("pageerror", lambda e: problems.append(str(e)))
            # A CORS failure is a console error; a 401/404 answer the page
            # reads (or the absent favicon) is only "Failed to load resource".
            page.on(
                "console",
                lambda m: (
                    problems.append(m.text)
                    if m.type == "error" and not m.text.startswith(EXPECTED)
                    else None
                ),
            )
            total = requests.get(example.api + "/items", timeout=5).headers[
                "X-Total-Count"
            ]
            page.goto(example.web + "/")

            # The first page: rows, the total and the Link header, all read
            # from a cross-origin response.
            expect(page.locator("#total")).to_have_text(total)
            expect(page.locator("#error")).to_be_hidden()
            expect(page.locator("#rows tr")).to_have_count(10)
            expect(page.locator("#rows tr").first.locator("td").first).to_have_text("1")
            expect(page.locator("#link")).to_contain_text('rel="next"')
            expect(page.locator("#request-id")).to_have_text(
                re.compile("^[0-9a-f]{32}$")
            )
            expect(page.locator("#prev")).to_be_disabled()

            # Follow rel="next".
            page.click("#next")
            expect(page.locator("#page-number")).to_have_text("2")
            expect(page.locator("#rows tr").first.locator("td").first).to_have_text(
                "11"
            )
            expect(page.locator("#prev")).to_be_enabled()

            # The admin route: first without a token, then with it.
            page.click("#stats-anon")
            expect(page.locator("#admin-status")).to_have_text(
                _status("401 UNAUTHORIZED")
            )
            expect(page.locator("#admin-body")).to_contain_text(
                '"detail": "Authentication required."'
            )
            expect(page.locator("#www-authenticate")).to_have_text(
                'Bearer realm="items"'
            )
            page.fill("#token", TOKEN)
            page.click("#stats-token")
            expect(page.locator("#admin-status")).to_have_text("200 OK")
            expect(page.locator("#admin-body")).to_contain_text('"categories"')
            expect(page.locator("#www-authenticate")).to_have_text("(none)")

            # Errors: the Problem Details body the page read cross-origin.
            page.click("#error-404")
            expect(page.locator("#error-status")).to_have_text("404 NOT FOUND")
            expect(page.locator("#error-type")).to_have_text("application/problem+json")
            expect(page.locator("#error-body")).to_contain_text(
                '"detail": "There is no item 999999999."'
            )
            page.click("#error-400")
            expect(page.locator("#error-status")).to_have_text("400 BAD REQUEST")
            expect(page.locator("#error-body")).to_contain_text(
                "Query parameter 'page' must be a whole number of at least 1"
            )
            page.click("#old-item")
            expect(page.locator("#deprecation")).to_contain_text(
                "Deprecation: @1767225600"
            )
            expect(page.locator("#deprecation")).to_contain_text(
                "Sunset: Tue, 01 Jan 2030 00:00:00 GMT"
            )
            expect(page.locator("#deprecation")).to_contain_text(
                f'<{example.api}/items/7>; rel="successor-version"'
            )

            # A preflighted POST, then a preflighted DELETE with the token.
            page.click("#create-button")
            expect(page.locator("#write-status")).to_have_text(_status("201 CREATED"))
            expect(page.locator("#location")).to_have_text(
                re.compile(re.escape(example.api) + r"/items/\d+$")
            )
            location = page.locator("#location").inner_text()
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            page.click("#delete-button")
            expect(page.locator("#write-status")).to_have_text(
                _status("204 NO CONTENT")
            )
            assert requests.get(location, timeout=5).status_code == 404

            # The CSV link downloads under the name the API gives.
            assert page.get_attribute("#csv", "href") == example.api + "/items.csv"
            with page.expect_download() as info:
                page.click("#csv")
            download = info.value
            assert download.suggested_filename == "items.csv"
            with open(download.path(), encoding="utf-8") as f:
                assert sum(1 for _ in f) == int(total) + 1
            context.close()
        finally:
            browser.close()
    assert problems == []


LOST_UPDATE = Path("/tmp/respkit-example-api-lost-update.png")


@pytest.mark.browser
def test_demo_page_refuses_a_lost_update(example: Example) -> None:
    """The "Edits" section: Alice and Bob open one item; Alice saves (200, a
    new ETag), Bob saves with the tag he read (412), a save without If-Match
    is a 428. Every answer read cross-origin, ETag included."""
    executable = browser_or_skip()
    from playwright.sync_api import expect, sync_playwright

    item = _create(example, "Shared desk").json()["id"]
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1500})
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on(
                "console",
                lambda m: (
                    problems.append(m.text)
                    if m.type == "error" and not m.text.startswith(EXPECTED)
                    else None
                ),
            )
            page.goto(example.web + "/")
            page.fill("#edit-id", str(item))
            page.click("#edit-load")
            tag = requests.get(f"{example.api}/items/{item}", timeout=5).headers["ETag"]
            expect(page.locator("#tag-a")).to_have_text(tag)
            expect(page.locator("#tag-b")).to_have_text(tag)
            expect(page.locator("#name-b")).to_have_value("Shared desk")

            page.fill("#name-a", "Alice's desk")
            page.click("#save-a")
            expect(page.locator("#status-a")).to_have_text("200 OK")
            expect(page.locator("#tag-a")).not_to_have_text(tag)

            page.fill("#name-b", "Bob's desk")
            page.click("#save-b")
            expect(page.locator("#status-b")).to_contain_text(
                _status("412 PRECONDITION FAILED")
            )
            expect(page.locator("#tag-b")).to_have_text(tag)

            page.click("#save-blind")
            expect(page.locator("#status-blind")).to_contain_text(
                _status("428 PRECONDITION REQUIRED")
            )
            expect(page.locator("#status-blind")).to_contain_text("If-Match")
            page.locator("#edits").screenshot(path=str(LOST_UPDATE))
        finally:
            browser.close()
    assert problems == []
    r = requests.get(f"{example.api}/items/{item}", timeout=5)
    assert r.json()["name"] == "Alice's desk"
    assert _delete(example, item).status_code == 204


@pytest.mark.browser
def test_page_from_another_origin_is_refused(example: Example) -> None:
    """The same page opened as http://127.0.0.1:<port>: the API does not allow
    that origin, so the browser blocks every response and the page says why."""
    executable = browser_or_skip()
    from playwright.sync_api import expect, sync_playwright

    refused: list[str] = []
    wrong = example.web.replace("localhost", "127.0.0.1")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.on(
                "console",
                lambda m: refused.append(m.text) if "CORS policy" in m.text else None,
            )
            page.goto(wrong + "/")
            expect(page.locator("#error")).to_be_visible()
            expect(page.locator("#error")).to_contain_text(
                f"the browser blocked the response, as CORS should."
                f" Open {example.web}/ instead."
            )
            expect(page.locator("#rows tr")).to_have_count(0)
            expect(page.locator("#total")).to_have_text("…")
            page.screenshot(path=str(SCREENSHOT.with_name(REFUSED)))
        finally:
            browser.close()
    assert any("No 'Access-Control-Allow-Origin' header" in m for m in refused)
