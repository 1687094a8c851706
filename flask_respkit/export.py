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
import numbers
import operator
import re
import typing as t
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice

from flask import current_app, request, stream_with_context
from werkzeug.datastructures import Headers
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
from .settings import check_dialect

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask, Response

#: A file name, or a callable of the view's keyword arguments returning one.
Filename = t.Union[str, t.Callable[..., t.Optional[str]]]
#: A :mod:`csv` dialect name or class.
Dialect = t.Union[str, type[csv.Dialect]]

_TRIGGERS = frozenset("=+-@\t\r\n")
# A cell of a NUL-joined column, NUL first, that starts with a formula trigger.
_RISKY = re.compile(r"\x00[=+\-@\t\r\n]")
_TEXT = frozenset({str, type(None)})
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
    return f'attachment; filename="{fallback}"; filename*={ext_value(name)}'


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
    try:
        fmt = request.args.get("format", "").lower()
    except UnicodeDecodeError:  # a query string that is not UTF-8: no choice
        fmt = ""
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


def _stream(
    first: bytes,
    rows: Iterator[t.Any],
    write: t.Callable[[list[t.Any]], bytes],
    tail: bytes = b"",
) -> Iterator[bytes]:
    """Yield ``first``, then ``rows`` written in batches, then ``tail``.

    Runs inside the request context (``stream_with_context``). An error ends
    the stream: it is logged and re-raised, so the server drops the connection
    instead of ending the body cleanly, and the client sees a cut download.
    The rows' iterator is closed in any case (a generator's ``finally`` runs,
    a database cursor is released).
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
            "csv_export: the export of %s stopped after %d rows",
            request.path,
            count,
            exc_info=True,
        )
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
            first = next(rows, _END)
            if not negotiate or _wants_csv():
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
        # Last, once nothing can fail: stream_with_context enters a copy of the
        # request context right away, which only the response's close leaves.
        response.response = stream_with_context(stream)
        close = getattr(rows, "close", None)
        if close is not None:  # also when the body is never read (HEAD)
            response.call_on_close(close)
        return response

    def _csv(
        self, first: t.Any, rows: Iterator[t.Any], kwargs: dict[str, t.Any]
    ) -> tuple[Response, Iterator[bytes]]:
        export = self.export
        filename = export.filename
        if callable(filename):
            filename = filename(**kwargs)
            if filename is not None and not isinstance(filename, str):
                raise TypeError(
                    "csv_export filename callable must return a str or None,"
                    f" got {filename!r}"
                )
        keys, labels = export.keys, export.labels
        if keys is None and first is not _END:
            keys = labels = row_keys(first)
        convert = Rows(keys)
        buffer = io.StringIO()
        writer = csv.writer(buffer, self.dialect)
        escape = self.escape

        def write(batch: list[t.Any]) -> bytes:
            cells = convert.batch(batch)
            writer.writerows(escape_rows(cells) if escape else cells)
            text = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return text.encode()

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
        if filename:
            response.headers["Content-Disposition"] = content_disposition(filename)
        return response, _stream(head, rows, write)

    def _json(
        self, first: t.Any, rows: Iterator[t.Any]
    ) -> tuple[Response, Iterator[bytes]]:
        keys = self.export.keys
        if keys is None and first is not _END:
            keys = row_keys(first)
        convert = Rows(keys)
        dumps = current_app.json.dumps

        def write(batch: list[t.Any]) -> bytes:
            cells = convert.batch(batch)
            items = (dict(zip(keys, c)) for c in cells) if keys else map(list, cells)
            return ("," + ",".join(map(dumps, items))).encode()

        head = b"[" + (write([first])[1:] if first is not _END else b"")
        response = current_app.response_class(
            mimetype=getattr(current_app.json, "mimetype", "application/json")
        )
        return response, _stream(head, rows, write, b"]")


class CsvExport(ResponseDecorator):
    """The decorator :func:`csv_export` makes; options validated when made."""

    takes_return_value = True

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

    def __repr__(self) -> str:
        return f"csv_export(columns={self.keys!r}, filename={self.filename!r})"


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
    A later error is logged and cuts the download off. ``None`` is an empty
    cell; other values are written with ``str`` (floats exactly, dates in
    ISO 8601). A row lacking a column's key gives an empty cell.

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
    :param escape_formulas: Put ``'`` before string cells starting with
        ``= + - @``, tab, CR or LF (OWASP CSV injection); numbers are never
        changed. Defaults to ``RESPKIT_CSV_ESCAPE_FORMULAS`` (``True``).
    :param negotiate: Send CSV only when the client's ``Accept`` prefers
        ``text/csv`` or the query has ``?format=csv``, else the rows as a JSON
        array (``?format=json`` forces it); always adds ``Vary: Accept``.
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
