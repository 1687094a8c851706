"""What every response of the mixed app must satisfy, whatever the request."""

from __future__ import annotations

import typing as t

from .mixed_app import origin_allowed


def header_problems(
    headers: t.Iterable[tuple[str, str]],
    allowed: t.Callable[[str], bool] = origin_allowed,
) -> list[str]:
    """Problems with raw header lines: non-Latin-1 text, CR, LF or NUL, or an
    ``Access-Control-Allow-Origin`` that ``allowed`` (default: the mixed app's
    policy) refuses."""
    problems = []
    for name, value in headers:
        for part in (name, value):
            try:
                part.encode("latin-1")
            except UnicodeEncodeError:
                problems.append(f"not Latin-1: {name!r}: {value!r}")
            if any(c in part for c in "\r\n\0"):
                problems.append(f"CR/LF/NUL: {name!r}: {value!r}")
        acao = name.lower() == "access-control-allow-origin" and value != "*"
        if acao and not allowed(value):
            problems.append(f"echoed a disallowed origin {value!r}")
    return problems


def cors_problems(
    headers: t.Mapping[str, str] | t.Any, origin: str | None, credentials: bool
) -> list[str]:
    """CORS headers right for *this* request's ``origin``."""
    problems = []
    acao = headers.get("Access-Control-Allow-Origin")
    vary = {v.strip().lower() for v in headers.get("Vary", "").split(",")}
    if "origin" not in vary:
        problems.append(f"Vary lacks Origin: {headers.get('Vary')!r}")
    if origin is not None and origin_allowed(origin):
        if acao != origin:
            problems.append(f"Allow-Origin {acao!r} is not the requester's {origin!r}")
        if credentials and headers.get("Access-Control-Allow-Credentials") != "true":
            problems.append("Allow-Credentials missing")
    elif acao is not None:
        problems.append(f"Allow-Origin {acao!r} sent to origin {origin!r}")
    return problems
