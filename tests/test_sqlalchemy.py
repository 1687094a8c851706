"""``flask_respkit.sqlalchemy.fetch_page`` on real databases.

Every test that takes the ``engine`` fixture runs on SQLite (a file, always)
and on PostgreSQL through psycopg 3 when ``RESPKIT_TEST_POSTGRES_URL`` names
a server (``eval "$(.ci/postgres)"`` starts a throwaway one on loopback).
Without it the PostgreSQL runs skip, unless ``RESPKIT_REQUIRE_POSTGRES=1``
(CI), which makes a missing server a failure.

Each walk follows the ``Link: rel="next"`` URLs through a Flask app, as a
client would, and checks the rows against one ``ORDER BY`` query of the same
database: its order (collation, type, time zone) is the reference.
"""

from __future__ import annotations

import datetime
import decimal
import os
import subprocess
import sys
import typing as t
import uuid

import pytest
import requests.utils
import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
    scoped_session,
    sessionmaker,
)

from flask_respkit import Pagination, RespKit, paginate
from flask_respkit.sqlalchemy import fetch_page

SECRET = "test-secret-key-0123456789"
#: The session time zone of the PostgreSQL connections: ``timestamptz`` values
#: come back as aware datetimes in it.
PG_TIME_ZONE = "Asia/Kolkata"
PG_OFFSET = datetime.timedelta(hours=5, minutes=30)


def postgres_url_or_skip() -> str:
    """The test server's URL, or skip; with ``RESPKIT_REQUIRE_POSTGRES=1``
    (CI) a missing server or driver fails instead."""
    required = os.environ.get("RESPKIT_REQUIRE_POSTGRES") == "1"
    url = os.environ.get("RESPKIT_TEST_POSTGRES_URL", "")
    problem = None
    if not url:
        problem = (
            "RESPKIT_TEST_POSTGRES_URL is not set"
            ' (eval "$(.ci/postgres)" starts a server)'
        )
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            problem = "psycopg is not installed"
    if problem is not None:
        if required:
            pytest.fail(f"RESPKIT_REQUIRE_POSTGRES=1 but {problem}")
        pytest.skip(problem)
    return url


# --- the tables -------------------------------------------------------------------


class Base(DeclarativeBase):
    pass


class Shelf(Base):
    __tablename__ = "respkit_shelf"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    books: Mapped[list[Book]] = relationship(back_populates="shelf", order_by="Book.id")


class Book(Base):
    __tablename__ = "respkit_book"
    __table_args__ = (sa.Index("respkit_book_grp_id", "grp", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: Few distinct values: a leading key with many duplicates.
    grp: Mapped[int]
    title: Mapped[str]
    shelf_id: Mapped[int] = mapped_column(sa.ForeignKey("respkit_shelf.id"))
    shelf: Mapped[Shelf] = relationship(back_populates="books")

    @hybrid_property
    def twice(self) -> int:
        return self.id * 2


class Typed(Base):
    """One column of each key type a cursor carries."""

    __tablename__ = "respkit_typed"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    i: Mapped[int] = mapped_column(sa.BigInteger)
    f: Mapped[float] = mapped_column(sa.Double)
    d: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(20, 6))
    s: Mapped[str] = mapped_column(sa.String(40))
    b: Mapped[bool]
    u: Mapped[uuid.UUID]
    day: Mapped[datetime.date]
    naive: Mapped[datetime.datetime] = mapped_column(sa.DateTime())
    aware: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True))


def _tz(hours: int, minutes: int = 0) -> datetime.timezone:
    return datetime.timezone(datetime.timedelta(hours=hours, minutes=minutes))


#: Values of each key type, written to the rows in turn (so they repeat).
TYPED_VALUES: dict[str, list[t.Any]] = {
    "i": [2**40, -1, 0, -(2**40), 7, 1, 2**62],
    "f": [0.1, -1e300, 1 / 3, 0.0, 2.5, -0.1, 1e300, 0.30000000000000004],
    "d": [
        decimal.Decimal(v)
        for v in ("1.1", "-12.5", "0", "0.000001", "99999999999999.999999", "-0.5")
    ],
    "s": ["b", "", "a", "ab", "A", "Zebra", "caf\u00e9", "a b", "z"],
    "b": [True, False],
    "u": [
        uuid.UUID(int=n)
        for n in (2**127 + 5, 1, 2**64, 0xFFFF, 2**128 - 1, 2**100, 12345)
    ],
    "day": [
        datetime.date(2026, 11, 29),
        datetime.date(1999, 12, 31),
        datetime.date(2026, 1, 1),
        datetime.date(2000, 2, 29),
        datetime.date(2026, 11, 30),
    ],
    "naive": [
        datetime.datetime(2026, 11, 29, 17, 30, 5, 123456),
        datetime.datetime(2026, 11, 29, 17, 30, 5),
        datetime.datetime(1999, 12, 31, 23, 59, 59, 999999),
        datetime.datetime(2026, 11, 29, 17, 30, 5, 123457),
        datetime.datetime(2026, 1, 1),
        datetime.datetime(2000, 1, 1, 0, 0, 0, 1),
    ],
    "aware": [
        datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.timezone.utc),
        datetime.datetime(2026, 11, 29, 17, 30, tzinfo=_tz(5, 30)),  # = the one above
        datetime.datetime(2026, 11, 29, 12, 0, 0, 1, tzinfo=datetime.timezone.utc),
        datetime.datetime(2026, 11, 29, 5, 0, tzinfo=_tz(-8)),  # 13:00 UTC
        datetime.datetime(2026, 11, 29, 12, 30, tzinfo=_tz(1)),  # 11:30 UTC
        datetime.datetime(2026, 11, 30, 0, 0, tzinfo=_tz(14)),  # 10:00 UTC
    ],
}
TYPED_ROWS = 61


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: t.Any) -> t.Iterator[sa.Engine]:
    """An engine on an empty database with the tables made: SQLite in a file,
    or the PostgreSQL server (session time zone :data:`PG_TIME_ZONE`)."""
    if request.param == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        engine = sa.create_engine(
            postgres_url_or_skip(),
            connect_args={"options": f"-c timezone={PG_TIME_ZONE}"},
        )
    Base.metadata.drop_all(engine)  # left over by an interrupted run
    Base.metadata.create_all(engine)
    try:
        yield engine
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()


class Query(t.NamedTuple):
    sql: str
    params: t.Any


@pytest.fixture
def executed(engine: sa.Engine) -> t.Iterator[list[Query]]:
    """Every statement the engine runs from now on, with its parameters."""
    seen: list[Query] = []

    def record(conn: t.Any, cursor: t.Any, sql: str, params: t.Any, *a: t.Any) -> None:
        seen.append(Query(sql, params))

    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def add_books(engine: sa.Engine, ids: t.Iterable[int], shelves: int = 4) -> None:
    with Session(engine) as s:
        for n in range(1, shelves + 1):
            s.merge(Shelf(id=n))
        for i in ids:
            s.add(
                Book(id=i, grp=i % 5, title=f"Book {i % 7}", shelf_id=1 + i % shelves)
            )
        s.commit()


def add_typed(engine: sa.Engine) -> None:
    with Session(engine) as s:
        for n in range(TYPED_ROWS):
            values = {k: v[n % len(v)] for k, v in TYPED_VALUES.items()}
            s.add(Typed(id=n, **values))
        s.commit()


# --- walking ----------------------------------------------------------------------


def order_by(columns: t.Any, spec: t.Sequence[str]) -> list[sa.UnaryExpression[t.Any]]:
    """``ORDER BY`` clauses for a cursor spec like ``("-grp", "id")``."""
    return [
        getattr(columns, k.lstrip("-")).desc()
        if k.startswith("-")
        else getattr(columns, k).asc()
        for k in spec
    ]


class Walk(t.NamedTuple):
    pages: list[list[t.Any]]
    #: ``pagination.after`` as each request saw it.
    afters: list[tuple[t.Any, ...] | None]

    @property
    def ids(self) -> list[t.Any]:
        return [row["id"] for page in self.pages for row in page]


def app_for(
    engine: sa.Engine,
    statement: t.Callable[[], sa.Select[t.Any]],
    afters: list[tuple[t.Any, ...] | None] | None = None,
    **options: t.Any,
) -> Flask:
    """An app whose ``/rows`` pages ``statement()`` with ``fetch_page`` and
    answers ``[{"id": ...}]``."""
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY=SECRET)
    RespKit(app)
    options.setdefault("max_per_page", 500)

    @app.get("/rows")
    @paginate(**options)
    def rows(pagination: Pagination) -> t.Any:
        if afters is not None:
            afters.append(pagination.after)
        with Session(engine) as s:
            items = fetch_page(s, statement(), pagination)
        return [{"id": item.id} for item in items]

    return app


def links_of(response: t.Any) -> dict[str, str]:
    value = response.headers.get("Link", "")
    return {
        link["rel"]: link["url"] for link in requests.utils.parse_header_links(value)
    }


def walk(
    app: Flask,
    url: str = "/rows",
    between: t.Callable[[list[t.Any]], None] | None = None,
) -> list[list[t.Any]]:
    """Follow ``next`` from ``url``; return every page's JSON. ``between`` is
    called with each page before the next is fetched."""
    client = app.test_client()
    pages: list[list[t.Any]] = []
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.data
        pages.append(r.json)
        if between is not None:
            between(r.json)
        url = links_of(r).get("next", "")
        assert len(pages) < 500, "the walk does not end"
    return pages


def walk_rows(
    engine: sa.Engine,
    statement: t.Callable[[], sa.Select[t.Any]],
    per_page: int,
    **options: t.Any,
) -> Walk:
    afters: list[tuple[t.Any, ...] | None] = []
    app = app_for(engine, statement, afters, **options)
    return Walk(walk(app, f"/rows?per_page={per_page}"), afters)


CURSORS = [
    "id",
    "-id",
    ("grp", "id"),
    ("-grp", "-id"),
    ("grp", "-id"),
    ("-grp", "id"),
    ("title", "-grp", "id"),
]


@pytest.mark.parametrize("cursor", CURSORS, ids=str)
@pytest.mark.parametrize("per_page", [1, 7, 50, 200])
def test_walking_every_page_in_both_directions(
    engine: sa.Engine, cursor: t.Any, per_page: int
) -> None:
    add_books(engine, range(1, 51))
    spec = (cursor,) if isinstance(cursor, str) else cursor
    done = walk_rows(engine, lambda: sa.select(Book), per_page, cursor=cursor)
    with Session(engine) as s:
        expected = s.scalars(sa.select(Book.id).order_by(*order_by(Book, spec))).all()
    assert done.ids == expected
    assert len(set(done.ids)) == 50
    assert [len(p) for p in done.pages[:-1]] == [per_page] * (len(done.pages) - 1)
    assert len(done.pages) == -(-50 // per_page)
    assert done.afters[0] is None


def test_a_composite_key_with_duplicate_leading_values(engine: sa.Engine) -> None:
    # 3 distinct leading values over 40 rows: every page boundary falls inside
    # a run of equal ``grp``; the second key must carry the walk across it.
    add_books(engine, range(1, 41))
    with Session(engine) as s:
        s.execute(sa.update(Book).values(grp=Book.id % 3))
        s.commit()
        expected = s.scalars(sa.select(Book.id).order_by(Book.grp, Book.id)).all()
    done = walk_rows(engine, lambda: sa.select(Book), 6, cursor=("grp", "id"))
    assert done.ids == expected
    assert {after[0] for after in done.afters[1:] if after} == {0, 1, 2}
    assert all(isinstance(after, tuple) for after in done.afters[1:])


@pytest.mark.parametrize("cursor", [("-grp", "id"), ("grp", "id"), "id", "-id"])
def test_rows_inserted_and_deleted_mid_walk_are_neither_repeated_nor_skipped(
    engine: sa.Engine, cursor: t.Any
) -> None:
    add_books(engine, range(10, 70))
    with Session(engine) as s:
        throughout = set(s.scalars(sa.select(Book.id)))
    seen: list[int] = []
    added_ahead: list[list[int]] = []  # per page
    step = 0

    order = order_by(Book, (cursor,) if isinstance(cursor, str) else cursor)

    def between(page: list[t.Any]) -> None:
        """Between two pages: delete a row the walk has not reached yet, and
        insert two rows with the leading key of the page's last row: one with
        a high id, one with a low id, so that one sorts ahead of the walk's
        position and the other behind it."""
        nonlocal step
        step += 1
        seen.extend(row["id"] for row in page)
        last = page[-1]["id"]
        with Session(engine) as s:
            ordered = s.scalars(sa.select(Book).order_by(*order)).all()
            at = [b.id for b in ordered].index(last)
            unseen = [b for b in ordered[at + 1 :] if b.id in throughout]
            if unseen:
                doomed = unseen[len(unseen) // 2]
                throughout.discard(doomed.id)
                s.delete(doomed)
            new = (1000 + step, -step)
            for i in new:
                s.add(Book(id=i, grp=ordered[at].grp, title="new", shelf_id=1))
            s.commit()
            ids = s.scalars(sa.select(Book.id).order_by(*order)).all()
        added_ahead.append([i for i in new if ids.index(i) > ids.index(last)])

    app = app_for(engine, lambda: sa.select(Book), cursor=cursor, per_page=7)
    walk(app, "/rows", between)
    assert len(seen) == len(set(seen)), "a row came twice"
    assert throughout <= set(seen), "a row that existed throughout was skipped"
    # (those added after the last page came too late)
    ahead = {i for added in added_ahead[:-1] for i in added}
    assert ahead <= set(seen), "a row added ahead of the walk was missed"
    assert ahead
    assert step > 5


@pytest.mark.parametrize("key", list(TYPED_VALUES))
@pytest.mark.parametrize(
    "shape", ["{k}", "-{k}", "{k},id", "-{k},id", "{k},-id", "-{k},-id"]
)
def test_every_key_type_walks_in_the_databases_order(
    engine: sa.Engine, key: str, shape: str
) -> None:
    add_typed(engine)
    spec = tuple(shape.format(k=key).split(","))
    statement = sa.select(Typed)
    if len(spec) == 1:  # alone, a key must be unique: one of each value
        statement = statement.where(Typed.id < len(TYPED_VALUES[key]))
    done = walk_rows(engine, lambda: statement, 4, cursor=spec)
    with Session(engine) as s:
        expected = s.scalars(
            statement.with_only_columns(Typed.id).order_by(*order_by(Typed, spec))
        ).all()
        stored = {v for v in s.scalars(sa.select(getattr(Typed, key)))}
    assert done.ids == expected
    assert len(done.ids) == (TYPED_ROWS if len(spec) == 2 else len(TYPED_VALUES[key]))
    # The view gets each key value back with the type the database gave.
    for after in done.afters[1:]:
        assert after is not None
        assert after[0] in stored
        assert type(after[0]) is type(next(iter(stored)))


def test_aware_datetimes_keep_the_session_time_zone(engine: sa.Engine) -> None:
    add_typed(engine)
    done = walk_rows(engine, lambda: sa.select(Typed), 5, cursor=("-aware", "id"))
    with Session(engine) as s:
        expected = s.scalars(
            sa.select(Typed.id).order_by(Typed.aware.desc(), Typed.id)
        ).all()
    assert done.ids == expected
    values = [after[0] for after in done.afters[1:] if after]
    if engine.dialect.name == "postgresql":
        # timestamptz: the instant, in the session's time zone
        assert {v.utcoffset() for v in values} == {PG_OFFSET}
        assert datetime.datetime(2026, 11, 29, 17, 30, tzinfo=_tz(5, 30)) in values
    else:
        # SQLite's DateTime stores the wall time without the offset
        assert {v.tzinfo for v in values} == {None}


def test_cursor_mode_runs_one_query_per_page_without_count_or_offset(
    engine: sa.Engine, executed: list[Query]
) -> None:
    add_books(engine, range(1, 31))
    executed.clear()
    done = walk_rows(engine, lambda: sa.select(Book), 10, cursor=("-grp", "id"))
    assert len(done.pages) == 3
    assert len(executed) == 3  # per_page + 1 rows: the last page knows it is last
    for sql, params in executed:
        assert "COUNT(" not in sql.upper()
        assert "LIMIT" in sql
        if "OFFSET" in sql:  # SQLAlchemy's SQLite dialect always adds OFFSET 0
            assert engine.dialect.name == "sqlite"
            assert sql.rstrip().endswith("LIMIT ? OFFSET ?")
            assert params[-2:] == (11, 0)
    assert "WHERE" not in executed[0].sql
    assert all("WHERE" in q.sql for q in executed[1:])


@pytest.mark.parametrize(
    ("cursor", "condition"),
    [
        ("id", "respkit_book.id > "),
        ("-id", "respkit_book.id < "),
        (("grp", "id"), "(respkit_book.grp, respkit_book.id) > ("),
        (("-grp", "-id"), "(respkit_book.grp, respkit_book.id) < ("),
        (("grp", "-id"), "respkit_book.grp >= "),
        (("-grp", "id"), "respkit_book.grp <= "),
    ],
)
def test_one_direction_compares_row_values_and_mixed_ones_expand(
    engine: sa.Engine, executed: list[Query], cursor: t.Any, condition: str
) -> None:
    add_books(engine, range(1, 11))
    executed.clear()
    walk_rows(engine, lambda: sa.select(Book), 4, cursor=cursor)
    where = executed[1].sql.split("WHERE", 1)[1]
    assert condition in where
    assert (" OR " in where) == (condition.endswith("= "))
    spec = (cursor,) if isinstance(cursor, str) else cursor
    by = ", ".join(
        f"respkit_book.{k.lstrip('-')} {'DESC' if k.startswith('-') else 'ASC'}"
        for k in spec
    )
    assert f"ORDER BY {by}" in where


def test_sqlite_serves_a_deep_cursor_page_from_the_index(tmp_path: t.Any) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    Base.metadata.create_all(engine)
    add_books(engine, range(1, 200))
    statements: list[str] = []
    sa.event.listen(
        engine,
        "before_cursor_execute",
        lambda conn, cursor, sql, params, *a: statements.append((sql, params)),
    )
    for cursor in (("grp", "id"), ("-grp", "-id"), ("grp", "-id")):
        statements.clear()
        walk_rows(engine, lambda: sa.select(Book), 50, cursor=cursor)
        sql, params = statements[1]
        with engine.connect() as conn:
            plan = " ".join(
                row[-1]
                for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
            )
        assert (
            "USING INDEX respkit_book_grp_id" in plan or "USING COVERING INDEX" in plan
        )
        assert "SEARCH" in plan, plan
    engine.dispose()


# --- page mode --------------------------------------------------------------------


def test_page_mode_counts_once_and_sets_the_total(
    engine: sa.Engine, executed: list[Query]
) -> None:
    add_books(engine, range(1, 24))
    app = app_for(
        engine, lambda: sa.select(Book).where(Book.grp != 0).order_by(Book.id)
    )
    executed.clear()
    client = app.test_client()
    r = client.get("/rows?per_page=5")
    assert r.headers["X-Total-Count"] == "19"
    assert links_of(r)["last"] == "http://localhost/rows?per_page=5&page=4"
    assert len(executed) == 2
    assert "count(*)" in executed[0].sql.lower()
    assert "LIMIT" in executed[1].sql
    assert "OFFSET" in executed[1].sql
    pages = walk(app, "/rows?per_page=5")
    expected = [i for i in range(1, 24) if i % 5]
    assert [row["id"] for page in pages for row in page] == expected
    assert [len(p) for p in pages] == [5, 5, 5, 4]
    executed.clear()
    r = client.get("/rows?per_page=5&page=9")  # past the end: no second query
    assert (r.status_code, r.json) == (200, [])
    assert len(executed) == 1
    assert links_of(r)["prev"] == "http://localhost/rows?per_page=5&page=4"


def test_page_mode_without_count_reads_one_row_more(
    engine: sa.Engine, executed: list[Query]
) -> None:
    add_books(engine, range(1, 21))
    app = app_for(engine, lambda: sa.select(Book).order_by(Book.id), count=False)
    executed.clear()
    pages = walk(app, "/rows?per_page=5")
    assert [row["id"] for page in pages for row in page] == list(range(1, 21))
    assert len(executed) == 4
    assert not any("count(" in q.sql.lower() for q in executed)
    r = app.test_client().get("/rows?per_page=5&page=4")
    assert "next" not in links_of(r)
    assert "X-Total-Count" not in r.headers
    p = Pagination(2, 5, count=False)
    with Session(engine) as s:
        rows = fetch_page(s, sa.select(Book.id).order_by(Book.id), p)
    assert [row.id for row in rows] == [6, 7, 8, 9, 10]
    assert (p.has_next, p.total) == (True, None)


def test_page_mode_keeps_the_statements_order_and_counts_a_grouped_statement(
    engine: sa.Engine,
) -> None:
    add_books(engine, range(1, 31))
    grouped = (
        sa.select(Book.grp, sa.func.count().label("n"))
        .group_by(Book.grp)
        .order_by(Book.grp.desc())
    )
    p = Pagination(1, 2)
    with Session(engine) as s:
        rows = fetch_page(s, grouped, p)
    assert [tuple(row) for row in rows] == [(4, 6), (3, 6)]
    assert p.total == 5


# --- what the statement selects ---------------------------------------------------


def test_rows_when_the_statement_selects_columns(engine: sa.Engine) -> None:
    add_books(engine, range(1, 30))
    lower = sa.func.lower(Book.title).label("lower_title")
    done = walk_rows(
        engine,
        lambda: sa.select(Book.id, lower, Book.grp),
        4,
        cursor=("-lower_title", "grp", "id"),
    )
    with Session(engine) as s:
        expected = s.scalars(
            sa.select(Book.id).order_by(lower.desc(), Book.grp, Book.id)
        ).all()
    assert done.ids == expected
    p = Pagination(None, 3, order=(("lower_title", False), ("id", True)), count=False)
    with Session(engine) as s:
        rows = fetch_page(s, sa.select(Book.id, lower), p)
    assert all(isinstance(row, sa.Row) for row in rows)
    assert p.next_after == (rows[-1].lower_title, rows[-1].id)


def test_core_tables_and_aliased_entities(engine: sa.Engine) -> None:
    add_books(engine, range(1, 16))
    table = t.cast(sa.Table, Book.__table__)
    done = walk_rows(engine, lambda: sa.select(table), 4, cursor=("-grp", "id"))
    assert len(done.ids) == 15
    alias = sa.orm.aliased(Book)
    p = Pagination(None, 4, order=(("grp", False), ("id", False)), count=False)
    with Session(engine) as s:
        first = fetch_page(s, sa.select(alias).where(alias.grp > 0), p)
        assert all(isinstance(b, Book) for b in first)
        p.after = p.next_after
        second = fetch_page(s, sa.select(alias).where(alias.grp > 0), p)
    keys = [(b.grp, b.id) for b in first + second]
    assert keys == sorted(keys)
    assert len(set(keys)) == 8


def test_a_hybrid_property_is_a_key(engine: sa.Engine) -> None:
    add_books(engine, range(1, 12))
    done = walk_rows(engine, lambda: sa.select(Book), 3, cursor="-twice")
    assert done.ids == list(range(11, 0, -1))
    assert done.afters[1] == (18,)


def test_joined_eager_loads_give_each_object_once(engine: sa.Engine) -> None:
    add_books(engine, range(1, 41), shelves=7)
    p = Pagination(None, 3, order=(("id", True),), count=False)
    with Session(engine) as s:
        shelves = fetch_page(s, sa.select(Shelf).options(joinedload(Shelf.books)), p)
        assert [shelf.id for shelf in shelves] == [7, 6, 5]
        assert [len(shelf.books) for shelf in shelves] == [5, 6, 6]
    assert (p.has_next, p.next_after) == (True, (5,))


def test_the_statements_order_limit_and_offset_are_replaced_in_cursor_mode(
    engine: sa.Engine,
) -> None:
    add_books(engine, range(1, 26))
    done = walk_rows(
        engine,
        lambda: sa.select(Book).order_by(Book.title.desc()).limit(3).offset(5),
        10,
        cursor="id",
    )
    assert done.ids == list(range(1, 26))


@pytest.mark.parametrize(
    ("statement", "cursor", "match"),
    [
        (
            lambda: sa.select(Book),
            "author",
            r"'author' is not a column attribute of Book",
        ),
        (
            lambda: sa.select(Book),
            "shelf",
            r"'shelf' is not a column attribute of Book",
        ),
        (
            lambda: sa.select(Book.id, Book.title),
            ("grp", "id"),
            r"'grp' is not a column the statement selects \(it selects id, title\)",
        ),
        (
            lambda: sa.select(Book.id, Shelf.id).join(Book.shelf),  # id, id_1
            "shelf_id",
            r"'shelf_id' is not a column the statement selects \(it selects id, id_1\)",
        ),
        (
            lambda: sa.select(Book, Shelf.id.label("shelf")).join(Book.shelf),
            "Book",
            r"'Book' is not a column the statement selects",
        ),
    ],
)
def test_a_key_missing_from_the_statement_is_an_error_naming_it(
    engine: sa.Engine,
    statement: t.Callable[[], sa.Select[t.Any]],
    cursor: t.Any,
    match: str,
) -> None:
    add_books(engine, range(1, 5))
    app = app_for(engine, statement, cursor=cursor)
    with pytest.raises(ValueError, match=match):
        app.test_client().get("/rows")  # the first page: nothing after yet


def test_null_keys_are_refused_not_skipped(engine: sa.Engine) -> None:
    add_books(engine, range(1, 5))
    p = Pagination(None, 10, order=(("maybe", False),), count=False)
    with Session(engine) as s, pytest.raises(ValueError, match="'maybe' is NULL"):
        fetch_page(s, sa.select(Book.id, sa.null().label("maybe")), p)
    p = Pagination(None, 10, after=(None, 3), order=(("grp", False), ("id", False)))
    with (
        Session(engine) as s,
        pytest.raises(ValueError, match="NULL for the key 'grp'"),
    ):
        fetch_page(s, sa.select(Book), p)


def test_an_empty_table_has_one_page_and_no_links(engine: sa.Engine) -> None:
    for options in ({"cursor": "id"}, {}, {"count": False}):
        app = app_for(engine, lambda: sa.select(Book).order_by(Book.id), **options)
        r = app.test_client().get("/rows")
        assert (r.status_code, r.json) == (200, [])
        assert "Link" not in r.headers


def test_a_scoped_session(engine: sa.Engine) -> None:
    add_books(engine, range(1, 8))
    session = scoped_session(sessionmaker(engine))
    try:
        p = Pagination(None, 5, order=(("id", False),), count=False)
        books = fetch_page(session, sa.select(Book), p)
        assert [b.id for b in books] == [1, 2, 3, 4, 5]
        assert p.has_next is True
    finally:
        session.remove()


# --- Flask-SQLAlchemy -------------------------------------------------------------


@pytest.fixture
def flask_sqlalchemy_app(engine: sa.Engine) -> t.Iterator[Flask]:
    app = Flask(__name__)
    app.config.update(
        TESTING=True,
        SECRET_KEY=SECRET,
        SQLALCHEMY_DATABASE_URI=engine.url.render_as_string(hide_password=False),
    )
    db = SQLAlchemy(app)

    class Note(db.Model):  # type: ignore[name-defined, misc]
        __tablename__ = "respkit_note"
        id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
        day: Mapped[datetime.date]

    @app.get("/notes")
    @paginate(cursor=("-day", "id"), per_page=4)
    def notes(pagination: Pagination) -> t.Any:
        items = fetch_page(db.session, db.select(Note), pagination)
        return [{"id": n.id} for n in items]

    @app.get("/notes/pages")
    @paginate(per_page=4)
    def note_pages(pagination: Pagination) -> t.Any:
        items = fetch_page(db.session, db.select(Note).order_by(Note.id), pagination)
        return [{"id": n.id} for n in items]

    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.add_all(
            Note(id=i, day=datetime.date(2026, 1, 1 + i % 9)) for i in range(1, 31)
        )
        db.session.commit()
        expected = db.session.scalars(
            db.select(Note.id).order_by(Note.day.desc(), Note.id)
        ).all()
    app.config["expected"] = expected
    try:
        yield app
    finally:
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


def test_flask_sqlalchemy_db_session_and_db_select(flask_sqlalchemy_app: Flask) -> None:
    app = flask_sqlalchemy_app
    pages = walk(app, "/notes")
    assert [row["id"] for page in pages for row in page] == app.config["expected"]
    pages = walk(app, "/notes/pages")
    assert [row["id"] for page in pages for row in page] == list(range(1, 31))
    r = app.test_client().get("/notes/pages")
    assert r.headers["X-Total-Count"] == "30"


# --- packaging --------------------------------------------------------------------


def test_the_package_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys, flask_respkit\n"
        "assert 'flask_respkit.sqlalchemy' not in sys.modules\n"
        "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
