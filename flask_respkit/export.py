"""CSV export: :func:`csv_export` streams a view's rows as RFC 4180 CSV.

Option checks, rows to cells, the formula escape, ``Content-Disposition`` and
the streaming of the body.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import functools
import io
import math
import numbers
import operator
import re
import sys
import typing as t
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice

from flask import after_this_request, current_app, request, stream_with_context
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response as BaseResponse

from ._http import (
    CONTROL,
    accept_quality,
    accept_ranges,
    add_vary,
    check_bool,
    ext_value,
)
from .core import F, ResponseDecorator, Step
from .settings import Setting

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask, Response

    from .describe import Description

#: A file name, or a callable of the view's keyword arguments returning one.
Filename = t.Union[str, t.Callable[..., t.Optional[str]]]
#: A :mod:`csv` dialect name or class.
Dialect = t.Union[str, type[csv.Dialect]]

# -- The formula escape (OWASP CSV injection) ------------------------------------

#: What a spreadsheet may skip before a cell's content and that does not end a
#: line: spaces, controls and invisible formatting characters (Unicode's Cc,
#: Cf, Zs, Zl and Zp but TAB and line breaks). LibreOffice drops NUL and,
#: told to trim spaces, the spaces.
_INLINE_BLANK = (
    "\x00-\x08\x0e-\x1b\x1f\x20\x7f-\x84\x86-\xa0\xad\u0600-\u0605\u061c\u06dd"
    "\u070f\u0890\u0891\u08e2\u1680\u180e\u2000-\u200f\u202a-\u202f\u205f-\u2064"
    "\u2066-\u206f\u3000\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
#: Line breaks: a reader that splits on another separator than the file's
#: does not see the quotes, so a line break inside a field starts a row
#: there (LibreOffice does); ``str.splitlines`` splits on all of these.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BLANK = _INLINE_BLANK + "\t" + _BREAKS
#: Where a reader splitting on ``,``, ``;`` or TAB (or at a quote) starts a
#: cell inside a field.
_SEPARATORS = ',;\t"'
# Where a cell may start inside a string, and what makes it a formula after
# blanks: the string itself, by = + - @ TAB CR LF NUL (OWASP); what follows
# , ; or " up to a line break, by = + - @ TAB NUL; what follows a TAB up to a
# line break or TAB, by = + - @ NUL; a line, by = + - @.
_START = re.compile(
    rf"^(?=[{_BLANK}]*[=+\-@\t\r\n\x00])"
    rf'|(?<=[,;"])(?=[{_INLINE_BLANK}\t]*[=+\-@\t\x00])'
    rf"|(?<=\t)(?=[{_INLINE_BLANK}]*[=+\-@\x00])"
    rf"|(?<=[{_BREAKS}])(?=[{_INLINE_BLANK}\t]*[=+\-@])"
)
# A necessary condition for _START over strings joined with "\xff" (a letter
# that is neither blank nor separator), in two scans so that the common one
# starts with a literal, which ``re`` finds about four times faster than a
# class; the look-ahead skips the blank class for the usual letter or digit.
# False alarms (a TAB after a TAB, a number literal, a "\xff" in the text)
# are sorted out cell by cell.
_JOIN = "\xff"
_RISKY_START = re.compile(rf"{_JOIN}(?![0-9A-Za-z])[{_BLANK}]*[=+\-@\t\r\n\x00]")
_RISKY_INSIDE = re.compile(
    rf"[{_SEPARATORS}{_BREAKS}][{_INLINE_BLANK}\t]*[=+\-@\t\x00]"
)
_TRIGGERS = "=-+@\t\n\r\x00"
_INSIDE_STARTS = _SEPARATORS + _BREAKS


def _may_need_quotes(joined: str) -> bool:
    """Whether strings joined with :data:`_JOIN`, and one in front, may
    start a formula.

    Cheap tests first, as most columns hold no trigger at all (names,
    notes), or only ``-`` after no separator (ISO dates): ``in`` scans many
    times faster than a regular expression.
    """
    for char in _TRIGGERS:
        if char in joined:
            break
    else:
        return False
    if _RISKY_START.search(joined):
        return True
    for char in _INSIDE_STARTS:
        if char in joined:
            return _RISKY_INSIDE.search(joined) is not None
    return False


#: A number literal a spreadsheet reads as a number, never as a formula:
#: ``-42``, ``+1.5e3``, ``-1,234.50``, ``-0,5``, ``-12%``, spaces around.
_NUMBER = re.compile(
    r" *[+-]?(?:[0-9]+(?:[.,][0-9]+)*[.,]?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?%? *"
)
# The end of the cell that starts after each separator or line break.
_CELL_END = {
    sep: re.compile(f"[{re.escape(sep)}{_BREAKS}]") for sep in _SEPARATORS + _BREAKS
}
_BINARY = (bytes, bytearray, memoryview)
_TEXT = frozenset({str, type(None)})
#: ``python -b``: ``str()`` of a ``bytes`` cell warns (``-bb``: raises).
_BYTES_WARNING = bool(sys.flags.bytes_warning)


def _neutralise(match: re.Match[str]) -> str:
    """``'`` at a cell start, unless the cell there is a number literal."""
    text, start = match.string, match.start()
    end = len(text)  # the string itself must be a number
    if start:  # the cell ends at the same separator or a line break
        found = _CELL_END[text[start - 1]].search(text, start)
        if found:
            end = found.start()
    return "" if _NUMBER.fullmatch(text, start, end) else "'"


def escape_text(text: str) -> str:
    """``text`` with a ``'`` at each place a spreadsheet could start a formula.

    The places are where a cell may start: the string itself, which must not
    start with ``= + - @``, TAB, CR, LF or NUL (OWASP); what follows a
    ``,``, ``;``, ``"`` or TAB up to a line break (a cell for a reader
    splitting there), which must not start with ``= + - @``, TAB or NUL; and
    each line after the first (a row for a reader that misses the quotes),
    which must not start with ``= + - @``. Each after optional blanks:
    spaces, controls and invisible formatting characters, which spreadsheets
    may drop or trim; the ``'`` goes before them. A number literal at such a
    place (``-42``, ``+1.5e3``, ``-1,234.50``) is left alone, and so is the
    whole string if it is one. Only ever inserts ``'``.
    """
    if text and _may_need_quotes(_JOIN + text):  # faster than _START alone
        return _START.sub(_neutralise, text)
    return text


@functools.lru_cache(maxsize=256)
def _safe_type(cls: type) -> bool:
    """Cells of ``cls`` are never escaped: numbers (NumPy's and ``Decimal``
    too), dates and times (pandas' ``Timestamp`` too) and ``None``."""
    return issubclass(cls, (numbers.Number, datetime.date, datetime.time, type(None)))


@functools.lru_cache(maxsize=256)
def _binary_type(cls: type) -> bool:
    return issubclass(cls, _BINARY)


def _decoded(cell: t.Any) -> t.Any:
    """A ``bytes``-like cell as text (UTF-8, bad bytes as U+FFFD), else ``cell``."""
    return str(cell, "utf-8", "replace") if isinstance(cell, _BINARY) else cell


def _escape_cell(cell: t.Any) -> t.Any:
    """``cell``, escaped by its text if it is not a number, date or ``None``."""
    if _safe_type(type(cell)):  # type: ignore[arg-type]  # types are hashable
        return cell
    cell = _decoded(cell)
    text = cell if isinstance(cell, str) else str(cell)
    escaped = escape_text(text)
    return cell if escaped is text else escaped


def decode_rows(rows: list[Sequence[t.Any]]) -> list[Sequence[t.Any]]:
    """Write ``bytes``, ``bytearray`` and ``memoryview`` cells as UTF-8 text."""
    if any(map(_binary_type, set(map(type, chain.from_iterable(rows))))):
        return [tuple(map(_decoded, row)) for row in rows]
    return rows


def _may_show_binary(text: str) -> bool:
    """Whether ``text`` may hold what :mod:`csv` writes for a ``bytes``-like
    cell it is given as it is: ``str()``, that is ``b'...'``,
    ``bytearray(b'...')`` or ``b"...'..."`` (the form for bytes with a
    ``'``), or ``<memory at 0x...>``. That holds unless a subclass of
    ``bytes`` or ``bytearray`` has its own ``__str__`` or Python runs with
    ``-b`` (``str()`` of bytes warns), which :func:`_written_decoded` checks.
    Single letters first: their search is many times faster."""
    if "'" in text and ("b'" in text or 'b"' in text):
        return True
    return "<" in text and "<memory at " in text


def _written_rows(
    writer: t.Any, buffer: io.StringIO, rows: Iterable[Sequence[t.Any]]
) -> str:
    """``rows`` as ``writer`` writes them into ``buffer``, which is left empty."""
    writer.writerows(rows)
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _written_decoded(
    writer: t.Any, buffer: io.StringIO, rows: list[Sequence[t.Any]]
) -> str:
    """``rows`` written as :func:`decode_rows` makes them, and as fast as
    ``rows`` themselves in the usual case: the text written is searched for
    the marks of a ``bytes``-like cell (a few C-level scans of the text
    instead of one Python step per cell), and only where one is found
    (``"Jacob's"`` has one too) are the cells' types looked at, and the rows
    written again, decoded, if one is ``bytes``-like."""
    if bytes.__subclasses__() or bytearray.__subclasses__() or _BYTES_WARNING:
        return _written_rows(writer, buffer, decode_rows(rows))
    text = _written_rows(writer, buffer, rows)
    if _may_show_binary(text):
        decoded = decode_rows(rows)
        if decoded is not rows:
            return _written_rows(writer, buffer, decoded)
    return text


@functools.lru_cache(maxsize=256)
def _json_special(cls: type) -> bool:
    return issubclass(cls, (datetime.date, datetime.time, *_BINARY))


def _json_cell(cell: t.Any) -> t.Any:
    if isinstance(cell, (datetime.date, datetime.time)):
        return cell.isoformat()
    return _decoded(cell)


def json_rows(rows: list[Sequence[t.Any]]) -> list[Sequence[t.Any]]:
    """Dates, datetimes and times as ISO 8601 text (Flask's JSON provider
    writes dates as HTTP dates), ``bytes``-like cells as UTF-8 text."""
    if any(map(_json_special, set(map(type, chain.from_iterable(rows))))):
        return [tuple(map(_json_cell, row)) for row in rows]
    return rows


# -- Numbers that run on for a reader splitting on another separator ------------

#: The separators a spreadsheet may split a line on.
_READERS = ",;\t"
#: A delimiter that readers skip like a space (TAB, space): a field after
#: it may start their cell.
_BLANK_CHAR = re.compile(rf"[{_INLINE_BLANK}\t]")
#: A sign where a reader splitting on a separator starts a cell (a number
#: literal the escape left alone): at the start of a field, and after a
#: separator or line break inside one. (After a quote inside a field no cell
#: runs on: the field is quoted, and its closing quote ends that cell.)
_SIGNED_HEAD = re.compile(" *[+-]")
_SIGNED_INSIDE = re.compile(rf"(?<=[{_READERS}{_BREAKS}]) *[+-]")
#: Either, in a column joined with :data:`_JOIN` (a field starts after it),
#: and inside only: scans that start with a class, which ``re`` runs fast.
_SIGNED_ANYWHERE = re.compile(rf"[{_JOIN}{_READERS}{_BREAKS}] *[+-]")
_SIGNED_AFTER_SEPARATOR = re.compile(rf"[{_READERS}{_BREAKS}] *[+-]")
#: What a number may run on into, through the fields after it, and still be
#: no formula: digits, signs, decimal and thousands marks, separators,
#: quotes, spaces, percent signs and exponents (``1e-5``). A letter (a
#: function, a name, a reference), ``|``, ``(``, ``!``, ``:``, ``$``, ``'``
#: or anything else ends the exemption.
_PLAIN_RUN = re.compile(r'(?:[0-9+\-.,;%" \t]|(?<=[0-9.])[eE](?=[+-]?[0-9]))*')
#: Where the cell of a reader splitting on each separator ends.
_CELL_STOP = {sep: re.compile(f"[{re.escape(sep)}{_BREAKS}]") for sep in _READERS}
_ANY_BREAK = re.compile(f"[{_BREAKS}]")
#: What may end a field before a cell that goes on into the next one
#: (read from the end: blanks and quotes).
_OPEN_TAIL = re.compile(rf'[{_INLINE_BLANK}\t"]*')
_OPEN_END = re.compile(rf'[{_INLINE_BLANK}{_READERS}{_BREAKS}"]')
_OPEN_AFTER_JOIN = re.compile(rf'{_JOIN}[{_INLINE_BLANK}{_READERS}{_BREAKS}"{_JOIN}]')


def _written(cell: t.Any) -> str:
    """A cell's text as :mod:`csv` writes it, before quoting."""
    if cell is None:
        return ""
    return cell if isinstance(cell, str) else str(cell)


def _opens_cell(texts: list[str], k: int) -> bool:
    """Whether only blanks and quotes lie between field ``k`` and the line
    start, or the last separator or line break before it (the delimiter
    being a blank itself): then a reader splitting there starts a cell with
    field ``k``."""
    for prev in reversed(texts[:k]):
        backwards = prev[::-1]
        rest = backwards[_OPEN_TAIL.match(backwards).end() :]  # type: ignore[union-attr]
        if rest:
            return rest[0] in _READERS or _ANY_BREAK.match(rest) is not None
    return True


@functools.lru_cache(maxsize=64)
def _stops(delimiter: str, readers: tuple[str, ...]) -> tuple[bool, re.Pattern[str]]:
    """Whether ``delimiter`` is plain, and where the first of ``readers``
    stops (its separator or a line break)."""
    seps = re.escape("".join(readers))
    return _PLAIN_RUN.fullmatch(delimiter) is not None, re.compile(f"[{seps}{_BREAKS}]")


def _runs_into_formula(
    cells: Iterable[t.Any], delimiter: str, readers: tuple[str, ...]
) -> bool:
    """Whether the cell of one of ``readers``, going on past the end of a
    field into the fields of ``cells`` after it, meets what is not plain
    before that reader's separator or a line break ends it. Reads no further
    than that."""
    delimiter_plain, first_stop = _stops(delimiter, readers)
    open_readers = list(readers)
    for cell in cells:
        if not delimiter_plain:
            return True
        text = cell if type(cell) is str else _written(cell)
        plain = _PLAIN_RUN.match(text).end()  # type: ignore[union-attr]
        stop = first_stop.search(text)
        if stop is None or plain < stop.start():
            if plain < len(text):
                return True  # before any reader's end
            continue  # plain through: every reader goes on
        for sep in tuple(open_readers):
            end = _CELL_STOP[sep].search(text)
            if plain < (len(text) if end is None else end.start()):
                return True
            if end is not None:
                open_readers.remove(sep)
        if not open_readers:
            return False
    return False


def _run_on_marks(
    text: str, starts: list[int], delimiter: str, following: list[str]
) -> list[int]:
    """The ``starts`` in ``text``, a field followed by the fields
    ``following``, whose cell goes on past the field into what is not
    plain."""
    backwards = _ANY_BREAK.search(text[::-1])
    last_break = -1 if backwards is None else len(text) - 1 - backwards.start()
    # Where the cell of each reader ends last in the field.
    last_stop = {sep: max(text.rfind(sep), last_break) for sep in _READERS}
    unsafe: dict[str, bool] = {}
    marks = []
    for p in starts:
        before = text[p - 1] if p else ""
        if before and before in _READERS:  # the cell of that reader only
            readers = [before] if before != delimiter else []
        else:  # a field start or a line break: any other reader's
            readers = [sep for sep in _READERS if sep != delimiter]
        for sep in readers:
            if last_stop[sep] >= p:
                continue  # the cell ends inside the field
            if sep not in unsafe:
                unsafe[sep] = _runs_into_formula(following, delimiter, (sep,))
            if unsafe[sep]:
                marks.append(p)
                break
    return marks


@functools.lru_cache(maxsize=64)
def _foreign(delimiter: str) -> tuple[str, ...]:
    """The separators a reader may split on other than ``delimiter``."""
    return tuple(sep for sep in _READERS if sep != delimiter)


def _guard_first(row: Sequence[t.Any], delimiter: str) -> Sequence[t.Any]:
    """:func:`guard_row` for a row whose only signed cell start is the line
    start: most such rows are settled by their second field."""
    first = row[0]
    if type(first) in (int, float):  # its text holds no separator
        text, readers = str(first), _foreign(delimiter)
    else:
        text = _written(first)
        readers = tuple(
            sep for sep in _foreign(delimiter) if _CELL_STOP[sep].search(text) is None
        )
    if readers and _runs_into_formula(row[1:], delimiter, readers):
        return ["'" + text, *row[1:]]
    return row


def guard_row(row: Sequence[t.Any], delimiter: str) -> Sequence[t.Any]:
    """``row``, with a ``'`` before each signed number literal that a reader
    splitting the written line on another separator than ``delimiter``
    (``,``, ``;`` or TAB) sees run on, through the fields after it, into
    something that may make a formula: ``(-1, "5+cmd|' /C calc'!A0")``,
    written ``-1,5+cmd|' /C calc'!A0``, is one cell starting with ``-`` for
    a reader splitting on ``;`` (a DDE call in Excel in German, French...).

    The number literals looked at are those :func:`escape_text` leaves alone
    where such a reader starts a cell: the first field of the line (numbers
    too), a field after only blanks when the delimiter is a blank (TAB), and
    a place after a separator or line break inside a string. Such a cell
    runs on when no separator of that reader (after a line break: of any
    reader) and no line break follows in its field; it is left alone when
    all it runs into is plain (:data:`_PLAIN_RUN`): ``-1,2.5,-3`` stays as
    it is.

    :return: ``row`` itself when nothing changes, else a list (a number
        cell that changes becomes a string).
    """
    blank_delimiter = _BLANK_CHAR.fullmatch(delimiter) is not None
    texts = list(map(_written, row))
    last = len(texts) - 1
    out: list[t.Any] | None = None
    for k in range(last, -1, -1):  # later fields first: earlier runs see them
        text = texts[k]
        inside = _SIGNED_AFTER_SEPARATOR.search(text) is not None
        head = (
            (k == 0 or blank_delimiter)
            and _SIGNED_HEAD.match(text) is not None
            and (k == 0 or _opens_cell(texts, k))
        )
        if not (inside or head):
            continue
        starts = [m.start() for m in _SIGNED_INSIDE.finditer(text)] if inside else []
        if head:
            starts.insert(0, 0)
        marks = _run_on_marks(text, starts, delimiter, texts[k + 1 :])
        if marks:
            pieces: list[str] = []
            start = 0
            for p in marks:
                pieces += (text[start:p], "'")
                start = p
            pieces.append(text[start:])
            texts[k] = "".join(pieces)
            if out is None:
                out = list(row)
            out[k] = texts[k]
    return row if out is None else out


#: Safe types whose text never starts with a sign.
_UNSIGNED = (datetime.date, datetime.time, type(None))
_INTS = {int}
_FLOATS = {int, float}


def _signed_rows(column: Sequence[t.Any], types: set[type]) -> list[int]:
    """The rows of a column of numbers, dates and ``None`` whose cell is
    written with a sign; ``min`` first, which settles a column of ints or
    floats without a negative one in one C-level pass."""
    if types == _INTS:  # ids, the usual first column
        return [] if min(column) >= 0 else [j for j, c in enumerate(column) if c < 0]
    kinds = {kind for kind in types if not issubclass(kind, _UNSIGNED)}
    if not kinds:
        return []
    if kinds <= _FLOATS:
        return _negative_rows(column, kinds, kinds == types)
    return [
        j
        for j, cell in enumerate(column)
        if type(cell) in kinds and _SIGNED_HEAD.match(_written(cell))
    ]


def _negative_rows(column: Sequence[t.Any], kinds: set[type], only: bool) -> list[int]:
    """The rows of ``column`` holding a negative ``int`` or ``float`` of
    ``kinds`` (``-0.0`` too); ``only``: the column holds nothing else."""
    values = column if only else [c for c in column if type(c) in kinds]
    low = min(values, default=0)
    if low > 0 or (low == 0 and float not in kinds):  # -0.0: read on
        return []
    return [
        j
        for j, cell in enumerate(column)
        if type(cell) in kinds
        and (cell < 0 or (cell == 0 and math.copysign(1.0, cell) < 0))
    ]


def _signed_text_rows(
    column: Sequence[t.Any], head: bool, strings: bool = True
) -> list[int]:
    """The rows of an escaped column whose text has a sign where a cell
    starts: after a separator or line break inside, and also at the start
    when ``head``. One scan of the joined column settles most columns.

    :param strings: The column holds only strings and ``None``.
    """
    cells = column if strings else map(_written, column)
    joined = _JOIN + _JOIN.join(filter(None, cells))
    scan = _SIGNED_ANYWHERE if head else _SIGNED_AFTER_SEPARATOR
    if scan.search(joined) is None:
        return []
    return [
        j
        for j, text in enumerate(map(_written, column))
        if (head and _SIGNED_HEAD.match(text)) or _SIGNED_INSIDE.search(text)
    ]


def _may_end_open(column: Sequence[t.Any]) -> bool:
    """Whether a cell of ``column`` may be open (:func:`_ends_open`):
    numbers and dates never are; one scan of the joined column."""
    types = set(map(type, column))
    if type(None) in types:
        return True
    if all(map(_safe_type, types)):
        return False
    texts = column if types <= {str} else map(_written, column)
    # Backwards, so that the scan looks for the literal join first.
    backwards = (_JOIN + _JOIN.join(texts) + _JOIN)[::-1]
    return _OPEN_AFTER_JOIN.search(backwards) is not None


def _ends_open(cell: t.Any) -> bool:
    """Whether a field may let the cell of a reader on another separator go
    on into the next one across a blank delimiter: it is empty, or ends
    with a blank, a quote, a separator or a line break."""
    text = _written(cell)
    return not text or _OPEN_END.match(text, len(text) - 1) is not None


def _escape_ragged(
    rows: list[Sequence[t.Any]], delimiter: str | None
) -> list[Sequence[t.Any]]:
    """:func:`escape_rows` for rows of different lengths: cell by cell."""
    escaped = [list(map(_escape_cell, row)) for row in rows]
    if delimiter is None:
        return t.cast("list[Sequence[t.Any]]", escaped)
    return [guard_row(row, delimiter) for row in escaped]


def _joined_strings(column: Sequence[t.Any]) -> str | None:
    """The cells of ``column`` joined with :data:`_JOIN`, after one, when
    they are all strings (one C-level ``join``, no set of types), else
    ``None``."""
    if type(column[0]) is not str:
        return None
    try:
        return _JOIN + _JOIN.join(column)
    except TypeError:  # another cell than a string
        return None


def _escape_column(
    column: Sequence[t.Any], joined: str | None
) -> tuple[Sequence[t.Any] | None, bool]:
    """``column`` escaped, or ``None`` when no cell of it may start a
    formula; and whether a cell of it may hold a sign (``+`` and ``-`` are
    triggers, and the escape only adds quotes).

    :param joined: The column's strings joined with :data:`_JOIN`, after
        one, when it holds only strings and ``None``: one search settles
        most such columns.
    """
    if joined is None:
        return tuple(map(_escape_cell, column)), True
    if not _may_need_quotes(joined):
        return None, False
    return tuple(map(escape_text, column)), "-" in joined or "+" in joined


class _Suspects:
    """The rows of a batch that :func:`guard_row` must read as a line, for
    ``delimiter``, found column by column.

    A field starts a cell for a reader on another separator when it starts
    the line, or (with a blank delimiter, TAB) after a field that ends open
    (:func:`_ends_open`): only there may a signed number run on.
    """

    def __init__(self, columns: list[Sequence[t.Any]], delimiter: str) -> None:
        self.columns = columns
        self.delimiter = delimiter
        self.blank = _BLANK_CHAR.fullmatch(delimiter) is not None
        self.rows: set[int] = set()
        #: Rows whose first field is their only suspect.
        self.firsts: list[int] = []

    def _after_open(self, i: int) -> bool:
        """Whether a field of column ``i`` > 0 may start such a cell."""
        return self.blank and _may_end_open(self.columns[i - 1])

    def safe_column(self, i: int, types: set[type]) -> None:
        """Column ``i`` holds numbers, dates and ``None`` only."""
        if i == 0:
            self.firsts = _signed_rows(self.columns[0], types)
        elif self._after_open(i):
            before = self.columns[i - 1]
            found = _signed_rows(self.columns[i], types)
            self.rows.update(j for j in found if _ends_open(before[j]))

    def text_column(self, i: int, text: bool) -> None:
        """Column ``i``, escaped, holds other cells (only strings and
        ``None`` if ``text``)."""
        column = self.columns[i]
        may_open = i > 0 and self._after_open(i)
        found = _signed_text_rows(column, i == 0 or may_open, text)
        if i and found:
            before = self.columns[i - 1]
            found = [
                j
                for j in found
                if (may_open and _ends_open(before[j]))
                or _SIGNED_INSIDE.search(_written(column[j]))
            ]
        self.rows.update(found)

    def guard(self, rows: list[Sequence[t.Any]]) -> list[Sequence[t.Any]]:
        """``rows`` with the suspects guarded (:func:`guard_row`)."""
        if not (self.rows or self.firsts):
            return rows
        rows = list(rows)
        for j in self.rows:
            rows[j] = guard_row(rows[j], self.delimiter)
        for j in self.firsts:
            if j not in self.rows:
                rows[j] = _guard_first(rows[j], self.delimiter)
        return rows


def escape_rows(
    rows: list[Sequence[t.Any]], delimiter: str | None = None
) -> list[Sequence[t.Any]]:
    """Apply the OWASP formula escape (:func:`escape_text`) to the string
    cells of a batch of rows; ``bytes`` cells are decoded first. With the
    ``delimiter`` the rows are written with, also put a ``'`` before the
    numbers that would run on into a formula for a reader splitting on
    another separator (:func:`guard_row`).

    Works column by column so that the common case costs a few C-level passes:
    a column holding only numbers, dates and ``None`` is skipped by its types
    (the first column, where such a reader starts a cell, after one ``min``),
    and a column of strings is searched once, joined, for a risky cell start.
    Only a column that may hold a formula is escaped cell by cell, and only
    a row holding a signed number where such a reader starts a cell is read
    as a line.
    """
    if len(set(map(len, rows))) > 1:
        return _escape_ragged(rows, delimiter)
    columns: list[Sequence[t.Any]] = list(zip(*rows))
    suspects = None if delimiter is None else _Suspects(columns, delimiter)
    changed = False
    for i, column in enumerate(columns):
        joined = _joined_strings(column)  # names, notes, dates as text
        text = joined is not None
        if not text:
            types = set(map(type, column))
            if all(map(_safe_type, types)):
                if suspects is not None:
                    suspects.safe_column(i, types)
                continue
            if types <= _TEXT:  # strings and None
                text = True
                joined = _JOIN + _JOIN.join(filter(None, column))
        escaped, signed = _escape_column(column, joined)
        if escaped is None:
            continue  # no trigger: no sign where a cell starts either
        columns[i] = escaped
        changed = True
        if suspects is not None and signed:
            suspects.text_column(i, text)
    done: list[Sequence[t.Any]] = list(zip(*columns)) if changed else rows
    return done if suspects is None else suspects.guard(done)


# -- Content-Disposition ------------------------------------------------------------

#: Bidirectional formatting characters: they reorder how a name is shown
#: (``invoice\u202efdp.exe`` shows as ``invoiceexe.pdf``).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# What a character of the exact name must not normalise to (NFKC): C0 and C1
# controls, DEL, path separators, line and paragraph separators, lone
# surrogates (from request data), bidirectional formatting.
_NAME_UNSAFE = re.compile(rf"[\x00-\x1f\x7f-\x9f/\\\u2028\u2029\ud800-\udfff{_BIDI}]")
#: Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties.txt): what
#: renders as nothing where it is not supported, the format characters (Cf)
#: among them (checked by category too), the Hangul fillers, the combining
#: grapheme joiner, variation selectors and reserved ranges.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_FALLBACK_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\%/]')
_SECOND_DOT = re.compile(r"(?<=\.)\.")


def _invisible(text: str) -> bool:
    """Whether ``text`` holds a format (Cf) or default-ignorable character."""
    return _IGNORABLE.search(text) is not None or any(
        unicodedata.category(char) == "Cf" for char in text
    )


def _exact_name(filename: str) -> str:
    """``filename`` with each character that normalises (NFKC) to something
    unsafe or invisible replaced by ``_``, and so is each dot after a dot:
    ``..`` never appears, whatever a client normalises (a two dot leader,
    fullwidth full stops, a digit with a full stop before a dot)."""
    out = []
    dot = False  # whether the name so far ends with "." once normalised
    for char in filename:
        if char.isascii():
            norm = char
            unsafe = _NAME_UNSAFE.search(norm) is not None
        else:
            norm = unicodedata.normalize("NFKC", char)
            unsafe = _NAME_UNSAFE.search(norm) is not None or _invisible(norm)
        if unsafe or ".." in norm:
            out.append("_")
            dot = False
        elif dot and norm[:1] == ".":
            out.append("_")  # a run of dots keeps its first only
        else:
            out.append(char)
            if norm and unicodedata.category(norm[0])[0] not in "MC":
                dot = norm[-1] == "."  # marks are skipped
    return "".join(out)


def content_disposition(filename: str) -> str:
    """An RFC 6266 ``attachment`` value: an ASCII ``filename`` fallback and the
    exact name as RFC 8187 ``filename*``.

    Neither carries path information or invisible characters (RFC 6266
    §4.3): checked after Unicode normalisation (NFKD for the fallback, NFKC
    per character for the exact name), ``/``, ``\\``, C0 and C1 controls,
    line separators, format characters (Unicode's Cf: bidirectional
    controls, zero-width spaces and joiners, the BOM, the soft hyphen, tags)
    and the other default-ignorable characters (Hangul fillers, variation
    selectors, the combining grapheme joiner) become ``_``, and so does
    every dot that follows a dot. The fallback also replaces what is not
    printable ASCII, ``"`` and ``%``; accents are dropped.
    """
    plain = "".join(
        c
        for c in unicodedata.normalize("NFKD", filename)
        if not unicodedata.combining(c)
    )
    fallback = _SECOND_DOT.sub("_", _FALLBACK_UNSAFE.sub("_", plain))
    exact = ext_value(_exact_name(filename))
    return f'attachment; filename="{fallback}"; filename*={exact}'


# -- Rows to cells ----------------------------------------------------------------


def _getter(keys: tuple[t.Any, ...], by: t.Callable[..., t.Any]) -> t.Any:
    get = by(*keys)
    return (lambda row: (get(row),)) if len(keys) == 1 else get


def _lenient(row: t.Any, keys: tuple[t.Any, ...]) -> tuple[t.Any, ...]:
    """The cells of ``row`` for ``keys``; a key the row lacks gives ``None``."""
    row = getattr(row, "_mapping", row)
    if isinstance(row, Mapping):
        return tuple(map(row.get, keys))
    if callable(getattr(row, "keys", None)):
        names = set(row.keys())
        return tuple(row[k] if k in names else None for k in keys)
    return tuple(getattr(row, k, None) for k in keys)


def row_keys(row: t.Any) -> tuple[t.Any, ...] | None:
    """The column names a row carries, or ``None`` for a plain sequence."""
    mapping = getattr(row, "_mapping", None)  # SQLAlchemy Row
    if isinstance(mapping, Mapping):
        return tuple(mapping)
    if isinstance(row, Mapping):
        return tuple(row)
    if isinstance(row, tuple) and hasattr(row, "_fields"):  # namedtuple
        return tuple(row._fields)
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return tuple(f.name for f in dataclasses.fields(row))
    if callable(getattr(row, "keys", None)):  # sqlite3.Row and friends
        return tuple(row.keys())
    return None


class Rows:
    """Turns one request's rows into sequences of cells, one converter per type."""

    def __init__(self, keys: tuple[t.Any, ...] | None) -> None:
        self.keys = keys
        self._by_type: dict[type, t.Any] = {}

    def _converter(self, row: t.Any) -> t.Any:
        cls = type(row)
        found = self._by_type.get(cls)
        if found is not None:
            return found
        keys = self.keys
        named = row_keys(row)
        if named is None and (
            isinstance(row, (str, bytes, bytearray)) or not isinstance(row, Iterable)
        ):
            raise TypeError(
                "csv_export rows must be mappings, sequences, dataclasses,"
                f" namedtuples or SQLAlchemy rows, got {cls.__name__}: {row!r}"
            )
        if named is None or keys is None:
            if named is not None:
                raise TypeError(
                    f"csv_export got a {cls.__name__} row after rows without"
                    " column names; pass columns= to name the columns"
                )
            # A plain sequence is written as it is; another iterable (a
            # generator, a NumPy row) is read once, into a tuple.
            found = False if isinstance(row, Sequence) else tuple
        elif hasattr(row, "_mapping"):
            get = _getter(keys, operator.itemgetter)
            found = lambda r: get(r._mapping)  # noqa: E731
        elif isinstance(row, tuple):  # namedtuple: by position
            fields = row._fields  # type: ignore[attr-defined]
            if keys == tuple(fields):
                found = False
            elif set(keys) <= set(fields):
                found = _getter(tuple(map(fields.index, keys)), operator.itemgetter)
            else:
                found = lambda r: _lenient(r, keys)  # noqa: E731
        elif dataclasses.is_dataclass(row):
            found = _getter(keys, operator.attrgetter)
        else:
            found = _getter(keys, operator.itemgetter)
        self._by_type[cls] = found
        return found

    def one(self, row: t.Any) -> Sequence[t.Any]:
        convert = self._converter(row)
        if convert is False:
            return t.cast(Sequence[t.Any], row)
        try:
            return t.cast(Sequence[t.Any], convert(row))
        except (KeyError, IndexError, AttributeError):
            return _lenient(row, t.cast(tuple[t.Any, ...], self.keys))

    def batch(self, rows: list[t.Any]) -> list[Sequence[t.Any]]:
        if len(set(map(type, rows))) == 1:
            convert = self._converter(rows[0])
            if convert is False:
                return rows
            try:
                return list(map(convert, rows))
            except (KeyError, IndexError, AttributeError):
                pass
        return list(map(self.one, rows))


def check_columns(
    columns: object,
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    if columns is None:
        return None, None
    if isinstance(columns, Mapping):
        pairs = list(columns.items())
    elif isinstance(columns, (str, bytes)) or not isinstance(columns, Iterable):
        raise TypeError(
            "csv_export columns must be a list of keys or a mapping of key to"
            f" header label, got {columns!r}"
        )
    else:
        pairs = [(key, key) for key in columns]
    if not pairs:
        raise ValueError("csv_export columns must not be empty")
    for key, label in pairs:
        if not isinstance(key, str) or not isinstance(label, str):
            raise TypeError(
                "csv_export columns keys and labels must be str,"
                f" got {key!r}: {label!r}"
            )
    return tuple(k for k, _ in pairs), tuple(label for _, label in pairs)


def check_filename(filename: object) -> Filename | None:
    if filename is None or callable(filename):
        return t.cast("Filename | None", filename)
    if not isinstance(filename, str):
        raise TypeError(
            f"csv_export filename must be a str or a callable, got {filename!r}"
        )
    if not filename or CONTROL.search(filename):
        raise ValueError(
            "csv_export filename must be a non-empty name without control"
            f" characters, got {filename!r}"
        )
    return filename


#: How many rows go into one chunk of the streamed body.
BATCH_ROWS = 500

_END: t.Any = object()


def _wants_csv() -> bool:
    """Whether the request asks for CSV rather than JSON.

    :raise BadRequest: The query string is not valid UTF-8 (raw bytes that
        some servers pass through), as ``paginate`` answers it.
    """
    try:
        fmt = request.args.get("format", "").lower()
    except UnicodeDecodeError:
        raise BadRequest("The query string is not valid UTF-8.") from None
    if fmt in ("csv", "json"):
        return fmt == "csv"
    ranges = accept_ranges(request.headers.get("Accept", ""))
    # At equal quality (``*/*``, no Accept) JSON, the API's usual form, wins.
    return accept_quality(ranges, "text/csv") > accept_quality(
        ranges, "application/json"
    )


_TUPLE_FORMS = (
    "a csv_export view may return (rows, status), (rows, headers) or"
    " (rows, status, headers), got {}; return a list or a generator to export rows"
)


def _unpack(rv: tuple[t.Any, ...]) -> tuple[t.Any, t.Any, Headers | None]:
    """Split Flask's tuple return forms, checking the status and headers."""
    status = headers = None
    if len(rv) == 3:
        body, status, headers = rv
    elif len(rv) == 2:
        body, extra = rv
        if isinstance(extra, (Headers, dict, tuple, list)):
            headers = extra
        else:
            status = extra
    else:
        raise TypeError(_TUPLE_FORMS.format(f"a tuple of {len(rv)}"))
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, (int, str))
    ):
        raise TypeError(_TUPLE_FORMS.format(f"the status {status!r}"))
    if headers is not None:
        try:
            headers = Headers(headers)
        except (TypeError, ValueError):
            raise TypeError(_TUPLE_FORMS.format(f"the headers {headers!r}")) from None
    return body, status, headers


_SURROGATES = re.compile("[\ud800-\udfff]")


def _utf8(text: str) -> bytes:
    """``text`` as UTF-8, each lone surrogate (which ``request.get_json()``
    accepts, escaped, and UTF-8 cannot carry) as U+FFFD."""
    try:
        return text.encode()
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text).encode()


#: What a CSV body that failed part-way ends with: a quoted field that is
#: never closed, which RFC 4180 parsers reject (pandas: "EOF inside string",
#: ``csv.reader(strict=True)``: "unexpected end of data"); a lenient reader
#: or a spreadsheet shows the message as the last cell.
BROKEN_TAIL = "ERROR: the export failed part-way; this file is incomplete."


def _stream(
    first: bytes,
    rows: Iterator[t.Any],
    write: t.Callable[[list[t.Any]], bytes],
    tail: bytes = b"",
    broken: bytes = b"",
) -> Iterator[bytes]:
    """Yield ``first``, then ``rows`` written in batches, then ``tail``.

    Runs inside the request context (``stream_with_context``). An error ends
    the stream: it is logged, ``broken`` is sent so that the body cannot be
    read as complete even without chunked framing (HTTP/1.0, where the end
    of the connection ends the body), and the error is re-raised, so the
    server drops the connection instead of ending the body cleanly. The
    rows' iterator is closed in any case (a generator's ``finally`` runs, a
    database cursor is released).
    """
    count = 1
    try:
        yield first
        while batch := list(islice(rows, BATCH_ROWS)):
            yield write(batch)
            count += len(batch)
        if tail:
            yield tail
    except Exception:
        current_app.logger.error(
            "csv_export: the export of %r stopped after %d rows",
            request.path,
            count,
            exc_info=True,
        )
        if broken:
            yield broken
        raise
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


class CsvStep(Step):
    """A :func:`csv_export` resolved for one app."""

    def __init__(self, export: CsvExport, dialect: Dialect, bom: bool, escape: bool):
        self.export = export
        self.dialect = dialect
        self.bom = bom
        self.escape = escape

    def convert(self, rv: t.Any, kwargs: dict[str, t.Any]) -> Response:
        if isinstance(rv, BaseResponse):
            return t.cast("Response", rv)
        body, status, headers = (
            _unpack(rv) if isinstance(rv, tuple) else (rv, None, None)
        )
        negotiate = self.export.negotiate
        if hasattr(body, "__aiter__"):
            raise TypeError(
                "csv_export cannot stream an async iterable; return a list or a"
                " (sync) generator, which may come from an async def view"
            )
        if isinstance(body, (str, bytes, bytearray, Mapping, BaseResponse)) or not (
            isinstance(body, Iterable)
        ):
            response = current_app.make_response(rv)
            if negotiate:
                add_vary(response.headers, ("Accept",))
            return response
        rows = iter(body)
        try:
            wants_csv = not negotiate or _wants_csv()
            first = next(rows, _END)
            if wants_csv:
                response, stream = self._csv(first, rows, kwargs)
            else:
                response, stream = self._json(first, rows)
            if status is not None:
                response.status = status
            if headers:
                response.headers.update(headers)
            if negotiate:
                add_vary(response.headers, ("Accept",))
        except BaseException:
            close = getattr(rows, "close", None)
            if close is not None:
                close()
            raise
        response.response = stream
        held = [response]

        def keep_context(sent: Response) -> Response:
            # The body is read inside the request context (stream_with_context),
            # entered here, in an after-request hook: it runs in the request's
            # own context, while the step of an async view runs in a copy of it,
            # where Flask < 3.1.2 would enter it so that leaving it fails
            # (pallets/flask#5774). Only the response sent gets it: when a
            # decorator above raised, an error response goes out instead, and
            # this one is closed now (its rows too) instead of keeping the
            # context entered until the garbage collector finds it.
            ours = held.pop()  # the request context keeps this hook, not ours
            if sent.response is stream:
                sent.response = stream_with_context(stream)
            elif sent is not ours:
                ours.close()
            return sent

        after_this_request(keep_context)
        close = getattr(rows, "close", None)
        if close is not None:  # also when the body is never read (HEAD)
            response.call_on_close(close)
        return response

    def _csv(
        self, first: t.Any, rows: Iterator[t.Any], kwargs: dict[str, t.Any]
    ) -> tuple[Response, Iterator[bytes]]:
        export = self.export
        disposition = export.disposition
        if callable(export.filename):
            filename = export.filename(**kwargs)
            if filename is not None and not isinstance(filename, str):
                raise TypeError(
                    "csv_export filename callable must return a str or None,"
                    f" got {filename!r}"
                )
            disposition = content_disposition(filename) if filename else None
        keys, labels = export.keys, export.labels
        if keys is None and first is not _END:
            keys = labels = row_keys(first)
        convert = Rows(keys)
        buffer = io.StringIO()
        writer = csv.writer(buffer, self.dialect)
        escape = self.escape
        delimiter = writer.dialect.delimiter

        def write(batch: list[t.Any]) -> bytes:
            cells = convert.batch(batch)
            if escape:
                return _utf8(
                    _written_rows(writer, buffer, escape_rows(cells, delimiter))
                )
            return _utf8(_written_decoded(writer, buffer, cells))

        has_header = export.header and labels is not None
        head = b"\xef\xbb\xbf" if self.bom else b""
        if has_header:
            head += write([labels])
        if first is not _END:
            head += write([first])
        response = current_app.response_class(
            content_type="text/csv; charset=utf-8; header="
            + ("present" if has_header else "absent"),
        )
        if disposition:
            response.headers["Content-Disposition"] = disposition
        broken = (writer.dialect.quotechar or '"') + BROKEN_TAIL
        return response, _stream(head, rows, write, broken=broken.encode())

    def _json(
        self, first: t.Any, rows: Iterator[t.Any]
    ) -> tuple[Response, Iterator[bytes]]:
        keys = self.export.keys
        if keys is None and first is not _END:
            keys = row_keys(first)
        convert = Rows(keys)
        provider = current_app.json
        dumps: t.Callable[[t.Any], str] = provider.dumps
        if isinstance(provider, DefaultJSONProvider):  # objects in column order
            dumps = functools.partial(provider.dumps, sort_keys=False)

        def write(batch: list[t.Any]) -> bytes:
            cells = json_rows(convert.batch(batch))
            items = (
                [dict(zip(keys, c)) for c in cells] if keys else list(map(list, cells))
            )
            return _utf8("," + dumps(items).strip()[1:-1])

        head = b"[" + (write([first])[1:] if first is not _END else b"")
        response = current_app.response_class(
            mimetype=getattr(current_app.json, "mimetype", "application/json")
        )
        return response, _stream(head, rows, write, b"]")


def check_dialect(option: str, value: object) -> str | type[csv.Dialect]:
    """Validate a :mod:`csv` dialect: a registered name or a ``csv.Dialect``
    subclass whose attributes :func:`csv.writer` accepts."""
    if isinstance(value, str):
        if value not in csv.list_dialects():
            raise ValueError(
                f"{option} must be one of {sorted(csv.list_dialects())} or a"
                f" csv.Dialect, got {value!r}"
            )
    elif not (isinstance(value, type) and issubclass(value, csv.Dialect)):
        raise TypeError(
            f"{option} must be a dialect name or a csv.Dialect, got {value!r}"
        )
    csv.writer(io.StringIO(), value)  # a Dialect with bad attributes raises here
    return value


class CsvExport(ResponseDecorator):
    """The decorator :func:`csv_export` makes; options validated when made."""

    takes_return_value = True
    exposes = ("Content-Disposition",)
    settings = (
        Setting("RESPKIT_CSV_BOM", False, check_bool),
        Setting("RESPKIT_CSV_ESCAPE_FORMULAS", True, check_bool),
        Setting("RESPKIT_CSV_DIALECT", "excel", check_dialect),
    )

    def __init__(
        self,
        columns: object,
        filename: object,
        header: object,
        dialect: object,
        bom: object,
        escape_formulas: object,
        negotiate: object,
    ) -> None:
        self.keys, self.labels = check_columns(columns)
        self.filename = check_filename(filename)
        #: The ``Content-Disposition`` of a fixed file name.
        self.disposition = (
            content_disposition(self.filename)
            if isinstance(self.filename, str)
            else None
        )
        self.header = check_bool("header", header)
        self.dialect = None if dialect is None else check_dialect("dialect", dialect)
        self.bom = None if bom is None else check_bool("bom", bom)
        self.escape_formulas = (
            None
            if escape_formulas is None
            else check_bool("escape_formulas", escape_formulas)
        )
        self.negotiate = check_bool("negotiate", negotiate)

    def identity(self) -> t.Hashable:
        return (
            self.keys,
            self.labels,
            self.filename,
            self.header,
            self.dialect,
            self.bom,
            self.escape_formulas,
            self.negotiate,
        )

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> CsvStep:
        def pick(value: t.Any, key: str) -> t.Any:
            return settings[key] if value is None else value

        dialect = self.dialect
        if dialect is None:
            dialect = check_dialect(
                "RESPKIT_CSV_DIALECT", settings["RESPKIT_CSV_DIALECT"]
            )
        return CsvStep(
            self,
            dialect=dialect,
            bom=pick(self.bom, "RESPKIT_CSV_BOM"),
            escape=pick(self.escape_formulas, "RESPKIT_CSV_ESCAPE_FORMULAS"),
        )

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        columns = f" Columns: {_code_list(self.labels)}." if self.labels else ""
        header = " The first line holds the column names." if self.header else ""
        doc.body(
            "text/csv",
            {
                "type": "string",
                "description": f"CSV (RFC 4180), streamed.{header}{columns}",
            },
        )
        if self.filename is not None:
            name = self.filename if isinstance(self.filename, str) else None
            example = {"example": f'attachment; filename="{name}"'} if name else {}
            doc.header(
                "Content-Disposition",
                {
                    "description": "The CSV is a download"
                    + (f" named `{name}`" if name else "")
                    + " (an ASCII `filename` and the exact UTF-8 `filename*`).",
                    "schema": {"type": "string"},
                    **example,
                },
            )
        if self.negotiate:
            item: dict[str, t.Any] = {"type": "object"}
            if self.keys:
                item["properties"] = {key: {} for key in self.keys}
            doc.body(
                "application/json",
                {
                    "type": "array",
                    "items": item,
                    "description": "The same rows as JSON objects.",
                },
            )
            doc.parameter(
                "format",
                "query",
                "`csv` or `json` forces the form; without it, `Accept`"
                " decides (JSON unless it prefers `text/csv`).",
                {"type": "string", "enum": ["csv", "json"]},
            )
            doc.varies("Accept")

    def summary(self, settings: Mapping[str, t.Any]) -> str:
        dialect = self.dialect or settings["RESPKIT_CSV_DIALECT"]
        if not isinstance(dialect, str):
            dialect = dialect.__name__
        escape = self.escape_formulas
        if escape is None:
            escape = settings["RESPKIT_CSV_ESCAPE_FORMULAS"]
        shown = f"filename={self.filename!r}, dialect={dialect!r}"
        return f"csv_export({shown}, escape_formulas={escape})"

    def __repr__(self) -> str:
        return f"csv_export(columns={self.keys!r}, filename={self.filename!r})"


def _code_list(names: Iterable[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


@t.overload
def csv_export(columns: F) -> F: ...


@t.overload
def csv_export(
    columns: Sequence[str] | Mapping[str, str] | None = None,
    *,
    filename: Filename | None = None,
    header: bool = True,
    dialect: Dialect | None = None,
    bom: bool | None = None,
    escape_formulas: bool | None = None,
    negotiate: bool = False,
) -> t.Callable[[F], F]: ...


def csv_export(
    columns: t.Any = None,
    *,
    filename: Filename | None = None,
    header: bool = True,
    dialect: Dialect | None = None,
    bom: bool | None = None,
    escape_formulas: bool | None = None,
    negotiate: bool = False,
) -> t.Any:
    """Stream the rows a view returns as a CSV download (RFC 4180).

    ::

        @app.get("/orders.csv")
        @csv_export({"id": "Order", "total": "Total (EUR)"}, filename="orders.csv")
        def orders():
            return db.execute("SELECT id, total FROM orders")   # any iterable

    The view returns an iterable of rows (mappings, sequences, dataclasses,
    namedtuples, SQLAlchemy ``Row`` or ``sqlite3.Row`` objects), a list or a
    generator, optionally in Flask's ``(rows, status)``, ``(rows, headers)``
    or ``(rows, status, headers)`` tuple. A returned ``Response`` passes
    through untouched; a string, bytes or dict body goes through
    :meth:`~flask.Flask.make_response` as usual (``return "gone", 410``).

    The first row is read before the response starts, so an error there is
    an ordinary error response; the rest is written in batches of
    :data:`BATCH_ROWS` rows as the client reads, inside the request context.
    A later error is logged and cuts the download off, the body ending in a
    quoted field that never closes (``BROKEN_TAIL``), which RFC 4180
    parsers reject, also over HTTP/1.0. ``None`` is an empty cell; ``bytes`` are
    decoded as UTF-8; other values are written with ``str`` (floats exactly,
    dates in ISO 8601). A row lacking a column's key gives an empty cell.

    Also usable bare, as ``@csv_export``.

    :param columns: The keys to export, in order, each its own header label;
        or a mapping of key to header label. Without it the first row's names
        are used (mapping keys, fields), or no header for plain sequences.
        Sequence rows are written by position; ``columns`` label them.
    :param filename: Send ``Content-Disposition: attachment`` with this name
        (an ASCII ``filename`` and the exact ``filename*``); a callable is
        called with the view's keyword arguments and may return ``None``.
    :param header: Write the header row (``header=present`` in
        ``Content-Type``).
    :param dialect: A :mod:`csv` dialect name or class; defaults to
        ``RESPKIT_CSV_DIALECT`` (``"excel"``: commas, ``\\r\\n``).
    :param bom: Start with a UTF-8 byte order mark, which Excel needs to read
        UTF-8; defaults to ``RESPKIT_CSV_BOM`` (``False``).
    :param escape_formulas: Put ``'`` wherever a string cell, or a part of
        it a spreadsheet could read as a cell, starts a formula (OWASP CSV
        injection; see ``flask_respkit.export.escape_text``); numbers, and
        strings that are number literals, are not changed, unless a reader
        splitting the line on another separator (``;``, TAB) would see them
        run on into a formula (``-1,5+cmd|...``; see
        ``flask_respkit.export.guard_row``). Defaults to
        ``RESPKIT_CSV_ESCAPE_FORMULAS`` (``True``).
    :param negotiate: Send CSV only when the client's ``Accept`` prefers
        ``text/csv`` or the query has ``?format=csv``, else the rows as a JSON
        array (``?format=json`` forces it) in the order of the columns, dates
        in ISO 8601; always adds ``Vary: Accept``. A query string that is not
        UTF-8 is a 400 :exc:`~werkzeug.exceptions.BadRequest`.
    :raise TypeError: An option has the wrong type (the message names it).
    :raise ValueError: An option has a bad value.

    .. versionadded:: 0.1.0
    """
    if callable(columns) and not isinstance(columns, (Mapping, type)):
        return CsvExport(
            None, filename, header, dialect, bom, escape_formulas, negotiate
        )(columns)
    return CsvExport(
        columns, filename, header, dialect, bom, escape_formulas, negotiate
    )
