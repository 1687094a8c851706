"""CORS: the :func:`cors` decorator, its precompiled :class:`Policy`, and CORS
beyond one view (``cors(...)(blueprint)`` and ``RESPKIT_CORS_RESOURCES``).

Options are validated and compiled once, when the decorator is made (and merged
with the app's ``RESPKIT_CORS_*`` settings once per app); a request only reads
sets, a few string comparisons or ``fullmatch`` calls and precomputed header
values. Each refused CORS request logs one line on the ``flask_respkit.cors``
logger.
"""

from __future__ import annotations

import datetime
import enum
import functools
import inspect
import logging
import re
import typing as t
import weakref
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from types import MappingProxyType

from flask import Blueprint, Flask, Response, current_app, request
from publicsuffixlist import PublicSuffixList
from werkzeug.exceptions import HTTPException

from ._http import (
    add_vary,
    check_bool,
    check_field_value,
    check_token,
    is_preflight,
    merge_list,
)
from .core import (
    F,
    ResponseDecorator,
    Step,
    decorators_of,
    exposed_headers,
)
from .describe import header
from .settings import Setting

if t.TYPE_CHECKING:  # pragma: no cover
    from flask.blueprints import BlueprintSetupState
    from flask.wrappers import Request
    from werkzeug.routing import Rule

    from .describe import Description

ALLOW_ORIGIN = "Access-Control-Allow-Origin"
ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"
EXPOSE_HEADERS = "Access-Control-Expose-Headers"
VARY_ORIGIN = ("Origin",)
VARY_PREFLIGHT = (
    "Origin",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
)
VARY_PREFLIGHT_VALUE = ", ".join(VARY_PREFLIGHT)
#: Request headers a browser may send without a preflight; always allowed.
SAFELISTED = frozenset(
    {"accept", "accept-language", "content-language", "content-type"}
)
STANDARD_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
HEADER_LIST = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z, \t]*")


# -- Options: checked when a decorator is made, and at init_app --------------------

#: A serialized origin ``scheme://host[:port]`` (RFC 6454 §6.2).
ORIGIN = re.compile(
    r"([a-z][a-z0-9+.\-]*)://(\[[0-9a-f:.]+\]|[a-z0-9\-._~]+)(?::([0-9]{1,5}))?", re.I
)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
#: An origin pattern: ``*.`` before the host's fixed labels and/or ``:*`` as
#: the port; what else a pattern may not hold is checked after the match.
PATTERN = re.compile(
    r"(https?)://(\*\.)?(\[[0-9a-f:.]+\]|[a-z0-9\-._~]+)(?::(\*|[0-9]{1,5}))?", re.I
)
PATTERN_FORMS = (
    "a '*' may only stand as '*.' before the host's fixed labels"
    " ('https://*.example.com': one or more labels) and/or as the port"
    " ('http://localhost:*': any port), with the scheme (http or https)"
    " written out"
)
#: The hosts an ``http://`` pattern may name when credentials are allowed.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
#: What a DNS host name or IPv4 address in an ``Origin`` may hold (after
#: lower-casing); as :data:`ORIGIN`'s host.
_HOST_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-._~"


class OriginPattern(t.NamedTuple):
    """A validated origin pattern (``https://*.example.com``,
    ``http://localhost:*``), precompiled for matching without a regex.

    .. versionadded:: 0.2.0
    """

    #: The pattern as written.
    text: str
    #: ``"http"`` or ``"https"``.
    scheme: str
    #: The fixed part of the host, lower-cased (``example.com``,
    #: ``localhost``, ``[::1]``).
    host: str
    #: ``"." + host`` when the pattern starts with ``*.`` (any subdomain),
    #: else ``None`` (the host exactly).
    suffix: str | None
    #: ``None``: the scheme's default port only (no port in ``Origin``);
    #: ``"*"``: any port, the default included; else the port's digits.
    port: str | None

    def matcher(self) -> Callable[[str], bool]:
        """A function telling whether a lower-cased ASCII ``Origin`` value
        matches, by string comparisons only (no regex)."""
        head = f"{self.scheme}://"
        start = len(head)
        suffix, host, port = self.suffix, self.host, self.port
        if suffix is not None and port is None:
            # the common case, https://*.example.com: head, labels, suffix
            end = -len(suffix)

            def subdomain(origin: str) -> bool:
                if not (origin.startswith(head) and origin.endswith(suffix)):
                    return False
                labels = origin[start:end]
                return (
                    bool(labels)
                    and not labels.strip(_HOST_CHARS)
                    and labels[0] != "." != labels[-1]
                    and ".." not in labels
                )

            return subdomain

        def any_form(origin: str) -> bool:
            if not origin.startswith(head):
                return False
            parts = _host_port(origin[start:])
            if parts is None or (port != "*" and parts[1] != port):
                return False
            if suffix is None:
                return parts[0] == host
            labels = parts[0][: -len(suffix)]
            return (
                parts[0].endswith(suffix)
                and bool(labels)
                and labels[0] != "." != labels[-1]
                and ".." not in labels
            )

        return any_form


def _host_port(rest: str) -> tuple[str, str | None] | None:
    """``host[:port]`` (lower-cased) as ``(host, port)``, or ``None`` when it
    is not well-formed: a DNS name or IPv4 address, or an IPv6 address in
    brackets; a port of 1 to 5 digits up to 65535."""
    if rest[:1] == "[":
        end = rest.find("]") + 1
        host, rest = rest[:end], rest[end:]
        if (
            not end
            or host[1:-1].strip("0123456789abcdef:.")
            or rest[:1] not in ("", ":")
        ):
            return None
        port: str | None = rest[1:] if rest else None
    else:
        host, colon, port = rest.partition(":")
        if not host or host.strip(_HOST_CHARS):
            return None
        if not colon:
            port = None
    if port is not None and not (
        port.isdigit() and len(port) <= 5 and int(port) <= 65535
    ):
        return None
    return host, port


def compile_patterns(
    patterns: tuple[OriginPattern, ...],
) -> Callable[[str], bool] | None:
    """One function telling whether an ``Origin`` value, as sent, matches
    any of ``patterns`` (``None`` for none). Only ASCII values can.

    .. versionadded:: 0.2.0
    """
    if not patterns:
        return None
    matchers = tuple(p.matcher() for p in patterns)
    if len(matchers) == 1:
        match = matchers[0]

        def one_pattern(origin: str) -> bool:
            return origin.isascii() and match(origin.lower())

        return one_pattern

    def any_pattern(origin: str) -> bool:
        if not origin.isascii():
            return False
        lower = origin.lower()
        return any(match(lower) for match in matchers)

    return any_pattern


def _bad_pattern(option: str, value: str, why: str = "") -> ValueError:
    return ValueError(
        f"{option}: {value!r} is not an origin pattern{why}; {PATTERN_FORMS}"
    )


def check_pattern(option: str, value: str) -> OriginPattern:
    """Validate an origin pattern (a string holding ``*``, other than ``"*"``).

    :raise ValueError: Any ``*`` but a leading ``*.`` and a ``:*`` port, a
        scheme other than ``http``/``https``, an empty label, a trailing
        dot, an IP address after ``*.``, or a port outside 1-65535; the
        message names the pattern and the two allowed forms.

    .. versionadded:: 0.2.0
    """
    check_field_value(option, value)
    match = PATTERN.fullmatch(value)
    if not match:
        raise _bad_pattern(option, value)
    scheme, star, host, port = match.groups()
    scheme, host = scheme.lower(), host.lower()
    if not host.startswith("["):
        labels = host.split(".")
        if "" in labels:
            raise _bad_pattern(option, value, " (an empty label or a trailing dot)")
        if star and labels[-1].isdigit():
            raise _bad_pattern(option, value, " ('*.' before an IP address)")
    elif star:
        raise _bad_pattern(option, value, " ('*.' before an IP address)")
    if port is not None and port != "*":
        number = int(port)
        if not 0 < number <= 65535:
            raise _bad_pattern(option, value, " (a port outside 1-65535)")
        port = None if number == _DEFAULT_PORTS[scheme] else str(number)
    return OriginPattern(value, scheme, host, "." + host if star else None, port)


@functools.cache
def public_suffixes() -> tuple[PublicSuffixList, Mapping[str, str]]:
    """The Public Suffix List bundled with ``publicsuffixlist`` (ICANN and
    private sections, unknown top-level domains taken as public), read once
    per process and only when a credentialed ``*.`` pattern is checked; and
    every domain that has a public suffix strictly beneath it, mapped to one
    such suffix (``amazonaws.com`` → ``s3.amazonaws.com``).

    .. versionadded:: 0.2.0
    """
    data = resources.files("publicsuffixlist").joinpath("public_suffix_list.dat")
    text = data.read_text("utf-8")
    below: dict[str, str] = {}
    for line in text.splitlines():
        rule = line.strip().split(" ")[0].lower()
        if not rule or rule.startswith(("//", "!")):
            continue
        rule = rule[2:] if rule.startswith("*.") else rule
        if not rule.isascii():
            rule = rule.encode("idna").decode("ascii")
        labels = rule.split(".")
        for i in range(1, len(labels)):
            below.setdefault(".".join(labels[i:]), rule)
    return PublicSuffixList(text), MappingProxyType(below)


def check_credentialed_pattern(
    pattern: OriginPattern, credentials: str = "allow_credentials=True"
) -> None:
    """Refuse a pattern that would let origins you do not own send
    credentials: a ``*.`` over a public suffix (``https://*.com``,
    ``https://*.co.uk``, ``https://*.github.io``) or over a domain with one
    beneath it (``https://*.amazonaws.com``), or ``http://`` for a host other
    than ``localhost``, ``127.0.0.1`` and ``[::1]``.

    :param credentials: The option that allowed credentials, for the message.
    :raise ValueError: The pattern is refused, naming it and why.

    .. versionadded:: 0.2.0
    """
    head = f"{credentials} with the origin pattern {pattern.text!r}"
    if pattern.scheme == "http" and (
        pattern.suffix is not None or pattern.host not in LOOPBACK_HOSTS
    ):
        raise ValueError(
            f"{head}: plain http is allowed with credentials only for localhost,"
            " 127.0.0.1 and [::1] (anyone on the network path can answer for"
            " an http origin); use https"
        )
    if pattern.suffix is None:
        return
    psl, below = public_suffixes()
    host = pattern.host
    if psl.is_public(host):
        raise ValueError(
            f"{head}: {host} is a public suffix (Public Suffix List), so anyone"
            " can register a matching origin; list your own domain"
            " ('https://*.yours.example')"
        )
    if host in below:
        raise ValueError(
            f"{head}: {below[host]} beneath {host} is a public suffix (Public"
            " Suffix List), so anyone can register a matching origin; narrow"
            " the pattern to hosts you own"
        )


class Origins(t.NamedTuple):
    """A validated, non-wildcard ``origins`` option."""

    #: Serialized origins, lower-cased, default ports dropped (``"null"`` too).
    exact: frozenset[str]
    #: Compiled regexes, matched with ``fullmatch``.
    patterns: tuple[re.Pattern[str], ...]
    #: A callable ``(origin) -> bool``, or ``None``.
    predicate: Callable[[str], bool] | None
    #: Origin patterns (``https://*.example.com``, ``http://localhost:*``).
    globs: tuple[OriginPattern, ...] = ()


def _check_origin(option: str, value: str) -> str:
    check_field_value(option, value)
    if value == "null":
        return value
    match = ORIGIN.fullmatch(value)
    port = int(match[3]) if match and match[3] else None
    if not match or (port is not None and port > 65535):
        raise ValueError(
            f"{option} must hold serialized origins 'scheme://host[:port]' (no path,"
            " no trailing slash), origin patterns ('https://*.example.com',"
            f" 'http://localhost:*') or compiled regexes, got {value!r}"
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

    A string holding ``*`` (but ``"*"`` itself) is an origin pattern
    (:func:`check_pattern`).

    :raise ValueError: A string is neither a serialized origin nor an origin
        pattern, or ``"*"`` is mixed with other origins.
    :raise TypeError: The value or an item has the wrong type.
    """
    if value == "*":
        return "*"
    if isinstance(value, (str, re.Pattern)):
        value = [value]
    if callable(value):
        _check_predicate(option, value)
        return Origins(frozenset(), (), t.cast("Callable[[str], bool]", value))
    if isinstance(value, (bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(
            f"{option} must be '*', an origin, an iterable of origins, origin"
            " patterns and compiled regexes, or a callable (origin) -> bool,"
            f" got {value!r}"
        )
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    globs: dict[str, OriginPattern] = {}
    for item in value:
        if item == "*":
            raise ValueError(f"{option}: use origins='*' alone, not inside a list")
        if isinstance(item, re.Pattern):
            patterns.append(item)
        elif isinstance(item, str) and "*" in item:
            globs.setdefault(item, check_pattern(option, item))
        elif isinstance(item, str):
            exact.add(_check_origin(option, item))
        else:
            raise TypeError(f"{option} items must be str or re.Pattern, got {item!r}")
    if not exact and not patterns and not globs:
        raise ValueError(f"{option} must not be empty (allow no origin: omit cors)")
    return Origins(frozenset(exact), tuple(patterns), None, tuple(globs.values()))


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


#: The built-in default of each option.
CORS_DEFAULTS: Mapping[str, t.Any] = MappingProxyType(
    {
        "origins": "*",
        "methods": None,
        "allow_headers": "*",
        "expose_headers": None,
        "allow_credentials": False,
        "max_age": None,
        "allow_private_network": False,
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
        checked[pattern] = MappingProxyType(check_cors_options(where, options))
    return MappingProxyType(checked)


#: The ``RESPKIT_CORS_*`` settings: one per option, and the resources.
CORS_SETTINGS: tuple[Setting, ...] = (
    *(
        Setting(f"RESPKIT_CORS_{name.upper()}", CORS_DEFAULTS[name], check)
        for name, check in CORS_CHECKS.items()
    ),
    Setting("RESPKIT_CORS_RESOURCES", None, check_resources),
)
#: The built-in defaults of every option, validated.
_BUILTIN = {k: CORS_CHECKS[k](k, v) for k, v in CORS_DEFAULTS.items()}


# -- The policy --------------------------------------------------------------------


class _Unset(enum.Enum):
    UNSET = 0


_UNSET = _Unset.UNSET
OriginsArg = t.Union[
    str, Iterable[t.Union[str, "re.Pattern[str]"]], Callable[[str], bool]
]


def expose_present(response: Response) -> Response:
    """Add the kit's headers present on a CORS response to its
    ``Access-Control-Expose-Headers``; a response without
    ``Access-Control-Allow-Origin`` is left alone.

    The kit's own CORS answers list every one of them already; this is for
    ``after_request`` code of your own that answers CORS by hand.

    .. versionadded:: 0.1.0
    """
    headers = response.headers
    if ALLOW_ORIGIN in headers:
        present = [n for n in exposed_headers() if n in headers]
        merge_list(headers, EXPOSE_HEADERS, present)
    return response


#: One INFO line per refused CORS request (see :func:`log_refusal`).
logger = logging.getLogger("flask_respkit.cors")
#: How much of a request value a refusal line shows.
LOGGED_CHARS = 200
#: A refusal reason → the request header that caused it, besides ``Origin``.
_OFFENDING = {
    "method not allowed": "Access-Control-Request-Method",
    "request headers not allowed": "Access-Control-Request-Headers",
    "private network access not allowed": "Access-Control-Request-Private-Network",
}


def log_refusal(
    reason: str, rule: Rule | None, environ: Mapping[str, t.Any], *, preflight: bool
) -> None:
    """Log a refused CORS request on :data:`logger` at ``INFO``, in one line:
    the reason, the URL rule, and the ``Origin`` and offending header values,
    each cut to :data:`LOGGED_CHARS` characters and written with ``%r`` (a
    value can never start a line of its own, CVE-2024-1681).

    .. versionadded:: 0.2.0
    """
    if not logger.isEnabledFor(logging.INFO):
        return
    message = "CORS %s refused: %s; rule %r; Origin %r"
    args: list[t.Any] = [
        "preflight" if preflight else "request",
        reason,
        None if rule is None else rule.rule,
        environ.get("HTTP_ORIGIN", "")[:LOGGED_CHARS],
    ]
    name = _OFFENDING.get(reason)
    if name is not None:
        message += "; %s %r"
        key = "HTTP_" + name.upper().replace("-", "_")
        args += [name, environ.get(key, "")[:LOGGED_CHARS]]
    logger.info(message, *args)


def _reject(reason: str) -> Response:
    response = current_app.response_class(
        f"CORS preflight rejected: {reason}.\n", 403, mimetype="text/plain"
    )
    add_vary(response.headers, VARY_PREFLIGHT)
    return response


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


class Policy(Step):
    """A resolved CORS policy: what one :func:`cors` (or one
    ``RESPKIT_CORS_RESOURCES`` entry) does in one app. Read-only after
    construction (but for a cache of ``Allow-Methods`` values per rule) and
    shared by all requests.

    :param options: Every option of :func:`cors`, validated.
    :raise ValueError: ``allow_credentials`` with ``origins="*"``, or with an
        origin pattern :func:`check_credentialed_pattern` refuses.
    """

    errors = True

    #: How the option allowing credentials is written, for error messages.
    credentials_option: t.ClassVar[str] = "allow_credentials=True"
    #: A preflight for a method that no route with CORS serves on the URL is
    #: refused, whatever ``methods`` lists. (The Flask-CORS shim, which keeps
    #: Flask-CORS's answers, turns it off.)
    refuses_unserved_methods: t.ClassVar[bool] = True

    def __init__(self, options: Mapping[str, t.Any]) -> None:
        origins = options["origins"]
        if options["allow_credentials"] and origins == "*":
            raise ValueError(
                "cors: allow_credentials=True cannot be combined with origins='*'"
                " (browsers reject it, and reflecting any origin with credentials"
                " lets every site act as the user); list the origins"
            )
        self.any_origin = origins == "*"
        self.origins: Origins = (
            Origins(frozenset(), (), None) if self.any_origin else origins
        )
        #: The origin patterns, and one function matching them (or ``None``).
        self.globs = self.origins.globs
        self.match_globs = compile_patterns(self.globs)
        if options["allow_credentials"]:
            for pattern in self.globs:
                check_credentialed_pattern(pattern, self.credentials_option)
        methods = options["methods"]
        self.methods = None if methods is None else frozenset(methods)
        self.methods_value = None if methods is None else ", ".join(methods)
        allow = options["allow_headers"]
        self.allow_headers = (
            "*" if allow == "*" else frozenset(h.lower() for h in allow)
        )
        self.expose = tuple(options["expose_headers"])
        #: The policy's own exposed headers, then those every decorator
        #: family declares (:func:`~flask_respkit.core.exposed_headers`).
        own = {e.lower() for e in self.expose}
        self.expose_all = (
            *self.expose,
            *(n for n in exposed_headers() if n.lower() not in own),
        )
        self.expose_value = ", ".join(self.expose)
        self.expose_all_value = ", ".join(self.expose_all)
        self.credentials: bool = options["allow_credentials"]
        max_age = options["max_age"]
        self.max_age = None if max_age is None else str(max_age)
        self.private_network: bool = options["allow_private_network"]
        #: Compiled patterns of further allowed request header names (full
        #: match); internal, set by the Flask-CORS compatibility layer.
        self.header_patterns: tuple[re.Pattern[str], ...] = tuple(
            options.get("header_patterns", ())
        )
        self._rule_methods: dict[int, str] = {}

    def allows(self, origin: str) -> bool:
        """Whether a request ``Origin`` value is allowed."""
        if self.any_origin:
            return True
        exact, patterns, predicate, _ = self.origins
        if origin in exact:
            return True
        lower = origin.lower()
        if lower in exact and lower != "null":  # "null" is compared exactly
            return True
        match_globs = self.match_globs
        if match_globs is not None and match_globs(origin):
            return True
        # "null" and malformed values never reach a regex or the callable
        if not (patterns or predicate) or not ORIGIN.fullmatch(origin):
            return False
        if any(p.fullmatch(origin) for p in patterns):
            return True
        return predicate is not None and bool(predicate(origin))

    def options(self, req: Request, app: Flask) -> Response | None:
        """Answer a preflight (a plain ``OPTIONS`` is left to the core)."""
        if is_preflight(req):
            return self.preflight(req.environ, req.url_rule)
        return None

    def preflight(self, environ: Mapping[str, t.Any], rule: Rule | None) -> Response:
        """Answer a preflight: 204 with the CORS headers, or 403 with a reason.

        :param environ: The request's WSGI environ.
        :param rule: The matched URL rule, or ``None`` for an unknown route.
        """
        grant = self.grant(environ, rule)
        if isinstance(grant, str):
            log_refusal(grant, rule, environ, preflight=True)
            return _reject(grant)
        policy = grant.policy
        response = current_app.response_class(status=204)
        headers = response.headers
        headers.clear()
        headers[ALLOW_ORIGIN] = "*" if policy.any_origin else environ["HTTP_ORIGIN"]
        if policy.credentials:
            headers[ALLOW_CREDENTIALS] = "true"
        headers["Access-Control-Allow-Methods"] = grant.methods
        if grant.headers:
            headers["Access-Control-Allow-Headers"] = grant.headers
        if policy.max_age is not None:
            headers["Access-Control-Max-Age"] = policy.max_age
        if grant.private_network:
            headers["Access-Control-Allow-Private-Network"] = "true"
        headers["Vary"] = VARY_PREFLIGHT_VALUE
        return response

    def grant(self, environ: Mapping[str, t.Any], rule: Rule | None) -> Grant | str:
        """Decide a preflight: what to grant, or why it is refused.

        :param environ: The WSGI environ of a preflight request.
        :param rule: The matched URL rule, or ``None`` for an unknown route.
        :return: A :class:`Grant`, or the reason for refusing as a string.
        """
        origin: str = environ["HTTP_ORIGIN"]
        method: str = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
        if rule is not None and method not in (rule.methods or (method,)):
            # Another rule on this path may serve ``method`` (``@app.get`` and
            # ``@app.post`` on one URL): its own CORS policy decides. A
            # method no rule with CORS serves is refused, whatever ``methods``
            # (or RESPKIT_CORS_METHODS) lists: the browser would send the
            # request, credentials included, to a view that never opted in.
            sibling = _sibling(method)
            if sibling is not None:
                return sibling[0].grant(environ, sibling[1])
            if self.refuses_unserved_methods:
                return "method not allowed"
        if not self.allows(origin):
            return "origin not allowed"
        if self.methods is not None:
            if method not in self.methods:
                return "method not allowed"
            methods_value = self.methods_value
        elif rule is None or rule.methods is None:
            methods_value = STANDARD_METHODS
        elif method in rule.methods:
            methods_value = self._rule_methods.get(id(rule))
            if methods_value is None:
                methods_value = self._rule_methods[id(rule)] = ", ".join(
                    sorted(rule.methods)
                )
        else:
            return "method not allowed"
        requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
        allowed = None
        if requested:
            allowed = self._allowed_headers(requested)
            if allowed is None:
                return "request headers not allowed"
        pna = environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") == "true"
        if pna and not self.private_network:
            return "private network access not allowed"
        return Grant(self, t.cast(str, methods_value), allowed, pna)

    def _allowed_headers(self, requested: str) -> str | None:
        if self.allow_headers == "*":
            return requested if HEADER_LIST.fullmatch(requested) else None
        names = [n.strip().lower() for n in requested.split(",")]
        patterns = self.header_patterns
        for name in names:
            if name and name not in self.allow_headers and name not in SAFELISTED:
                if not (patterns and HEADER_LIST.fullmatch(name)):
                    return None
                if not any(p.fullmatch(name) for p in patterns):
                    return None
        return ", ".join(n for n in names if n)

    def apply(self, response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _ in headers}
        if self.any_origin:
            _put(headers, present, ALLOW_ORIGIN, "*")
        else:
            if "vary" in present:
                add_vary(headers, VARY_ORIGIN)
            else:
                headers.add("Vary", "Origin")
            environ = request.environ
            origin = environ.get("HTTP_ORIGIN")
            if origin is None:
                return response
            if not self.allows(origin):
                log_refusal(
                    "origin not allowed", request.url_rule, environ, preflight=False
                )
                return response
            _put(headers, present, ALLOW_ORIGIN, origin)
            if self.credentials:
                _put(headers, present, ALLOW_CREDENTIALS, "true")
        if "access-control-expose-headers" in present:
            merge_list(headers, EXPOSE_HEADERS, self.expose_all)
        else:
            headers.add(EXPOSE_HEADERS, self.expose_all_value)
        return response


def _put(headers: t.Any, present: set[str], name: str, value: str) -> None:
    """Set one header; ``add`` is cheaper when the name is known absent."""
    if name.lower() in present:
        headers[name] = value
    else:
        headers.add(name, value)


def _sibling(method: str) -> tuple[Policy, Rule] | None:
    """The CORS policy and rule of the route serving ``method`` on this path."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    adapter = app.create_url_adapter(request._get_current_object())  # type: ignore[attr-defined]
    try:
        rule, _ = adapter.match(method=method, return_rule=True)
    except HTTPException:
        return None
    if method not in (rule.methods or (method,)):
        return None  # Werkzeug upper-cases; CORS method tokens are exact
    policy = cors_policy_of(app, rule.endpoint)
    return None if policy is None else (policy, rule)


def cors_policy_of(app: Flask, endpoint: str | None) -> Policy | None:
    """The CORS policy that decides for ``endpoint``: the outermost
    :func:`cors` on its view, else that of the nearest blueprint given
    :func:`cors` that the endpoint belongs to, else ``None``."""
    if not endpoint:
        return None
    policy = _view_policy(app, endpoint)
    if policy is not None:
        return policy
    given = blueprint_cors(app, endpoint)
    return None if given is None else t.cast(Policy, given.step_for(app))


def blueprint_cors(app: Flask, endpoint: str) -> Cors | None:
    """The :func:`cors` given to the nearest blueprint ``endpoint`` belongs
    to (``"outer.inner.view"``: ``outer.inner``, then ``outer``), or ``None``."""
    table = _BLUEPRINTS.get(app)
    if table:
        name = endpoint.rpartition(".")[0]
        while name:
            given = table.get(name)
            if given is not None:
                return given.decorator
            name = name.rpartition(".")[0]
    return None


def _view_policy(app: Flask, endpoint: str | None) -> Policy | None:
    """The policy of the outermost :func:`cors` on ``endpoint``'s view."""
    view = app.view_functions.get(endpoint) if endpoint else None
    for decorator in reversed(decorators_of(view)):
        if isinstance(decorator, Cors):
            return t.cast(Policy, decorator.step_for(app))
    return None


class Cors(ResponseDecorator):
    """The decorator :func:`cors` makes; its step in an app is a
    :class:`Policy`. The CORS family's declarations live here: the
    ``RESPKIT_CORS_*`` settings, ``RESPKIT_CORS_RESOURCES`` installed at
    ``init_app``, a blueprint's policy for its endpoints, and the OpenAPI
    description of the CORS response headers.

    :param given: The options passed to :func:`cors`, validated.
    """

    receives_options = True
    settings = CORS_SETTINGS

    def __init__(self, given: dict[str, t.Any]) -> None:
        self.given = given
        self._identity = tuple(sorted(given.items()))
        if "origins" in given and "allow_credentials" in given:
            Policy({**_BUILTIN, **given})  # fail now on an impossible combination

    def identity(self) -> t.Hashable:
        return self._identity

    def options_with(self, settings: Mapping[str, t.Any]) -> dict[str, t.Any]:
        """Every option: those given, then the app's ``RESPKIT_CORS_*``."""
        return {**cors_defaults(settings), **self.given}

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        return Policy(self.options_with(settings))

    @classmethod
    def check_settings(cls, settings: Mapping[str, t.Any]) -> None:
        if not settings["RESPKIT_CORS_ALLOW_CREDENTIALS"]:
            return
        origins = settings["RESPKIT_CORS_ORIGINS"]
        if origins == "*":
            raise ValueError(
                "RESPKIT_CORS_ALLOW_CREDENTIALS = True needs RESPKIT_CORS_ORIGINS"
                " to list the origins: with '*' any website could act as your"
                " signed-in users"
            )
        for pattern in origins.globs:
            check_credentialed_pattern(pattern, "RESPKIT_CORS_ALLOW_CREDENTIALS = True")

    @classmethod
    def init_app(cls, app: Flask, settings: Mapping[str, t.Any]) -> None:
        install_resources(app, settings)

    @classmethod
    def app_decorators(
        cls, app: Flask, endpoint: str, own: t.Sequence[ResponseDecorator]
    ) -> tuple[ResponseDecorator, ...]:
        if any(isinstance(d, Cors) for d in own):
            return ()
        given = blueprint_cors(app, endpoint)
        return () if given is None else (given,)

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        policy = Policy(self.options_with(settings))
        if policy.any_origin:
            origin = header("`*`: any origin may read the response.", enum=["*"])
        else:
            origin = header(
                "The request's `Origin`, when it is allowed (else no CORS headers)."
            )
            doc.varies("Origin")
        doc.every_response(ALLOW_ORIGIN, origin)
        if policy.credentials:
            doc.every_response(
                ALLOW_CREDENTIALS,
                header(
                    "Credentials (cookies, `Authorization`) may be sent.",
                    enum=["true"],
                ),
            )
        names = ", ".join(f"`{n}`" for n in policy.expose_all)
        doc.every_response(
            EXPOSE_HEADERS,
            header(
                f"Response headers browser JavaScript may read: {names}.",
                example=policy.expose_all_value,
            ),
        )

    def summary(self, settings: Mapping[str, t.Any]) -> str:
        options = self.options_with(settings)
        origins = options["origins"]
        if isinstance(origins, Origins):
            listed = [
                *sorted(origins.exact),
                *(g.text for g in origins.globs),
                *(p.pattern for p in origins.patterns),
            ]
            if origins.predicate is not None:
                listed.append(getattr(origins.predicate, "__name__", "callable"))
            origins = listed
        shown = {
            "origins": origins,
            "credentials": options["allow_credentials"],
            "methods": options["methods"] or "route's",
        }
        if options["max_age"] is not None:
            shown["max_age"] = options["max_age"]
        return "cors(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    @t.overload
    def __call__(self, view: Blueprint) -> Blueprint: ...

    @t.overload
    def __call__(self, view: F) -> F: ...

    def __call__(self, view: t.Any) -> t.Any:
        if isinstance(view, Blueprint):
            _BlueprintCors(self, view)
            return view
        return super().__call__(view)

    def __repr__(self) -> str:
        return f"cors({', '.join(f'{k}={v!r}' for k, v in self.given.items())})"


def cors(
    origins: OriginsArg | _Unset = _UNSET,
    *,
    methods: Iterable[str] | str | _Unset | None = _UNSET,
    allow_headers: Iterable[str] | str | _Unset = _UNSET,
    expose_headers: Iterable[str] | str | _Unset | None = _UNSET,
    allow_credentials: bool | _Unset = _UNSET,
    max_age: int | datetime.timedelta | _Unset | None = _UNSET,
    allow_private_network: bool | _Unset = _UNSET,
) -> Cors:
    """Allow cross-origin requests to a view, a ``MethodView`` or a ``Blueprint``.

    ::

        @app.get("/api/items")
        @cors(["https://example.com", "https://*.example.com"],
              allow_credentials=True, max_age=600)
        def items():
            return db.items()

    The decorator answers preflights itself (the view never runs) and adds
    ``Access-Control-*`` headers to every other response of the view, error
    responses included. An option left out takes the app's
    ``RESPKIT_CORS_*`` value, else the built-in default shown in the docs.

    :param origins: ``"*"`` (the default), one serialized origin
        (``scheme://host[:port]``, compared case-insensitively) or origin
        pattern (``https://*.example.com``: one or more whole labels;
        ``http://localhost:*``: any port), an iterable of origins, patterns
        and compiled regexes (matched with ``fullmatch``), or a callable
        ``(origin) -> bool``. ``"null"`` matches only when listed, and exactly.
    :param methods: Methods a preflight may ask for (exact, case-sensitive
        tokens, upper-cased here); ``None``: the route's methods.
    :param allow_headers: Request header names a preflight may ask for, or
        ``"*"`` to allow any (the requested names are echoed, so
        ``Authorization`` works). The CORS-safelisted names are always allowed.
    :param expose_headers: Response headers browser JavaScript may read; the
        headers every decorator family declares (``Link``, ``X-Total-Count``,
        ``WWW-Authenticate``, ``Content-Disposition``, ``Location``, ``ETag``,
        ``Deprecation``, ``Sunset``, and your own families') are always listed
        after them.
    :param allow_credentials: Send ``Access-Control-Allow-Credentials: true``;
        not allowed with ``origins="*"``, nor with a pattern over a public
        suffix (``https://*.github.io``) or over plain ``http`` but for
        ``localhost``, ``127.0.0.1`` and ``[::1]``.
    :param max_age: Seconds (or a ``timedelta``) a browser may cache a preflight.
    :param allow_private_network: Answer private network access preflights.
    :raise ValueError: An option is invalid (CR/LF, a path in an origin, a
        ``*`` outside the two pattern forms, a non-token name) or credentials
        meet ``"*"`` or a pattern they may not.
    :raise TypeError: An option has the wrong type or name.

    .. versionadded:: 0.1.0
    """
    given = {
        "origins": origins,
        "methods": methods,
        "allow_headers": allow_headers,
        "expose_headers": expose_headers,
        "allow_credentials": allow_credentials,
        "max_age": max_age,
        "allow_private_network": allow_private_network,
    }
    return Cors(
        check_cors_options(
            "cors()", {k: v for k, v in given.items() if v is not _UNSET}
        )
    )


# -- CORS beyond one view --------------------------------------------------------

#: Per app: the dotted names blueprints given :func:`cors` are registered
#: under, and what they were given. The nearest in ``request.blueprints``
#: decides.
_BLUEPRINTS: weakref.WeakKeyDictionary[Flask, dict[str, _BlueprintCors]] = (
    weakref.WeakKeyDictionary()
)


def _own_policy_table(
    find: Callable[[Flask, str | None], Policy | None],
) -> Callable[[Flask, str | None], Policy | None]:
    """``find`` (a policy lookup by endpoint), cached per app: routes and
    blueprints are fixed once requests come."""
    known: weakref.WeakKeyDictionary[Flask, dict[str | None, Policy | None]] = (
        weakref.WeakKeyDictionary()
    )

    def own_policy(app: Flask, endpoint: str | None) -> Policy | None:
        table = known.get(app)
        if table is None:
            table = known.setdefault(app, {})
        try:
            return table[endpoint]
        except KeyError:
            policy = table[endpoint] = find(app, endpoint)
            return policy

    return own_policy


class _BlueprintCors:
    """``cors(...)(blueprint)``: CORS for every route of a blueprint and of the
    blueprints nested in it, through the blueprint's own request hooks. A
    view's own :func:`cors` wins, and so does the nearest blueprint's."""

    def __init__(self, decorator: Cors, blueprint: Blueprint) -> None:
        self.decorator = decorator
        self.own_policy = _own_policy_table(_view_policy)
        try:
            blueprint.record(self.registered)
        except AssertionError:  # Flask refuses setup after registration
            raise RuntimeError(
                f"cors(...)({blueprint.name!r}): the blueprint is already registered;"
                " apply cors before app.register_blueprint"
            ) from None
        blueprint.before_request(self.answer_preflight)
        blueprint.after_request(self.add_headers)

    def registered(self, state: BlueprintSetupState) -> None:
        name = f"{state.name_prefix}.{state.name}".lstrip(".")
        app = t.cast(Flask, state.app)
        _BLUEPRINTS.setdefault(app, {})[name] = self

    def _policy(self) -> Policy | None:
        """This blueprint's policy if it decides for the current request."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        table = _BLUEPRINTS.get(app, {})
        req = request._get_current_object()  # type: ignore[attr-defined]
        nearest = next((table[n] for n in req.blueprints if n in table), None)
        if nearest is not self or self.own_policy(app, req.endpoint):
            return None
        return t.cast(Policy, self.decorator.step_for(app))

    def answer_preflight(self) -> Response | None:
        if not is_preflight(request):
            return None
        policy = self._policy()
        return (
            None
            if policy is None
            else policy.preflight(request.environ, request.url_rule)
        )

    def add_headers(self, response: Response) -> Response:
        if is_preflight(request):
            return response
        policy = self._policy()
        return response if policy is None else policy.apply(response)


def install_resources(app: Flask, settings: Mapping[str, t.Any]) -> None:
    """Give CORS to every path matching a ``RESPKIT_CORS_RESOURCES`` pattern.

    Called by :meth:`~flask_respkit.RespKit.init_app`. Each pattern is
    full-matched against the path Flask routes (``request.path``:
    percent-escapes decoded once), never the raw one: a pattern judges the
    same path that picks the view, so ``/api/%61dmin`` meets the
    ``/api/admin/.*`` policy. The first matching pattern's policy applies,
    unless the matched view has its own :func:`cors`.

    :raise ValueError: A resource's options combine badly with the app's
        settings (credentials with ``"*"``), naming the pattern.
    """
    resources = settings["RESPKIT_CORS_RESOURCES"]
    if not resources:
        return
    base = cors_defaults(settings)
    table: list[tuple[re.Pattern[str], Policy]] = []
    for pattern, options in resources.items():
        try:
            table.append((re.compile(pattern), Policy({**base, **options})))
        except ValueError as e:
            raise ValueError(f"RESPKIT_CORS_RESOURCES[{pattern!r}]: {e}") from None
    own_policy = _own_policy_table(cors_policy_of)

    def policy_for(rule: Rule | None) -> Policy | None:
        path = request.path  # what routing matched, never RAW_URI
        for compiled, policy in table:
            if compiled.fullmatch(path):
                # a view's own cors() wins
                return None if rule and own_policy(app, rule.endpoint) else policy
        return None

    @app.before_request
    def resource_preflight() -> Response | None:
        if not is_preflight(request):
            return None
        rule = _rule_for_preflight()  # the rule serving the requested method
        policy = policy_for(rule)
        if policy is not None:
            return policy.preflight(request.environ, rule)
        view_policy = own_policy(app, rule.endpoint) if rule else None
        url_rule = request.url_rule
        if view_policy is None or (url_rule and own_policy(app, url_rule.endpoint)):
            return None  # no CORS here, or the view that got the OPTIONS answers
        # a plain sibling route (first registered) caught the OPTIONS
        return view_policy.preflight(request.environ, rule)

    @app.after_request
    def resource_headers(response: Response) -> Response:
        if is_preflight(request):
            return response  # answered in full by a policy, or none applies
        policy = policy_for(request.url_rule)
        return response if policy is None else policy.apply(response)


def _rule_for_preflight() -> Rule | None:
    method = request.environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    adapter = app.create_url_adapter(request._get_current_object())  # type: ignore[attr-defined]
    try:
        rule, _ = adapter.match(method=method, return_rule=True)
    except HTTPException:
        return request.url_rule
    return t.cast("Rule", rule)
