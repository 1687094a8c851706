"""csv_export with the Flask test client: rows, cells, headers, streaming,
negotiation, configuration and bad options."""

from __future__ import annotations

import collections
import csv
import dataclasses
import datetime
import io
import logging
import sqlite3
import tracemalloc
import typing as t
from decimal import Decimal

import pytest
from flask import Flask, Response, abort, request
from hypothesis import given, settings
from hypothesis import strategies as st

from flask_respkit import RespKit, csv_export
from flask_respkit.export import BATCH_ROWS

Point = collections.namedtuple("Point", "x y label")


@dataclasses.dataclass
class Order:
    id: int
    total: Decimal
    note: str | None = None


def parse(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def route(app: Flask, decorator: t.Any, rows: t.Any, path: str = "/x") -> None:
    @app.get(path, endpoint=path)
    @decorator
    def view(**kwargs: t.Any) -> t.Any:
        return rows() if callable(rows) else rows


class Client:
    """The test client, reading each body to the end unless told not to.

    A streamed body left unread while the next request runs would pop the
    request contexts in the wrong order when it is finally closed.
    """

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()

    def get(self, url: str, **kw: t.Any) -> t.Any:
        kw.setdefault("buffered", True)
        return self.client.get(url, **kw)


def get(app: Flask, decorator: t.Any, rows: t.Any, url: str = "/x", **kw: t.Any):
    route(app, decorator, rows)
    return Client(app).get(url, **kw)


# Rows of every supported shape ------------------------------------------------


def test_dicts_with_every_kind_of_awkward_text(app: Flask) -> None:
    rows = [
        {"id": 1, "text": 'a "quoted", comma', "more": "line\nbreak"},
        {"id": 2, "text": "Zoë Ångström 大阪", "more": None},
    ]
    r = get(app, csv_export(), rows)
    assert r.status_code == 200
    assert parse(r.data) == [
        ["id", "text", "more"],
        ["1", 'a "quoted", comma', "line\nbreak"],
        ["2", "Zoë Ångström 大阪", ""],
    ]
    assert r.data.endswith(b"\r\n")
    assert b'"a ""quoted"", comma"' in r.data  # RFC 4180 quoting


def test_namedtuples_dataclasses_and_sequences(app: Flask) -> None:
    route(app, csv_export(), [Point(1, -2, "p")], "/nt")
    route(app, csv_export(), [Order(7, Decimal("-1.50"))], "/dc")
    route(app, csv_export(["a", "b"]), [(1, 2), [3, 4]], "/seq")
    route(app, csv_export(), ((i, i * i) for i in range(3)), "/gen")
    c = Client(app)
    assert parse(c.get("/nt").data) == [["x", "y", "label"], ["1", "-2", "p"]]
    assert parse(c.get("/dc").data) == [["id", "total", "note"], ["7", "-1.50", ""]]
    assert parse(c.get("/seq").data) == [["a", "b"], ["1", "2"], ["3", "4"]]
    r = c.get("/gen")
    assert parse(r.data) == [["0", "0"], ["1", "1"], ["2", "4"]]
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8; header=absent"


def test_columns_select_and_reorder_namedtuple_and_dataclass_fields(
    app: Flask,
) -> None:
    route(app, csv_export(["label", "x"]), [Point(1, 2, "p")], "/nt")
    route(app, csv_export({"note": "Note", "id": "ID"}), [Order(7, Decimal(1))], "/dc")
    c = Client(app)
    assert parse(c.get("/nt").data) == [["label", "x"], ["p", "1"]]
    assert parse(c.get("/dc").data) == [["Note", "ID"], ["", "7"]]


def test_sqlalchemy_rows() -> None:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine("sqlite://")
    with engine.connect() as con:
        result = con.execute(
            sqlalchemy.text("SELECT 1 AS id, 'ada' AS name UNION SELECT 2, NULL")
        ).fetchall()
    assert hasattr(result[0], "_mapping")
    app = Flask(__name__)
    route(app, csv_export(), result, "/all")
    route(app, csv_export({"name": "Name"}), result, "/named")
    c = Client(app)
    assert parse(c.get("/all").data) == [["id", "name"], ["1", "ada"], ["2", ""]]
    assert parse(c.get("/named").data) == [["Name"], ["ada"], [""]]


def test_sqlite3_rows_from_a_cursor_closed_at_the_end(app: Flask) -> None:
    con = sqlite3.connect(":memory:", check_same_thread=False)
    con.row_factory = sqlite3.Row
    con.execute("CREATE TABLE t (id INTEGER, name TEXT)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"n{i}") for i in range(3)])
    cursors: list[sqlite3.Cursor] = []

    def rows() -> sqlite3.Cursor:
        cursors.append(con.execute("SELECT * FROM t ORDER BY id"))
        return cursors[-1]

    r = get(app, csv_export({"name": "Name", "id": "Id"}), rows)
    assert parse(r.data) == [["Name", "Id"], ["n0", "0"], ["n1", "1"], ["n2", "2"]]
    with pytest.raises(sqlite3.ProgrammingError):  # closed by the export
        cursors[0].fetchone()


def test_missing_keys_are_empty_cells_and_extra_keys_ignored(app: Flask) -> None:
    rows = [{"a": 1, "b": 2}, {"b": 3, "zzz": 9}, {"a": 4}]
    r = get(app, csv_export(), rows)
    assert parse(r.data) == [["a", "b"], ["1", "2"], ["", "3"], ["4", ""]]


def test_mixed_row_types_in_one_export(app: Flask) -> None:
    rows = [{"x": 1, "y": 2, "label": "d"}, Point(3, 4, "n"), {"x": 5}]
    r = get(app, csv_export(["x", "label"]), rows)
    assert parse(r.data) == [["x", "label"], ["1", "d"], ["3", "n"], ["5", ""]]


@pytest.mark.parametrize("bad", ["a string", 42, None, b"bytes"])
def test_a_row_that_is_not_a_row_is_a_clear_error(app: Flask, bad: t.Any) -> None:
    route(app, csv_export(), [bad])
    with pytest.raises(TypeError, match="csv_export rows must be mappings"):
        Client(app).get("/x")


def test_a_mapping_after_unnamed_rows_asks_for_columns(app: Flask) -> None:
    route(app, csv_export(), [(1, 2), {"a": 1}])
    r = Client(app).get("/x", buffered=False)
    with pytest.raises(TypeError, match="pass columns="):
        b"".join(r.response)


# Cells -----------------------------------------------------------------------


def test_cells_none_numbers_bools_decimals_and_dates(app: Flask) -> None:
    row = (
        None,
        -3,
        0.1,
        -2.5e-10,
        True,
        Decimal("-0.10"),
        datetime.date(2024, 2, 29),
        datetime.datetime(2024, 2, 29, 13, 5, 1),
        "",
    )
    r = get(app, csv_export(), [row])
    cells = parse(r.data)[0]
    assert cells == [
        "",
        "-3",
        "0.1",
        "-2.5e-10",
        "True",
        "-0.10",
        "2024-02-29",
        "2024-02-29 13:05:01",
        "",
    ]
    assert float(cells[3]) == -2.5e-10


FORMULAS = ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "\nx", '=HYPERLINK("a")']


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_cells_get_a_quote_prefix(app: Flask, text: str) -> None:
    r = get(app, csv_export(), [{"a": text, "n": -1, "f": -0.5, "d": "2024-01-02"}])
    assert parse(r.data)[1] == ["'" + text, "-1", "-0.5", "2024-01-02"]


def test_escaping_in_every_batch_and_column_shape(app: Flask) -> None:
    n = BATCH_ROWS * 3 + 7

    def rows() -> t.Iterator[tuple[t.Any, ...]]:
        for i in range(n):
            risky = i % 997 == 0
            yield (
                -i,
                "=cmd" if risky else f"name {i}",
                None if i % 2 else ("-note" if risky else "note"),
                Decimal(-i) if i % 3 else f"@{i}",  # a mixed column
                datetime.date(2024, 1, 1),
            )

    cells = parse(get(app, csv_export(), rows).data)
    assert len(cells) == n
    for i, row in enumerate(cells):
        risky = i % 997 == 0
        assert row[0] == str(-i)
        assert row[1] == ("'=cmd" if risky else f"name {i}")
        assert row[2] == ("" if i % 2 else ("'-note" if risky else "note"))
        assert row[3] == (str(-i) if i % 3 else f"'@{i}")
        assert row[4] == "2024-01-01"


def test_ragged_rows_are_escaped_too(app: Flask) -> None:
    r = get(app, csv_export(), [("=a",), ("b", "+c", -1)])
    assert parse(r.data) == [["'=a"], ["b", "'+c", "-1"]]


def test_other_objects_are_escaped_by_their_text(app: Flask) -> None:
    class Cmd:
        def __str__(self) -> str:
            return "=cmd"

    class Name(str):
        pass

    r = get(app, csv_export(), [(Cmd(), Name("-x"), Name("ok"))])
    assert parse(r.data) == [["'=cmd", "'-x", "ok"]]


def test_numpy_and_pandas_values_are_numbers_and_dates() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "n": np.array([-3, 4], dtype="int64"),
            "f": [-1.5, 2.25],
            "at": pd.to_datetime(["2024-01-02 00:00", "2024-03-04 05:06"]),
            "s": ["-x", "ok"],
        }
    )
    app = Flask(__name__)
    route(app, csv_export(), lambda: frame.itertuples(index=False))
    assert parse(Client(app).get("/x").data) == [
        ["n", "f", "at", "s"],
        ["-3", "-1.5", "2024-01-02 00:00:00", "'-x"],
        ["4", "2.25", "2024-03-04 05:06:00", "ok"],
    ]


def test_escape_formulas_off_writes_cells_as_they_are(app: Flask) -> None:
    r = get(app, csv_export(escape_formulas=False), [{"a": "=1+1", "b": "-x"}])
    assert parse(r.data) == [["a", "b"], ["=1+1", "-x"]]


def test_header_labels_from_data_are_escaped(app: Flask) -> None:
    r = get(app, csv_export(), [{"=evil": 1}])
    assert parse(r.data)[0] == ["'=evil"]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda width: st.lists(
            st.lists(
                st.one_of(
                    st.none(),
                    st.integers(),
                    st.floats(allow_nan=False),
                    st.text(st.characters(exclude_categories=("Cs",))),
                ),
                min_size=width,
                max_size=width,
            ),
            max_size=20,
        )
    )
)
def test_any_cells_round_trip_exactly_with_escaping_off(
    rows: list[list[t.Any]],
) -> None:
    app = Flask(__name__)
    route(app, csv_export(escape_formulas=False), rows)
    body = Client(app).get("/x").data
    expected = [["" if c is None else str(c) for c in row] for row in rows]
    assert parse(body) == expected
    for row, parsed in zip(rows, parse(body)):
        for cell, text in zip(row, parsed):
            if isinstance(cell, float):
                assert float(text) == cell


# Response headers ------------------------------------------------------------


def test_content_type_says_whether_a_header_row_is_there(app: Flask) -> None:
    route(app, csv_export(), [{"a": 1}], "/with")
    route(app, csv_export(header=False), [{"a": 1}], "/without")
    c = Client(app)
    r = c.get("/with")
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    r = c.get("/without")
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8; header=absent"
    assert r.data == b"1\r\n"
    assert "Content-Disposition" not in r.headers


@pytest.mark.parametrize(
    ("name", "header"),
    [
        (
            "orders.csv",
            "attachment; filename=\"orders.csv\"; filename*=UTF-8''orders.csv",
        ),
        (
            "Résumé 2024 ✓.csv",
            'attachment; filename="Resume 2024 _.csv";'
            " filename*=UTF-8''R%C3%A9sum%C3%A9%202024%20%E2%9C%93.csv",
        ),
        (
            'a"b\\c/d;e%.csv',
            'attachment; filename="a_b_c_d;e_.csv";'
            " filename*=UTF-8''a%22b_c_d%3Be%25.csv",
        ),
    ],
)
def test_content_disposition_has_an_ascii_fallback_and_the_exact_name(
    app: Flask, name: str, header: str
) -> None:
    r = get(app, csv_export(filename=name), [{"a": 1}])
    assert r.headers["Content-Disposition"] == header


def test_filename_callable_gets_the_view_arguments(app: Flask) -> None:
    @app.get("/shops/<int:shop>/orders.csv")
    @csv_export(filename=lambda shop: f"shop-{shop}-{request.args['q']}.csv")
    def orders(shop: int) -> list[dict[str, int]]:
        return [{"shop": shop}]

    r = Client(app).get("/shops/3/orders.csv?q=x%0D%0ASet-Cookie:%20a=b/..")
    value = r.headers["Content-Disposition"]
    assert not {"\r", "\n", "/"} & set(value)
    assert value.startswith('attachment; filename="shop-3-x__Set-Cookie: a=b_...csv"')
    assert "Set-Cookie" not in r.headers


def test_filename_callable_may_return_none(app: Flask) -> None:
    r = get(app, csv_export(filename=lambda **kw: None), [{"a": 1}])
    assert "Content-Disposition" not in r.headers


def test_bom_for_excel(app: Flask) -> None:
    r = get(app, csv_export(bom=True), [{"a": "é"}])
    assert r.data == b"\xef\xbb\xbfa\r\n\xc3\xa9\r\n"
    assert r.data.decode("utf-8-sig").startswith("a\r\n")


# Return forms ----------------------------------------------------------------


def test_flask_tuple_forms(app: Flask) -> None:
    rows = [{"a": 1}]
    route(app, csv_export(), lambda: (rows, 201), "/status")
    route(app, csv_export(), lambda: (rows, {"X-Total": "1"}), "/headers")
    route(app, csv_export(), lambda: (rows, 202, [("X-Total", "1")]), "/both")
    route(
        app,
        csv_export(filename="a.csv"),
        lambda: (rows, {"Content-Disposition": "inline"}),
        "/over",
    )
    c = Client(app)
    assert c.get("/status").status_code == 201
    r = c.get("/headers")
    assert (r.status_code, r.headers["X-Total"], parse(r.data)) == (
        200,
        "1",
        [["a"], ["1"]],
    )
    r = c.get("/both")
    assert (r.status_code, r.headers["X-Total"]) == (202, "1")
    assert c.get("/over").headers["Content-Disposition"] == "inline"


def test_a_tuple_is_never_rows(app: Flask) -> None:
    route(app, csv_export(), lambda: ((1, 2), (3, 4), (5, 6)))
    with pytest.raises(TypeError, match="return a list or a generator"):
        Client(app).get("/x")


def test_a_response_passes_through_untouched(app: Flask) -> None:
    sent = Response("plain", 418, {"X-A": "b"})
    r = get(app, csv_export(filename="x.csv", negotiate=True), lambda: sent)
    assert (r.status_code, r.data, r.headers["Content-Type"]) == (
        418,
        b"plain",
        "text/html; charset=utf-8",
    )
    assert "Content-Disposition" not in r.headers
    assert "Vary" not in r.headers


def test_text_and_dict_bodies_are_flask_responses(app: Flask) -> None:
    route(app, csv_export(), lambda: ("gone", 410), "/gone")
    route(app, csv_export(), lambda: ({"error": "no"}, 403), "/no")
    c = Client(app)
    assert (c.get("/gone").status_code, c.get("/gone").data) == (410, b"gone")
    assert c.get("/no").json == {"error": "no"}


# Empty results -----------------------------------------------------------------


def test_empty_result_with_columns_is_header_only(app: Flask) -> None:
    r = get(app, csv_export({"id": "ID", "name": "Name"}), [])
    assert (r.status_code, r.data) == (200, b"ID,Name\r\n")
    assert r.headers["Content-Type"].endswith("header=present")


def test_empty_result_without_columns_is_empty(app: Flask) -> None:
    r = get(app, csv_export(), iter(()))
    assert (r.status_code, r.data) == (200, b"")
    assert r.headers["Content-Type"].endswith("header=absent")


# Streaming ---------------------------------------------------------------------


def test_body_is_streamed_in_batches(app: Flask) -> None:
    route(app, csv_export(), lambda: ({"i": i} for i in range(BATCH_ROWS * 2 + 1)))
    r = Client(app).get("/x", buffered=False)
    assert r.is_streamed
    chunks = list(r.response)
    r.close()
    assert len(chunks) == 3  # header + first row, then two batches
    assert parse(b"".join(chunks))[-1] == [str(BATCH_ROWS * 2)]


def test_rows_are_read_inside_the_request_context(app: Flask) -> None:
    def rows() -> t.Iterator[dict[str, str]]:
        for i in range(BATCH_ROWS + 5):
            yield {"q": request.args["q"], "i": str(i)}

    r = get(app, csv_export(), rows, "/x?q=hello")
    cells = parse(r.data)
    assert len(cells) == BATCH_ROWS + 6
    assert {row[0] for row in cells[1:]} == {"hello"}


def test_error_on_the_first_row_is_a_normal_error_response(app: Flask) -> None:
    app.config["TESTING"] = False

    @app.errorhandler(LookupError)
    def lookup(e: Exception) -> tuple[str, int]:
        return "handled", 409

    def rows() -> t.Iterator[dict[str, int]]:
        raise KeyError("no such shop")
        yield {"a": 1}

    route(app, csv_export(filename="x.csv"), rows, "/handled")
    route(app, csv_export(), lambda: (abort(404) for _ in range(1)), "/abort")
    c = Client(app)
    r = c.get("/handled")
    assert (r.status_code, r.data) == (409, b"handled")
    assert "Content-Disposition" not in r.headers
    assert c.get("/abort").status_code == 404


def test_later_error_is_logged_and_cuts_the_stream(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    closed = []

    def rows() -> t.Iterator[dict[str, int]]:
        try:
            for i in range(BATCH_ROWS + 3):
                yield {"i": i}
            raise RuntimeError("database went away")
        finally:
            closed.append(True)

    route(app, csv_export(), rows)
    r = Client(app).get("/x", buffered=False)
    assert r.status_code == 200
    chunks = iter(r.response)
    assert parse(next(chunks) + next(chunks))[-1] == [str(BATCH_ROWS)]
    with caplog.at_level(logging.ERROR), pytest.raises(RuntimeError):
        next(chunks)
    assert "csv_export: the export of /x stopped after" in caplog.text
    assert "database went away" in caplog.text
    assert closed == [True]


def test_client_going_away_closes_the_rows(app: Flask) -> None:
    closed = []

    def rows() -> t.Iterator[dict[str, int]]:
        try:
            for i in range(BATCH_ROWS * 10):
                yield {"i": i}
        finally:
            closed.append(True)

    route(app, csv_export(), rows)
    r = Client(app).get("/x", buffered=False)
    next(iter(r.response))
    assert closed == []
    r.close()
    assert closed == [True]


class Source:
    """A row source with ``close``, like a database cursor, that the test keeps."""

    def __init__(self, n: int) -> None:
        self.rows = iter(range(n))
        self.closed = False

    def __iter__(self) -> Source:
        return self

    def __next__(self) -> dict[str, int]:
        return {"i": next(self.rows)}

    def close(self) -> None:
        self.closed = True


def test_head_sends_the_headers_and_closes_the_rows(app: Flask) -> None:
    source = Source(BATCH_ROWS * 4)
    route(app, csv_export(filename="x.csv"), lambda: source)
    r = app.test_client().head("/x")
    assert (r.status_code, r.data) == (200, b"")
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert not source.closed
    r.close()
    assert source.closed


def test_stacks_with_paginate_and_cors_style_decorators(app: Flask) -> None:
    from flask_respkit import Pagination, paginate

    data = [{"id": i} for i in range(1, 8)]

    @app.get("/page.csv")
    @paginate(per_page=3)
    @csv_export(filename=lambda pagination: f"page-{pagination.page}.csv")
    def page(pagination: Pagination) -> list[dict[str, int]]:
        pagination.total = len(data)
        return data[pagination.offset : pagination.offset + pagination.limit]

    r = Client(app).get("/page.csv?page=2")
    assert parse(r.data) == [["id"], ["4"], ["5"], ["6"]]
    assert 'rel="next"' in r.headers["Link"]
    assert r.headers["X-Total-Count"] == "7"
    assert r.headers["Content-Disposition"].startswith(
        'attachment; filename="page-2.csv"'
    )


def test_a_million_rows_stream_in_flat_memory(app: Flask) -> None:
    n = 1_000_000

    def rows() -> t.Iterator[tuple[t.Any, ...]]:
        for i in range(n):
            yield (i, f"customer {i}", -i / 4, None)

    route(app, csv_export(["id", "name", "amount", "note"]), rows)
    client = Client(app)
    tracemalloc.start()
    try:
        r = client.get("/x", buffered=False)
        size = lines = 0
        for chunk in r.response:
            size += len(chunk)
            lines += chunk.count(b"\r\n")
        r.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lines == n + 1
    assert size > 30_000_000  # the text would not fit in the limit below
    assert peak < 16 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


# Negotiation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "accept", "kind"),
    [
        ("/x", None, "json"),
        ("/x", "*/*", "json"),
        ("/x", "text/html,application/xhtml+xml,*/*;q=0.8", "json"),
        ("/x", "text/csv", "csv"),
        ("/x", "text/csv, application/json;q=0.5", "csv"),
        ("/x", "application/json;q=0.9, text/*", "csv"),
        ("/x?format=csv", "application/json", "csv"),
        ("/x?format=CSV", None, "csv"),
        ("/x?format=json", "text/csv", "json"),
        ("/x?format=xml", "text/csv", "csv"),
    ],
)
def test_negotiate_picks_csv_or_json(
    app: Flask, url: str, accept: str | None, kind: str
) -> None:
    rows = [Point(1, -2, "=p")]
    headers = {"Accept": accept} if accept else {}
    r = get(
        app, csv_export(negotiate=True, filename="p.csv"), rows, url, headers=headers
    )
    assert r.headers["Vary"] == "Accept"
    if kind == "csv":
        assert r.mimetype == "text/csv"
        assert parse(r.data) == [["x", "y", "label"], ["1", "-2", "'=p"]]
        assert "Content-Disposition" in r.headers
    else:
        assert r.mimetype == "application/json"
        assert r.json == [{"x": 1, "y": -2, "label": "=p"}]
        assert "Content-Disposition" not in r.headers


def test_negotiated_json_shapes(app: Flask) -> None:
    route(app, csv_export(negotiate=True), [(1, 2), (3, 4)], "/seq")
    route(app, csv_export(["a", "b"], negotiate=True), [(1, 2)], "/named")
    route(app, csv_export(negotiate=True), [], "/empty")
    route(app, csv_export(negotiate=True), lambda: ([{"a": 1}] * 1200, 201), "/many")
    c = Client(app)
    assert c.get("/seq").json == [[1, 2], [3, 4]]
    assert c.get("/named").json == [{"a": 1, "b": 2}]
    assert c.get("/empty").json == []
    r = c.get("/many")
    assert (r.status_code, len(r.json), r.headers["Vary"]) == (201, 1200, "Accept")


def test_vary_accept_is_added_to_the_views_vary(app: Flask) -> None:
    route(app, csv_export(negotiate=True), lambda: ([], {"Vary": "Origin"}))
    route(app, csv_export(negotiate=True), lambda: ("no", 400), "/no")
    c = Client(app)
    assert c.get("/x").headers["Vary"] == "Origin, Accept"
    r = c.get("/no")
    assert (r.status_code, r.headers["Vary"]) == (400, "Accept")


# Configuration and decorator behaviour -------------------------------------------


def test_config_gives_the_defaults(bare_app: Flask) -> None:
    bare_app.config.update(
        RESPKIT_CSV_BOM=True,
        RESPKIT_CSV_ESCAPE_FORMULAS=False,
        RESPKIT_CSV_DIALECT="excel-tab",
    )
    RespKit(bare_app)
    route(bare_app, csv_export(), [{"a": "=1", "b": 2}], "/config")
    route(
        bare_app,
        csv_export(bom=False, escape_formulas=True, dialect="excel"),
        [{"a": "=1", "b": 2}],
        "/explicit",
    )
    c = Client(bare_app)
    assert c.get("/config").data == b"\xef\xbb\xbfa\tb\r\n=1\t2\r\n"
    assert c.get("/explicit").data == b"a,b\r\n'=1,2\r\n"


def test_without_the_extension_builtin_defaults_apply(bare_app: Flask) -> None:
    r = get(bare_app, csv_export(), [{"a": "=1", "b": 2}])
    assert r.data == b"a,b\r\n'=1,2\r\n"


def test_dialect_class(app: Flask) -> None:
    class Semicolons(csv.excel):
        delimiter = ";"

    r = get(app, csv_export(dialect=Semicolons), [{"a": "x;y", "b": 2}])
    assert r.data == b'a;b\r\n"x;y";2\r\n'


def test_bare_decorator_and_async_view(app: Flask) -> None:
    @app.get("/bare")
    @csv_export
    def bare() -> list[dict[str, int]]:
        return [{"a": 1}]

    @app.get("/async")
    @csv_export(["a"])
    async def asynchronous() -> list[dict[str, int]]:
        return [{"a": 2}]

    c = Client(app)
    assert c.get("/bare").data == b"a\r\n1\r\n"
    assert c.get("/async").data == b"a\r\n2\r\n"


def test_stacking_the_same_export_twice_applies_once(app: Flask) -> None:
    export = csv_export(["a"])
    r = get(app, lambda view: export(csv_export(["a"])(view)), [{"a": 1}])
    assert r.data == b"a\r\n1\r\n"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"columns": "abc"}, TypeError, "columns must be a list"),
        ({"columns": 3}, TypeError, "columns must be a list"),
        ({"columns": []}, ValueError, "columns must not be empty"),
        ({"columns": [1]}, TypeError, "columns keys and labels must be str"),
        ({"columns": {"a": None}}, TypeError, "columns keys and labels must be str"),
        ({"filename": 3}, TypeError, "filename must be a str"),
        ({"filename": ""}, ValueError, "filename must be a non-empty"),
        ({"filename": "a\r\nb.csv"}, ValueError, "without control characters"),
        ({"header": "yes"}, TypeError, "header must be True or False"),
        ({"bom": 1}, TypeError, "bom must be True or False"),
        ({"escape_formulas": "no"}, TypeError, "escape_formulas must be True"),
        ({"negotiate": None}, TypeError, "negotiate must be True or False"),
        ({"dialect": "nope"}, ValueError, "dialect must be one of"),
        ({"dialect": 3}, TypeError, "dialect must be a dialect name"),
    ],
)
def test_bad_options_fail_when_the_decorator_is_made(
    kwargs: dict[str, t.Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        csv_export(**kwargs)


def test_a_broken_dialect_class_fails_when_made_or_at_init_app(
    bare_app: Flask,
) -> None:
    class Broken(csv.Dialect):
        delimiter = "too long"

    with pytest.raises(TypeError, match="delimiter"):
        csv_export(dialect=Broken)
    bare_app.config["RESPKIT_CSV_DIALECT"] = Broken
    with pytest.raises(TypeError, match="delimiter"):
        RespKit(bare_app)


def test_async_iterables_are_refused_clearly(app: Flask) -> None:
    async def rows() -> t.AsyncIterator[dict[str, int]]:
        yield {"a": 1}

    route(app, csv_export(), rows)
    with pytest.raises(TypeError, match="cannot stream an async iterable"):
        Client(app).get("/x")


def test_filename_callable_returning_a_non_string_is_a_type_error(app: Flask) -> None:
    route(app, csv_export(filename=lambda: 3), [{"a": 1}])
    with pytest.raises(TypeError, match="filename callable must return a str"):
        Client(app).get("/x")


@pytest.mark.parametrize("csv_on_top", [False, True])
def test_csv_export_works_in_any_stacking_order(app: Flask, csv_on_top: bool) -> None:
    from flask_respkit import Pagination, cors, paginate

    data = [{"id": i} for i in range(1, 8)]

    def page(pagination: Pagination) -> list[dict[str, int]]:
        pagination.total = len(data)
        return data[pagination.offset : pagination.offset + pagination.limit]

    decorators = [cors("https://app.example"), paginate(per_page=3)]
    export = csv_export(filename="page.csv")
    view = page if csv_on_top else export(page)
    for decorator in reversed(decorators):
        view = decorator(view)
    if csv_on_top:
        view = export(view)
    app.add_url_rule("/page.csv", view_func=view)

    r = app.test_client().get(
        "/page.csv?page=2", headers={"Origin": "https://app.example"}
    )
    assert parse(r.data) == [["id"], ["4"], ["5"], ["6"]]
    assert r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["X-Total-Count"] == "7"
    assert r.headers["Access-Control-Allow-Origin"] == "https://app.example"
    exposed = r.headers["Access-Control-Expose-Headers"].lower()
    for name in ("link", "x-total-count", "content-disposition"):
        assert name in exposed


def test_csv_export_cannot_move_below_a_foreign_decorator(app: Flask) -> None:
    import functools

    from flask_respkit import headers

    def foreign(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(view)
        def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return view(*args, **kwargs)

        return wrapper

    def rows() -> list[list[int]]:
        return [[1]]

    with pytest.raises(TypeError, match="must be nearest the view"):
        csv_export()(foreign(headers(x_a="1")(rows)))


def test_negotiate_ignores_a_query_string_that_is_not_utf8(app: Flask) -> None:
    # A server may pass raw bytes through; request.args cannot decode them.
    route(app, csv_export(negotiate=True), [(1, 2)])
    c = Client(app)
    for accept, kind in (("text/csv", "text/csv"), ("*/*", "application/json")):
        r = c.get(
            "/x",
            headers={"Accept": accept},
            environ_overrides={"QUERY_STRING": "format=csv&q=\xff"},
        )
        assert (r.status_code, r.mimetype) == (200, kind)


def test_a_lone_surrogate_in_a_computed_filename_is_replaced(app: Flask) -> None:
    from flask import request

    @app.post("/x")
    @csv_export(filename=lambda: request.get_json()["name"])
    def rows() -> list[list[int]]:
        return [[1]]

    r = app.test_client().post(
        "/x", data='{"name": "q3 \\ud800.csv"}', content_type="application/json"
    )
    assert r.status_code == 200
    disposition = r.headers["Content-Disposition"]
    assert disposition.isascii()
    assert 'filename="q3 _.csv"' in disposition
