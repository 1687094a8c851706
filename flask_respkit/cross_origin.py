"""CORS: the :func:`cors` decorator and its precompiled :class:`Policy`.

Options are validated and compiled once, when the decorator is made (and merged
with the app's ``RESPKIT_CORS_*`` settings once per app); a request only reads
sets, a few ``fullmatch`` calls and precomputed header values.
"""

from __future__ import annotations

import datetime
import re
import typing as t
from collections.abc import Iterable, Mapping

from flask import Blueprint, Flask, Response, after_this_request, current_app

# The request context itself: one context-variable read per request instead of
# a LocalProxy lookup for every ``request.*`` attribute on the hot path.
from flask.globals import _cv_request, request_ctx
from werkzeug.exceptions import HTTPException

from ._cors_options import (
    _UNSET,
    ACAC,
    ACAO,
    ACEH,
    BUILTIN,
    CHECKS,
    HEADER_LIST,
    KIT_LOWER,
    ORIGIN,
    SAFELISTED,
    STANDARD_METHODS,
    VARY_ORIGIN,
    VARY_PREFLIGHT,
    VARY_PREFLIGHT_VALUE,
    Grant,
    Origins,
    OriginsArg,
    _Unset,
    check_options,
    merge_expose,
    put,
)
from ._cors_options import (
    KIT_EXPOSED as KIT_EXPOSED,  # re-exported: documented here
)
from ._http import add_vary, is_preflight
from .core import F, ResponseDecorator, Step, steps_of


def expose_present(response: Response) -> Response:
    """Add the kit's headers present on a CORS response to its
    ``Access-Control-Expose-Headers``; a response without
    ``Access-Control-Allow-Origin`` is left alone.

    The kit calls it for decorators that run after :func:`cors`.

    .. versionadded:: 0.1.0
    """
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    if ACAO.lower() in present:
        merge_expose(headers, [n for low, n in KIT_LOWER if low in present])
    return response


def _reject(reason: str) -> Response:
    response = current_app.response_class(
        f"CORS preflight rejected: {reason}.\n", 403, mimetype="text/plain"
    )
    add_vary(response.headers, VARY_PREFLIGHT)
    return response


class Policy(Step):
    """A resolved CORS policy: what one :func:`cors` (or one
    ``RESPKIT_CORS_RESOURCES`` entry) does in one app. Immutable after
    construction and shared by all requests.

    :param options: Every option of :func:`cors`, validated.
    :param owner: The decorator it was resolved from, if any.
    :raise ValueError: ``allow_credentials`` with ``origins="*"``.
    """

    errors = True

    def __init__(
        self, options: Mapping[str, t.Any], owner: ResponseDecorator | None = None
    ) -> None:
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
        methods = options["methods"]
        self.methods = None if methods is None else frozenset(methods)
        self.methods_value = None if methods is None else ", ".join(methods)
        allow = options["allow_headers"]
        self.allow_headers = (
            "*" if allow == "*" else frozenset(h.lower() for h in allow)
        )
        self.expose = tuple(options["expose_headers"])
        self.expose_value = ", ".join(self.expose)
        mine = {n.lower() for n in self.expose}
        self._auto_expose = tuple((lo, n) for lo, n in KIT_LOWER if lo not in mine)
        self.credentials: bool = options["allow_credentials"]
        max_age = options["max_age"]
        self.max_age = None if max_age is None else str(max_age)
        self.private_network: bool = options["allow_private_network"]
        #: Compiled patterns of further allowed request header names (full
        #: match); internal, set by the Flask-CORS compatibility layer.
        self.header_patterns: tuple[re.Pattern[str], ...] = tuple(
            options.get("header_patterns", ())
        )
        self.owner = owner
        self._above: dict[str | None, bool] = {}
        self._rule_methods: dict[int, str] = {}

    def allows(self, origin: str) -> bool:
        """Whether a request ``Origin`` value is allowed."""
        if self.any_origin:
            return True
        exact, patterns, predicate = self.origins
        if origin in exact:
            return True
        lower = origin.lower()
        if lower in exact and lower != "null":  # "null" is compared exactly
            return True
        # "null" and malformed values never reach a regex or the callable
        if not (patterns or predicate) or not ORIGIN.fullmatch(origin):
            return False
        if any(p.fullmatch(origin) for p in patterns):
            return True
        return predicate is not None and bool(predicate(origin))

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        req = _cv_request.get().request
        if req.method != "OPTIONS":
            return None
        if is_preflight(req):
            return self.preflight(req.environ, req.url_rule)
        return None  # core gives a plain OPTIONS Flask's answer, then apply()

    def preflight(self, environ: Mapping[str, t.Any], rule: t.Any) -> Response:
        """Answer a preflight: 204 with the CORS headers, or 403 with a reason.

        :param environ: The request's WSGI environ.
        :param rule: The matched URL rule, or ``None`` for an unknown route.
        """
        grant = self.grant(environ, rule)
        if isinstance(grant, str):
            return _reject(grant)
        policy = grant.policy
        response = current_app.response_class(status=204)
        headers = response.headers
        headers.clear()
        headers[ACAO] = "*" if policy.any_origin else environ["HTTP_ORIGIN"]
        if policy.credentials:
            headers[ACAC] = "true"
        headers["Access-Control-Allow-Methods"] = grant.methods
        if grant.headers:
            headers["Access-Control-Allow-Headers"] = grant.headers
        if policy.max_age is not None:
            headers["Access-Control-Max-Age"] = policy.max_age
        if grant.private_network:
            headers["Access-Control-Allow-Private-Network"] = "true"
        headers["Vary"] = VARY_PREFLIGHT_VALUE
        return response

    def grant(self, environ: Mapping[str, t.Any], rule: t.Any) -> Grant | str:
        """Decide a preflight: what to grant, or why it is refused.

        :param environ: The WSGI environ of a preflight request.
        :param rule: The matched URL rule, or ``None`` for an unknown route.
        :return: A :class:`Grant`, or the reason for refusing as a string.
        """
        origin: str = environ["HTTP_ORIGIN"]
        method: str = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
        if rule is not None and method not in (rule.methods or (method,)):
            # Another rule on this path serves ``method`` (``@app.get`` and
            # ``@app.post`` on one URL): its own CORS policy decides.
            sibling = _sibling(method)
            if sibling is not None:
                return sibling[0].grant(environ, sibling[1])
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

    def finish(self, rv: t.Any, kwargs: dict[str, t.Any]) -> Response:
        return self.apply(_cv_request.get().app.make_response(rv))

    def apply(self, response: Response) -> Response:
        ctx = _cv_request.get()
        headers = response.headers
        present = {name.lower() for name, _ in headers}
        if self.any_origin:
            put(headers, present, ACAO, "*")
        else:
            if "vary" in present:
                add_vary(headers, VARY_ORIGIN)
            else:
                headers.add("Vary", "Origin")
            origin = ctx.request.environ.get("HTTP_ORIGIN")
            if origin is None or not self.allows(origin):
                return response
            put(headers, present, ACAO, origin)
            if self.credentials:
                put(headers, present, ACAC, "true")
        extra = [name for low, name in self._auto_expose if low in present]
        if "access-control-expose-headers" in present:
            merge_expose(headers, (*self.expose, *extra))
        elif extra:
            headers.add(ACEH, ", ".join((*self.expose, *extra)))
        elif self.expose:
            headers.add(ACEH, self.expose_value)
        if self.owner is not None:
            rule = ctx.request.url_rule
            endpoint = rule.endpoint if rule is not None else None
            above = self._above.get(endpoint)
            if above is None:
                above = self._above[endpoint] = self._has_above(endpoint)
            if above:
                after_this_request(expose_present)
        return response

    def _has_above(self, endpoint: str | None) -> bool:
        view = current_app.view_functions.get(endpoint) if endpoint else None
        chain = steps_of(view) if view is not None else ()
        return self.owner not in chain or chain[-1] != self.owner


def _sibling(method: str) -> tuple[Policy, t.Any] | None:
    # The CORS policy and rule of the route serving ``method`` on this path.
    try:
        rule, _ = request_ctx.url_adapter.match(method=method, return_rule=True)  # type: ignore[union-attr]
    except HTTPException:
        return None
    if method not in (rule.methods or (method,)):
        return None  # Werkzeug upper-cases; CORS method tokens are exact
    policy = cors_policy_of(_cv_request.get().app, rule.endpoint)
    return None if policy is None else (policy, rule)


def cors_policy_of(app: Flask, endpoint: str | None) -> Policy | None:
    """The policy of the outermost :func:`cors` on ``endpoint``'s view, or ``None``."""
    view = app.view_functions.get(endpoint) if endpoint else None
    for decorator in reversed(steps_of(view) if view is not None else ()):
        if isinstance(decorator, _Cors):
            return t.cast(Policy, decorator.step_for(app))
    return None


class _Cors(ResponseDecorator):
    routes_options = True

    def __init__(self, given: dict[str, t.Any]) -> None:
        super().__init__()
        self.given = given
        self._identity = tuple(sorted(given.items()))
        if "origins" in given and "allow_credentials" in given:
            Policy({**BUILTIN, **given})  # fail now on an impossible combination

    def identity(self) -> t.Hashable:
        return self._identity

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        options = {k: settings[f"RESPKIT_CORS_{k.upper()}"] for k in CHECKS}
        options.update(self.given)
        return Policy(options, owner=self)

    @t.overload
    def __call__(self, view: Blueprint) -> Blueprint: ...

    @t.overload
    def __call__(self, view: F) -> F: ...

    def __call__(self, view: t.Any) -> t.Any:
        if isinstance(view, Blueprint):
            from ._cors_app import apply_to_blueprint

            return apply_to_blueprint(self, view)
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
) -> _Cors:
    """Allow cross-origin requests to a view, a ``MethodView`` or a ``Blueprint``.

    ::

        @app.get("/api/items")
        @cors(["https://app.example.com", re.compile(r"https://[a-z]+\\.example\\.com")],
              allow_credentials=True, max_age=600)
        def items():
            return db.items()

    The decorator answers preflights itself (the view never runs) and adds
    ``Access-Control-*`` headers to every other response of the view, error
    responses included. An option left out takes the app's
    ``RESPKIT_CORS_*`` value, else the built-in default shown in the docs.

    :param origins: ``"*"`` (the default), one serialized origin
        (``scheme://host[:port]``, compared case-insensitively), an iterable of
        origins and compiled regexes (matched with ``fullmatch``), or a callable
        ``(origin) -> bool``. ``"null"`` matches only when listed, and exactly.
    :param methods: Methods a preflight may ask for (exact, case-sensitive
        tokens, upper-cased here); ``None``: the route's methods.
    :param allow_headers: Request header names a preflight may ask for, or
        ``"*"`` to allow any (the requested names are echoed, so
        ``Authorization`` works). The CORS-safelisted names are always allowed.
    :param expose_headers: Response headers browser JavaScript may read; the
        kit's own (``Link``, ``X-Total-Count``, ``WWW-Authenticate``,
        ``Content-Disposition``, ``Location``) are added when present.
    :param allow_credentials: Send ``Access-Control-Allow-Credentials: true``;
        not allowed with ``origins="*"``.
    :param max_age: Seconds (or a ``timedelta``) a browser may cache a preflight.
    :param allow_private_network: Answer private network access preflights.
    :raise ValueError: An option is invalid (CR/LF, a path or wildcard in an
        origin, a non-token name) or credentials meet ``"*"``.
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
    return _Cors(
        check_options("cors()", {k: v for k, v in given.items() if v is not _UNSET})
    )
