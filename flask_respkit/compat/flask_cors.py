"""A drop-in replacement for Flask-CORS 6.x, built on respkit's CORS policies.

::

    # from flask_cors import CORS, cross_origin
    from flask_respkit.compat.flask_cors import CORS, cross_origin

The options, ``CORS_*`` config keys and defaults are Flask-CORS's; the
decisions are respkit's, which differ where Flask-CORS is unsafe (see
:doc:`/migrating-flask-cors`). Each Flask-CORS option is validated on its own
(naming the option or config key) into a normalized value; the merged values
build one :class:`FlaskCorsPolicy`, whose decisions (origin, method, headers,
private network) are respkit's and whose output follows Flask-CORS's layout.
"""

from __future__ import annotations

import datetime
import re
import typing as t
import weakref
from collections.abc import Callable, Iterable, Mapping

from flask import Blueprint, Flask, Response, current_app, request

from .._http import TOKEN, check_bool, is_preflight
from ..core import Step, default_options_response
from ..cross_origin import (
    ALLOW_CREDENTIALS,
    ALLOW_ORIGIN,
    EXPOSE_HEADERS,
    ORIGIN,
    SAFELISTED,
    Cors,
    Grant,
    Origins,
    Policy,
    check_allow_headers,
    check_expose_headers,
    check_max_age,
    check_methods,
    check_origins,
    check_pattern,
    cors_policy_of,
    log_refusal,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from flask.wrappers import Request
    from werkzeug.datastructures import Headers

__all__ = ["CORS", "cross_origin"]

_OPTIONS_DOC = """
    :param origins: ``"*"`` (the default: any origin), an origin, a regex, or a
        list of them (``[]``: none). A string holding any of ``*\\]?$^[]()``
        is a regex, as in Flask-CORS, matched case-insensitively **in full**,
        unless it is a valid origin pattern (``https://*.example.com``,
        ``http://localhost:*``): that is matched as the pattern, label by
        label. Other strings must be origins ``scheme://host[:port]`` (or
        ``null``), compared case-insensitively as written.
    :param methods: Methods a preflight may ask for (default: ``DELETE, GET,
        HEAD, OPTIONS, PATCH, POST, PUT``), matched as exact tokens.
    :param allow_headers: Request header names (or regexes, matched from the
        start, case-insensitive) a preflight may ask for; ``"*"`` (default)
        allows any. A preflight gets the asked names that are allowed.
    :param expose_headers: Response headers browser JavaScript may read.
    :param supports_credentials: Send ``Access-Control-Allow-Credentials:
        true``; refused with an allow-all origin.
    :param max_age: Seconds (int, digit string or ``timedelta``) a browser may
        cache a preflight.
    :param send_wildcard: With ``origins="*"``, answer ``*`` instead of echoing
        the request's origin.
    :param vary_header: Add ``Vary: Origin`` when the answer depends on it.
    :param automatic_options: The decorator answers ``OPTIONS`` with Flask's
        default ``OPTIONS`` response (the view does not run).
    :param always_send: Answer requests without an ``Origin`` too: ``*``
        from an allow-all policy, else the first listed literal origin.
    :param allow_private_network: Answer ``Access-Control-Request-Private-Network``
        with ``true`` (``false`` otherwise).
"""

#: Flask-CORS's default ``methods``, sorted as its header value is.
ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
# Flask-CORS treats a string holding one of these as a regular expression.
_REGEX_HINTS = frozenset("*\\]?$^[]()")
_ACRPN = "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"


class ResourcesError(ValueError, TypeError):
    """A ``resources`` value of the wrong shape. A ``ValueError``, as Flask-CORS
    raises, and a ``TypeError``, as every other option of the wrong type."""


def looks_like_regex(value: str) -> bool:
    """Whether Flask-CORS would read the string ``value`` as a regex."""
    return not _REGEX_HINTS.isdisjoint(value)


def is_origin_pattern(value: str) -> bool:
    """Whether the string ``value`` is a valid respkit origin pattern
    (``https://*.example.com``, ``http://localhost:*``), which the shim
    matches as the pattern rather than as Flask-CORS's regex."""
    if "*" not in value or value == "*":
        return False
    try:
        check_pattern("origins", value)
    except ValueError:
        return False
    return True


def _compile(name: str, value: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(value, flags)
    except re.error as e:
        raise ValueError(f"{name}: {value!r} is not a valid regex: {e}") from None


def _items(name: str, value: object) -> list[object]:
    if isinstance(value, (str, re.Pattern)):
        return [value]
    if isinstance(value, (bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a string, a regex or a list, got {value!r}")
    return list(value)


def _origins(name: str, value: object) -> tuple[object, tuple[str, ...]]:
    # (respkit's origins, the literal strings as given, sorted: Flask-CORS
    # compares them as written, and sends the first to a request without
    # Origin when always_send is on)
    items = _items(name, value)
    if "*" in items or ".*" in items:
        return "*", ()
    if not items:
        return Origins(frozenset(), (), None), ()  # Flask-CORS: matches nothing
    parsed: list[str | re.Pattern[str]] = []
    for item in items:
        if isinstance(item, str) and is_origin_pattern(item):
            # Flask-CORS's regex reading of "https://*.example.com" grants
            # https://xexample.com and refuses https://app.example.com
            parsed.append(item)
        elif isinstance(item, str) and looks_like_regex(item):
            parsed.append(_compile(name, item, re.I))
        elif isinstance(item, str) and item.lower() == "null":
            parsed.append("null")  # validated as respkit spells it
        elif isinstance(item, str) and "," in item:
            raise ValueError(
                f"{name}: {item!r} is not one origin; give a list of origins"
                " (Flask-CORS does not split the string and matches nothing)"
            )
        else:
            parsed.append(t.cast(str, item))
    literals = sorted(
        i for i in items if isinstance(i, str) and not looks_like_regex(i)
    )
    return check_origins(name, parsed), tuple(literals)


def _allow_headers(name: str, value: object) -> tuple[object, tuple[object, ...]]:
    items = _items(name, value)
    if "*" in items or ".*" in items:
        return "*", ()
    names, patterns = [], []
    for item in items:
        if isinstance(item, re.Pattern):
            patterns.append(item)
        elif isinstance(item, str) and looks_like_regex(item):
            patterns.append(_compile(name, item, re.I))
        else:
            names.append(item)
    return check_allow_headers(name, names), tuple(patterns)


def _listed(check: Callable[[str, object], t.Any]) -> Callable[[str, object], t.Any]:
    # Flask-CORS sorts a list (not a string) when it joins it into a header.
    def checker(name: str, value: object) -> t.Any:
        if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
            value = sorted(t.cast("Iterable[str]", value), key=str)
        return check(name, value)

    return checker


def _methods(name: str, value: object) -> tuple[tuple[str, ...], str]:
    # (the method tokens, the Access-Control-Allow-Methods value: Flask-CORS
    # writes a string as given, upper-cased, and a list sorted and joined)
    if value is None:
        return ALL_METHODS, ", ".join(ALL_METHODS)
    methods = _listed(check_methods)(name, value)
    if isinstance(value, str):
        return methods, value.strip().upper()
    return methods, ", ".join(methods)


def _max_age(name: str, value: object) -> int | None:
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit():
            raise ValueError(f"{name} must be a number of seconds, got {value!r}")
        return int(value)
    if value == 0 and not isinstance(value, datetime.timedelta):
        return None  # Flask-CORS leaves out a max_age of 0
    return check_max_age(name, value)


#: Option name → checker for :func:`cross_origin` (and the extension).
CHECKS: Mapping[str, Callable[[str, t.Any], t.Any]] = {
    "origins": _origins,
    "methods": _methods,
    "allow_headers": _allow_headers,
    "expose_headers": _listed(check_expose_headers),
    "supports_credentials": check_bool,
    "max_age": _max_age,
    "send_wildcard": check_bool,
    "vary_header": check_bool,
    "automatic_options": check_bool,
    "always_send": check_bool,
    "allow_private_network": check_bool,
}
#: Further options only the extension takes.
APP_ONLY = ("resources", "intercept_exceptions")
_RAW_DEFAULTS = {
    "origins": "*",
    "methods": None,
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "vary_header": True,
    "automatic_options": True,
    "always_send": True,
    "allow_private_network": False,
}
#: Flask-CORS's defaults, validated.
DEFAULTS: Mapping[str, t.Any] = {k: CHECKS[k](k, v) for k, v in _RAW_DEFAULTS.items()}


def check(
    where: str, options: Mapping[str, t.Any], app: bool = False
) -> dict[str, t.Any]:
    """Validate Flask-CORS keyword options; an unknown name raises ``TypeError``.

    :param where: How the options were given, for error messages.
    :param app: Also accept the extension's ``resources`` and
        ``intercept_exceptions`` (kept as given / checked as a bool).
    """
    known = [*CHECKS, *APP_ONLY] if app else list(CHECKS)
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise TypeError(f"{where}: unknown option(s) {unknown}; allowed: {known}")
    checked = {}
    for key, value in options.items():
        if key == "resources":
            checked[key] = value  # parsed by resources(), which names it
        elif key == "intercept_exceptions":
            checked[key] = check_bool(f"{where} option {key}", value)
        else:
            checked[key] = CHECKS[key](f"{where} option {key}", value)
    return checked


def from_config(config: Mapping[str, t.Any], app: bool = False) -> dict[str, t.Any]:
    """Validate the ``CORS_*`` keys of an app's config that are not ``None``."""
    names = [*CHECKS, *APP_ONLY] if app else list(CHECKS)
    checked = {}
    for name in names:
        key = f"CORS_{name.upper()}"
        if config.get(key) is not None:
            where = f"app.config[{key!r}]"
            checked.update({name: check(where, {name: config[key]}, app)[name]})
    return checked


def build(where: str, options: Mapping[str, t.Any]) -> FlaskCorsPolicy:
    """Build the policy of merged, validated options.

    :raise ValueError: ``supports_credentials`` with an allow-all origin, or
        with an origin pattern over a public suffix or plain ``http``.
    """
    origins, literals = options["origins"]
    if options["supports_credentials"] and origins == "*":
        raise ValueError(
            f"{where}: supports_credentials=True cannot be combined with an"
            " allow-all origin ('*', the default). Flask-CORS would echo every"
            " Origin with credentials, letting any site act as the signed-in"
            " user; list the allowed origins instead"
        )
    allow_headers, patterns = options["allow_headers"]
    methods, methods_value = options["methods"]
    policy_options = {
        "origins": origins,
        "methods": methods,
        "allow_headers": allow_headers,
        "header_patterns": patterns,
        "expose_headers": options["expose_headers"],
        "allow_credentials": options["supports_credentials"],
        "max_age": options["max_age"],
        "allow_private_network": options["allow_private_network"],
    }
    try:
        return FlaskCorsPolicy(
            policy_options,
            literals=literals,
            methods_value=methods_value,
            send_wildcard=options["send_wildcard"],
            always_send=options["always_send"],
            vary=options["vary_header"],
            automatic=options["automatic_options"],
        )
    except ValueError as e:  # a credentialed origin pattern, refused
        raise ValueError(f"{where}: {e}") from None


class FlaskCorsPolicy(Policy):
    """A respkit policy that writes its headers the way Flask-CORS does: on top
    of the response Flask made (a preflight keeps Flask's ``200`` ``OPTIONS``
    answer), in Flask-CORS's order, with its ``send_wildcard``,
    ``always_send``, ``vary_header`` and ``automatic_options`` switches.
    """

    # Flask-CORS grants every listed method (see the migration guide).
    refuses_unserved_methods = False
    credentials_option = "supports_credentials=True"

    def __init__(
        self,
        options: Mapping[str, t.Any],
        *,
        literals: tuple[str, ...],
        methods_value: str,
        send_wildcard: bool,
        always_send: bool,
        vary: bool,
        automatic: bool,
    ) -> None:
        super().__init__(options)
        #: The literal origins as written, lower-cased: Flask-CORS compares a
        #: request's ``Origin`` with them case-insensitively, as strings.
        self.literals = frozenset(o.lower() for o in literals)
        self.methods_value = methods_value
        self.fixed_star = self.any_origin and send_wildcard
        #: What a request without ``Origin`` gets: ``*``, or (as Flask-CORS
        #: sends) the first listed literal origin in sorted order, or nothing.
        self.no_origin: tuple[str, ...] = ()
        if always_send:
            self.no_origin = ("*",) if self.any_origin else literals[:1]
        # No Vary for a fixed answer: "*" to all, or nothing (origins=[]).
        fixed = self.fixed_star and always_send
        origins = self.origins
        matches_nothing = not (
            self.any_origin or literals or origins.patterns or origins.globs
        )
        self.vary = vary and not fixed and not matches_nothing
        self.automatic = automatic

    def allows(self, origin: str) -> bool:
        """Whether a request ``Origin`` value is allowed: a listed literal
        origin in any case (as Flask-CORS), or a well-formed origin that a
        listed origin pattern or regex matches in full."""
        if self.any_origin:
            return True
        if origin.isascii() and origin.lower() in self.literals:
            return True
        match_globs = self.match_globs
        if match_globs is not None and match_globs(origin):
            return True
        patterns = self.origins.patterns
        if not patterns or not ORIGIN.fullmatch(origin):
            return False  # "null" and malformed values never reach a regex
        return any(p.fullmatch(origin) for p in patterns)

    def _allowed_headers(self, requested: str) -> str:
        # Flask-CORS answers with the asked names that are allowed, as asked,
        # sorted (none: no Access-Control-Allow-Headers); a name that is not
        # a token is never echoed.
        allowed = self.allow_headers
        patterns = self.header_patterns
        names = []
        for name in (n.strip() for n in requested.split(",")):
            if not TOKEN.fullmatch(name):
                continue
            lower = name.lower()
            if (
                allowed == "*"
                or lower in allowed
                or lower in SAFELISTED
                or any(p.match(name) for p in patterns)
            ):
                names.append(name)
        return ", ".join(sorted(names))

    def options(self, req: Request, app: Flask) -> Response | None:
        if self.automatic:
            return self.apply(default_options_response(app))
        return None

    def allow_origin(self, origin: str | None) -> tuple[str, ...]:
        """The ``Access-Control-Allow-Origin`` value for a request ``Origin``
        (one, or none)."""
        if not origin:
            return self.no_origin
        if self.any_origin:
            # only a well-formed origin is echoed; "null" and odd values get "*"
            star = self.fixed_star or not ORIGIN.fullmatch(origin)
            return ("*",) if star else (origin,)
        return (origin,) if self.allows(origin) else ()

    def apply(self, response: Response) -> Response:
        environ = request.environ
        origin = environ.get("HTTP_ORIGIN")
        values = self.allow_origin(origin)
        grant: Grant | str | None = None
        if values and is_preflight(request):
            grant = self.grant(environ, request.url_rule)
            if isinstance(grant, str):
                log_refusal(grant, request.url_rule, environ, preflight=True)
                values = ()  # a refused preflight gets no CORS headers
        elif origin and not values:
            preflight = is_preflight(request)
            rule = request.url_rule
            log_refusal("origin not allowed", rule, environ, preflight=preflight)
        headers = response.headers
        if values:
            headers.add(ALLOW_ORIGIN, values[0])
            if self.expose_value:
                headers.add(EXPOSE_HEADERS, self.expose_value)
            if self.credentials:
                headers.add(ALLOW_CREDENTIALS, "true")
            if environ.get(_ACRPN) == "true":
                allowed = "true" if self.private_network else "false"
                headers.add("Access-Control-Allow-Private-Network", allowed)
            if isinstance(grant, Grant):
                allow_headers = grant.headers
                if allow_headers and not isinstance(grant.policy, FlaskCorsPolicy):
                    # a sibling route's respkit policy granted all: as asked
                    asked = environ["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"]
                    names = (n.strip() for n in asked.split(","))
                    allow_headers = ", ".join(sorted(n for n in names if n))
                if allow_headers:
                    headers.add("Access-Control-Allow-Headers", allow_headers)
                if self.max_age is not None:
                    headers.add("Access-Control-Max-Age", self.max_age)
                headers.add("Access-Control-Allow-Methods", grant.methods)
        if self.vary:
            vary_origin(headers)
        return response


def vary_origin(headers: Headers) -> None:
    """Add ``Vary: Origin`` as a field line of its own, as Flask-CORS does,
    unless a ``Vary`` line already lists ``Origin`` (or ``*``)."""
    for line in headers.getlist("Vary"):
        if {v.strip().lower() for v in line.split(",")} & {"origin", "*"}:
            return
    headers.add("Vary", "Origin")


def _sort_key(pattern: object) -> tuple[int, int, int, int]:
    # Flask-CORS's order: literal paths, then compiled patterns, then regex
    # strings; within each, more slashes first, then longer first.
    text = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
    if isinstance(pattern, re.Pattern):
        kind = (1, 0)
    else:
        kind = (1, 1) if looks_like_regex(text) else (0, 0)
    return (*kind, -text.count("/"), -len(text))


def _matcher(name: str, pattern: object) -> Callable[[str], bool]:
    if pattern == "*":
        pattern = ".*"
    if isinstance(pattern, str) and looks_like_regex(pattern):
        pattern = _compile(name, pattern)
    if isinstance(pattern, re.Pattern):
        return lambda path: pattern.match(path) is not None
    if isinstance(pattern, str):
        literal = pattern
        return lambda path: path == literal
    raise ResourcesError(
        f"{name}: a resource must be a str or a regex, got {pattern!r}"
    )


def resources(
    where: str, value: object
) -> list[tuple[str, Callable[[str], bool], dict[str, t.Any]]]:
    """Parse ``resources`` into ``(name, path matcher, validated options)``,
    in the order Flask-CORS tries them.

    Patterns are matched against ``request.path``, the path Flask routes
    (percent-escapes decoded once, a leading ``/`` ensured). A literal path
    matches it exactly; a regex (a compiled pattern, or a string that looks
    like one) matches from the start, as Flask-CORS's ``re.match``. ``"*"``
    matches every path.

    :raise ResourcesError: ``value``, a pattern or a resource's options have
        the wrong type (a ``ValueError`` and a ``TypeError``).
    """
    pairs: list[tuple[object, object]]
    if isinstance(value, Mapping):
        pairs = sorted(value.items(), key=lambda kv: _sort_key(kv[0]))
    elif isinstance(value, (str, re.Pattern)):
        pairs = [(value, {})]
    elif isinstance(value, Iterable) and not isinstance(value, bytes):
        pairs = [(item, {}) for item in value]
    else:
        raise ResourcesError(
            f"{where} must be a path, a regex, a list or a dict, got {value!r}"
        )
    table = []
    for pattern, options in pairs:
        name = f"{where}[{getattr(pattern, 'pattern', pattern)!r}]"
        if not isinstance(options, Mapping):
            raise ResourcesError(f"{name} must be a dict of options, got {options!r}")
        table.append((name, _matcher(name, pattern), check(name, options)))
    return table


class _CrossOrigin(Cors):
    """:func:`cross_origin`: options merged with the app's ``CORS_*`` config
    once per app, into a :class:`FlaskCorsPolicy`."""

    def __init__(self, given: dict[str, t.Any]) -> None:
        self.given = given
        self._identity = tuple(sorted(given.items()))

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        options = {**DEFAULTS, **from_config(app.config), **self.given}
        return build("cross_origin()", options)

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self.given.items())
        return f"flask_cors.cross_origin({given})"


class _CrossOriginManual(_CrossOrigin):
    # automatic_options=False: Flask (or the view, if it lists OPTIONS)
    # answers OPTIONS, as Flask-CORS leaves it.
    receives_options = False


def cross_origin(*args: t.Any, **options: t.Any) -> _CrossOrigin:
    """Allow cross-origin requests to a view, as Flask-CORS's ``cross_origin``.

    ::

        @app.route("/api/items")
        @cross_origin(origins=["https://app.example.com"], supports_credentials=True)
        def items(): ...

    Options left out take the app's ``CORS_*`` config (read once per app),
    then Flask-CORS's defaults. Each option is checked now; a bad
    combination (credentials with ``"*"``) raises the first time the view
    meets an app. Error responses of the view carry the headers too.
    {options}
    :raise TypeError: A positional argument, an unknown option, or a value of
        the wrong type.
    :raise ValueError: An invalid value (a malformed origin, a non-token name,
        an invalid regex).

    .. versionadded:: 0.1.0
    """
    if args:
        raise TypeError(
            "cross_origin() takes keyword options only; use @cross_origin()"
            f" or @cross_origin(origins=...), got {args!r}"
        )
    given = check("cross_origin()", options)
    manual = given.get("automatic_options") is False
    return (_CrossOriginManual if manual else _CrossOrigin)(given)


cross_origin.__doc__ = t.cast(str, cross_origin.__doc__).replace(
    "{options}", _OPTIONS_DOC
)

Table = list[tuple["Callable[[str], bool]", FlaskCorsPolicy]]


def _after_request(table: Table) -> Callable[[Response], Response]:
    #: Per app, per endpoint: does the view carry its own cors decorator?
    decorated: weakref.WeakKeyDictionary[Flask, dict[str, bool]] = (
        weakref.WeakKeyDictionary()
    )

    def flask_cors_headers(response: Response) -> Response:
        if ALLOW_ORIGIN in response.headers:
            return response  # set by a view decorator (or by hand)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        rule = request.url_rule
        if rule is not None:
            known = decorated.setdefault(app, {})
            own = known.get(rule.endpoint)
            if own is None:
                own = known[rule.endpoint] = (
                    cors_policy_of(app, rule.endpoint) is not None
                )
            if own:
                return response  # the view's own decorator decided
        path = request.path  # as Flask routes it; Flask-CORS unquotes it again
        for matches, policy in table:
            if matches(path):
                return policy.apply(response)
        return response

    return flask_cors_headers


class CORS:
    """Give CORS to an app or a blueprint, as Flask-CORS's ``CORS`` extension.

    ::

        CORS(app, resources={r"/api/*": {"origins": "https://app.example.com"}})

    Options merge in this order, last wins: Flask-CORS's defaults, the app's
    ``CORS_*`` config (not for a blueprint), the constructor's options,
    :meth:`init_app`'s options, a resource's own options. Everything is
    checked, and each resource's policy built, in :meth:`init_app`. The
    headers are added in an ``after_request`` hook, so error responses and
    unknown routes under a resource get them too; a view with its own
    :func:`cross_origin` (or respkit ``cors``) keeps its own answer.

    :param app: A Flask app or a blueprint to register with right away.
    :param resources: Paths to cover (default ``r"/*"``: all): a path, a
        regex, a list of them, or a dict of path → options for that path. A
        string holding any of ``*\\]?$^[]()`` is a regex matched from the start
        of ``request.path`` (as ``re.match``); other strings are exact paths.
        Dict keys are tried literal paths first, then by specificity.
    :param intercept_exceptions: Accepted for compatibility; error responses
        always get the headers, through Flask's own hooks.
    {options}
    :raise TypeError: An unknown option, or a value of the wrong type.
    :raise ValueError: An invalid value, a ``resources`` value of the wrong
        type (:class:`ResourcesError`, also a ``TypeError``), or
        ``supports_credentials`` with an allow-all origin (naming the
        resource).

    .. versionadded:: 0.1.0
    """

    def __init__(self, app: Flask | Blueprint | None = None, **options: t.Any) -> None:
        self._options = check("CORS()", options, app=True)
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask | Blueprint, **options: t.Any) -> None:
        """Register with ``app`` (a Flask app or a blueprint).

        Each call adds one ``after_request`` hook, as in Flask-CORS.

        :param app: The app or blueprint.
        :param options: Options that override the constructor's.
        """
        config = app.config if isinstance(app, Flask) else {}
        merged = {
            "resources": r"/*",
            **DEFAULTS,
            **from_config(config, app=True),
            **self._options,
            **check("init_app()", options, app=True),
        }
        table: Table = []
        for where, matches, own in resources("CORS resources", merged["resources"]):
            policy_options = {k: v for k, v in {**merged, **own}.items() if k in CHECKS}
            table.append((matches, build(where, policy_options)))
        app.after_request(_after_request(table))


CORS.__doc__ = t.cast(str, CORS.__doc__).replace("{options}", _OPTIONS_DOC)
