"""HTTP building blocks shared by every module: character classes, the
percent-encoding safe sets, option checks for header values, and small header
edits. The bottom layer: it imports nothing of the package.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import quote

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from werkzeug.datastructures import Headers
    from werkzeug.wrappers import Request

# -- Character classes ---------------------------------------------------------

#: RFC 9110 §5.6.2 ``token``.
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: C0 controls and DEL: never allowed in a URL, a file name or a parameter.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: What a header field value must not hold (RFC 9110 §5.5): C0 controls but
#: HTAB, DEL, and the C1 controls that some clients take as line breaks.
FIELD_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")

# -- Percent-encoding safe sets (for urllib.parse.quote) -----------------------

#: A path re-escaped as a client would send it: RFC 3986 ``pchar`` minus the
#: unreserved characters ``quote`` keeps anyway.
PATH_SAFE = "/:@!$&'()*+,;=~"
#: A path or query sent back inside a ``Link`` target: as :data:`PATH_SAFE`
#: but without ``;``, ``,`` and ``'``, which the common ``Link`` parsers
#: (requests, httpx, aiohttp) split on or strip.
LINK_PATH_SAFE = "/:@!$&()*+=~"
#: A query string (already percent-encoded) sent back inside a ``Link`` target.
LINK_QUERY_SAFE = "!$&()*+=:@/?%"
#: Any URL: RFC 3986 unreserved and reserved characters, and ``%``.
URI_SAFE = "-._~:/?#[]@!$&'()*+,;=%"
#: RFC 8187 ``attr-char`` besides letters and digits (``title*``, ``filename*``).
ATTR_CHAR = "!#$&+-.^_`|~"


def ext_value(text: str) -> str:
    """``text`` as an RFC 8187 ``ext-value``: ``UTF-8''`` and percent-escapes."""
    return "UTF-8''" + quote(text.encode(), safe=ATTR_CHAR)


# -- Requests ------------------------------------------------------------------


def is_preflight(request: Request) -> bool:
    """Whether ``request`` is a CORS preflight: ``OPTIONS`` with both ``Origin``
    and ``Access-Control-Request-Method`` (Fetch standard, CORS-preflight request).
    """
    if request.method != "OPTIONS":
        return False
    environ = request.environ
    return "HTTP_ORIGIN" in environ and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ


def accept_ranges(accept: str) -> list[tuple[str, str, float]]:
    """The media ranges of an ``Accept`` value, lowercased, with their
    qualities: ``(type, subtype, q)``. A range with a bad or out-of-range
    ``q`` is dropped; a lone ``*`` counts as ``*/*``.

    Written by hand because Werkzeug's ``request.accept_mimetypes`` costs
    about 12 to 30 µs per request here, a quarter of a whole 401 answer.
    """
    ranges = []
    for item in accept.lower().split(","):
        media, *params = item.split(";")
        kind, slash, sub = media.strip().partition("/")
        if not slash and kind == "*":
            sub = "*"
        elif not (slash and kind and sub):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if 0 <= q <= 1:  # also drops NaN
            ranges.append((kind, sub.strip(), q))
    return ranges


def accept_quality(ranges: list[tuple[str, str, float]], media: str) -> float:
    """The quality ``ranges`` (from :func:`accept_ranges`) give the media type
    ``media``: the most specific matching range decides (RFC 9110 §12.5.1)."""
    kind, _, sub = media.partition("/")
    best, quality = -1, 0.0
    for r_kind, r_sub, q in ranges:
        if r_kind == kind:
            rank = 2 if r_sub == sub else 1 if r_sub == "*" else -1
        else:
            rank = 0 if r_kind == r_sub == "*" else -1
        if rank > best:
            best, quality = rank, q
    return quality


# -- Option checks: ``(option, value) -> value``, raising naming the option ----


def check_token(option: str, value: object) -> str:
    """Return ``value`` if it is an RFC 9110 token, else raise naming ``option``.

    :raise TypeError: ``value`` is not a string.
    :raise ValueError: ``value`` is not a token.
    """
    if not isinstance(value, str):
        raise TypeError(f"{option} must be a str, got {type(value).__name__}")
    if not TOKEN.fullmatch(value):
        raise ValueError(
            f"{option} must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~),"
            f" got {value!r}"
        )
    return value


def check_no_controls(option: str, value: object) -> str:
    """Return ``value`` if it is a string without control characters.

    :raise TypeError: ``value`` is not a string.
    :raise ValueError: ``value`` holds CR, LF, NUL or another control character.
    """
    if not isinstance(value, str):
        raise TypeError(f"{option} must be a str, got {type(value).__name__}")
    if FIELD_CONTROL.search(value):
        raise ValueError(
            f"{option} must not contain CR, LF, NUL or other control characters,"
            f" got {value!r}"
        )
    return value


def check_field_value(option: str, value: object) -> str:
    """Return ``value`` if it can be sent as a header value as it is.

    :raise TypeError: ``value`` is not a string.
    :raise ValueError: ``value`` holds CR, LF, NUL or another control
        character, or a character outside Latin-1.
    """
    text = check_no_controls(option, value)
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(
            f"{option} must contain only Latin-1 characters, got {value!r}"
        ) from None
    return text


def check_bool(option: str, value: object) -> bool:
    """Return ``value`` if it is a bool, else raise ``TypeError`` naming ``option``."""
    if not isinstance(value, bool):
        raise TypeError(f"{option} must be True or False, got {value!r}")
    return value


def check_positive_int(option: str, value: object) -> int:
    """Return ``value`` if it is an int >= 1 (not a bool), else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{option} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{option} must be at least 1, got {value!r}")
    return value


def check_vary_names(option: str, names: Iterable[object]) -> tuple[str, ...]:
    """Validate header names for ``Vary``; drop case-insensitive repeats.

    ``*`` (the response varies on more than headers) stands alone.
    """
    seen: dict[str, str] = {}
    for name in names:
        if name != "*":
            check_token(option, name)
        seen.setdefault(t.cast(str, name).lower(), t.cast(str, name))
    return ("*",) if "*" in seen else tuple(seen.values())


# -- Header edits --------------------------------------------------------------


def add_vary(headers: Headers, names: tuple[str, ...]) -> None:
    """Add ``names`` to ``Vary``, keeping what is there and never repeating one.

    Every existing ``Vary`` line is read (Werkzeug's ``response.vary`` reads
    only the first); the result is one line. ``*`` already present covers all;
    adding ``*`` replaces the rest.

    :param headers: The response headers to edit.
    :param names: Validated, distinct header names (from :func:`check_vary_names`).
    """
    lines = headers.getlist("Vary")
    if not lines or names[0] == "*":
        headers["Vary"] = ", ".join(names)
        return
    values = [v.strip() for line in lines for v in line.split(",") if v.strip()]
    have = {v.lower() for v in values}
    if "*" in have:
        return
    missing = [n for n in names if n.lower() not in have]
    if missing or len(lines) > 1:
        headers["Vary"] = ", ".join(values + missing)


def merge_list(headers: Headers, name: str, values: Iterable[str]) -> None:
    """Add ``values`` to the comma-separated list header ``name``, keeping the
    values already there (on one line or several) and skipping those listed,
    case-insensitively. The result is one line."""
    current = ", ".join(headers.getlist(name))
    have = {v.strip().lower() for v in current.split(",")}
    extra = [v for v in values if v.lower() not in have]
    if extra:
        headers[name] = ", ".join((current, *extra) if current.strip() else extra)
