"""Small HTTP helpers shared by the decorators: validation and header edits."""

from __future__ import annotations

import re
import typing as t

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from werkzeug.datastructures import Headers
    from werkzeug.sansio.request import Request

#: RFC 9110 §5.6.2 ``token``.
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: Control characters (C0, DEL, C1) a field value must not hold; HTAB is allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def is_preflight(request: Request) -> bool:
    """Whether ``request`` is a CORS preflight: ``OPTIONS`` with both ``Origin``
    and ``Access-Control-Request-Method`` (Fetch standard, CORS-preflight request).
    """
    if request.method != "OPTIONS":
        return False
    headers = request.headers
    return "Origin" in headers and "Access-Control-Request-Method" in headers


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
    if _CONTROL.search(value):
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
