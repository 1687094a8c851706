"""CSV export: :func:`csv_export` streams a view's rows as RFC 4180 CSV."""

from __future__ import annotations

import csv
import io
import typing as t
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice

from flask import current_app, request, stream_with_context
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response as BaseResponse

from ._csvrows import (
    Dialect,
    Filename,
    Rows,
    check_columns,
    check_filename,
    check_writer_dialect,
    content_disposition,
    escape_rows,
    row_keys,
)
from ._http import add_vary, check_bool
from .core import F, ResponseDecorator, Step

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask, Response

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
    best = request.accept_mimetypes.best_match(("application/json", "text/csv"))
    return best == "text/csv"


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

    def finish(self, rv: t.Any, kwargs: dict[str, t.Any]) -> Response:
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

    converts = True

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
        super().__init__()
        self.keys, self.labels = check_columns(columns)
        self.filename = check_filename(filename)
        self.header = check_bool("header", header)
        self.dialect = (
            None if dialect is None else check_writer_dialect("dialect", dialect)
        )
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
            dialect = check_writer_dialect(
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
