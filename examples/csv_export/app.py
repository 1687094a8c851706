"""Export a real SQLite table of 100,000 orders as a streamed CSV download.

Run it with ``python examples/csv_export/app.py`` (``PORT`` picks the port,
default 5000) and try::

    curl -OJ http://127.0.0.1:5000/orders.csv          # saves orders-2024.csv
    curl 'http://127.0.0.1:5000/orders.csv?status=refunded' | head
    curl -H 'Accept: text/csv' http://127.0.0.1:5000/orders?limit=5
    curl http://127.0.0.1:5000/orders?limit=5           # the same rows as JSON

    python -c "import pandas; print(pandas.read_csv('http://127.0.0.1:5000/orders.csv'))"

The table is built at start-up in a shared in-memory database. Each download
opens its own connection and streams the cursor: rows go out in batches as
the client reads, and memory stays flat however large the table is.
"""

from __future__ import annotations

import datetime
import os
import random
import sqlite3
import typing as t

from flask import Flask, abort, request

from flask_respkit import RespKit, csv_export

DATABASE = "file:csv_export_orders?mode=memory&cache=shared"
ROWS = 100_000
STATUSES = ("paid", "shipped", "refunded")
CUSTOMERS = (
    "Ada Lovelace",
    "Grace Hopper",
    'ACME "Rockets", Ltd',
    "Zoë Ångström",
    "大阪商事",
)
#: A hostile cell a customer could type in: exported as text, not a formula.
FORMULA = '=HYPERLINK("http://evil.example","Click")'

app = Flask(__name__)
app.config["RESPKIT_CSV_BOM"] = True  # so Excel reads the UTF-8 names right
RespKit(app)


def connect() -> sqlite3.Connection:
    con = sqlite3.connect(DATABASE, uri=True, check_same_thread=False)
    con.row_factory = sqlite3.Row
    return con


def build(con: sqlite3.Connection, rows: int = ROWS) -> None:
    """Create and fill the ``orders`` table with reproducible sample data."""
    rng = random.Random(2024)
    start = datetime.date(2024, 1, 1)
    con.execute(
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL,"
        " status TEXT NOT NULL, amount REAL NOT NULL, created TEXT NOT NULL,"
        " note TEXT)"
    )

    def order(i: int) -> tuple[t.Any, ...]:
        status = rng.choice(STATUSES)
        amount = round(rng.uniform(1, 900), 2)
        return (
            i,
            rng.choice(CUSTOMERS) if i % 1000 else FORMULA,
            status,
            -amount if status == "refunded" else amount,
            (start + datetime.timedelta(days=rng.randrange(366))).isoformat(),
            "leave at the door,\nring twice" if i % 9 == 0 else None,
        )

    con.executemany(
        "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)", map(order, range(1, rows + 1))
    )
    con.commit()


# Kept open for the life of the process: it keeps the in-memory table alive.
_keeper = connect()
build(_keeper)


def orders(limit: int | None = None) -> t.Iterator[sqlite3.Row]:
    """Stream the orders, filtered by ``?status=``, from a connection of its own.

    This generator runs while the response is being sent; csv_export keeps the
    request context around it, so reading ``request.args`` here works.
    """
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        abort(400, f"status must be one of {', '.join(STATUSES)}")
    sql, params = "SELECT * FROM orders", []
    if status:
        sql += " WHERE status = ?"
        params.append(status)
    sql += " ORDER BY id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    con = connect()
    try:
        cursor = con.execute(sql, params)
        while batch := cursor.fetchmany(1000):
            yield from batch
    finally:
        con.close()


@app.get("/orders.csv")
@csv_export(
    {
        "id": "Order",
        "customer": "Customer",
        "status": "Status",
        "amount": "Amount (EUR)",
        "created": "Date",
        "note": "Note",
    },
    filename="orders-2024.csv",
)
def orders_csv() -> t.Iterator[sqlite3.Row]:
    return orders()


@app.get("/orders")
@csv_export(negotiate=True, filename=lambda: "orders-sample.csv")
def orders_negotiated() -> t.Iterator[sqlite3.Row]:
    limit = request.args.get("limit", 100, type=int)
    return orders(limit=max(1, min(limit, 1000)))


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "5000")))
