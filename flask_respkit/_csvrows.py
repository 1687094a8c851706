"""Helpers of :mod:`flask_respkit.export`: option checks, rows to cells, the
formula escape and ``Content-Disposition``."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import functools
import io
import numbers
import operator
import re
import typing as t
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote

from .extension import _check_dialect

#: A file name, or a callable of the view's keyword arguments returning one.
Filename = t.Union[str, t.Callable[..., t.Optional[str]]]
#: A :mod:`csv` dialect name or class.
Dialect = t.Union[str, type[csv.Dialect]]

_TRIGGERS = frozenset("=+-@\t\r\n")
# A cell of a NUL-joined column, NUL first, that starts with a formula trigger.
_RISKY = re.compile(r"\x00[=+\-@\t\r\n]")
_TEXT = frozenset({str, type(None)})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\\ud800-\udfff]")
_FALLBACK_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\%]')


@functools.lru_cache(maxsize=256)
def _safe_type(cls: type) -> bool:
    """Cells of ``cls`` are never escaped: numbers (NumPy's and ``Decimal``
    too), dates and times (pandas' ``Timestamp`` too) and ``None``."""
    return issubclass(cls, (numbers.Number, datetime.date, datetime.time, type(None)))


def _escape_text(cell: str | None) -> str | None:
    return "'" + cell if cell and cell[0] in _TRIGGERS else cell


def _escape_cell(cell: t.Any) -> t.Any:
    """``cell``, with a ``'`` in front if its text would start a formula."""
    if _safe_type(type(cell)):  # type: ignore[arg-type]  # types are hashable
        return cell
    text = cell if isinstance(cell, str) else str(cell)
    return "'" + text if text[:1] in _TRIGGERS else cell


def escape_rows(rows: list[Sequence[t.Any]]) -> list[Sequence[t.Any]]:
    """Apply the OWASP formula escape to the string cells of a batch of rows.

    Works column by column so that the common case costs a few C-level passes:
    a column holding only numbers, dates and ``None`` is skipped by its types,
    and a column of strings is searched once, joined, for a risky cell start.
    Only a column that may hold a formula is escaped cell by cell.
    """
    if len(set(map(len, rows))) > 1:
        return [list(map(_escape_cell, row)) for row in rows]
    columns = list(zip(*rows))
    changed = False
    for i, column in enumerate(columns):
        types = set(map(type, column))
        if all(map(_safe_type, types)):
            continue
        if types <= _TEXT:
            if not _RISKY.search("\x00" + "\x00".join(filter(None, column))):
                continue
            columns[i] = tuple(map(_escape_text, column))
        else:
            columns[i] = tuple(map(_escape_cell, column))
        changed = True
    return list(zip(*columns)) if changed else rows


def content_disposition(filename: str) -> str:
    """An RFC 6266 ``attachment`` value: an ASCII ``filename`` fallback and the
    exact name as RFC 8187 ``filename*``.

    Control characters and path separators become ``_``.
    """
    name = _NAME_UNSAFE.sub("_", filename)
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    )
    fallback = _FALLBACK_UNSAFE.sub("_", plain)
    exact = quote(name, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"


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
            found = False  # a plain sequence: written as it is
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
    if not filename or _CONTROL.search(filename):
        raise ValueError(
            "csv_export filename must be a non-empty name without control"
            f" characters, got {filename!r}"
        )
    return filename


def check_writer_dialect(option: str, dialect: object) -> Dialect:
    checked = t.cast(Dialect, _check_dialect(option, dialect))
    csv.writer(io.StringIO(), checked)  # a Dialect with bad attributes raises here
    return checked
