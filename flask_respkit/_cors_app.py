"""CORS beyond one view: ``cors(...)(blueprint)`` and ``RESPKIT_CORS_RESOURCES``."""

from __future__ import annotations

import re
import typing as t
import weakref
from urllib.parse import quote

from flask import Blueprint, Flask, Response, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException

from ._cors_options import CHECKS
from ._http import is_preflight
from .core import ResponseDecorator, steps_of
from .cross_origin import Policy, cors_policy_of, expose_present

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping


def raw_path(environ: Mapping[str, t.Any]) -> str:
    """The request path as the client sent it, relative to the app's mount
    point: percent-escapes kept, ``+`` left alone, no query string.

    Read from ``RAW_URI``/``REQUEST_URI`` (Werkzeug, Gunicorn, uWSGI); without
    them, ``PATH_INFO`` re-escaped.
    """
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    script = _escape(environ.get("SCRIPT_NAME", ""))
    if uri and uri.startswith("/"):
        path: str = uri.partition("?")[0]
        return path[len(script) :] if script and path.startswith(script) else path
    return _escape(environ.get("PATH_INFO", ""))


def _escape(wsgi_path: str) -> str:
    # WSGI strings are bytes decoded as Latin-1 (PEP 3333).
    return quote(wsgi_path.encode("latin-1"), safe="/:@!$&'()*+,;=~")


def install_resources(app: Flask, settings: Mapping[str, t.Any]) -> None:
    """Give CORS to every path matching a ``RESPKIT_CORS_RESOURCES`` pattern.

    Called by :meth:`~flask_respkit.RespKit.init_app`. Each pattern is
    full-matched against the raw request path; the first matching pattern's
    policy applies, unless the matched view has its own :func:`cors`.

    :raise ValueError: A resource's options combine badly with the app's
        settings (credentials with ``"*"``), naming the pattern.
    """
    resources = settings["RESPKIT_CORS_RESOURCES"]
    if not resources:
        return
    base = {k: settings[f"RESPKIT_CORS_{k.upper()}"] for k in CHECKS}
    table: list[tuple[re.Pattern[str], Policy]] = []
    for pattern, options in resources.items():
        try:
            table.append((re.compile(pattern), Policy({**base, **options})))
        except ValueError as e:
            raise ValueError(f"RESPKIT_CORS_RESOURCES[{pattern!r}]: {e}") from None

    # endpoint -> its view's own cors() policy; filled on first use (routes
    # are fixed by then), racing threads store equal values.
    own: dict[str, Policy | None] = {}

    def own_policy(rule: t.Any) -> Policy | None:
        if rule is None:
            return None
        endpoint = rule.endpoint
        try:
            return own[endpoint]
        except KeyError:
            policy = own[endpoint] = cors_policy_of(app, endpoint)
            return policy

    def policy_for(rule: t.Any) -> Policy | None:
        path = raw_path(request.environ)
        for compiled, policy in table:
            if compiled.fullmatch(path):
                return None if own_policy(rule) else policy  # a view's cors() wins
        return None

    @app.before_request
    def resource_preflight() -> Response | None:
        if not is_preflight(request):
            return None
        rule = _rule_for_preflight()  # the rule serving the requested method
        policy = policy_for(rule)
        if policy is not None:
            return policy.preflight(request.environ, rule)
        view_policy = own_policy(rule)
        if view_policy is None or own_policy(request.url_rule):
            return None  # no CORS here, or the view that got the OPTIONS answers
        # a plain sibling route (first registered) caught the OPTIONS
        return view_policy.preflight(request.environ, rule)

    @app.after_request
    def resource_headers(response: Response) -> Response:
        if is_preflight(request):
            return response  # answered in full by a policy, or none applies
        policy = policy_for(request.url_rule)
        return response if policy is None else policy.apply(response)


def _rule_for_preflight() -> t.Any:
    method = request.environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
    try:
        rule, _ = request_ctx.url_adapter.match(method=method, return_rule=True)  # type: ignore[union-attr]
    except HTTPException:
        return request.url_rule
    return rule


#: Blueprints given :func:`cors` directly; their own wins when nested.
_DECORATED: weakref.WeakSet[Blueprint] = weakref.WeakSet()


def apply_to_blueprint(
    decorator: ResponseDecorator,
    blueprint: Blueprint,
    parents: set[str] | None = None,
) -> Blueprint:
    """Apply ``decorator`` to every view of ``blueprint``, and of the
    blueprints nested in it, when it is registered.

    Wraps the blueprint's setup state so that each ``add_url_rule`` gets the
    wrapped view (one wrapper per view function, so a view with several rules
    keeps one endpoint), and drops an explicit ``provide_automatic_options``
    so the wrapper receives ``OPTIONS``. A view with its own :func:`cors`
    keeps it alone, and so does a nested blueprint with its own.

    :param parents: For a nested blueprint: the dotted names its decorated
        parent was registered under; registered under another name, the
        blueprint is left alone.
    """
    if parents is None:
        if getattr(blueprint, "_got_registered_once", False):
            raise RuntimeError(
                f"cors(...)({blueprint.name!r}): the blueprint is already registered;"
                " apply cors before app.register_blueprint"
            )
        _DECORATED.add(blueprint)
    make_state = blueprint.make_setup_state
    wrapped: dict[t.Any, t.Any] = {}
    names: set[str] = set()  # the dotted names it was registered under
    nested: list[object] = []

    def make_setup_state(
        app: t.Any, options: t.Any, first_registration: bool = False
    ) -> t.Any:
        state = make_state(app, options, first_registration)
        if parents is not None and state.name_prefix not in parents:
            return state  # registered outside the decorated parent
        names.add(f"{state.name_prefix}.{state.name}".lstrip("."))
        for child, _ in blueprint._blueprints:
            if child not in _DECORATED and not any(c is child for c in nested):
                nested.append(child)
                apply_to_blueprint(decorator, t.cast(Blueprint, child), names)
        add = state.add_url_rule

        def add_url_rule(
            rule: str,
            endpoint: str | None = None,
            view_func: t.Any = None,
            **kw: t.Any,
        ) -> None:
            own = any(isinstance(d, type(decorator)) for d in steps_of(view_func))
            if view_func is not None and not own:  # a view's own cors() wins
                if view_func not in wrapped:
                    wrapped[view_func] = decorator(view_func)
                endpoint = endpoint or view_func.__name__
                view_func = wrapped[view_func]
                kw.pop("provide_automatic_options", None)
            add(rule, endpoint, view_func, **kw)

        state.add_url_rule = add_url_rule  # type: ignore[method-assign]
        return state

    blueprint.make_setup_state = make_setup_state  # type: ignore[method-assign]
    return blueprint


def expose_challenge(response: Response) -> Response:
    """Expose the ``WWW-Authenticate`` the app-wide 401 hook adds to a CORS
    response (registered by :meth:`~flask_respkit.RespKit.init_app`)."""
    return expose_present(response) if response.status_code == 401 else response
