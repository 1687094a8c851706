"""Cursor (keyset) pagination: what a page costs deep in a large table, and
what ``paginate(cursor=...)`` costs per request.

    python benchmarks/bench_cursor.py

**Depth.** A 1,000,000-row SQLite table (``events``: ``id``, ``created`` with
three rows per value, ``kind``, ``payload``; indexes on ``(created, id)`` and
``(created, id DESC)``), paged 50 rows at a time by ``(created, id)`` through
``flask_respkit.sqlalchemy.fetch_page``: the time to fetch the page that
starts at row 1, 10,000 and 900,000 in page mode (``LIMIT``/``OFFSET``, with
and without the ``COUNT``) and in cursor mode (a ``WHERE`` after the previous
row's keys; one direction as a row value, and mixed directions as the
expanded ``OR``). Each fetch opens a session, runs the query and reads the
rows, as a request would; candidates run interleaved and the median over the
rounds is kept. The goal: a cursor page 900,000 rows deep costs at most 1.5
times the first page; page mode grows with the depth.

The table is built once, with ``executemany`` into a file in the temporary
folder (a few seconds), and reused by later runs; delete
``flask-respkit-bench-cursor-*.db`` there to rebuild it. With
``RESPKIT_BENCH_QUICK=1`` the table has 2,000 rows.

**Overhead.** The same cursor page served by ``@paginate(cursor=("created",
"id"))`` and by a hand-written keyset view that validates ``per_page``,
verifies and decodes the signed cursor, fetches the same rows and writes the
same ``Link`` header (checked before timing) with itsdangerous itself. The
rows come from memory, so the figure is the pagination's own cost.
"""

from __future__ import annotations

import bisect
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import typing as t
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import sqlalchemy as sa
from flask import Flask, abort, jsonify, request
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import environ, headline, per_request, quick, table

from flask_respkit import Pagination, paginate
from flask_respkit.sqlalchemy import fetch_page

PER_PAGE = 50
DEPTHS = (1, 10_000, 900_000)
ROWS = 1_000_000
QUICK_ROWS = 2_000
#: Bump when the table's layout changes, so that an old file is not reused.
LAYOUT = 2

EVENTS = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created", sa.Integer, nullable=False),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("payload", sa.String, nullable=False),
)
KINDS = ("deploy", "build", "alert", "login")


# --- the table ----------------------------------------------------------------------


def database(rows: int) -> Path:
    """The path of a SQLite file holding ``rows`` events, built if missing."""
    path = (
        Path(tempfile.gettempdir()) / f"flask-respkit-bench-cursor-{LAYOUT}-{rows}.db"
    )
    if path.exists():
        try:
            with sqlite3.connect(path) as conn:
                (done,) = conn.execute("SELECT rows FROM done").fetchone()
            if done == rows:
                return path
        except sqlite3.Error:
            pass
    building = path.with_suffix(f".{os.getpid()}.tmp")
    building.unlink(missing_ok=True)
    started = time.perf_counter()
    conn = sqlite3.connect(building)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, created INTEGER NOT NULL,"
            " kind TEXT NOT NULL, payload TEXT NOT NULL)"
        )
        conn.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?)",
            (
                (i, 1_700_000_000 + i // 3, KINDS[i % 4], f"event {i} payload")
                for i in range(1, rows + 1)
            ),
        )
        conn.execute("CREATE INDEX events_created_id ON events (created, id)")
        # For the mixed directions: an index in the cursor's own directions.
        conn.execute("CREATE INDEX events_created_id_desc ON events (created, id DESC)")
        conn.execute("ANALYZE")
        conn.execute("CREATE TABLE done (rows INTEGER)")
        conn.execute("INSERT INTO done VALUES (?)", (rows,))
        conn.commit()
    finally:
        conn.close()
    os.replace(building, path)
    print(
        f"  built {path} ({rows:,} rows) in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return path


def timed(
    candidates: dict[str, t.Callable[[], object]], *, rounds: int = 15
) -> dict[str, float]:
    """Seconds per call of each candidate: batches of about 50 ms, run
    interleaved, the median over ``rounds`` kept."""
    numbers: dict[str, int] = {}
    for name, fn in candidates.items():
        fn()  # warm up: statement caches, the OS page cache
        start = time.perf_counter()
        fn()
        once = time.perf_counter() - start
        numbers[name] = 1 if quick() else max(1, min(1000, int(0.05 / once)))
    if quick():
        rounds = 1
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            start = time.perf_counter()
            for _ in range(numbers[name]):
                fn()
            samples[name].append((time.perf_counter() - start) / numbers[name])
    return {name: statistics.median(s) for name, s in samples.items()}


def depth_benchmark() -> tuple[str, dict[str, float]]:
    rows = QUICK_ROWS if quick() else ROWS
    engine = sa.create_engine(f"sqlite:///{database(rows)}")
    # The same depths in proportion on the quick run's small table.
    depths = [max(1, d * rows // ROWS) for d in DEPTHS]
    modes = {
        "page mode, OFFSET": ("page", False, ("created", "id")),
        "page mode, OFFSET + COUNT": ("page", True, ("created", "id")),
        "cursor (created, id)": ("cursor", False, ("created", "id")),
        "cursor (created, -id)": ("cursor", False, ("created", "-id")),
    }

    def order(spec: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
        return tuple((k.lstrip("-"), k.startswith("-")) for k in spec)

    def by(spec: tuple[str, ...]) -> list[t.Any]:
        return [
            EVENTS.c[k.lstrip("-")].desc() if k.startswith("-") else EVENTS.c[k]
            for k in spec
        ]

    candidates: dict[str, t.Callable[[], object]] = {}
    expected: dict[str, int] = {}
    with engine.connect() as conn:
        for mode, (kind, count, spec) in modes.items():
            ordered = sa.select(EVENTS.c.id, EVENTS.c.created).order_by(*by(spec))
            for depth in depths:
                # The page that starts at row ``depth`` (1-based): the cursor
                # is the row before it; the page number is the one holding it.
                (first_id, _) = conn.execute(ordered.offset(depth - 1).limit(1)).one()
                after = None
                if depth > 1:
                    previous = conn.execute(ordered.offset(depth - 2).limit(1)).one()
                    after = (previous.created, previous.id)
                name = f"{mode}, row {depth:,}"
                expected[name] = first_id
                if kind == "page":
                    candidates[name] = _page_fetch(
                        engine, (depth - 1) // PER_PAGE + 1, count, by(spec)
                    )
                    expected[name] = conn.execute(
                        ordered.offset((depth - 1) // PER_PAGE * PER_PAGE).limit(1)
                    ).scalar_one()
                else:
                    candidates[name] = _cursor_fetch(engine, order(spec), after)
    for name, fetch in candidates.items():
        page = t.cast("list[t.Any]", fetch())
        assert len(page) == PER_PAGE, name
        assert page[0].id == expected[name], (name, page[0].id, expected[name])
    times = timed(candidates)
    engine.dispose()

    head = f"  {'depth (first row of the page)':<32}" + "".join(
        f"{mode:>28}" for mode in modes
    )
    lines = [
        f"A page of {PER_PAGE} from a {rows:,}-row SQLite table through fetch_page"
        f" (SQLite {sqlite3.sqlite_version}, SQLAlchemy {sa.__version__}):"
        " µs per page, and its ratio to the first page",
        head,
    ]
    for depth in depths:
        cells = []
        for mode in modes:
            value = times[f"{mode}, row {depth:,}"]
            first = times[f"{mode}, row {depths[0]:,}"]
            cells.append(f"{value * 1e6:>18,.0f} {value / first:>8.2f}")
        lines.append(f"  {f'row {depth:,}':<32}" + "".join(cells))
    deep, top = f"row {depths[-1]:,}", f"row {depths[0]:,}"
    ratios = {
        "cursor, deep": times[f"cursor (created, id), {deep}"],
        "cursor, first": times[f"cursor (created, id), {top}"],
        "mixed, deep": times[f"cursor (created, -id), {deep}"],
        "mixed, first": times[f"cursor (created, -id), {top}"],
        "page, deep": times[f"page mode, OFFSET, {deep}"],
        "page, first": times[f"page mode, OFFSET, {top}"],
    }
    headline(
        f"Cursor page {depths[-1]:,} rows deep",
        ratios,
        "cursor, deep",
        "cursor, first",
        labels=(f"fetch_page, row {depths[-1]:,}", "fetch_page, first page"),
    )
    return "\n".join(lines), ratios


def _page_fetch(
    engine: sa.Engine, page: int, count: bool, order: list[t.Any]
) -> t.Callable[[], list[t.Any]]:
    statement = sa.select(EVENTS).order_by(*order)

    def fetch() -> list[t.Any]:
        with Session(engine) as session:
            return fetch_page(
                session, statement, Pagination(page, PER_PAGE, count=count)
            )

    return fetch


def _cursor_fetch(
    engine: sa.Engine,
    order: tuple[tuple[str, bool], ...],
    after: tuple[t.Any, ...] | None,
) -> t.Callable[[], list[t.Any]]:
    statement = sa.select(EVENTS)

    def fetch() -> list[t.Any]:
        with Session(engine) as session:
            pagination = Pagination(
                None, PER_PAGE, after=after, order=order, count=False
            )
            return fetch_page(session, statement, pagination)

    return fetch


# --- the decorator's own cost --------------------------------------------------------

SECRET = "bench-secret-key-0123456789abcdef"
MEMORY = [
    {"id": i, "created": 1_700_000_000 + i // 3, "kind": KINDS[i % 4]}
    for i in range(1, 10_001)
]
MEMORY_KEYS = [(row["created"], row["id"]) for row in MEMORY]


def fetch_rows(after: tuple[int, int] | None, limit: int) -> tuple[list[t.Any], bool]:
    """The rows after ``after`` in ``(created, id)`` order, as an index would
    give them, and whether more follow."""
    start = 0 if after is None else bisect.bisect_right(MEMORY_KEYS, after)
    return MEMORY[start : start + limit], start + limit < len(MEMORY)


def build() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = SECRET
    # What the kit signs cursors of this list (the app and the endpoint
    # "paginated") and ordering with, so both views send byte-identical links.
    serializer = URLSafeSerializer(
        SECRET, salt=f"flask-respkit.cursor:{app.import_name}/paginated:created,id"
    )

    @app.get("/bare")
    def bare() -> t.Any:
        rows, _ = fetch_rows(MEMORY_KEYS[4999], PER_PAGE)
        return rows

    @app.get("/by-hand")
    def by_hand() -> t.Any:
        args = request.args
        raw = args.get("per_page", "50")
        if not raw.isdigit() or len(raw) > 18 or int(raw) < 1:
            abort(400, "Query parameter 'per_page' must be a whole number.")
        per_page = min(int(raw), 100)
        token = args.get("cursor")
        after = None
        if token:
            try:
                if len(token) > 65536:
                    raise ValueError(token)
                created, id_ = serializer.loads(token)
                if created[0] != "i" or id_[0] != "i":
                    raise ValueError(token)
                after = (int(created[1]), int(id_[1]))
            except (BadData, ValueError, TypeError, IndexError):
                abort(400, "Query parameter 'cursor' is not a valid cursor.")
        rows, has_next = fetch_rows(after, per_page)
        response = jsonify(rows)
        if after is None and not has_next:
            return response
        pairs = [
            (k, str(per_page) if k == "per_page" else v)
            for k, v in args.items(multi=True)
        ]
        first = urlencode([p for p in pairs if p[0] != "cursor"])
        links = [f'<{request.base_url}?{first}>; rel="first"']
        if has_next and rows:
            last = rows[-1]
            new = serializer.dumps(
                [["i", str(last["created"])], ["i", str(last["id"])]]
            )
            if "cursor" not in args:
                pairs.append(("cursor", new))
            query = urlencode([(k, new if k == "cursor" else v) for k, v in pairs])
            links.append(f'<{request.base_url}?{query}>; rel="next"')
        response.headers["Link"] = ", ".join(links)
        return response

    @app.get("/paginate")
    @paginate(cursor=("created", "id"), per_page=PER_PAGE)
    def paginated(pagination: Pagination) -> t.Any:
        rows, pagination.has_next = fetch_rows(pagination.after, pagination.limit)
        return rows

    return app


def overhead_benchmark() -> tuple[str, dict[str, float]]:
    app = build()
    client = app.test_client()
    # Follow next to a cursor 5,000 rows in, with another argument to keep.
    token = ""
    for _ in range(100):
        r = client.get(f"/paginate?per_page=50&cursor={token}&kind=all")
        (link,) = [v for v in r.headers["Link"].split(", ") if 'rel="next"' in v]
        (token,) = parse_qs(urlsplit(link[1 : link.index(">")]).query)["cursor"]
    query = f"per_page=50&cursor={token}&kind=all"
    a = client.get(f"/by-hand?{query}")
    b = client.get(f"/paginate?{query}")
    assert a.status_code == b.status_code == 200
    assert a.json == b.json
    assert a.json[0]["id"] == 5001
    assert a.headers["Link"].replace("by-hand", "paginate") == b.headers["Link"]
    assert client.get("/by-hand?cursor=x").status_code == 400
    assert client.get("/paginate?cursor=x").status_code == 400
    pages = {
        "bare view, no pagination": "/bare",
        "hand-written keyset view + Link": "/by-hand",
        '@paginate(cursor=("created", "id"))': "/paginate",
    }
    times = per_request(
        {k: (app, environ(p, query_string=query)) for k, p in pages.items()}
    )
    headline(
        "Cursor page + Link",
        times,
        '@paginate(cursor=("created", "id"))',
        "hand-written keyset view + Link",
        labels=("@paginate(cursor=)", "hand-written"),
    )
    return (
        table(
            f"GET /events?{query[:40]}... (50 of 10,000 in-memory rows)",
            times,
            "hand-written keyset view + Link",
        ),
        times,
    )


def main() -> list[str]:
    depth, _ = depth_benchmark()
    overhead, _ = overhead_benchmark()
    return [depth, overhead]


if __name__ == "__main__":
    print("\n\n".join(main()))
