"""A paginated collection over a real SQLite table, GitHub-style.

Run it with ``python examples/pagination/app.py`` and try::

    curl -i 'http://127.0.0.1:5000/books?per_page=5'
    curl -i 'http://127.0.0.1:5000/books?author=Austen&page=2&per_page=2'
    curl -i 'http://127.0.0.1:5000/books/feed?per_page=50'
    curl -i 'http://127.0.0.1:5000/books?page=abc'

``/books`` counts the matching rows, so it sends ``X-Total-Count`` and a
``last`` link; ``/books/feed`` skips the count (as you would on a large table)
and tells the kit whether a next page exists by reading one row more.

Set ``BOOKS_DB`` to a file path to keep the database in a file, ``PORT`` to
change the port, and ``BOOKS`` to change how many books are made at start-up.
"""

from __future__ import annotations

import os
import sqlite3
import typing as t

from flask import Flask, g, request

from flask_respkit import Link, Pagination, RespKit, link_header, paginate

AUTHORS = ["Austen", "Borges", "Calvino", "Dickens", "Eco", "Ferrante"]

app = Flask(__name__)
app.config.update(
    DATABASE=os.environ.get("BOOKS_DB", "file:books?mode=memory&cache=shared"),
    RESPKIT_PER_PAGE=10,
    RESPKIT_MAX_PER_PAGE=50,
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


if __name__ == "__main__":
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", 5000))
    )
