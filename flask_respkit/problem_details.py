"""Problem Details for HTTP APIs (RFC 9457): :class:`Problem`, :func:`problem`
and ``RESPKIT_PROBLEM_DETAILS``, which answers every error of an app as
``application/problem+json``.

A family on the seam (:mod:`flask_respkit.core`) that makes no decorator: its
``ResponseDecorator`` class declares the setting, installs the app-wide error
handler (:func:`handle_http_exception`) in its ``init_app`` and documents the
kit's error responses as problems in its ``describe_app``.

The module is named ``problem_details``, not ``problem``: the package exports
a function :func:`problem`, which would hide a module of that name
(``import flask_respkit.problem`` would give the function).
"""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from urllib.parse import urlsplit

from flask import Response, current_app, has_app_context, request
from werkzeug.exceptions import HTTPException, InternalServerError

from ._http import (
    accept_quality,
    accept_ranges,
    add_vary,
    check_bool,
    check_field_value,
    check_token,
)
from .core import ResponseDecorator
from .settings import Setting

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask
    from flask.typing import ResponseReturnValue

    from .describe import Description

__all__ = [
    "MEDIA_TYPE",
    "PROBLEM_SCHEMA",
    "Problem",
    "check_uri_reference",
    "handle_http_exception",
    "prefers_html",
    "problem",
    "problem_response",
]

#: The media type of a problem details JSON object (RFC 9457 §3).
MEDIA_TYPE = "application/problem+json"
#: The members RFC 9457 §3.1 defines; an extension member may not take one.
STANDARD_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})
#: What RFC 9457 §3.2 asks of an extension member name, so that it can also
#: be an XML element or a variable in most languages: a letter, then letters,
#: digits or ``_``, three characters at least.
EXTENSION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")
#: The ``detail`` of every 500 that is not a :class:`Problem`: Werkzeug's
#: generic text, whatever the exception said.
GENERIC_500: str = InternalServerError.description

#: The characters of an RFC 3986 URI reference.
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_CONTENT_HEADERS = frozenset({"content-type", "content-length"})
_VARY_ACCEPT = ("Accept",)


def check_uri_reference(option: str, value: object) -> str:
    """Return ``value`` if it is a non-empty URI reference (RFC 3986 §4.1:
    an absolute URI such as ``https://example.com/probs/out-of-credit`` or
    ``urn:...``, or a relative reference such as ``/probs/out-of-credit``).

    :raise TypeError: ``value`` is not a string.
    :raise ValueError: ``value`` is empty, holds a character a URI cannot
        (a space, a non-ASCII letter: percent-encode them), a ``%`` that
        starts no percent-encoding, two ``#``, ``[``/``]`` outside the host,
        or a first segment with ``:`` that is no scheme.
    """
    if not isinstance(value, str):
        raise TypeError(f"{option} must be a str, got {type(value).__name__}")
    bad = (
        not value
        or not _URI_CHARS.fullmatch(value)
        or _BAD_PERCENT.search(value) is not None
        or value.count("#") > 1
    )
    if not bad:
        head = re.split(r"[/?#]", value, maxsplit=1)[0]
        scheme, colon, _ = head.partition(":")
        bad = bool(colon) and not _SCHEME.fullmatch(scheme)
    if not bad:
        try:
            parts = urlsplit(value)
        except ValueError:
            bad = True
        else:
            rest = parts.path + parts.query + parts.fragment
            bad = "[" in rest or "]" in rest
    if bad:
        raise ValueError(
            f"{option} must be a URI reference (RFC 3986), such as"
            f" 'https://example.com/probs/out-of-credit' or '/probs/out-of-credit';"
            f" percent-encode spaces and other characters, got {value!r}"
        )
    return value


def _check_text(option: str, value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{option} must be a str, got {type(value).__name__}")
    return value


def _check_headers(
    value: Mapping[str, str] | Iterable[tuple[str, str]] | None,
) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    pairs = value.items() if isinstance(value, Mapping) else value
    checked = []
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(
                "Problem(headers=) must be a mapping or (name, value) pairs,"
                f" got {pair!r}"
            )
        name, text = pair
        check_token("Problem(headers=) name", name)
        if name.lower() in _CONTENT_HEADERS:
            raise ValueError(
                f"Problem(headers=) must not set {name}: the problem sets it"
            )
        checked.append((name, check_field_value(f"Problem(headers=) {name}", text)))
    return tuple(checked)


def _dumps(members: Mapping[str, t.Any]) -> bytes:
    """A problem object as compact JSON (ASCII, so any client reads it)."""
    return json.dumps(members, separators=(",", ":"), allow_nan=False).encode()


def _refuse_value(extensions: Mapping[str, t.Any]) -> None:
    """Raise naming the first extension member JSON cannot carry."""
    for name, value in extensions.items():
        try:
            _dumps({name: value})
        except (TypeError, ValueError) as e:
            kind = TypeError if isinstance(e, TypeError) else ValueError
            raise kind(
                f"Problem extension member {name!r} must be JSON-serialisable"
                f" (str, int, float, bool, None, lists and dicts of them;"
                f" no NaN or infinity): {e}"
            ) from None


class Problem(HTTPException):
    """An error to raise that is answered as
    ``application/problem+json`` (RFC 9457), with or without
    ``RESPKIT_PROBLEM_DETAILS``::

        raise Problem(
            403,
            type="https://example.com/probs/out-of-credit",
            title="You do not have enough credit.",
            detail="Your balance is 30, but that costs 50.",
            balance=30,
            accounts=["/account/12345", "/account/67890"],
        )

    gives a 403 with::

        {"type": "https://example.com/probs/out-of-credit",
         "title": "You do not have enough credit.", "status": 403,
         "detail": "Your balance is 30, but that costs 50.", "balance": 30,
         "accounts": ["/account/12345", "/account/67890"]}

    Everything is validated, and the body encoded, when it is made. It is an
    :class:`~werkzeug.exceptions.HTTPException`, so the view's error edits
    (CORS, challenges, ``Deprecation``) reach its response, and error
    handlers registered for a class it is (``Problem``, ``HTTPException``,
    ``Exception``) see it first; one may ``return error`` to send it. A
    handler for a status code (``@app.errorhandler(404)``) does not: Flask
    gives those the Werkzeug exception of that code and its subclasses only.
    A subclass of your own that also inherits it does reach them::

        class OutOfCredit(Problem, Forbidden):
            def __init__(self, balance):
                super().__init__(403, type=OUT_OF_CREDIT, balance=balance)

    :param status: The HTTP status, an int from 400 to 599.
    :param title: A short summary of the problem type; by default the status
        phrase (``"Conflict"``), whatever ``type`` is.
    :param detail: What went wrong this time, for the client's developer.
    :param type: A URI reference naming the problem type; left out, the
        body says ``"about:blank"`` (the problem is what the status says).
    :param instance: A URI reference naming this occurrence.
    :param headers: Response headers: a mapping or ``(name, value)`` pairs
        (``Retry-After``, say); not ``Content-Type`` nor ``Content-Length``.
    :param extensions: Extension members: names of a letter then letters,
        digits or ``_``, three characters at least, not a standard member;
        values that :func:`json.dumps` takes (``str``, numbers but NaN and
        infinities, ``bool``, ``None``, lists, tuples and dicts of them).
    :raise TypeError: ``status`` is not an int, a text is not a string, an
        extension value is not JSON-serialisable, a header is malformed.
    :raise ValueError: ``status`` is not 400-599, ``type`` or ``instance`` is
        no URI reference, an extension name is not allowed, a value is NaN
        or infinite, or a header name or value cannot be sent.

    .. versionadded:: 0.2.0
    """

    #: The problem type URI reference, or ``None`` (``"about:blank"``).
    type: str | None
    #: The title sent: the one given, or the status phrase.
    title: str
    #: The occurrence URI reference, or ``None``.
    instance: str | None
    #: The extension members, read-only.
    extensions: Mapping[str, t.Any]
    #: The headers sent besides ``Content-Type``.
    headers: tuple[tuple[str, str], ...]

    def __init__(
        self,
        status: int,
        *,
        title: str | None = None,
        detail: str | None = None,
        type: str | None = None,
        instance: str | None = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        **extensions: t.Any,
    ) -> None:
        if isinstance(status, bool) or not isinstance(status, int):
            raise TypeError(f"Problem status must be an int, got {status!r}")
        if not 400 <= status <= 599:
            raise ValueError(
                f"Problem status must be an error status, 400-599, got {status}"
            )
        _check_text("Problem(title=)", title)
        _check_text("Problem(detail=)", detail)
        if type is not None:
            check_uri_reference("Problem(type=)", type)
        if instance is not None:
            check_uri_reference("Problem(instance=)", instance)
        super().__init__(description=detail)
        self.code = status
        self.type = type
        self.title = self.name if title is None else title
        self.instance = instance
        self.headers = _check_headers(headers)
        members: dict[str, t.Any] = {
            "type": "about:blank" if type is None else type,
            "title": self.title,
            "status": status,
        }
        if detail is not None:
            members["detail"] = detail
        if instance is not None:
            members["instance"] = instance
        for name in extensions:
            if not EXTENSION_NAME.fullmatch(name) or name in STANDARD_MEMBERS:
                raise ValueError(
                    f"Problem extension member {name!r}: a name is a letter,"
                    " then letters, digits or '_', three characters at least,"
                    " and not type, title, status, detail or instance"
                )
        members.update(extensions)
        try:
            body = _dumps(members)
        except (TypeError, ValueError):
            _refuse_value(extensions)
            raise  # pragma: no cover - _refuse_value raises
        self.extensions = MappingProxyType(dict(extensions))
        #: The encoded body.
        self.body = body

    @property
    def status(self) -> int:
        """The HTTP status."""
        return t.cast(int, self.code)

    @property
    def detail(self) -> str | None:
        """The detail, or ``None``."""
        return self.description

    def get_headers(
        self,
        environ: t.Any = None,
        scope: dict[str, t.Any] | None = None,
    ) -> list[tuple[str, str]]:
        """The response headers: ``Content-Type`` and :attr:`headers`."""
        return [("Content-Type", MEDIA_TYPE), *self.headers]

    def get_response(
        self,
        environ: t.Any = None,
        scope: dict[str, t.Any] | None = None,
    ) -> Response:
        """The ``application/problem+json`` response (the app's response
        class in an app context)."""
        cls = current_app.response_class if has_app_context() else Response
        return cls(self.body, self.code, self.get_headers())

    def __repr__(self) -> str:
        return f"Problem({self.code}, title={self.title!r}, detail={self.detail!r})"


def problem(
    status: int,
    *,
    title: str | None = None,
    detail: str | None = None,
    type: str | None = None,
    instance: str | None = None,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    **extensions: t.Any,
) -> Response:
    """A :class:`Problem` as a response, to return from a view::

        @app.put("/items/<int:id>")
        def replace_item(id):
            if conflict:
                return problem(409, detail="The item changed meanwhile.")

    Returned (not raised), it is the view's own response: the view's
    decorators edit it as any other (CORS, ``Vary``, ``Deprecation``), and
    error handlers never see it. The arguments are those of :class:`Problem`,
    validated likewise.

    .. versionadded:: 0.2.0
    """
    return Problem(
        status,
        title=title,
        detail=detail,
        type=type,
        instance=instance,
        headers=headers,
        **extensions,
    ).get_response()


# -- Every error of an app ------------------------------------------------------


def prefers_html(environ: Mapping[str, t.Any]) -> bool:
    """Whether the request's ``Accept`` rates ``text/html`` above both
    ``application/json`` and ``application/problem+json`` (a browser
    navigating; ``fetch()`` sends ``*/*``, which rates them alike)."""
    raw = environ.get("HTTP_ACCEPT", "").lower()
    if "html" not in raw and "text/*" not in raw:
        return False
    ranges = accept_ranges(raw)
    json_q = max(
        accept_quality(ranges, "application/json"),
        accept_quality(ranges, MEDIA_TYPE),
    )
    return accept_quality(ranges, "text/html") > json_q


def _exception_headers(
    error: HTTPException, environ: dict[str, t.Any]
) -> list[tuple[str, str]]:
    """The headers of ``error`` but its content headers: those its class adds
    (``Allow``, ``WWW-Authenticate``, ``Retry-After``) and those of the
    response it carries (the kit's guard raises one with its 401)."""
    headers = [
        (k, v)
        for k, v in error.get_headers(environ)
        if k.lower() not in _CONTENT_HEADERS
    ]
    carried = error.response
    if carried is not None:
        for pair in carried.headers.items():
            if pair[0].lower() not in _CONTENT_HEADERS and pair not in headers:
                headers.append(pair)
    return headers


def problem_response(error: HTTPException) -> Response:
    """The answer ``RESPKIT_PROBLEM_DETAILS`` gives to ``error``, during a
    request: for a client whose ``Accept`` prefers ``text/html`` over JSON,
    Werkzeug's HTML page (or the response ``error`` carries; a 500's page
    with the generic text); otherwise
    ``application/problem+json``::

        {"type": "about:blank", "title": "Not Found", "status": 404,
         "detail": "The requested URL was not found on the server. ..."}

    ``detail`` is the exception's description (left out when it has none, or
    when it is not a string), except for a 500, where it is always Werkzeug's
    generic text: a 500 never tells the client what the exception said. The
    exception's own headers are kept, and ``Vary: Accept`` is added. A
    :class:`Problem` gives its own response, whatever ``Accept`` says.

    Call it from an error handler of your own to log first, say, then answer
    as the kit does.

    :param error: An HTTP exception with a status of 400 or more.

    .. versionadded:: 0.2.0
    """
    if isinstance(error, Problem):
        return error.get_response()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    environ = request.environ
    code = t.cast(int, error.code)
    if prefers_html(environ):
        if code == 500 and error.response is None:
            error = InternalServerError()  # the generic page, not the message
        response = app.make_response(error.get_response(environ))
        add_vary(response.headers, _VARY_ACCEPT)
        return t.cast(Response, response)
    members: dict[str, t.Any] = {
        "type": "about:blank",
        "title": error.name,
        "status": code,
    }
    description = GENERIC_500 if code == 500 else error.description
    if isinstance(description, str):
        members["detail"] = description
    headers = _exception_headers(error, environ)
    response = app.response_class(_dumps(members), code, headers, MEDIA_TYPE)
    add_vary(response.headers, _VARY_ACCEPT)
    return t.cast(Response, response)


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    """The app-wide error handler ``RESPKIT_PROBLEM_DETAILS`` registers for
    :class:`~werkzeug.exceptions.HTTPException` (which also receives the 500
    Flask makes of an unhandled exception): :func:`problem_response`.

    Flask looks for an error handler by status code first, then by class,
    each time in the request's blueprints before the app, and along the
    exception's class hierarchy (its MRO). A handler for ``HTTPException`` on
    the app comes last but for the app's handlers of the classes after it in
    that hierarchy (``Exception``; ``KeyError`` for a ``BadRequestKeyError``):
    this one hands the error to such a handler when the app has one, as Flask
    would have without it. So every handler of the app and its blueprints,
    for a code or a class, still wins.
    """
    if error.code is None or error.code < 400:
        return error
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    own = app.error_handler_spec.get(None, {}).get(None, {})
    mro = type(error).__mro__
    for cls in mro[mro.index(HTTPException) + 1 :]:
        handler = own.get(cls)
        if handler is not None:
            return t.cast("ResponseReturnValue", app.ensure_sync(handler)(error))
    return problem_response(error)


#: The ``Problem`` schema component of the API description (JSON Schema, as
#: OpenAPI 3.0 and 3.1 both read it).
PROBLEM_SCHEMA: Mapping[str, t.Any] = MappingProxyType(
    {
        "type": "object",
        "description": "Problem Details for HTTP APIs (RFC 9457).",
        "properties": {
            "type": {
                "type": "string",
                "format": "uri-reference",
                "description": "The problem type; `about:blank`: the status says it.",
                "default": "about:blank",
            },
            "title": {
                "type": "string",
                "description": "A short summary of the problem type.",
            },
            "status": {
                "type": "integer",
                "minimum": 400,
                "maximum": 599,
                "description": "The HTTP status of the response.",
            },
            "detail": {
                "type": "string",
                "description": "What went wrong this time.",
            },
            "instance": {
                "type": "string",
                "format": "uri-reference",
                "description": "This occurrence of the problem.",
            },
        },
        "required": ["type", "title", "status"],
        "additionalProperties": True,
    }
)
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


class _ProblemDetails(ResponseDecorator):
    """The Problem Details family: its setting, its app-wide error handler
    and its API description. It makes no decorator."""

    settings = (Setting("RESPKIT_PROBLEM_DETAILS", False, check_bool),)

    def __init__(self) -> None:
        raise TypeError(
            "Problem Details are turned on with RESPKIT_PROBLEM_DETAILS = True,"
            " not a decorator"
        )

    @classmethod
    def init_app(cls, app: Flask, settings: Mapping[str, t.Any]) -> None:
        """With ``RESPKIT_PROBLEM_DETAILS``, register
        :func:`handle_http_exception` for ``HTTPException``, unless the app
        has a handler of its own for it (which then answers everything)."""
        if not settings["RESPKIT_PROBLEM_DETAILS"]:
            return
        if HTTPException not in app.error_handler_spec.get(None, {}).get(None, {}):
            app.register_error_handler(HTTPException, handle_http_exception)

    @classmethod
    def describe_app(cls, doc: Description, settings: Mapping[str, t.Any]) -> None:
        """With the setting on, the kit's error responses are problem+json."""
        if not settings["RESPKIT_PROBLEM_DETAILS"] or not doc.errors:
            return
        doc.component("schemas", "Problem", dict(PROBLEM_SCHEMA))
        for response in doc.errors.values():
            response["content"] = {MEDIA_TYPE: {"schema": dict(_PROBLEM_REF)}}
