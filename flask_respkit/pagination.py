"""GitHub-style pagination: :func:`paginate` and :class:`Pagination`."""

from __future__ import annotations

import inspect
import re
import typing as t
from urllib.parse import quote, unquote_plus

from flask import Response, request
from werkzeug.exceptions import BadRequest

from ._http import LINK_QUERY_SAFE, check_positive_int
from .core import F, ResponseDecorator, Step
from .links import Link, append_links, base_url

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping

    from flask import Flask

_DIGITS = re.compile(r"[0-9]+")
#: The largest offset a database takes (a signed 64-bit integer).
_MAX_OFFSET = 2**63 - 1


class Pagination:
    """The page a request asked for, given to the view as ``pagination``.

    Read :attr:`offset` and :attr:`limit` to fetch the page; set :attr:`total`
    when the collection's size is known (it gives ``X-Total-Count`` and the
    ``last`` link), or :attr:`has_next` when it is not.

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_has_next", "_total", "page", "per_page")

    def __init__(self, page: int, per_page: int) -> None:
        #: The page number, from 1.
        self.page = page
        #: The number of items on a page (the client's choice, clamped).
        self.per_page = per_page
        self._total: int | None = None
        self._has_next: bool | None = None

    @property
    def offset(self) -> int:
        """How many items come before this page: ``(page - 1) * per_page``."""
        return (self.page - 1) * self.per_page

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
        unknown."""
        if self._total is None:
            return None
        return max(1, -(-self._total // self.per_page))

    @property
    def has_next(self) -> bool | None:
        """Whether a page follows this one.

        As set by the view; if it was not set, computed from :attr:`total`, or
        ``None`` when that is unknown too (a ``next`` link is then given).
        """
        if self._has_next is not None:
            return self._has_next
        pages = self.pages
        return None if pages is None else self.page < pages

    @has_next.setter
    def has_next(self, value: bool | None) -> None:
        if value is not None and not isinstance(value, bool):
            raise TypeError(f"Pagination.has_next must be a bool, got {value!r}")
        self._has_next = value

    def __repr__(self) -> str:
        return (
            f"Pagination(page={self.page}, per_page={self.per_page},"
            f" total={self._total}, has_next={self.has_next})"
        )


def _read(name: str, default: int, most: int | None = None) -> int:
    """A query parameter as an int >= 1; above ``most`` it is clamped to it."""
    try:
        values = request.args.getlist(name)
    except UnicodeDecodeError:  # raw non-UTF-8 bytes in the query string
        raise BadRequest("The query string is not valid UTF-8.") from None
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


class _PaginateStep(Step):
    def __init__(
        self,
        per_page: int,
        max_per_page: int,
        page_param: str,
        per_page_param: str | None,
    ) -> None:
        self.per_page = per_page
        self.max_per_page = max_per_page
        self.page_param = page_param
        self.per_page_param = per_page_param

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        page = _read(self.page_param, 1)
        per_page = self.per_page
        if self.per_page_param is not None:
            per_page = _read(self.per_page_param, per_page, self.max_per_page)
        if (page - 1) * per_page > _MAX_OFFSET:
            raise BadRequest(f"Query parameter {self.page_param!r} is too large.")
        kwargs["pagination"] = Pagination(page, per_page)
        return None

    def after(self, response: Response, kwargs: dict[str, t.Any]) -> Response:
        if 200 <= response.status_code < 300:
            self.add_links(response, kwargs["pagination"])
        return response

    def add_links(self, response: Response, p: Pagination) -> None:
        """Add ``X-Total-Count`` and the ``Link`` rels of page ``p``."""
        total = p.total
        if total is not None:
            response.headers["X-Total-Count"] = str(total)
        last = p.pages
        has_next = p.has_next
        if has_next is None:
            has_next = True
        if p.page == 1 and not has_next and last in (None, 1):
            return
        rels = [("first", 1)]
        if p.page > 1:
            rels.append(("prev", p.page - 1 if last is None else min(p.page - 1, last)))
        if has_next:
            rels.append(("next", p.page + 1))
        if last is not None:
            rels.append(("last", last))
        url = self._url_maker(p.per_page)
        append_links(response, [Link._make(url(n), rel) for rel, n in rels])

    def _url_maker(self, per_page: int) -> t.Callable[[int], str]:
        """A function of the page number giving this request's URL for that
        page, every other query argument kept as sent, in order."""
        head: list[str] = []
        tail: list[str] = []
        parts = head
        seen_page = seen_per_page = False
        for segment in request.query_string.decode("latin-1").split("&"):
            if not segment:
                continue
            name = unquote_plus(segment.split("=", 1)[0], errors="replace")
            if name == self.page_param:
                if not seen_page:
                    seen_page, parts = True, tail
                continue
            if name == self.per_page_param:
                if not seen_per_page:
                    seen_per_page = True
                    parts.append(f"{quote(name, safe='')}={per_page}")
                continue
            parts.append(quote(segment.encode("latin-1"), safe=LINK_QUERY_SAFE))
        base = base_url() + "?"
        before = "&".join([*head, ""]) if head else ""
        after = "&".join(["", *tail]) if tail else ""
        key = quote(self.page_param, safe="")
        return lambda n: f"{base}{before}{key}={n}{after}"


class _Paginate(ResponseDecorator):
    def __init__(
        self,
        per_page: int | None,
        max_per_page: int | None,
        page_param: str,
        per_page_param: str | None,
    ) -> None:
        super().__init__()
        self.per_page = per_page
        self.max_per_page = max_per_page
        self.page_param = page_param
        self.per_page_param = per_page_param

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
        return _PaginateStep(
            per_page, max_per_page, self.page_param, self.per_page_param
        )

    def identity(self) -> t.Hashable:
        return (self.per_page, self.max_per_page, self.page_param, self.per_page_param)

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

    def __repr__(self) -> str:
        return (
            f"paginate(per_page={self.per_page}, max_per_page={self.max_per_page},"
            f" page_param={self.page_param!r}, per_page_param={self.per_page_param!r})"
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


def paginate(
    per_page: int | None = None,
    max_per_page: int | None = None,
    page_param: str = "page",
    per_page_param: str | None = "per_page",
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

    A page or page size that is not a whole number of at least 1 (``abc``,
    ``1e3``, ``-1``, ``0``) is answered ``400 Bad Request`` through the app's
    error handlers, naming the parameter; a page size above the maximum is
    lowered to it.

    :param per_page: The page size when the client gives none; default
        ``RESPKIT_PER_PAGE`` (20).
    :param max_per_page: The largest page size a client may ask for; default
        ``RESPKIT_MAX_PER_PAGE`` (100).
    :param page_param: The query parameter holding the page number.
    :param per_page_param: The query parameter holding the page size, or
        ``None`` to always use ``per_page``.
    :raise ValueError: An option is bad, or ``per_page`` exceeds
        ``max_per_page`` (once the app's config is merged in, the first time
        the view runs in that app).
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
    return _Paginate(per_page, max_per_page, page_param, per_page_param)
