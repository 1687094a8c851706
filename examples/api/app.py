"""flask-respkit's flagship example: a JSON API over SQLite, and a browser page
served from a second origin that calls it.

Run both with one command::

    python examples/api/app.py

then open http://localhost:5001 (the page) in a browser. The API answers on
http://127.0.0.1:5000, a different origin, so every call the page makes is a
real cross-origin request. Try the API with curl too::

    curl -i 'http://127.0.0.1:5000/items?per_page=3&category=books'
    curl -i -X POST -H 'Content-Type: application/json' \\
        -d '{"name": "Lamp", "category": "tools", "price": 12.5}' \\
        http://127.0.0.1:5000/items
    curl -i -X PUT -H 'If-Match: "1"' -H 'Content-Type: application/json' \\
        -d '{"name": "Lamp", "category": "tools", "price": 12.5}' \\
        http://127.0.0.1:5000/items/3
    curl -i http://127.0.0.1:5000/admin/stats
    curl -i -H 'Authorization: Bearer demo-token' http://127.0.0.1:5000/admin/stats
    curl -i http://127.0.0.1:5000/items/999999999
    curl -i http://127.0.0.1:5000/item/7
    curl -o items.csv http://127.0.0.1:5000/items.csv
    curl http://127.0.0.1:5000/openapi.json

``/openapi.json`` is the API's OpenAPI 3.1 description, written by
``flask_respkit.openapi.RespKitPlugin`` from the decorators alone (it needs
``pip install "flask-respkit[openapi]"``; without it, that URL answers 501).

Environment variables: ``API_PORT`` (5000) and ``WEB_PORT`` (5001), ``ITEMS``
(rows made at start-up, 100000), ``ADMIN_TOKEN`` (``demo-token``) and
``ITEMS_DB`` (a database file, rebuilt at start-up; by default a temporary
one, removed on exit).

Every decorator of the kit is used once at least: ``cors`` on the whole
blueprint, ``paginate`` and ``link_header`` on the list, ``csv_export``
streaming every row, ``created`` and ``no_content`` on the writes,
``conditional`` giving each item an ``ETag`` (a version number) and requiring
``If-Match`` on its ``PUT`` and ``DELETE`` (a lost update is a 412),
``cache_control``, ``auth_challenge`` guarding the admin routes with a Bearer
token, ``headers`` and ``vary``, ``deprecated`` on the old ``/item/<id>`` URL
(its successor is ``/items/<id>``), and ``request_id``, a
``response_decorator`` of our own.

Every error is RFC 9457 Problem Details (``RESPKIT_PROBLEM_DETAILS``):
``application/problem+json`` with a ``detail`` saying what was wrong, and the
blueprint's CORS headers, so the page's ``fetch()`` can read it.
"""

from __future__ import annotations

import functools
import hmac
import json
import os
import random
import signal
import sqlite3
import sys
import tempfile
import threading
import typing as t
import uuid
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    g,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.datastructures import Authorization
from werkzeug.serving import make_server

try:  # the OpenAPI description is optional: flask-respkit[openapi]
    from apispec import APISpec
    from apispec_webframeworks.flask import FlaskPlugin

    from flask_respkit.openapi import RespKitPlugin
except ImportError:  # pragma: no cover - served as 501 then
    APISpec = None  # type: ignore[assignment,misc]

from flask_respkit import (
    Challenge,
    Link,
    Pagination,
    RespKit,
    auth_challenge,
    cache_control,
    challenge_response,
    conditional,
    cors,
    created,
    csv_export,
    deprecated,
    headers,
    link_header,
    no_content,
    paginate,
    problem,
    response_decorator,
    vary,
)

API_PORT = int(os.environ.get("API_PORT", "5000"))
WEB_PORT = int(os.environ.get("WEB_PORT", "5001"))
API_ORIGIN = f"http://127.0.0.1:{API_PORT}"
WEB_ORIGIN = f"http://localhost:{WEB_PORT}"  # another host name: another origin
ADMIN_TOKEN = os.environ.get("ADMIN_TOKEN", "demo-token")
CATEGORIES = ("books", "games", "garden", "music", "tools")
COLUMNS = {"id": "ID", "name": "Name", "category": "Category", "price": "Price"}
HERE = Path(__file__).resolve().parent

# -- the database ------------------------------------------------------------


def create_database(path: str, count: int) -> None:
    """Create the ``items`` table with ``count`` rows, in one transaction."""
    rng = random.Random(8288)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")  # readers never block a writer
        with conn:
            conn.execute("DROP TABLE IF EXISTS items")
            conn.execute(
                "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " category TEXT NOT NULL, price REAL NOT NULL,"
                " version INTEGER NOT NULL DEFAULT 1)"
            )
            conn.executemany(
                "INSERT INTO items (id, name, category, price) VALUES (?, ?, ?, ?)",
                (
                    (
                        i,
                        f'Item {i}, "{rng.choice(["red", "blue", "plain"])}"',
                        CATEGORIES[i % len(CATEGORIES)],
                        round(rng.uniform(1, 500), 2),
                    )
                    for i in range(1, count + 1)
                ),
            )
    finally:
        conn.close()


def connect() -> sqlite3.Connection:
    return sqlite3.connect(api.config["DATABASE"], check_same_thread=False)


def db() -> sqlite3.Connection:
    """One connection per request, closed when the request ends."""
    if "db" not in g:
        g.db = connect()
    return t.cast(sqlite3.Connection, g.db)


def item_dict(row: tuple[t.Any, ...]) -> dict[str, t.Any]:
    return dict(zip(COLUMNS, row))


def category_filter() -> tuple[str, tuple[str, ...]]:
    category = request.args.get("category")
    if category is None:
        return "", ()
    if category not in CATEGORIES:
        abort(400, f"category must be one of {', '.join(CATEGORIES)}")
    return "WHERE category = ?", (category,)


# -- the API (http://127.0.0.1:5000) -----------------------------------------

api = Flask(__name__)
api.config["DATABASE"] = os.environ.get("ITEMS_DB", "")
api.config["RESPKIT_AUTH_REALM"] = "items"
api.config["RESPKIT_MAX_PER_PAGE"] = 100
api.config["RESPKIT_PROBLEM_DETAILS"] = True  # every error as problem+json
RespKit(api)
bp = Blueprint("api", __name__)


@api.teardown_appcontext
def close_db(exc: BaseException | None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


@response_decorator(errors=True)
def request_id(response: t.Any) -> None:
    """Our own decorator: an id on every answer, errors included, that a user
    can quote in a bug report."""
    response.headers["X-Request-Id"] = uuid.uuid4().hex


def bearer_ok(auth: Authorization | None) -> bool:
    """The admin guard: no credentials is a plain 401 with the challenge; a
    wrong token says so, as RFC 6750 asks (``error="invalid_token"``)."""
    if auth is None:
        return False
    token = auth.token if auth.type == "bearer" else None
    if token is None or not hmac.compare_digest(token.encode(), ADMIN_TOKEN.encode()):
        abort(
            challenge_response(
                Challenge(
                    "Bearer",
                    realm="items",
                    error="invalid_token",
                    error_description="The access token is not valid.",
                ),
                body=problem(401, detail="The access token is not valid."),
            )
        )
    return True


admin = auth_challenge("Bearer", verify=bearer_ok)
SCHEMA = Link("/schema/item.json", "describedby", type="application/schema+json")


@bp.get("/items")
@request_id
@cache_control(no_cache=True)
@link_header(SCHEMA, self=lambda response: request.url)
@paginate(per_page=20)
def list_items(pagination: Pagination) -> list[dict[str, t.Any]]:
    """A page of items, GitHub-style: ``?page=``, ``?per_page=``, ``?category=``.

    The YAML below is our own OpenAPI text: RespKitPlugin keeps it and adds
    what the decorators do (page parameters, Link, X-Total-Count, CORS...).
    ---
    get:
      summary: List items
      parameters:
        - name: category
          in: query
          schema: {type: string, enum: [books, games, garden, music, tools]}
      responses:
        200:
          description: A page of items.
          headers:
            X-Request-Id:
              description: Quote it in a bug report.
              schema: {type: string}
    """
    where, args = category_filter()
    count = db().execute(f"SELECT COUNT(*) FROM items {where}", args).fetchone()
    pagination.total = count[0]
    rows = db().execute(
        f"SELECT id, name, category, price FROM items {where}"
        " ORDER BY id LIMIT ? OFFSET ?",
        (*args, pagination.limit, pagination.offset),
    )
    return [item_dict(row) for row in rows]


def item_version(id: int) -> str | None:
    """An item's entity-tag: its version, which every write increments
    (``None``: no such item). Read before the view, so a ``304`` or a ``412``
    costs one indexed lookup."""
    row = db().execute("SELECT version FROM items WHERE id = ?", (id,)).fetchone()
    return None if row is None else str(row[0])


def matching_version() -> tuple[str, tuple[int, ...]]:
    """The SQL condition a write adds so that it applies only to a version
    the client's ``If-Match`` names: ``conditional`` checked it before the
    view, but a concurrent write may have passed the same check; the
    ``UPDATE`` (or ``DELETE``) itself decides, atomically."""
    if request.if_match.star_tag:
        return "", ()
    versions = tuple(int(tag) for tag in request.if_match.as_set() if tag.isdigit())
    marks = ", ".join("?" * len(versions)) or "NULL"
    return f" AND version IN ({marks})", versions


def item_from_json() -> tuple[str, str, float]:
    """``{"name": ..., "category": ..., "price": ...}``, checked (else 400)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "Send a JSON object.")
    name, category, price = data.get("name"), data.get("category"), data.get("price")
    if not isinstance(name, str) or not 0 < len(name) <= 200:
        abort(400, "name must be a string of 1-200 characters.")
    if category not in CATEGORIES:
        abort(400, f"category must be one of {', '.join(CATEGORIES)}.")
    if isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0:
        abort(400, "price must be a number >= 0.")
    return name, category, price


@bp.route("/items/<int:id>", methods=["GET", "PUT"])
@request_id
@cache_control(no_cache=True)  # reuse it only after a (cheap) revalidation
@link_header(SCHEMA, collection="api.list_items")
@conditional(etag=item_version, require_precondition=True)
def get_item(id: int) -> dict[str, t.Any]:
    """One item. ``ETag`` is its version: send it back in ``If-None-Match``
    for a ``304``, and in ``If-Match`` to ``PUT`` a new version (required:
    without it, ``428``; with an old one, ``412``, someone else saved first).
    """
    if request.method == "PUT":
        name, category, price = item_from_json()
        guard, versions = matching_version()
        with db() as conn:
            changed = conn.execute(
                "UPDATE items SET name = ?, category = ?, price = ?,"
                f" version = version + 1 WHERE id = ?{guard}",
                (name, category, price, id, *versions),
            ).rowcount
        if not changed:
            abort(404 if item_version(id) is None else 412)
    return find_item(id)


def find_item(id: int) -> dict[str, t.Any]:
    """The item ``id``, or a 404."""
    row = (
        db()
        .execute("SELECT id, name, category, price FROM items WHERE id = ?", (id,))
        .fetchone()
    )
    if row is None:
        abort(404, f"There is no item {id}.")
    return item_dict(row)


@bp.get("/item/<int:id>")
@request_id
@deprecated(
    date(2026, 1, 1),
    sunset=date(2030, 1, 1),
    link="api.openapi",  # the API description says what replaces it
    successor="api.get_item",
)
def get_item_v0(id: int) -> dict[str, t.Any]:
    """The first URL of an item, kept for old clients: every answer (errors
    too) says it is deprecated, when it goes, and where its successor is."""
    return find_item(id)


@bp.get("/items.csv")
@request_id
@csv_export(COLUMNS, filename="items.csv")
def export_items() -> t.Any:  # rows, which csv_export turns into the response
    """Every item (or every item of ``?category=``) as CSV, streamed: rows go
    out in batches as the client reads, straight from the SQLite cursor."""
    where, args = category_filter()
    return stream_rows(
        f"SELECT id, name, category, price FROM items {where} ORDER BY id", args
    )


def stream_rows(sql: str, args: tuple[str, ...]) -> t.Iterator[tuple[t.Any, ...]]:
    """Rows of ``sql`` on a connection of their own, closed with the stream
    (``csv_export`` closes the iterator when the response closes)."""
    conn = connect()
    try:
        yield from conn.execute(sql, args)
    finally:
        conn.close()


def new_id(response: Response) -> int:
    """The id of the item ``add_item`` just wrote, from its JSON body."""
    return int(t.cast("dict[str, t.Any]", response.json)["id"])


@bp.post("/items")
@request_id
@created(lambda response: url_for("api.get_item", id=new_id(response)))
def add_item() -> dict[str, t.Any]:
    """``{"name": ..., "category": ..., "price": ...}`` → 201 with ``Location``."""
    name, category, price = item_from_json()
    with db() as conn:
        cursor = conn.execute(
            "INSERT INTO items (name, category, price) VALUES (?, ?, ?)",
            (name, category, price),
        )
    return {"id": cursor.lastrowid, "name": name, "category": category, "price": price}


@bp.get("/admin/stats")
@request_id
@headers(cache_control="no-store")
@vary("Authorization")
@admin
def admin_stats() -> dict[str, t.Any]:
    """Counts per category, for holders of the admin token only."""
    rows = db().execute("SELECT category, COUNT(*) FROM items GROUP BY category")
    counts = dict(rows.fetchall())
    return {"items": sum(counts.values()), "categories": counts}


@bp.delete("/admin/items/<int:id>")
@request_id
@admin
@conditional(etag=item_version, require_precondition=True)
@no_content
def delete_item(id: int) -> str:
    """Delete an item: 204 No Content, or 404; ``If-Match`` required (the
    admin guard answers first: no credentials, no hint about the version)."""
    guard, versions = matching_version()
    with db() as conn:
        deleted = conn.execute(
            f"DELETE FROM items WHERE id = ?{guard}", (id, *versions)
        ).rowcount
    if not deleted:
        abort(404 if item_version(id) is None else 412)
    return "deleted"


@bp.get("/schema/item.json")
@headers(content_type="application/schema+json", cache_control="max-age=3600")
def item_schema() -> dict[str, t.Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Item",
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string", "maxLength": 200},
            "category": {"enum": list(CATEGORIES)},
            "price": {"type": "number", "minimum": 0},
        },
    }


@bp.get("/openapi.json")
def openapi() -> t.Any:
    """This API's OpenAPI 3.1 description, made once, from the decorators."""
    if APISpec is None:
        abort(501, 'Install "flask-respkit[openapi]" for the OpenAPI description.')
    return build_openapi()


@functools.cache
def build_openapi() -> dict[str, t.Any]:
    """Document every route of the API with apispec's FlaskPlugin and
    RespKitPlugin (during a request, so the app is ``current_app``)."""
    spec = APISpec(
        "flask-respkit demo: items",
        "1.0",
        "3.1.0",
        plugins=[FlaskPlugin(), RespKitPlugin()],
        servers=[{"url": API_ORIGIN}],
    )
    for rule in api.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            spec.path(view=api.view_functions[rule.endpoint])
    return t.cast("dict[str, t.Any]", spec.to_dict())


# Only the page's origin may read the API from a browser. The page may also
# read our own X-Request-Id; Link, X-Total-Count, WWW-Authenticate, Location,
# Content-Disposition, ETag, Deprecation and Sunset are exposed by the kit itself.
cors(WEB_ORIGIN, expose_headers=["X-Request-Id"], max_age=600)(bp)
api.register_blueprint(bp)

# -- the page (http://localhost:5001) ----------------------------------------

web = Flask(__name__, static_folder=str(HERE / "static"))


@web.get("/")
@headers(
    content_security_policy=f"default-src 'self'; connect-src {API_ORIGIN}",
    x_content_type_options="nosniff",
)
def page() -> t.Any:
    return send_from_directory(HERE / "static", "index.html")


@web.get("/config.js")
@headers(content_type="text/javascript; charset=utf-8", cache_control="no-store")
def config() -> str:
    settings = {"api": API_ORIGIN, "pageOrigin": WEB_ORIGIN, "demoToken": ADMIN_TOKEN}
    return f"window.ITEMS_DEMO = {json.dumps(settings)};\n"


# -- one command starts both -------------------------------------------------


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if not api.config["DATABASE"]:
            api.config["DATABASE"] = str(Path(tmp) / "items.db")
        create_database(api.config["DATABASE"], int(os.environ.get("ITEMS", "100000")))
        servers = [
            make_server("127.0.0.1", API_PORT, api, threaded=True),
            make_server("127.0.0.1", WEB_PORT, web, threaded=True),
        ]
        for server in servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f" * API:  {API_ORIGIN}/items", flush=True)
        print(f" * page: {WEB_ORIGIN}/  <- open this in a browser", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            for server in servers:
                server.shutdown()
                server.server_close()


if __name__ == "__main__":
    main()
