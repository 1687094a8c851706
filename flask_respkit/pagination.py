"""Pagination: :func:`paginate` and :class:`Pagination`, by page number the way
GitHub's REST API does, or by cursor (keyset pagination) for large or live
tables, with signed, opaque cursor tokens."""

from __future__ import annotations

import datetime
import decimal
import inspect
import re
import typing as t
import uuid
from collections.abc import Mapping, Sequence
from urllib.parse import quote, unquote_plus

from flask import Response, request
from itsdangerous import BadData, URLSafeSerializer
from werkzeug.exceptions import BadRequest

from ._http import LINK_QUERY_SAFE, check_bool, check_positive_int
from .core import F, ResponseDecorator, Step
from .links import Link, append_links
from .settings import Setting
from .urls import base_url

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask

    from .describe import Description

_DIGITS = re.compile(r"[0-9]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The largest offset a database takes (a signed 64-bit integer).
_MAX_OFFSET = 2**63 - 1
#: A cursor key: a column or attribute name, ``-`` in front for descending.
_KEY = re.compile(r"-?[A-Za-z_][A-Za-z0-9_]*")
#: The query parameter of a cursor.
CURSOR_PARAM = "cursor"
#: Cursor tokens longer than this are refused unread (a 400). Every token the
#: kit sends fits: key values of up to :data:`MAX_CURSOR_TEXT` characters in
#: all make a token of at most this length, whatever the characters, and a
#: request line this long is already past what most servers take (the
#: Werkzeug development server's limit is 65,536 bytes, gunicorn's 4,094 by
#: default).
MAX_CURSOR_LENGTH = 65536
#: Key values whose text adds up to this many characters always make a
#: cursor of at most :data:`MAX_CURSOR_LENGTH` (no database indexes a key
#: that long: PostgreSQL's B-tree entries stop at 2,704 bytes).
MAX_CURSOR_TEXT = 8000
#: The itsdangerous salt of cursor tokens. The list (the app's import name and
#: the endpoint) and the keys are appended
#: (``flask-respkit.cursor:<app>/<endpoint>:<keys>``), so a cursor of one list
#: or ordering is refused by another, also by another app sharing the key.
CURSOR_SALT = "flask-respkit.cursor"

#: Key value types a cursor carries, each with its tag and its text form.
_ENCODERS: tuple[tuple[type, str, t.Callable[[t.Any], str]], ...] = (
    # The base types' own methods: a str or int Enum gives its value.
    (bool, "b", lambda v: "1" if v else "0"),
    (int, "i", int.__repr__),
    (float, "f", float.__repr__),
    (decimal.Decimal, "d", str),
    (str, "s", str.__str__),
    (uuid.UUID, "u", lambda v: v.hex),
    (datetime.datetime, "T", lambda v: v.isoformat()),
    (datetime.date, "D", lambda v: v.isoformat()),
)
_DECODERS: dict[str, t.Callable[[str], t.Any]] = {
    "b": {"1": True, "0": False}.__getitem__,
    "i": int,
    "f": float,
    "d": decimal.Decimal,
    "s": str,
    "S": lambda text: bytes.fromhex(text).decode("utf-8", "surrogatepass"),
    "u": uuid.UUID,
    "T": datetime.datetime.fromisoformat,
    "D": datetime.date.fromisoformat,
}


class Pagination:
    """The page a request asked for, given to the view as ``pagination``.

    In page mode, read :attr:`offset` and :attr:`limit` to fetch the page; set
    :attr:`total` when the collection's size is known (it gives
    ``X-Total-Count`` and the ``last`` link), or :attr:`has_next` when it is
    not. In cursor mode (``paginate(cursor=...)``), fetch :attr:`limit` rows
    ordered by :attr:`order` that come after :attr:`after`, and set
    :attr:`has_next`; :func:`flask_respkit.sqlalchemy.fetch_page` does all of
    it for a SQLAlchemy statement.

    .. versionadded:: 0.1.0
    """

    __slots__ = (
        "_has_next",
        "_total",
        "after",
        "count",
        "next_after",
        "order",
        "page",
        "per_page",
    )

    def __init__(
        self,
        page: int | None,
        per_page: int,
        *,
        after: tuple[t.Any, ...] | None = None,
        order: tuple[tuple[str, bool], ...] | None = None,
        count: bool = True,
    ) -> None:
        #: The page number, from 1; ``None`` in cursor mode.
        self.page = page
        #: The number of items on a page (the client's choice, clamped).
        self.per_page = per_page
        #: Cursor mode: the key values of the last row of the previous page,
        #: in :attr:`order`; ``None`` on the first page and in page mode.
        self.after = after
        #: Cursor mode: ``(key, descending)`` pairs the rows are ordered by;
        #: ``None`` in page mode.
        self.order = order
        #: Whether the total may be counted (``paginate(count=False)``: no).
        self.count = count
        #: Cursor mode: the key values the next page starts after. Set by
        #: ``fetch_page``; else read from the last row the view returns.
        self.next_after: tuple[t.Any, ...] | None = None
        self._total: int | None = None
        self._has_next: bool | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        """Cursor mode: the names of the keys of :attr:`order`."""
        return tuple(name for name, _ in self.order or ())

    @property
    def offset(self) -> int:
        """How many items come before this page: ``(page - 1) * per_page``
        (0 in cursor mode)."""
        return 0 if self.page is None else (self.page - 1) * self.per_page

    @property
    def limit(self) -> int:
        """The most items this page holds (``per_page``)."""
        return self.per_page

    @property
    def total(self) -> int | None:
        """The number of items in the whole collection, or ``None`` if unknown."""
        return self._total

    @total.setter
    def total(self, value: int | None) -> None:
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"Pagination.total must be an int, got {value!r}")
            if value < 0:
                raise ValueError(f"Pagination.total must not be negative, got {value}")
        self._total = value

    @property
    def pages(self) -> int | None:
        """The number of the last page (at least 1), or ``None`` if the total is
        unknown (always in cursor mode)."""
        if self._total is None or self.page is None:
            return None
        return max(1, -(-self._total // self.per_page))

    @property
    def has_next(self) -> bool | None:
        """Whether a page follows this one.

        As set by the view; if it was not set, computed from :attr:`total`, or
        ``None`` when that is unknown too.
        """
        if self._has_next is not None:
            return self._has_next
        pages = self.pages
        return None if pages is None else t.cast(int, self.page) < pages

    @has_next.setter
    def has_next(self, value: bool | None) -> None:
        if value is not None and not isinstance(value, bool):
            raise TypeError(f"Pagination.has_next must be a bool, got {value!r}")
        self._has_next = value

    def __repr__(self) -> str:
        if self.order is not None:
            return (
                f"Pagination(after={self.after!r}, per_page={self.per_page},"
                f" has_next={self.has_next})"
            )
        return (
            f"Pagination(page={self.page}, per_page={self.per_page},"
            f" total={self._total}, has_next={self.has_next})"
        )


def _args_list(name: str) -> list[str]:
    try:
        return request.args.getlist(name)
    except UnicodeDecodeError:  # raw non-UTF-8 bytes in the query string
        raise BadRequest("The query string is not valid UTF-8.") from None


def _read(name: str, default: int, most: int | None = None) -> int:
    """A query parameter as an int >= 1; above ``most`` it is clamped to it."""
    values = _args_list(name)
    if not values:
        return default
    raw = values[0]
    if _DIGITS.fullmatch(raw):
        if len(raw.lstrip("0")) > 18:
            if most is not None:
                return most
            raise BadRequest(f"Query parameter {name!r} is too large.")
        if int(raw) >= 1:
            return int(raw) if most is None else min(int(raw), most)
    shown = raw if len(raw) <= 40 else raw[:40] + "..."
    raise BadRequest(
        f"Query parameter {name!r} must be a whole number of at least 1, got {shown!r}."
    )


def _encode(key: str, value: t.Any) -> list[str]:
    if value is None:
        return ["n", ""]
    if isinstance(value, str) and _SURROGATE.search(value):
        # The token's JSON is UTF-8, which cannot carry lone surrogates, and
        # JSON would read a high one followed by a low one back as one
        # character: their UTF-8 bytes (surrogates kept) in hex instead.
        return ["S", value.encode("utf-8", "surrogatepass").hex()]
    for cls, tag, text in _ENCODERS:
        if isinstance(value, cls):
            return [tag, text(value)]
    raise TypeError(
        f"paginate(cursor=...): key {key!r} holds a {type(value).__name__};"
        " a cursor carries int, float, Decimal, str, bool, None, UUID, date"
        " and datetime values"
    )


def _decode(item: object) -> t.Any:
    tag, text = t.cast("list[str]", item)
    if tag == "n":
        return None
    if not isinstance(text, str):
        raise TypeError(text)
    return _DECODERS[tag](text)


class Cursors:
    """Cursor tokens of one ordering of one list in one app: URL-safe, opaque
    to clients and signed with the app's ``SECRET_KEY`` (itsdangerous), so a
    client can neither alter nor forge one (signed, not encrypted: the key
    values can be decoded from it); a cursor of another app, list or
    ordering is refused.

    :param secret_key: The app's ``SECRET_KEY``, or a list of keys, the
        newest last (older ones still verify).
    :param order: ``(key, descending)`` pairs.
    :param endpoint: The list the cursors belong to: the app's import name
        and the endpoint of its view (``"shop/api.items"``).
    """

    def __init__(
        self,
        secret_key: str | bytes | list[str],
        order: tuple[tuple[str, bool], ...],
        endpoint: str = "",
    ) -> None:
        self.order = order
        self.endpoint = endpoint
        spec = ",".join(("-" if desc else "") + key for key, desc in order)
        # The keys go last: they hold no ":", so the salt reads one way only.
        self.serializer = URLSafeSerializer(
            secret_key, salt=f"{CURSOR_SALT}:{endpoint}:{spec}"
        )

    def dumps(self, values: tuple[t.Any, ...]) -> str:
        """The token for the key ``values``: at most
        :data:`MAX_CURSOR_LENGTH` characters when their text adds up to
        :data:`MAX_CURSOR_TEXT` characters or fewer, and always taken back
        by :meth:`loads`.

        :raise TypeError: A value has a type a cursor cannot carry.
        :raise ValueError: The token would be longer than
            :data:`MAX_CURSOR_LENGTH` (key values of tens of thousands of
            characters).
        """
        keys = [key for key, _ in self.order]
        token = self.serializer.dumps([_encode(k, v) for k, v in zip(keys, values)])
        if len(token) > MAX_CURSOR_LENGTH:
            raise ValueError(
                f"paginate(cursor=...): the key values of the last row make a"
                f" cursor of {len(token)} characters, over {MAX_CURSOR_LENGTH}"
                f" (values of up to {MAX_CURSOR_TEXT} characters in all always"
                f" fit); page by shorter keys. The values begin {values!r:.200}"
            )
        return token

    def loads(self, token: str) -> tuple[t.Any, ...]:
        """The key values of ``token``, each of the type it was made of.

        :raise BadRequest: The token is too long, tampered with, made by
            another app, for another list or ordering, or garbled.
        """
        try:
            if len(token) > MAX_CURSOR_LENGTH:
                raise ValueError("too long")
            items = self.serializer.loads(token)
            if not isinstance(items, list) or len(items) != len(self.order):
                raise ValueError("not this ordering's cursor")
            return tuple(map(_decode, items))
        except (BadData, ValueError, TypeError, KeyError, ArithmeticError):
            raise BadRequest(
                f"Query parameter {CURSOR_PARAM!r} is not a valid cursor of this"
                " list; start again from the first page (without it)."
            ) from None


def _key_values(row: t.Any, keys: tuple[str, ...]) -> tuple[t.Any, ...]:
    """The values of ``keys`` in ``row``: a mapping, a SQLAlchemy ``Row`` or
    an object with attributes."""
    mapping = getattr(row, "_mapping", None)  # SQLAlchemy Row
    if isinstance(mapping, Mapping):
        row = mapping
    try:
        if isinstance(row, Mapping):
            return tuple(row[key] for key in keys)
        return tuple(getattr(row, key) for key in keys)
    except (KeyError, AttributeError) as e:
        raise TypeError(
            f"paginate(cursor=...): the last row the view returned has no key"
            f" {e.args[0]!r}; return rows that carry every cursor key, or set"
            " pagination.next_after"
        ) from None


class _PaginateStep(Step):
    """What both modes share: the page size, and URLs of this request with
    one query parameter replaced."""

    def __init__(
        self, per_page: int, max_per_page: int, per_page_param: str | None
    ) -> None:
        self.per_page = per_page
        self.max_per_page = max_per_page
        self.per_page_param = per_page_param

    def read_per_page(self) -> int:
        if self.per_page_param is None:
            return self.per_page
        return _read(self.per_page_param, self.per_page, self.max_per_page)

    def url_maker(self, param: str, per_page: int) -> t.Callable[[object], str]:
        """A function of a value giving this request's URL with ``param`` set
        to that value (left out for ``None``), every other query argument kept
        as sent, in order, and the page size at its effective value."""
        head: list[str] = []
        tail: list[str] = []
        parts = head
        seen_param = seen_per_page = False
        for segment in request.query_string.decode("latin-1").split("&"):
            if not segment:
                continue
            name = unquote_plus(segment.split("=", 1)[0], errors="replace")
            if name == param:
                if not seen_param:
                    seen_param, parts = True, tail
                continue
            if name == self.per_page_param:
                if not seen_per_page:
                    seen_per_page = True
                    parts.append(f"{quote(name, safe='')}={per_page}")
                continue
            parts.append(quote(segment.encode("latin-1"), safe=LINK_QUERY_SAFE))
        base = base_url()
        before = "?" + "&".join([*head, ""])
        after = "&".join(["", *tail]) if tail else ""
        key = quote(param, safe="")
        rest = "&".join([*head, *tail])
        without = f"{base}?{rest}" if rest else base

        def url(value: object) -> str:
            return without if value is None else f"{base}{before}{key}={value}{after}"

        return url


class _PageStep(_PaginateStep):
    def __init__(
        self,
        per_page: int,
        max_per_page: int,
        per_page_param: str | None,
        page_param: str,
        count: bool,
    ) -> None:
        super().__init__(per_page, max_per_page, per_page_param)
        self.page_param = page_param
        self.count = count

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        page = _read(self.page_param, 1)
        per_page = self.read_per_page()
        if (page - 1) * per_page > _MAX_OFFSET:
            raise BadRequest(f"Query parameter {self.page_param!r} is too large.")
        kwargs["pagination"] = Pagination(page, per_page, count=self.count)
        return None

    def after(self, response: Response, kwargs: dict[str, t.Any]) -> Response:
        if 200 <= response.status_code < 300:
            self.add_links(response, kwargs["pagination"])
        return response

    def add_links(self, response: Response, p: Pagination) -> None:
        """Add ``X-Total-Count`` and the ``Link`` rels of page ``p``."""
        page = t.cast(int, p.page)
        total = p.total
        if total is not None:
            response.headers["X-Total-Count"] = str(total)
        last = p.pages
        has_next = p.has_next
        if has_next is None:
            has_next = True
        if page == 1 and not has_next and last in (None, 1):
            return
        rels = [("first", 1)]
        if page > 1:
            rels.append(("prev", page - 1 if last is None else min(page - 1, last)))
        if has_next:
            rels.append(("next", page + 1))
        if last is not None:
            rels.append(("last", last))
        url = self.url_maker(self.page_param, p.per_page)
        append_links(response, [Link._make(url(n), rel) for rel, n in rels])


class _CursorStep(_PaginateStep):
    def __init__(
        self,
        per_page: int,
        max_per_page: int,
        per_page_param: str | None,
        secret_key: str | bytes | list[str],
        order: tuple[tuple[str, bool], ...],
        app_name: str = "",
    ) -> None:
        super().__init__(per_page, max_per_page, per_page_param)
        #: The app's import name: with the endpoint, the list a cursor is of.
        self.app_name = app_name
        self.secret_key = secret_key
        self.order = order
        self.keys = tuple(key for key, _ in self.order)
        #: The cursors of each endpoint the view serves, made on first use.
        self.by_endpoint: dict[str, Cursors] = {}

    def cursors(self) -> Cursors:
        """The cursors of the list this request reads: its endpoint's."""
        endpoint = request.endpoint or ""
        found = self.by_endpoint.get(endpoint)
        if found is None:
            found = Cursors(self.secret_key, self.order, f"{self.app_name}/{endpoint}")
            self.by_endpoint[endpoint] = found
        return found

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        per_page = self.read_per_page()
        tokens = _args_list(CURSOR_PARAM)
        after = self.cursors().loads(tokens[0]) if tokens and tokens[0] else None
        kwargs["pagination"] = Pagination(
            None, per_page, after=after, order=self.order, count=False
        )
        return None

    def returned(self, rv: t.Any, kwargs: dict[str, t.Any]) -> None:
        p: Pagination = kwargs["pagination"]
        rows = rv[0] if isinstance(rv, tuple) and rv else rv
        if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
            if p.next_after is None and p.has_next is not False:
                raise TypeError(
                    "paginate(cursor=...) reads the key values of the last row"
                    " from a list (or tuple) of rows the view returns, got"
                    f" {type(rows).__name__}; set pagination.next_after (or"
                    " has_next = False) in the view"
                )
            return
        if p.has_next is None:
            p.has_next = len(rows) >= p.per_page
        if p.next_after is None and rows:
            p.next_after = _key_values(rows[-1], self.keys)

    def after(self, response: Response, kwargs: dict[str, t.Any]) -> Response:
        if not 200 <= response.status_code < 300:
            return response
        p: Pagination = kwargs["pagination"]
        if p.total is not None:
            response.headers["X-Total-Count"] = str(p.total)
        has_next = p.has_next is not False and p.next_after is not None
        if p.after is None and not has_next:
            return response  # everything on the first page
        url = self.url_maker(CURSOR_PARAM, p.per_page)
        links = [Link._make(url(None), "first")]
        if has_next:
            token = self.cursors().dumps(t.cast("tuple[t.Any, ...]", p.next_after))
            links.append(Link._make(url(token), "next"))
        append_links(response, links)
        return response


class _Paginate(ResponseDecorator):
    exposes = ("Link", "X-Total-Count")
    settings = (
        Setting("RESPKIT_PER_PAGE", 20, check_positive_int),
        Setting("RESPKIT_MAX_PER_PAGE", 100, check_positive_int),
    )

    @classmethod
    def check_settings(cls, settings: Mapping[str, t.Any]) -> None:
        per_page, most = settings["RESPKIT_PER_PAGE"], settings["RESPKIT_MAX_PER_PAGE"]
        if per_page > most:
            raise ValueError(
                "RESPKIT_PER_PAGE must not exceed RESPKIT_MAX_PER_PAGE"
                f" ({per_page} > {most})"
            )

    def __init__(
        self,
        per_page: int | None,
        max_per_page: int | None,
        page_param: str,
        per_page_param: str | None,
        count: bool,
        order: tuple[tuple[str, bool], ...] | None,
    ) -> None:
        self.per_page = per_page
        self.max_per_page = max_per_page
        self.page_param = page_param
        self.per_page_param = per_page_param
        self.count = count
        self.order = order

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        per_page = self.per_page or settings["RESPKIT_PER_PAGE"]
        max_per_page = self.max_per_page or settings["RESPKIT_MAX_PER_PAGE"]
        if per_page > max_per_page:
            given = "per_page" if self.per_page else "RESPKIT_PER_PAGE"
            limit = "max_per_page" if self.max_per_page else "RESPKIT_MAX_PER_PAGE"
            raise ValueError(
                f"paginate(): {given} ({per_page}) must not exceed {limit}"
                f" ({max_per_page})"
            )
        if self.order is None:
            return _PageStep(
                per_page,
                max_per_page,
                self.per_page_param,
                self.page_param,
                self.count,
            )
        secret = app.config.get("SECRET_KEY")
        if not secret:
            raise RuntimeError(
                "paginate(cursor=...) signs its cursors with the app's SECRET_KEY;"
                " set app.config['SECRET_KEY'] (a long random value)"
            )
        # Flask 3.1's SECRET_KEY_FALLBACKS: cursors signed before a key
        # rotation stay valid (itsdangerous takes the newest key last).
        keys = [*(app.config.get("SECRET_KEY_FALLBACKS") or ()), secret]
        return _CursorStep(
            per_page,
            max_per_page,
            self.per_page_param,
            keys if len(keys) > 1 else secret,
            self.order,
            app.import_name,
        )

    def identity(self) -> t.Hashable:
        return (
            self.per_page,
            self.max_per_page,
            self.page_param,
            self.per_page_param,
            self.count,
            self.order,
        )

    def __call__(self, view: F) -> F:
        try:
            params = inspect.signature(view).parameters.values()
        except (TypeError, ValueError):  # pragma: no cover - builtins
            params = None
        if params is not None and not any(
            p.name == "pagination" or p.kind is p.VAR_KEYWORD for p in params
        ):
            raise TypeError(
                f"paginate() passes the view a 'pagination' keyword argument;"
                f" add a 'pagination' parameter to {getattr(view, '__name__', view)}"
            )
        return super().__call__(view)

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        per_page = self.per_page or settings["RESPKIT_PER_PAGE"]
        most = self.max_per_page or settings["RESPKIT_MAX_PER_PAGE"]
        cursor = self.order is not None
        if cursor:
            doc.parameter(
                CURSOR_PARAM,
                "query",
                "Where the page starts: the opaque, signed token of a"
                " `next` link. Leave it out for the first page.",
                {"type": "string"},
            )
        else:
            doc.parameter(
                self.page_param,
                "query",
                "The page number, from 1.",
                {"type": "integer", "minimum": 1, "default": 1},
            )
        names = [CURSOR_PARAM if cursor else self.page_param]
        if self.per_page_param is not None:
            names.append(self.per_page_param)
            doc.parameter(
                self.per_page_param,
                "query",
                f"Items per page, {per_page} by default; a larger number"
                f" than {most} is lowered to {most}.",
                {"type": "integer", "minimum": 1, "maximum": most, "default": per_page},
            )
        if cursor:
            doc.links("first", "next")
        else:
            doc.links("first", "prev", "next", "last")
            if self.count:
                doc.header(
                    "X-Total-Count",
                    {
                        "description": "The number of items in the whole collection.",
                        "schema": {"type": "integer", "minimum": 0},
                    },
                )
        either = " or ".join(f"`{n}`" for n in names)
        what = "is not valid" if cursor else "is not a whole number of at least 1"
        doc.error("400", f"Bad Request: the query parameter {either} {what}.")

    def summary(self, settings: Mapping[str, t.Any]) -> str:
        per_page = self.per_page or settings["RESPKIT_PER_PAGE"]
        most = self.max_per_page or settings["RESPKIT_MAX_PER_PAGE"]
        if self.order is None:
            mode = f"page={self.page_param!r}, count={self.count}"
        else:
            keys = tuple(("-" if d else "") + k for k, d in self.order)
            mode = f"cursor={keys!r}"
        return f"paginate({mode}, per_page={per_page}, max_per_page={most})"

    def __repr__(self) -> str:
        mode = (
            f"page_param={self.page_param!r}"
            if self.order is None
            else f"cursor={tuple(('-' if d else '') + k for k, d in self.order)!r}"
        )
        return (
            f"paginate(per_page={self.per_page}, max_per_page={self.max_per_page},"
            f" {mode}, per_page_param={self.per_page_param!r})"
        )


def _check_param(option: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"paginate({option}=) must be a str, got {value!r}")
    if not value or re.search(r"[&=#\s]", value):
        raise ValueError(
            f"paginate({option}=) must be a non-empty query parameter name without"
            f" '&', '=', '#' or spaces, got {value!r}"
        )
    return value


def _check_cursor(value: object) -> tuple[tuple[str, bool], ...]:
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, (tuple, list)) or not names:
        raise TypeError(
            "paginate(cursor=) must be a key name or a tuple of them"
            f" ('-' in front for descending), got {value!r}"
        )
    order: list[tuple[str, bool]] = []
    for name in names:
        if not isinstance(name, str) or not _KEY.fullmatch(name):
            raise ValueError(
                "paginate(cursor=) keys must be column or attribute names, '-' in"
                f" front for descending, got {name!r}"
            )
        key = name.lstrip("-")
        if any(key == k for k, _ in order):
            raise ValueError(f"paginate(cursor=) names the key {key!r} twice")
        order.append((key, name.startswith("-")))
    return tuple(order)


def paginate(
    per_page: int | None = None,
    max_per_page: int | None = None,
    page_param: str = "page",
    per_page_param: str | None = "per_page",
    count: bool = True,
    cursor: str | t.Sequence[str] | None = None,
) -> t.Callable[[F], F]:
    """Paginate a collection view the way GitHub's REST API does.

    Reads ``?page=`` and ``?per_page=`` and gives the view a
    :class:`Pagination` as its ``pagination`` keyword argument. The view
    fetches ``pagination.limit`` items from ``pagination.offset`` and sets
    ``pagination.total`` (or, when counting is too dear, ``has_next``)::

        @app.get("/items")
        @paginate(per_page=50)
        def list_items(pagination):
            pagination.total = db.count()
            return db.fetch(pagination.offset, pagination.limit)

    A 2xx response then gets ``Link`` rels ``first``, ``prev`` (not on page
    1), ``next`` (not on the last page) and ``last`` (only when the total is
    known), as absolute URLs that keep every other query argument in order
    (``per_page``, if the client sent it, with its effective value); no
    ``Link`` when everything fits on page 1; ``X-Total-Count`` whenever the
    total is known. Links the view set itself are kept.

    With ``cursor=`` it pages by **cursor** (keyset pagination) instead, for
    large or live tables: the query arguments are ``cursor`` (an opaque,
    signed token) and ``per_page``; ``pagination.after`` holds the key values
    of the last row of the previous page (``None`` on the first page), and
    the view fetches the ``limit`` rows ordered by ``pagination.order`` that
    come after them::

        @app.get("/events")
        @paginate(cursor=("-created_at", "id"))
        def events(pagination):
            return fetch_page(db.session, select(Event), pagination)

    After the view, the ``Link`` rels ``first`` and ``next`` are built from
    the key values of the last row the view returned (mapping keys or
    attributes; or ``pagination.next_after``). ``next`` is left out when the
    view set ``has_next = False``, or, if it set nothing, when the page is not
    full. There is no ``prev``, ``last`` or total: keyset pages never count.

    A page or page size that is not a whole number of at least 1 (``abc``,
    ``1e3``, ``-1``, ``0``), or a cursor that is tampered with, foreign or
    garbled, is answered ``400 Bad Request`` through the app's error
    handlers, naming the parameter; a page size above the maximum is lowered
    to it.

    :param per_page: The page size when the client gives none; default
        ``RESPKIT_PER_PAGE`` (20).
    :param max_per_page: The largest page size a client may ask for; default
        ``RESPKIT_MAX_PER_PAGE`` (100).
    :param page_param: The query parameter holding the page number.
    :param per_page_param: The query parameter holding the page size, or
        ``None`` to always use ``per_page``.
    :param count: Page mode: ``False`` tells ``fetch_page`` not to count the
        collection (it fetches one row more to set ``has_next``).
    :param cursor: Cursor mode: the sort key, a column or attribute name or a
        tuple of them, ``-`` in front for descending (``("-created_at",
        "id")``). The keys together must be unique and never ``NULL``. Needs
        the app's ``SECRET_KEY``, which signs the cursors. A cursor belongs
        to its list, the endpoint of the request that made it: any other
        endpoint refuses it, whatever its keys.
    :raise ValueError: An option is bad, or ``per_page`` exceeds
        ``max_per_page`` (once the app's config is merged in, the first time
        the view runs in that app).
    :raise RuntimeError: Cursor mode in an app without ``SECRET_KEY`` (the
        first time the view runs in it).
    :raise TypeError: An option has the wrong type, or the view takes no
        ``pagination`` argument.

    .. versionadded:: 0.1.0
    """
    if per_page is not None:
        check_positive_int("paginate(per_page=)", per_page)
    if max_per_page is not None:
        check_positive_int("paginate(max_per_page=)", max_per_page)
    if per_page and max_per_page and per_page > max_per_page:
        raise ValueError(
            f"paginate(): per_page ({per_page}) must not exceed max_per_page"
            f" ({max_per_page})"
        )
    _check_param("page_param", page_param)
    if per_page_param is not None:
        _check_param("per_page_param", per_page_param)
        if per_page_param == page_param:
            raise ValueError("paginate(): page_param and per_page_param must differ")
        if cursor is not None and per_page_param == CURSOR_PARAM:
            raise ValueError(f"paginate(): per_page_param must not be {CURSOR_PARAM!r}")
    check_bool("paginate(count=)", count)
    order = None if cursor is None else _check_cursor(cursor)
    return _Paginate(per_page, max_per_page, page_param, per_page_param, count, order)
