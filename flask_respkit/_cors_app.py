"""CORS beyond one view: ``cors(...)(blueprint)`` and ``RESPKIT_CORS_RESOURCES``."""

from __future__ import annotations

import re
import typing as t
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

    def policy_for() -> Policy | None:
        path = raw_path(request.environ)
        for compiled, policy in table:
            if compiled.fullmatch(path):
                if request.url_rule and cors_policy_of(app, request.url_rule.endpoint):
                    return None  # the view's own cors() wins
                return policy
        return None

    @app.before_request
    def resource_preflight() -> Response | None:
        if not is_preflight(request):
            return None
        policy = policy_for()
        if policy is None:
            return None
        return policy.preflight(request.environ, _rule_for_preflight())

    @app.after_request
    def resource_headers(response: Response) -> Response:
        if is_preflight(request):
            return response  # answered in full by a policy, or none applies
        policy = policy_for()
        return response if policy is None else policy.apply(response)


def _rule_for_preflight() -> t.Any:
    method = request.environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
    try:
        rule, _ = request_ctx.url_adapter.match(method=method, return_rule=True)  # type: ignore[union-attr]
    except HTTPException:
        return request.url_rule
    return rule


def apply_to_blueprint(decorator: ResponseDecorator, blueprint: Blueprint) -> Blueprint:
    """Apply ``decorator`` to every view of ``blueprint`` when it is registered.

    Wraps the blueprint's setup state so that each ``add_url_rule`` gets the
    wrapped view (one wrapper per view function, so a view with several rules
    keeps one endpoint), and drops an explicit ``provide_automatic_options``
    so the wrapper receives ``OPTIONS``. A view with its own :func:`cors`
    keeps it alone.
    """
    if getattr(blueprint, "_got_registered_once", False):
        raise RuntimeError(
            f"cors(...)({blueprint.name!r}): the blueprint is already registered;"
            " apply cors before app.register_blueprint"
        )
    make_state = blueprint.make_setup_state
    wrapped: dict[t.Any, t.Any] = {}

    def make_setup_state(
        app: t.Any, options: t.Any, first_registration: bool = False
    ) -> t.Any:
        state = make_state(app, options, first_registration)
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
