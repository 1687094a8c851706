"""CSV export throughput: csv_export against plain ``csv.writer`` and Flask-CSV.

    python benchmarks/bench_csv.py [rows]

The ratio column is time, as in the other tables: below 1.00 is faster than
``csv.writer`` writing the same tuples into a buffer.

The rows look like a real export: ids, names with commas and quotes, negative
amounts, ISO dates as text (as SQLite stores them) and as ``date`` objects,
a nullable note column and, rarely, a cell that starts a formula (the
"hostile" rows have one in every hundred names, so in every batch). Every
candidate writes the same rows; a csv_export candidate is a whole request
through the WSGI app, its streamed body read to the end. Candidates run
interleaved, best of the rounds is kept.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import sys
import time
import typing as t
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import call, environ, headline, quick

from flask_respkit import csv_export

COLUMNS = ["id", "name", "amount", "delta", "created", "shipped", "note"]


def make_rows(n: int, formula_every: int = 10_000) -> list[tuple[t.Any, ...]]:
    rng = random.Random(4180)
    start = datetime.date(2020, 1, 1)
    rows = []
    for i in range(n):
        day = start + datetime.timedelta(days=rng.randrange(1500))
        name = f"Customer {i}" if i % 5 else f'ACME "{i}", Ltd'
        if i % formula_every == formula_every - 1:
            name = '=HYPERLINK("http://evil.example")'
        rows.append(
            (
                i,
                name,
                round(rng.uniform(-500, 500), 2),
                rng.randrange(-1000, 1000),
                day.isoformat(),
                day if i % 3 else None,
                None if i % 4 else f"note {i}; call back",
            )
        )
    return rows


def build(
    rows: list[tuple[t.Any, ...]],
    dicts: list[dict[str, t.Any]],
    hostile: list[tuple[t.Any, ...]],
) -> Flask:
    app = Flask(__name__)

    @app.get("/hostile-escaped")
    @csv_export(COLUMNS)
    def hostile_escaped() -> object:
        return iter(hostile)

    @app.get("/tuples")
    @csv_export(COLUMNS, escape_formulas=False)
    def tuples() -> object:
        return iter(rows)

    @app.get("/tuples-escaped")
    @csv_export(COLUMNS)
    def tuples_escaped() -> object:
        return iter(rows)

    @app.get("/dicts")
    @csv_export(COLUMNS, escape_formulas=False)
    def dict_rows() -> object:
        return iter(dicts)

    @app.get("/dicts-escaped")
    @csv_export(COLUMNS)
    def dict_rows_escaped() -> object:
        return iter(dicts)

    try:
        from flask_csv import send_csv
    except ImportError:  # pragma: no cover - Flask-CSV is in the test extra
        return app

    @app.get("/flask-csv")
    def flask_csv() -> object:
        return send_csv(dicts, "export.csv", COLUMNS)

    return app


def plain_writer(rows: list[tuple[t.Any, ...]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)


def plain_dict_writer(dicts: list[dict[str, t.Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS)
    writer.writeheader()
    writer.writerows(dicts)


def main(n: int | None = None, rounds: int = 7) -> list[str]:
    if n is None:
        n = 200 if quick() else 200_000
    if quick():
        rounds = 1
    rows = make_rows(n)
    dicts = [dict(zip(COLUMNS, row)) for row in rows]
    hostile = make_rows(n, formula_every=100)  # a formula in every batch
    app = build(rows, dicts, hostile)
    candidates: dict[str, t.Callable[[], object]] = {
        "csv.writer, tuples": lambda: plain_writer(rows),
        "csv.writer, hostile tuples": lambda: plain_writer(hostile),
        "csv.DictWriter, dicts": lambda: plain_dict_writer(dicts),
    }
    paths = ("tuples", "tuples-escaped", "dicts", "dicts-escaped", "flask-csv")
    for path in (*paths, "hostile-escaped"):
        if any(r.rule == f"/{path}" for r in app.url_map.iter_rules()):
            env = environ(f"/{path}")
            candidates[f"GET /{path}"] = lambda env=env: call(app, env)
    best = dict.fromkeys(candidates, float("inf"))
    for _ in range(rounds):
        for name, run in candidates.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    headline(
        "CSV export, tuples",
        best,
        "GET /tuples-escaped",
        "csv.writer, tuples",
        labels=("csv_export (a whole request)", "csv.writer into a buffer"),
    )
    if "GET /flask-csv" in best:
        headline(
            "CSV export, dicts",
            best,
            "GET /dicts-escaped",
            "GET /flask-csv",
            labels=("csv_export (a whole request)", "Flask-CSV send_csv"),
        )
    base = best["csv.writer, tuples"]
    lines = [
        f"CSV export of {n:,} rows x {len(COLUMNS)} columns, best of {rounds}"
        " (GET: a whole request, body read; escaped: escape_formulas on)",
        f"  {'candidate':<44} {'rows/s':>11} {'ratio':>7}",
    ]
    for name, seconds in best.items():
        lines.append(f"  {name:<44} {n / seconds:>11,.0f} {seconds / base:>7.2f}")
    return ["\n".join(lines)]


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else None
    print("\n\n".join(main(n)))
