"""Header helpers of the auth challenges: parameter checks, parsing the
challenges already on a response, reading ``Authorization`` safely."""

from __future__ import annotations

import re
import typing as t
from collections.abc import Iterable

from flask import Flask, Request, Response
from werkzeug.datastructures import Authorization

from ._http import TOKEN, check_field_value, check_token

#: A challenge parameter value; ``None`` leaves the parameter out.
ParamValue = t.Union[str, Iterable[str], None]

#: ``Authorization`` headers longer than this are treated as malformed.
MAX_AUTHORIZATION_LENGTH = 8192

_QUOTED = re.compile(r'(["\\])')
# RFC 6750 §3: error and error_description; error_uri and scope tokens.
_BEARER_TEXT = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*")
_BEARER_NQ = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
_SCHEME = re.compile(
    rf"(?:^|,)[ \t]*({TOKEN.pattern})(?:[ \t]+(?=[^ \t=,])|[ \t]*(?:,|$))"
)
# Per response: how many of the trailing challenges the kit's decorators added.
MARK = "_respkit_challenges"


def escape(value: str) -> str:
    return _QUOTED.sub(r"\\\1", value)


def check_param(scheme: str, name: str, value: ParamValue) -> str | None:
    where = f"Challenge({scheme!r}) parameter"
    check_token(f"{where} name", name)
    if name.endswith("*"):
        raise ValueError(
            f"{where} {name!r}: extended (name*) parameters are not supported"
        )
    if value is None:
        return None
    key, kind = name.lower(), scheme.lower()
    if kind == "bearer" and key == "scope" and not isinstance(value, str):
        value = " ".join(value)
    value = check_field_value(f"{where} {name!r}", value)
    if kind == "basic" and key == "charset" and value.upper() != "UTF-8":
        raise ValueError(
            f'{where} charset: RFC 7617 allows only "UTF-8", got {value!r}'
        )
    if kind == "bearer" and key in ("error", "error_description", "error_uri", "scope"):
        ok = _BEARER_TEXT if key in ("error", "error_description") else _BEARER_NQ
        parts = value.split(" ") if key == "scope" else [value]
        if not all(ok.fullmatch(part) for part in parts):
            spaces = " or spaces" if ok is _BEARER_NQ else ""
            raise ValueError(
                f"{where} {name!r}: RFC 6750 allows only printable ASCII"
                f" without '\"' or '\\'{spaces}, got {value!r}"
            )
    return value


def challenge_schemes(values: Iterable[str]) -> set[str]:
    """The auth schemes (lowercase) named in ``WWW-Authenticate`` field values."""
    found: set[str] = set()
    for value in values:
        unquoted = re.sub(r'"(?:[^"\\]|\\.)*"?', '""', value)
        found.update(m.group(1).lower() for m in _SCHEME.finditer(unquoted))
    return found


def add_challenge(response: Response, challenge: str, scheme: str) -> Response:
    """Add ``challenge`` to a 401 unless one for ``scheme`` (lowercase) is there.

    The kit's challenges follow those the view or an error handler set; each
    one added goes *before* the kit's earlier ones, so that decorators (whose
    steps run innermost first) end up top decorator first.
    """
    headers = response.headers
    values = headers.getlist("WWW-Authenticate")
    if not values:
        headers.add("WWW-Authenticate", challenge)
        setattr(response, MARK, 1)
        return response
    if scheme in challenge_schemes(values):
        return response
    ours = min(getattr(response, MARK, 0), len(values))
    at = len(values) - ours
    headers.setlist("WWW-Authenticate", [*values[:at], challenge, *values[at:]])
    setattr(response, MARK, ours + 1)
    return response


def read_authorization(req: Request) -> Authorization | None:
    """The request's ``Authorization``, or ``None`` when absent or malformed.

    Malformed: longer than :data:`MAX_AUTHORIZATION_LENGTH`, bad base64 or
    non-UTF-8 Basic credentials (Werkzeug may raise ``ValueError`` for these),
    or a scheme with no credentials at all.
    """
    value = req.headers.get("Authorization")
    if not value or len(value) > MAX_AUTHORIZATION_LENGTH:
        return None
    try:
        auth = Authorization.from_header(value)
    except ValueError:
        return None
    if auth is None:
        return None
    if auth.type == "basic":
        return auth if value.partition(" ")[2].strip(" \t") else None
    return auth if auth.token or auth.parameters else None


def _accept_ranges(raw: str) -> list[tuple[str, str, float]]:
    """Media ranges and qualities of a lowercased ``Accept`` value."""
    ranges = []
    for item in raw.split(","):
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


def _quality(ranges: list[tuple[str, str, float]], kind: str, sub: str) -> float:
    # RFC 9110 §12.5.1: the most specific matching range sets the quality.
    best, quality = -1, 0.0
    for r_kind, r_sub, q in ranges:
        if r_kind == kind:
            rank = 2 if r_sub == sub else 1 if r_sub == "*" else -1
        else:
            rank = 0 if r_kind == r_sub == "*" else -1
        if rank > best:
            best, quality = rank, q
    return quality


def wants_json(req: Request) -> bool:
    """Whether ``Accept`` rates ``application/json`` above ``text/plain``, or
    equal (not 0) and names it explicitly (``application/json, text/plain, */*``).
    """
    raw = req.headers.get("Accept", "").lower()
    if not raw or not ("json" in raw or "application/" in raw or "text/" in raw):
        return False  # only wildcards: no preference
    ranges = _accept_ranges(raw)
    json_q = _quality(ranges, "application", "json")
    text_q = _quality(ranges, "text", "plain")
    return json_q > text_q or (
        json_q == text_q > 0 and ("application", "json", json_q) in ranges
    )


class Bodies:
    """The JSON and text forms of one message, encoded once per app."""

    def __init__(self, app: Flask, message: str) -> None:
        self.response_class = app.response_class
        self.json = app.json.dumps({"message": message}).encode()
        self.text = message.encode()

    def response(
        self, req: Request, status: int, headers: list[tuple[str, str]]
    ) -> Response:
        """The response for ``req``: JSON if preferred, else text, and
        ``Vary: Accept`` besides ``headers``."""
        headers.append(("Vary", "Accept"))
        if wants_json(req):
            return self.response_class(self.json, status, headers, content_type=_JSON)
        return self.response_class(self.text, status, headers, content_type=_TEXT)


_JSON = "application/json"
_TEXT = "text/plain; charset=utf-8"
