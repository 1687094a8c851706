"""Validation of :func:`~flask_respkit.cors` options and ``RESPKIT_CORS_*`` settings.

Every checker takes ``(option, value)``, raises ``TypeError``/``ValueError``
naming the option, and returns the value normalized for
:class:`~flask_respkit.cross_origin.Policy`.
"""

from __future__ import annotations

import datetime
import enum
import inspect
import re
import typing as t
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.datastructures import Headers

    from .cross_origin import Policy

from ._http import check_bool, check_field_value, check_token

#: A serialized origin ``scheme://host[:port]`` (RFC 6454 §6.2).
ORIGIN = re.compile(
    r"([a-z][a-z0-9+.\-]*)://(\[[0-9a-f:.]+\]|[a-z0-9\-._~]+)(?::([0-9]{1,5}))?", re.I
)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACEH = "Access-Control-Expose-Headers"
VARY_ORIGIN = ("Origin",)
VARY_PREFLIGHT = (
    "Origin",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
)
VARY_PREFLIGHT_VALUE = ", ".join(VARY_PREFLIGHT)
#: Headers the kit's decorators set that browser JavaScript cannot read unless
#: they are listed in ``Access-Control-Expose-Headers``.
KIT_EXPOSED = (
    "Link",
    "X-Total-Count",
    "WWW-Authenticate",
    "Content-Disposition",
    "Location",
)
KIT_LOWER = tuple((name.lower(), name) for name in KIT_EXPOSED)
#: Request headers a browser may send without a preflight; always allowed.
SAFELISTED = frozenset(
    {"accept", "accept-language", "content-language", "content-type"}
)
STANDARD_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
HEADER_LIST = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z, \t]*")


def put(headers: Headers, present: set[str], name: str, value: str) -> None:
    """Set one header value; ``add`` is cheaper when the name is known absent."""
    if name.lower() in present:
        headers[name] = value
    else:
        headers.add(name, value)


def merge_expose(headers: Headers, names: Iterable[str]) -> None:
    """Add ``names`` to ``Access-Control-Expose-Headers``, keeping the values
    already there and skipping names listed (case-insensitively)."""
    value = ", ".join(headers.getlist(ACEH))
    have = {n.strip().lower() for n in value.split(",")}
    extra = [n for n in names if n.lower() not in have]
    if extra:
        headers[ACEH] = ", ".join((value, *extra) if value.strip() else extra)


class _Unset(enum.Enum):
    UNSET = 0


_UNSET = _Unset.UNSET
OriginsArg = t.Union[
    str, Iterable[t.Union[str, "re.Pattern[str]"]], Callable[[str], bool]
]


class Grant(t.NamedTuple):
    """What a :class:`Policy` grants one preflight."""

    #: The policy that decided (another route's, for a sibling method).
    policy: Policy
    #: The ``Access-Control-Allow-Methods`` value.
    methods: str
    #: The ``Access-Control-Allow-Headers`` value, or ``None`` if none asked.
    headers: str | None
    #: Private network access was asked for and is allowed.
    private_network: bool


class Origins(t.NamedTuple):
    """A validated, non-wildcard ``origins`` option."""

    #: Serialized origins, lower-cased, default ports dropped (``"null"`` too).
    exact: frozenset[str]
    #: Compiled regexes, matched with ``fullmatch``.
    patterns: tuple[re.Pattern[str], ...]
    #: A callable ``(origin) -> bool``, or ``None``.
    predicate: Callable[[str], bool] | None


def _check_origin(option: str, value: str) -> str:
    check_field_value(option, value)
    if value == "null":
        return value
    match = ORIGIN.fullmatch(value)
    port = int(match[3]) if match and match[3] else None
    if not match or (port is not None and port > 65535):
        raise ValueError(
            f"{option} must hold serialized origins 'scheme://host[:port]' (no path,"
            f" no trailing slash, no wildcard; use re.compile() for a pattern),"
            f" got {value!r}"
        )
    scheme, host = match[1].lower(), match[2].lower()
    if port is None or _DEFAULT_PORTS.get(scheme) == port:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _check_predicate(option: str, value: t.Callable[..., t.Any]) -> None:
    """Refuse a callable that cannot take an origin: most often a view, from
    ``@cors`` written without parentheses."""
    try:
        inspect.signature(value).bind("https://origin.example")
    except TypeError:
        raise TypeError(
            f"{option} callable must take one argument, the origin; got"
            f" {value!r}. Did you write @cors instead of @cors()?"
        ) from None
    except ValueError:  # no signature to read (some builtins): trust it
        pass


def check_origins(option: str, value: object) -> str | Origins:
    """Validate an ``origins`` option into ``"*"`` or :class:`Origins`.

    :raise ValueError: A string is not a serialized origin, or ``"*"`` is
        mixed with other origins.
    :raise TypeError: The value or an item has the wrong type.
    """
    if value == "*":
        return "*"
    if isinstance(value, str):
        return Origins(frozenset({_check_origin(option, value)}), (), None)
    if isinstance(value, re.Pattern):
        value = [value]
    if callable(value):
        _check_predicate(option, value)
        return Origins(frozenset(), (), t.cast("Callable[[str], bool]", value))
    if isinstance(value, (bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(
            f"{option} must be '*', an origin, an iterable of origins and compiled"
            f" regexes, or a callable (origin) -> bool, got {value!r}"
        )
    exact, patterns = set(), []
    for item in value:
        if item == "*":
            raise ValueError(f"{option}: use origins='*' alone, not inside a list")
        if isinstance(item, re.Pattern):
            patterns.append(item)
        elif isinstance(item, str):
            exact.add(_check_origin(option, item))
        else:
            raise TypeError(f"{option} items must be str or re.Pattern, got {item!r}")
    if not exact and not patterns:
        raise ValueError(f"{option} must not be empty (allow no origin: omit cors)")
    return Origins(frozenset(exact), tuple(patterns), None)


def _names(option: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, Iterable):
        raise TypeError(f"{option} must be a list of names, got {value!r}")
    seen: dict[str, str] = {}
    for name in value:
        seen.setdefault(check_token(option, name).lower(), name)
    return tuple(seen.values())


def check_methods(option: str, value: object) -> tuple[str, ...] | None:
    """Validate ``methods``: ``None`` (the route's methods) or method tokens,
    upper-cased; an empty list would refuse every preflight."""
    if value is None:
        return None
    methods = tuple(m.upper() for m in _names(option, value))
    if not methods:
        raise ValueError(f"{option} must list at least one method (None: the route's)")
    return methods


def check_allow_headers(option: str, value: object) -> str | tuple[str, ...]:
    """Validate ``allow_headers``: ``"*"`` (echo what is asked) or header names."""
    if value == "*":
        return "*"
    names = _names(option, value or ())
    if "*" in names:
        raise ValueError(f"{option}: '*' allows every header and must stand alone")
    return names


def check_expose_headers(option: str, value: object) -> tuple[str, ...]:
    """Validate ``expose_headers``: header names (``None``: none)."""
    return () if value is None else _names(option, value)


def check_max_age(option: str, value: object) -> int | None:
    """Validate ``max_age``: seconds as an int or a ``timedelta``, or ``None``."""
    if isinstance(value, datetime.timedelta):
        value = int(value.total_seconds())
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{option} must be an int of seconds or a timedelta, got {value!r}"
        )
    if value < 0:
        raise ValueError(f"{option} must not be negative, got {value!r}")
    return value


#: Option name → checker; the config key is ``RESPKIT_CORS_`` + the upper-cased name.
CHECKS: Mapping[str, Callable[[str, t.Any], t.Any]] = MappingProxyType(
    {
        "origins": check_origins,
        "methods": check_methods,
        "allow_headers": check_allow_headers,
        "expose_headers": check_expose_headers,
        "allow_credentials": check_bool,
        "max_age": check_max_age,
        "allow_private_network": check_bool,
    }
)


def check_options(where: str, options: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Validate a mapping of :func:`cors` options (unknown names raise)."""
    unknown = set(options) - set(CHECKS)
    if unknown:
        raise TypeError(
            f"{where}: unknown CORS option(s) {sorted(unknown)};"
            f" allowed: {list(CHECKS)}"
        )
    return {k: CHECKS[k](f"{where} option {k}", v) for k, v in options.items()}


#: The built-in defaults of every option, validated.
BUILTIN: Mapping[str, t.Any] = MappingProxyType(
    {
        k: CHECKS[k](k, v)
        for k, v in (
            ("origins", "*"),
            ("methods", None),
            ("allow_headers", "*"),
            ("expose_headers", None),
            ("allow_credentials", False),
            ("max_age", None),
            ("allow_private_network", False),
        )
    }
)


def check_resources(option: str, value: object) -> Mapping[str, Mapping[str, t.Any]]:
    """Validate ``RESPKIT_CORS_RESOURCES``: ``{path regex: {cors options}}``.

    :return: A read-only mapping of pattern to validated options.
    """
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        raise TypeError(f"{option} must be a dict of path pattern to CORS options")
    checked: dict[str, Mapping[str, t.Any]] = {}
    for pattern, options in value.items():
        if not isinstance(pattern, str):
            raise TypeError(f"{option} patterns must be str, got {pattern!r}")
        try:
            re.compile(pattern)
        except re.error as e:
            raise ValueError(
                f"{option} pattern {pattern!r} is not a regex: {e}"
            ) from None
        if not isinstance(options, Mapping):
            raise TypeError(f"{option}[{pattern!r}] must be a dict of CORS options")
        where = f"{option}[{pattern!r}]"
        checked[pattern] = MappingProxyType(check_options(where, options))
    return MappingProxyType(checked)
