"""conditional and cache_control over real HTTP: ``requests`` (and the
standard library's ``http.client`` for the raw bytes) against Werkzeug's
threaded server. Two clients race to change one item: the second one's lost
update is refused."""

from __future__ import annotations

import datetime
import http.client
import threading
import typing as t

import pytest
import requests
from flask import Flask, abort, request

from flask_respkit import RespKit, cache_control, conditional, cors, csv_export

from ._live import serve

pytestmark = pytest.mark.live

ORIGIN = "https://app.example"
CHANGED = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.timezone.utc)


class Store:
    """Items with a version each; a lock, since the server is threaded."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[int, dict[str, t.Any]] = {
            1: {"name": "Lamp", "version": 1, "changed": CHANGED}
        }
        self.exports_started = 0

    def version(self, id: int) -> str | None:
        item = self.items.get(id)
        return None if item is None else str(item["version"])

    def changed(self, id: int) -> datetime.datetime | None:
        item = self.items.get(id)
        return None if item is None else t.cast(datetime.datetime, item["changed"])


def build(store: Store) -> Flask:
    app = Flask(__name__)
    RespKit(app)

    @app.route("/items/<int:id>", methods=["GET", "PUT", "DELETE"])
    @cors(ORIGIN)
    @cache_control(max_age=0, private=True, must_revalidate=True)
    @conditional(
        etag=store.version, last_modified=store.changed, require_precondition=True
    )
    def item(id: int) -> t.Any:
        with store.lock:
            found = store.items.get(id)
            if found is None:
                return {"message": "no such item"}, 404
            if request.method == "DELETE":
                del store.items[id]
                return "", 204
            if request.method == "PUT":
                # conditional checked If-Match before the view; a concurrent
                # PUT may have passed the same check. Compare and write as
                # one step, as an UPDATE ... WHERE version = ? does.
                if request.headers.get("If-Match") != f'"{found["version"]}"':
                    abort(412)
                found["name"] = request.get_json()["name"]
                found["version"] += 1
                found["changed"] += datetime.timedelta(minutes=1)
            return {"id": id, "name": found["name"]}

    @app.get("/items.csv")
    @conditional(etag=lambda: "export-1")
    @csv_export(["id", "name"])
    def export() -> t.Iterator[dict[str, t.Any]]:
        store.exports_started += 1
        for id, found in sorted(store.items.items()):
            yield {"id": id, "name": found["name"]}

    return app


@pytest.fixture
def live() -> t.Iterator[tuple[str, Store]]:
    store = Store()
    with serve(build(store)) as port:
        yield f"http://127.0.0.1:{port}", store


def test_revalidation_over_http(live: tuple[str, Store]) -> None:
    base, _ = live
    r = requests.get(f"{base}/items/1", headers={"Origin": ORIGIN}, timeout=5)
    assert r.status_code == 200
    assert r.headers["ETag"] == '"1"'
    assert r.headers["Last-Modified"] == "Tue, 01 Dec 2026 10:00:00 GMT"
    assert r.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert "ETag" in r.headers["Access-Control-Expose-Headers"]

    again = requests.get(
        f"{base}/items/1",
        headers={"Origin": ORIGIN, "If-None-Match": r.headers["ETag"]},
        timeout=5,
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == '"1"'
    assert again.headers["Cache-Control"] == r.headers["Cache-Control"]
    assert again.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert again.headers["Vary"] == "Origin"

    # A CDN that compressed the body sends the tag back weakened: still a 304.
    weakened = requests.get(
        f"{base}/items/1", headers={"If-None-Match": 'W/"1"'}, timeout=5
    )
    assert weakened.status_code == 304
    by_date = requests.get(
        f"{base}/items/1",
        headers={"If-Modified-Since": r.headers["Last-Modified"]},
        timeout=5,
    )
    assert by_date.status_code == 304
    head = requests.head(f"{base}/items/1", headers={"If-None-Match": '"1"'}, timeout=5)
    assert head.status_code == 304


def test_the_raw_304_has_no_body_and_a_date() -> None:
    store = Store()
    with serve(build(store)) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/items/1", headers={"If-None-Match": '"1"'})
            raw = conn.getresponse()
            body = raw.read()
            names = {name.lower() for name, _ in raw.getheaders()}
            # the connection stays usable: the 304 framed no body
            conn.request("GET", "/items/1")
            following = conn.getresponse()
            following.read()
        finally:
            conn.close()
    assert (raw.status, body) == (304, b"")
    assert {"etag", "date", "cache-control"} <= names
    assert not names & {"content-type", "last-modified"}
    assert following.status == 200


def test_a_lost_update_is_refused(live: tuple[str, Store]) -> None:
    base, store = live
    url = f"{base}/items/1"
    alice = requests.Session()
    bob = requests.Session()
    tag_a = alice.get(url, timeout=5).headers["ETag"]
    tag_b = bob.get(url, timeout=5).headers["ETag"]
    assert tag_a == tag_b == '"1"'

    blind = alice.put(url, json={"name": "Desk lamp"}, timeout=5)
    assert blind.status_code == 428
    assert "If-Match" in blind.text

    saved = alice.put(
        url, json={"name": "Desk lamp"}, headers={"If-Match": tag_a}, timeout=5
    )
    assert saved.status_code == 200
    assert saved.headers["ETag"] == '"2"'
    assert saved.headers["Last-Modified"] == "Tue, 01 Dec 2026 10:01:00 GMT"

    lost = bob.put(
        url, json={"name": "Floor lamp"}, headers={"If-Match": tag_b}, timeout=5
    )
    assert lost.status_code == 412
    assert "Cache-Control" not in lost.headers
    assert store.items[1]["name"] == "Desk lamp"

    fresh = bob.get(url, timeout=5)
    retried = bob.put(
        url,
        json={"name": "Floor lamp"},
        headers={"If-Match": fresh.headers["ETag"]},
        timeout=5,
    )
    assert retried.status_code == 200
    assert store.items[1]["name"] == "Floor lamp"

    stale = requests.delete(url, headers={"If-Match": tag_a}, timeout=5)
    assert stale.status_code == 412
    gone = requests.delete(
        url, headers={"If-Match": retried.headers["ETag"]}, timeout=5
    )
    assert gone.status_code == 204
    assert "ETag" not in gone.headers
    assert requests.get(url, timeout=5).status_code == 404


def test_racing_writers_one_wins(live: tuple[str, Store]) -> None:
    """Eight clients holding the same tag PUT at once: exactly one succeeds.
    ``conditional`` refuses the late ones before the view; those that pass
    its check together are refused by the view's compare-and-write."""
    base, store = live
    url = f"{base}/items/1"
    tag = requests.get(url, timeout=5).headers["ETag"]
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def write(n: int) -> None:
        barrier.wait()
        r = requests.put(
            url, json={"name": f"w{n}"}, headers={"If-Match": tag}, timeout=10
        )
        statuses.append(r.status_code)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [412] * 7
    assert store.items[1]["version"] == 2


def test_a_304_never_starts_the_export(live: tuple[str, Store]) -> None:
    base, store = live
    r = requests.get(f"{base}/items.csv", timeout=5)
    assert r.text == "id,name\r\n1,Lamp\r\n"
    assert (r.headers["ETag"], store.exports_started) == ('"export-1"', 1)
    r = requests.get(
        f"{base}/items.csv", headers={"If-None-Match": '"export-1"'}, timeout=5
    )
    assert (r.status_code, r.content) == (304, b"")
    assert store.exports_started == 1


def test_a_malformed_tag_list_is_a_400(live: tuple[str, Store]) -> None:
    base, _ = live
    r = requests.get(f"{base}/items/1", headers={"If-None-Match": "1"}, timeout=5)
    assert r.status_code == 400
    assert "If-None-Match is malformed" in r.text
