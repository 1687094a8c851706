"""A paginated collection over a real SQLite table, GitHub-style.

Run it with ``python examples/pagination/app.py`` and try::

    curl -i 'http://127.0.0.1:5000/books?per_page=5'
    curl -i 'http://127.0.0.1:5000/books?author=Austen&page=2&per_page=2'
    curl -i 'http://127.0.0.1:5000/books/feed?per_page=50'
    curl -i 'http://127.0.0.1:5000/books/by-author?per_page=5'
    curl -i 'http://127.0.0.1:5000/books?page=abc'

``/books`` counts the matching rows, so it sends ``X-Total-Count`` and a
``last`` link; ``/books/feed`` skips the count (as you would on a large table)
and tells the kit whether a next page exists by reading one row more. Both use
``page`` numbers and ``OFFSET``.

``/books/by-author`` pages by cursor instead (keyset pagination, for large or
live tables): sorted by author, newest book first within an author, through
SQLAlchemy and ``flask_respkit.sqlalchemy.fetch_page``
(``pip install flask-respkit[sqlalchemy]``). Its ``next`` link carries an
opaque ``cursor`` signed with ``SECRET_KEY``; a page deep in the table costs
what the first page costs, and books added or removed while a client walks
the pages shift nothing.

Set ``BOOKS_DB`` to a file path to keep the database in a file, ``PORT`` to
change the port, ``BOOKS`` to change how many books are made at start-up, and
``SECRET_KEY`` to keep cursors valid across restarts.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import typing as t

import sqlalchemy as sa
from flask import Flask, g, request
from sqlalchemy.orm import Session

from flask_respkit import Link, Pagination, RespKit, link_header, paginate
from flask_respkit.sqlalchemy import fetch_page

AUTHORS = ["Austen", "Borges", "Calvino", "Dickens", "Eco", "Ferrante"]

app = Flask(__name__)
app.config.update(
    DATABASE=os.environ.get("BOOKS_DB", "file:books?mode=memory&cache=shared"),
    RESPKIT_PER_PAGE=10,
    RESPKIT_MAX_PER_PAGE=50,
    # Signs the cursors. A random key makes every restart invalidate them (a
    # client then gets a 400 and starts again from the first page).
    SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_hex(32),
)
RespKit(app)


def connect() -> sqlite3.Connection:
    return sqlite3.connect(app.config["DATABASE"], uri=True, check_same_thread=False)


def create_books(count: int) -> sqlite3.Connection:
    """Create the ``books`` table and fill it; the returned connection keeps a
    shared in-memory database alive for as long as the app runs."""
    keeper = connect()
    with keeper:
        keeper.execute("DROP TABLE IF EXISTS books")
        keeper.execute(
            "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL,"
            " author TEXT NOT NULL)"
        )
        # The index of the cursor's keys, in its directions: every cursor
        # page is one range read of it.
        keeper.execute("CREATE INDEX books_author_id ON books (author, id DESC)")
        keeper.executemany(
            "INSERT INTO books (id, title, author) VALUES (?, ?, ?)",
            ((i, f"Book {i}", AUTHORS[i % len(AUTHORS)]) for i in range(1, count + 1)),
        )
    return keeper


_keeper = create_books(int(os.environ.get("BOOKS", "137")))


def db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = connect()
    return t.cast(sqlite3.Connection, g.db)


@app.teardown_appcontext
def close_db(exc: BaseException | None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def _where() -> tuple[str, tuple[str, ...]]:
    author = request.args.get("author")
    return ("WHERE author = ?", (author,)) if author else ("", ())


@app.get("/books")
@paginate()
@link_header(Link("/books/feed", "alternate", title="Without counting"))
def list_books(pagination: Pagination) -> list[dict[str, t.Any]]:
    where, args = _where()
    (pagination.total,) = (
        db().execute(f"SELECT COUNT(*) FROM books {where}", args).fetchone()
    )
    rows = db().execute(
        f"SELECT id, title, author FROM books {where} ORDER BY id LIMIT ? OFFSET ?",
        (*args, pagination.limit, pagination.offset),
    )
    return [{"id": i, "title": title, "author": a} for i, title, a in rows]


@app.get("/books/feed")
@paginate()
def book_feed(pagination: Pagination) -> list[dict[str, t.Any]]:
    where, args = _where()
    rows = (
        db()
        .execute(
            f"SELECT id, title, author FROM books {where} ORDER BY id LIMIT ? OFFSET ?",
            (*args, pagination.limit + 1, pagination.offset),
        )
        .fetchall()
    )
    pagination.has_next = len(rows) > pagination.limit
    return [
        {"id": i, "title": title, "author": a}
        for i, title, a in rows[: pagination.limit]
    ]


# The same table through SQLAlchemy, for the cursor endpoint.
engine = sa.create_engine("sqlite://", creator=connect, poolclass=sa.NullPool)
books = sa.Table(
    "books",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("author", sa.String, nullable=False),
)


@app.get("/books/by-author")
@paginate(cursor=("author", "-id"))
def books_by_author(pagination: Pagination) -> list[dict[str, t.Any]]:
    statement = sa.select(books)
    author = request.args.get("author")
    if author:
        statement = statement.where(books.c.author == author)
    with Session(engine) as session:
        rows = fetch_page(session, statement, pagination)
    return [dict(row._mapping) for row in rows]


if __name__ == "__main__":
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", 5000))
    )
