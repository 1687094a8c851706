"""A drop-in replacement for Flask-CORS 6.x, built on respkit's CORS policies.

::

    # from flask_cors import CORS, cross_origin
    from flask_respkit.compat.flask_cors import CORS, cross_origin

The options, ``CORS_*`` config keys and defaults are Flask-CORS's; the
decisions are respkit's, which differ where Flask-CORS is unsafe (see
:doc:`/migrating-flask-cors`).
"""

from __future__ import annotations

import typing as t
import weakref

from flask import Blueprint, Flask, Response
from flask.globals import _cv_request

from .._cors_app import raw_path
from .._cors_options import ACAO
from ..core import ResponseDecorator, Step
from ..cross_origin import _Cors, cors_policy_of
from ._flask_cors_options import (
    CHECKS,
    DEFAULTS,
    FlaskCorsPolicy,
    build,
    check,
    from_config,
    resources,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Mapping

__all__ = ["CORS", "cross_origin"]

_OPTIONS_DOC = """
    :param origins: ``"*"`` (the default: any origin), an origin, a regex, or a
        list of them. A string holding any of ``*\\]?$^[]()`` is a regex, as in
        Flask-CORS, matched case-insensitively **in full**; other strings must
        be exact origins ``scheme://host[:port]``.
    :param methods: Methods a preflight may ask for (default: ``DELETE, GET,
        HEAD, OPTIONS, PATCH, POST, PUT``), matched as exact tokens.
    :param allow_headers: Request header names (or regexes, full-matched,
        case-insensitive) a preflight may ask for; ``"*"`` (default) allows any.
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


class _CrossOrigin(_Cors):
    """:func:`cross_origin`: options merged with the app's ``CORS_*`` config
    once per app, into a :class:`FlaskCorsPolicy`."""

    routes_options = True

    def __init__(self, given: dict[str, t.Any]) -> None:
        ResponseDecorator.__init__(self)
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
    routes_options = False


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
        if ACAO in response.headers:
            return response  # set by a view decorator (or by hand)
        ctx = _cv_request.get()
        rule = ctx.request.url_rule
        if rule is not None:
            known = decorated.setdefault(ctx.app, {})
            own = known.get(rule.endpoint)
            if own is None:
                own = known[rule.endpoint] = (
                    cors_policy_of(ctx.app, rule.endpoint) is not None
                )
            if own:
                return response  # the view's own decorator decided
        path = raw_path(ctx.request.environ)
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
        of the raw request path (as ``re.match``); other strings are exact
        paths. Dict keys are tried literal paths first, then by specificity.
    :param intercept_exceptions: Accepted for compatibility; error responses
        always get the headers, through Flask's own hooks.
    {options}
    :raise TypeError: An unknown option, or a value of the wrong type.
    :raise ValueError: An invalid value, or ``supports_credentials`` with an
        allow-all origin (naming the resource).

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
