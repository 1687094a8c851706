"""Auth challenges: :class:`Challenge`, :func:`auth_challenge` and
:func:`challenge_response`.

RFC 9110 §11.6.1: a 401 response MUST carry a ``WWW-Authenticate`` challenge.
"""

from __future__ import annotations

import inspect
import typing as t

from flask import Flask, Request, Response, after_this_request, current_app, request
from werkzeug.datastructures import Authorization
from werkzeug.exceptions import Unauthorized
from werkzeug.http import HTTP_STATUS_CODES

from ._auth_http import (
    MARK,
    Bodies,
    ParamValue,
    add_challenge,
    check_param,
    escape,
    read_authorization,
)
from ._http import check_field_value, check_token, is_preflight
from .core import (
    F,
    ResponseDecorator,
    Step,
    steps_of,
    wrap_view,
)
from .extension import settings_for

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Mapping

#: ``verify(authorization) -> bool``: werkzeug's ``Authorization`` or ``None``.
Verify = t.Callable[[t.Optional[Authorization]], t.Any]

#: The body message of the 401 a ``verify`` guard answers with.
MESSAGE = "Authentication required."

_RFC6750_STATUS = {
    "invalid_request": 400,
    "invalid_token": 401,
    "insufficient_scope": 403,
}


class Challenge:
    """One ``WWW-Authenticate`` challenge (RFC 9110 §11.3), validated when made.

    ``str(challenge)`` is the header value. Every parameter value is sent as a
    quoted-string with ``"`` and ``\\`` escaped, in the order given::

        >>> str(Challenge("Basic", realm='Say "hi"', charset="UTF-8"))
        'Basic realm="Say \\\\"hi\\\\"", charset="UTF-8"'
        >>> str(Challenge("Bearer", error="invalid_token", scope=["read", "write"]))
        'Bearer error="invalid_token", scope="read write"'

    :param scheme: The auth scheme, an HTTP token (``Basic``, ``Bearer``, ...).
    :param params: Auth parameters. A value of ``None`` leaves the parameter
        out. Basic's ``charset`` must be ``"UTF-8"`` (RFC 7617); Bearer's
        ``error``, ``error_description``, ``error_uri`` and ``scope`` (a string
        or an iterable of scope tokens) must use the characters RFC 6750 allows.
    :raise ValueError: The scheme or a name is not a token, a name repeats
        (ignoring case) or ends in ``*``, or a value holds CR, LF, NUL or
        another control character, a character outside Latin-1, or a
        character its scheme forbids.
    :raise TypeError: A value is not a string (or, for ``scope``, strings).

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_value", "params", "scheme")

    #: The auth scheme, as given.
    scheme: str
    #: The parameters sent, as ``(name, value)`` pairs in order.
    params: tuple[tuple[str, str], ...]

    def __init__(self, scheme: str, /, **params: ParamValue) -> None:
        check_token("Challenge scheme", scheme)
        items: dict[str, tuple[str, str | None]] = {}
        for name, raw in params.items():
            if name.lower() in items:
                raise ValueError(
                    f"Challenge({scheme!r}) parameter {name!r} is repeated"
                )
            items[name.lower()] = (name, check_param(scheme, name, raw))
        self.scheme = scheme
        self.params = tuple((n, v) for n, v in items.values() if v is not None)
        quoted = (f'{n}="{escape(v)}"' for n, v in self.params)
        self._value = " ".join((scheme, ", ".join(quoted))).rstrip()

    def get(self, name: str) -> str | None:
        """The value of parameter ``name`` (any case), or ``None``."""
        key = name.lower()
        return next((v for n, v in self.params if n.lower() == key), None)

    def __str__(self) -> str:
        return self._value

    def __repr__(self) -> str:
        params = "".join(f", {n}={v!r}" for n, v in self.params)
        return f"Challenge({self.scheme!r}{params})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Challenge) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def default_challenge(
    scheme: str, realm: str, params: Mapping[str, ParamValue] | None = None
) -> Challenge:
    """The challenge for ``scheme`` and ``realm``; Basic gets ``charset="UTF-8"``
    (Werkzeug decodes Basic credentials as UTF-8) unless ``params`` sets it."""
    extra = dict(params or {})
    if scheme.lower() == "basic" and not any(k.lower() == "charset" for k in extra):
        extra["charset"] = "UTF-8"
    return Challenge(scheme, realm=realm, **extra)


def _has_401_handler(app: Flask, blueprints: Iterable[str]) -> bool:
    return app._find_error_handler(Unauthorized(), list(blueprints)) is not None


class _ChallengeStep(Step):
    errors = True

    def __init__(
        self,
        app: Flask,
        challenge: Challenge,
        verify: Verify | None,
        below: tuple[ResponseDecorator, ...],
    ) -> None:
        self.value, self.scheme = str(challenge), challenge.scheme.lower()
        # An ``async def`` verify is awaited on an async view, and run through
        # Flask's async support (``flask[async]``) on a sync one; its coroutine
        # object must never be taken as a truthy answer.
        self.verify_async = verify if inspect.iscoroutinefunction(verify) else None
        self.verify = verify
        if self.verify_async is not None:
            self.verify = app.ensure_sync(self.verify_async)
        steps = [d.step_for(app) for d in below]
        auth = [s for s in steps if isinstance(s, _ChallengeStep)]
        rest = [s for s in steps if s.errors and not isinstance(s, _ChallengeStep)]
        #: Error steps to run on the guard's own 401: the challenges below
        #: first (innermost first), then this one, then the others (CORS).
        self.deny_steps: tuple[Step, ...] = (*auth, self, *rest)
        self.handled = _has_401_handler(app, [b for b in app.error_handler_spec if b])
        self.bodies = Bodies(app, MESSAGE)
        self.alone = self.deny_steps == (self,)
        self.header = ("WWW-Authenticate", self.value)

    def apply(self, response: Response) -> Response:
        if response.status_code != 401:
            return response
        return add_challenge(response, self.value, self.scheme)

    def _start(self) -> tuple[Request | None, Response | None]:
        """The request to verify, or ``None`` and maybe an early answer."""
        if self.verify is None:
            return None, None
        req = request._get_current_object()  # type: ignore[attr-defined]
        if is_preflight(req):
            # No cors below (one below answers before this step runs): never
            # challenge a preflight, never run the view for it.
            return None, current_app.make_default_options_response()
        return req, None

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        req, early = self._start()
        if req is None:
            return early
        try:
            ok = t.cast(Verify, self.verify)(read_authorization(req))
            if inspect.isawaitable(ok):
                getattr(ok, "close", lambda: None)()
                raise TypeError(
                    "auth_challenge(verify=) returned an awaitable; make it an"
                    " async def function (with flask[async]) or a plain function"
                )
        except Exception:
            self._on_error()
            raise
        return self._decide(req, ok)

    async def before_async(self, kwargs: dict[str, t.Any]) -> Response | None:
        if self.verify_async is None:
            return self.before(kwargs)
        req, early = self._start()
        if req is None:
            return early
        try:
            ok = await self.verify_async(read_authorization(req))
        except Exception:
            self._on_error()
            raise
        return self._decide(req, ok)

    def _decide(self, req: Request, ok: object) -> Response | None:
        """Let the view run (``None``) or answer 401 with the challenges."""
        if ok:
            return None
        if self.handled and _has_401_handler(current_app, req.blueprints):
            self._on_error()
            raise Unauthorized(MESSAGE)
        if self.alone:
            response = self.bodies.response(req, 401, [self.header])
            setattr(response, MARK, 1)
            return response
        response = self.bodies.response(req, 401, [])
        for step in self.deny_steps:
            response = step.apply(response)
        return response

    def _on_error(self) -> None:
        for step in self.deny_steps:
            after_this_request(step.apply)


class _AuthChallenge(ResponseDecorator):
    def __init__(
        self,
        scheme: str | None,
        realm: str | None,
        verify: Verify | None,
        params: tuple[tuple[str, ParamValue], ...],
        below: tuple[ResponseDecorator, ...] = (),
    ) -> None:
        super().__init__()
        self.scheme = scheme
        self.realm = realm
        self.verify = verify
        self.params = params
        #: The kit's decorators below this one on the view, innermost first.
        self.below = below

    def identity(self) -> t.Hashable:
        return (self.scheme, self.realm, self.verify, self.params)

    def __call__(self, view: F) -> F:
        bound = _AuthChallenge(
            self.scheme, self.realm, self.verify, self.params, steps_of(view)
        )
        return wrap_view(view, bound)

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        scheme = self.scheme or settings["RESPKIT_AUTH_SCHEME"]
        realm = settings["RESPKIT_AUTH_REALM"] if self.realm is None else self.realm
        challenge = default_challenge(scheme, realm, dict(self.params))
        return _ChallengeStep(app, challenge, self.verify, self.below)

    def __repr__(self) -> str:
        return (
            f"auth_challenge({self.scheme!r}, {self.realm!r}, verify={self.verify!r})"
        )


def auth_challenge(
    scheme: str | None = None,
    realm: str | None = None,
    *,
    verify: Verify | None = None,
    **params: ParamValue,
) -> t.Callable[[F], F]:
    """Challenge every 401 the view answers, and optionally guard it.

    Every 401 leaving the view (returned, ``abort(401)``, or an app error
    handler's answer) gets ``WWW-Authenticate: <challenge>`` unless a
    challenge for this scheme is already there; other statuses are left
    alone. Stacked decorators add one challenge each, the top decorator's
    first, after any challenge the view set itself::

        @app.get("/reports")
        @auth_challenge("Bearer", verify=lambda auth: auth and tokens.ok(auth.token))
        def reports(): ...

    With ``verify``, it is called before the view with
    :func:`read_authorization` (werkzeug's ``Authorization``, or ``None``
    when the header is absent or malformed). A falsy result answers 401 with
    the challenges of this decorator and of the ``auth_challenge`` decorators
    below it, and a body: ``{"message": "Authentication required."}`` when
    the client's ``Accept`` prefers JSON, plain text otherwise (an app error
    handler for 401 replaces it). ``verify`` may raise
    :exc:`~werkzeug.exceptions.Forbidden` for 403. A CORS preflight is never
    challenged and never reaches the view: a ``cors`` decorator below answers
    it, otherwise Flask's default ``OPTIONS`` response does. Stacked guards
    must all pass.

    :param scheme: The auth scheme; default ``RESPKIT_AUTH_SCHEME`` (``"Basic"``).
    :param realm: The realm; default ``RESPKIT_AUTH_REALM``
        (``"Authentication Required"``).
    :param verify: ``(authorization) -> bool``, the guard.
    :param params: More challenge parameters (see :class:`Challenge`). Basic
        gets ``charset="UTF-8"`` unless given (``charset=None`` leaves it out).
    :raise ValueError: As :class:`Challenge`, when the decorator is made (or,
        for the scheme-specific rules with the scheme from the config, the
        first time it meets an app).
    :raise TypeError: ``verify`` is not callable, or a value is not a string.

    .. versionadded:: 0.1.0
    """
    if verify is not None and not callable(verify):
        raise TypeError(f"auth_challenge(verify=) must be callable, got {verify!r}")
    if scheme is not None:
        check_token("auth_challenge(scheme=)", scheme)
    if realm is not None:
        check_field_value("auth_challenge(realm=)", realm)
    default_challenge(
        "x" if scheme is None else scheme, "x" if realm is None else realm, params
    )
    return _AuthChallenge(scheme, realm, verify, tuple(params.items()))


#: Schemes whose challenges must carry a realm (RFC 7617 §2, RFC 7616 §3.3).
_REALM_REQUIRED = frozenset({"basic", "digest"})


def challenge_response(
    *challenges: Challenge, status: int | None = None, body: t.Any = None
) -> Response:
    """Build a response carrying ``challenges``, for views that decide themselves::

        if not token_ok:
            return challenge_response(
                Challenge("Bearer", realm="api", error="invalid_token"))

    Return it, or raise it with ``abort(challenge_response(...))``. Call it
    during a request.

    :param challenges: One ``WWW-Authenticate`` line each, in order. A Basic
        or Digest challenge without a ``realm`` (which those schemes require)
        gets ``RESPKIT_AUTH_REALM``; others are sent as given.
    :param status: The status; by default from the first challenge's
        ``error`` per RFC 6750 (``invalid_request`` 400, ``invalid_token``
        401, ``insufficient_scope`` 403), else 401.
    :param body: Anything a view may return (not a tuple); by default
        ``{"message": ...}`` JSON or plain text as the client prefers, with
        the first challenge's ``error_description`` or the status phrase.
    :raise ValueError: No challenge, or ``status`` is not 100-599.
    :raise TypeError: A challenge is not a :class:`Challenge`, or ``status``
        is not an int.

    .. versionadded:: 0.1.0
    """
    if not challenges:
        raise ValueError("challenge_response() needs at least one Challenge")
    for challenge in challenges:
        if not isinstance(challenge, Challenge):
            raise TypeError(
                f"challenge_response() takes Challenge objects, got {challenge!r}"
            )
    first = challenges[0]
    if status is None:
        status = _RFC6750_STATUS.get(first.get("error") or "", 401)
    elif isinstance(status, bool) or not isinstance(status, int):
        raise TypeError(f"challenge_response(status=) must be an int, got {status!r}")
    elif not 100 <= status <= 599:
        raise ValueError(f"challenge_response(status=) must be 100-599, got {status!r}")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if body is None:
        message = first.get("error_description")
        if message is None:
            message = (
                MESSAGE if status == 401 else HTTP_STATUS_CODES.get(status, "Error")
            )
        req = request._get_current_object()  # type: ignore[attr-defined]
        response = Bodies(app, message).response(req, status, [])
    else:
        response = app.make_response(body)
        response.status_code = status
    realm = settings_for(app)["RESPKIT_AUTH_REALM"]
    for challenge in challenges:
        if (
            challenge.scheme.lower() in _REALM_REQUIRED
            and challenge.get("realm") is None
        ):
            params = dict(challenge.params)
            challenge = Challenge(challenge.scheme, realm=realm, **params)
        response.headers.add("WWW-Authenticate", str(challenge))
    return response
