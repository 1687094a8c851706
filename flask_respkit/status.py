"""Status and header helpers: :func:`no_content`, :func:`created`,
:func:`headers`, :func:`vary`."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

from flask import Response, current_app

from ._http import add_vary, check_field_value, check_token, check_vary_names
from .core import F, ResponseDecorator, Step
from .describe import header
from .urls import Target, check_target, resolve_target

if t.TYPE_CHECKING:  # pragma: no cover
    from .describe import Description


class _NoContent(ResponseDecorator, Step):
    """Turn a 2xx response into ``204 No Content``."""

    def convert(self, rv: t.Any, kwargs: dict[str, t.Any]) -> Response:
        if isinstance(rv, tuple) and rv and rv[0] is None:
            rv = ("", *rv[1:])  # (None, 202): a status with no body at all
        if rv is None or isinstance(rv, (str, bytes, dict, list)):
            # A bare body (or nothing at all) is a success whose body goes:
            # build the 204 directly rather than the body and then drop it.
            response = current_app.response_class(status=204)
            del response.headers["Content-Type"]
            return response
        return self.apply(current_app.make_response(rv))

    def apply(self, response: Response) -> Response:
        if not 200 <= response.status_code < 300:
            return response
        body = response.response
        response.response = []
        close = getattr(body, "close", None)
        if close is not None:
            close()
        response.status_code = 204
        headers = response.headers
        headers.pop("Content-Type", None)
        headers.pop("Content-Length", None)
        return response

    def identity(self) -> t.Hashable:
        return ()

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        doc.success("204", "No Content: the request succeeded; there is no body.")

    def __repr__(self) -> str:
        return "no_content"


_NO_CONTENT = _NoContent()


@t.overload
def no_content(view: F) -> F: ...


@t.overload
def no_content(view: None = None) -> t.Callable[[F], F]: ...


def no_content(view: F | None = None) -> F | t.Callable[[F], F]:
    """Answer ``204 No Content`` when the view succeeds.

    Use it bare (``@no_content``) or called (``@no_content()``). A 2xx response
    becomes 204 with an empty body and no ``Content-Type`` or
    ``Content-Length``; other headers (``ETag``, ``Location``, ``Set-Cookie``)
    stay. A generator body is closed unread. The view may also return nothing
    at all (``None``), which Flask alone would refuse. Non-2xx responses pass
    through unchanged::

        @app.delete("/items/<int:id>")
        @no_content
        def delete_item(id):
            db.delete(id)

    .. versionadded:: 0.1.0
    """
    if view is None:
        return _NO_CONTENT
    return _NO_CONTENT(view)


class _Created(ResponseDecorator, Step):
    exposes = ("Location",)

    def __init__(self, location: Target) -> None:
        self.location = location

    def apply(self, response: Response) -> Response:
        if not 200 <= response.status_code < 300:
            return response
        response.status_code = 201
        url = resolve_target(self.location, response)
        if url is not None:
            response.headers["Location"] = url
        return response

    def identity(self) -> t.Hashable:
        return self.location

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        doc.success("201", "Created: `Location` is the new resource's URL.")
        doc.header(
            "Location",
            {
                "description": "The absolute URL of the new resource.",
                "schema": {"type": "string", "format": "uri"},
            },
        )

    def __repr__(self) -> str:
        return f"created({self.location!r})"


def created(location: Target) -> t.Callable[[F], F]:
    """Answer ``201 Created`` with an absolute ``Location`` when the view succeeds.

    ``location`` is a URL (relative ones are made absolute against the request
    URL), an endpoint name (resolved with ``url_for(..., _external=True)`` and
    the current view arguments that fit its rule), or a callable
    ``(response) -> str | None`` (``None``: no ``Location``)::

        @app.post("/items")
        @created(lambda response: url_for("item", id=response.json["id"]))
        def add_item():
            return {"id": db.add(request.json)}

    Non-2xx responses pass through unchanged.

    :param location: Where the new resource is.
    :raise ValueError: ``location`` is empty or holds control characters.
    :raise TypeError: ``location`` is neither a string nor callable.

    .. versionadded:: 0.1.0
    """
    return _Created(check_target("created(location)", location))


def _header_name(keyword: str) -> str:
    return "-".join(part.capitalize() for part in keyword.split("_"))


class _Headers(ResponseDecorator, Step):
    def __init__(self, items: tuple[tuple[str, str | None], ...]) -> None:
        self.items = items

    def apply(self, response: Response) -> Response:
        headers = response.headers
        for name, value in self.items:
            if value is None:
                headers.pop(name, None)
            else:
                headers[name] = value
        return response

    def identity(self) -> t.Hashable:
        return self.items

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        for name, value in self.items:
            # OpenAPI ignores a Content-Type header: the media type says it.
            if value is not None and name.lower() != "content-type":
                doc.header(name, header(f"Always `{value}`.", enum=[value]))

    def __repr__(self) -> str:
        return f"headers({dict(self.items)!r})"


def headers(
    mapping: Mapping[str, str | int | None] | None = None, **kw: str | int | None
) -> t.Callable[[F], F]:
    """Set response headers, replacing any the view set under the same name.

    Keyword names become header names: ``x_frame_options="DENY"`` sets
    ``X-Frame-Options``. Use ``mapping`` for names that keywords cannot spell.
    A value of ``None`` removes the header; an int is sent as its decimal text::

        @app.get("/")
        @headers({"Content-Security-Policy": "default-src 'self'"},
                 x_frame_options="DENY")
        def index():
            return "hello"

    Names and values are validated when the decorator is made.

    :param mapping: Header name to value.
    :param kw: Header values by keyword name (``_`` becomes ``-``).
    :raise ValueError: A name is not an HTTP token, or a value holds CR, LF,
        NUL, another control character or a non-Latin-1 character.
    :raise TypeError: A value is not a str, int or ``None``.

    .. versionadded:: 0.1.0
    """
    given = dict(mapping or {})
    given.update({_header_name(k): v for k, v in kw.items()})
    items: dict[str, tuple[str, str | None]] = {}
    for name, value in given.items():
        check_token("headers() name", name)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        elif value is not None:
            value = check_field_value(f"headers({name!r})", value)
        items[name.lower()] = (name, value)
    if not items:
        raise ValueError("headers() needs at least one header")
    return _Headers(tuple(items.values()))


class _Vary(ResponseDecorator, Step):
    # An error can vary on the request too (its language, its media type):
    # caches must know it of every response of the view (API.md §11).
    errors = True

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def apply(self, response: Response) -> Response:
        add_vary(response.headers, self.names)
        return response

    def identity(self) -> t.Hashable:
        return self.names

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        doc.varies(*self.names)

    def __repr__(self) -> str:
        return f"vary({', '.join(map(repr, self.names))})"


def vary(*names: str) -> t.Callable[[F], F]:
    """Add header names to the response's ``Vary``.

    Existing values are kept (from every ``Vary`` line); a name already there,
    in any case, is not repeated, and ``*`` already covers everything::

        @app.get("/feed")
        @vary("Accept", "Accept-Language")
        def feed(): ...

    :param names: Header names (tokens), or ``"*"``.
    :raise ValueError: A name is not an HTTP token, or none is given.

    .. versionadded:: 0.1.0
    """
    if not names:
        raise ValueError("vary() needs at least one header name")
    return _Vary(check_vary_names("vary() name", names))
