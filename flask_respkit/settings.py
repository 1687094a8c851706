"""Configuration: every option value the kit accepts, checked once.

The ``RESPKIT_*`` table (:data:`SETTINGS`) with its defaults and checks, the
checks of :func:`~flask_respkit.cors` options (shared with the
``RESPKIT_CORS_*`` keys), and :func:`settings_for`, which gives a decorator the
app's validated settings. The layer above :mod:`flask_respkit._http`; every
decorator module builds on it.

Every checker takes ``(option, value)``, raises ``TypeError``/``ValueError``
naming the option, and returns the value normalized.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import inspect
import io
import re
import typing as t
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ._http import (
    check_bool,
    check_field_value,
    check_positive_int,
    check_token,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask

#: A serialized origin ``scheme://host[:port]`` (RFC 6454 §6.2).
ORIGIN = re.compile(
    r"([a-z][a-z0-9+.\-]*)://(\[[0-9a-f:.]+\]|[a-z0-9\-._~]+)(?::([0-9]{1,5}))?", re.I
)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}

# -- CORS options ------------------------------------------------------------


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


#: CORS option name → checker; the config key is ``RESPKIT_CORS_`` + the
#: upper-cased name.
CORS_CHECKS: Mapping[str, Callable[[str, t.Any], t.Any]] = MappingProxyType(
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


def check_cors_options(where: str, options: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Validate a mapping of :func:`~flask_respkit.cors` options (unknown names
    raise ``TypeError``)."""
    unknown = set(options) - set(CORS_CHECKS)
    if unknown:
        raise TypeError(
            f"{where}: unknown CORS option(s) {sorted(unknown)};"
            f" allowed: {list(CORS_CHECKS)}"
        )
    return {k: CORS_CHECKS[k](f"{where} option {k}", v) for k, v in options.items()}


def cors_defaults(settings: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The CORS options an app's ``RESPKIT_CORS_*`` settings give."""
    return {k: settings[f"RESPKIT_CORS_{k.upper()}"] for k in CORS_CHECKS}


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
        checked[pattern] = MappingProxyType(check_cors_options(where, options))
    return MappingProxyType(checked)


# -- Other options -------------------------------------------------------------


def check_dialect(option: str, value: object) -> str | type[csv.Dialect]:
    """Validate a :mod:`csv` dialect: a registered name or a ``csv.Dialect``
    subclass whose attributes :func:`csv.writer` accepts."""
    if isinstance(value, str):
        if value not in csv.list_dialects():
            raise ValueError(
                f"{option} must be one of {sorted(csv.list_dialects())} or a"
                f" csv.Dialect, got {value!r}"
            )
    elif not (isinstance(value, type) and issubclass(value, csv.Dialect)):
        raise TypeError(
            f"{option} must be a dialect name or a csv.Dialect, got {value!r}"
        )
    csv.writer(io.StringIO(), value)  # a Dialect with bad attributes raises here
    return value


# -- The RESPKIT_* table -------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One ``RESPKIT_*`` configuration key.

    :param key: The config key.
    :param default: The built-in default.
    :param check: ``(key, value) -> normalized value``; raises ``TypeError`` or
        ``ValueError`` naming the key when the value is bad.
    """

    key: str
    default: t.Any
    check: Callable[[str, t.Any], t.Any]


#: Every configuration key the kit reads, with its default and validation.
SETTINGS: tuple[Setting, ...] = (
    Setting("RESPKIT_CORS_ORIGINS", "*", check_origins),
    Setting("RESPKIT_CORS_METHODS", None, check_methods),
    Setting("RESPKIT_CORS_ALLOW_HEADERS", "*", check_allow_headers),
    Setting("RESPKIT_CORS_EXPOSE_HEADERS", None, check_expose_headers),
    Setting("RESPKIT_CORS_ALLOW_CREDENTIALS", False, check_bool),
    Setting("RESPKIT_CORS_MAX_AGE", None, check_max_age),
    Setting("RESPKIT_CORS_ALLOW_PRIVATE_NETWORK", False, check_bool),
    Setting("RESPKIT_CORS_RESOURCES", None, check_resources),
    Setting("RESPKIT_AUTH_CHALLENGE_401", True, check_bool),
    Setting("RESPKIT_AUTH_SCHEME", "Bearer", check_token),
    Setting("RESPKIT_AUTH_REALM", "Authentication Required", check_field_value),
    Setting("RESPKIT_CSV_BOM", False, check_bool),
    Setting("RESPKIT_CSV_ESCAPE_FORMULAS", True, check_bool),
    Setting("RESPKIT_CSV_DIALECT", "excel", check_dialect),
    Setting("RESPKIT_PER_PAGE", 20, check_positive_int),
    Setting("RESPKIT_MAX_PER_PAGE", 100, check_positive_int),
)


def validate(values: Mapping[str, t.Any]) -> Mapping[str, t.Any]:
    """Check every ``RESPKIT_*`` key of ``values`` and the combinations.

    :return: The normalized settings, read-only.
    :raise ValueError: A value, or a combination, is bad (naming the key).
    :raise TypeError: A value has the wrong type (naming the key).
    """
    checked = {s.key: s.check(s.key, values[s.key]) for s in SETTINGS}
    if checked["RESPKIT_PER_PAGE"] > checked["RESPKIT_MAX_PER_PAGE"]:
        raise ValueError(
            "RESPKIT_PER_PAGE must not exceed RESPKIT_MAX_PER_PAGE"
            f" ({checked['RESPKIT_PER_PAGE']} > {checked['RESPKIT_MAX_PER_PAGE']})"
        )
    if (
        checked["RESPKIT_CORS_ALLOW_CREDENTIALS"]
        and checked["RESPKIT_CORS_ORIGINS"] == "*"
    ):
        raise ValueError(
            "RESPKIT_CORS_ALLOW_CREDENTIALS = True needs RESPKIT_CORS_ORIGINS to list"
            " the origins: with '*' any website could act as your signed-in users"
        )
    return MappingProxyType(checked)


def refuse_unknown_keys(config: Mapping[str, t.Any]) -> None:
    """Refuse a ``RESPKIT_*`` key the kit does not know: a misspelled key would
    silently leave the default (say ``"*"`` origins).

    :raise ValueError: Naming the key, with the closest known key as a hint.
    """
    known = [s.key for s in SETTINGS]
    for key in config:
        if key.startswith("RESPKIT_") and key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ValueError(f"{key} is not a flask-respkit setting{hint}")


#: The validated built-in defaults, used when the extension is not registered.
DEFAULTS: Mapping[str, t.Any] = validate({s.key: s.default for s in SETTINGS})


@dataclass(frozen=True)
class State:
    """What :class:`~flask_respkit.RespKit` keeps for one app, at
    ``app.extensions["respkit"]``."""

    #: The extension object that was registered (a
    #: :class:`~flask_respkit.RespKit`).
    extension: object
    #: The app's validated ``RESPKIT_*`` settings (read-only).
    settings: Mapping[str, t.Any]


def settings_for(app: Flask) -> Mapping[str, t.Any]:
    """The validated ``RESPKIT_*`` settings of ``app``.

    :return: The settings validated at :meth:`~flask_respkit.RespKit.init_app`,
        or the built-in :data:`DEFAULTS` when the extension is not registered.
    """
    state = app.extensions.get("respkit")
    return state.settings if isinstance(state, State) else DEFAULTS
