"""Auth challenges: :class:`Challenge`, :func:`auth_challenge` and
:func:`challenge_response`, and reading ``Authorization`` safely.

RFC 9110 §11.6.1: a 401 response MUST carry a ``WWW-Authenticate`` challenge.
"""

from __future__ import annotations

import base64
import inspect
import re
import typing as t
from collections.abc import Iterable
from http import HTTPStatus

from flask import Flask, Request, Response, current_app, request
from werkzeug.datastructures import Authorization
from werkzeug.exceptions import Unauthorized

from ._http import (
    CONTROL,
    TOKEN,
    accept_quality,
    accept_ranges,
    check_bool,
    check_field_value,
    check_token,
    is_preflight,
)
from .core import F, ResponseDecorator, Step, default_options_response
from .describe import http_security_scheme, security_scheme_name
from .settings import Setting, settings_for

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping

    from .describe import Description

#: ``verify(authorization) -> bool``: werkzeug's ``Authorization`` or ``None``.
Verify = t.Callable[[t.Optional[Authorization]], t.Any]
#: A challenge parameter value; ``None`` leaves the parameter out.
ParamValue = t.Union[str, Iterable[str], None]

#: The body message of the 401 a ``verify`` guard answers with.
MESSAGE = "Authentication required."
#: ``Authorization`` headers longer than this are treated as malformed.
MAX_AUTHORIZATION_LENGTH = 8192

_RFC6750_STATUS = {
    "invalid_request": 400,
    "invalid_token": 401,
    "insufficient_scope": 403,
}
_QUOTED = re.compile(r'(["\\])')
# RFC 6750 §3: error and error_description; error_uri and scope tokens.
_BEARER_TEXT = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*")
_BEARER_NQ = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
_SCHEME = re.compile(
    rf"(?:^|,)[ \t]*({TOKEN.pattern})(?:[ \t]+(?=[^ \t=,])|[ \t]*(?:,|$))"
)


# -- Challenges ------------------------------------------------------------------


def _escape(value: str) -> str:
    return _QUOTED.sub(r"\\\1", value)


def _check_param(scheme: str, name: str, value: ParamValue) -> str | None:
    where = f"Challenge({scheme!r}) parameter"
    check_token(f"{where} name", name)
    if name.endswith("*"):
        raise ValueError(
            f"{where} {name!r}: extended (name*) parameters are not supported"
        )
    if value is None:
        return None
    key, kind = name.lower(), scheme.lower()
    if kind == "bearer" and key == "scope" and not isinstance(value, str):
        value = " ".join(value)
    value = check_field_value(f"{where} {name!r}", value)
    if kind == "basic" and key == "charset" and value.upper() != "UTF-8":
        raise ValueError(
            f'{where} charset: RFC 7617 allows only "UTF-8", got {value!r}'
        )
    if kind == "bearer" and key in ("error", "error_description", "error_uri", "scope"):
        ok = _BEARER_TEXT if key in ("error", "error_description") else _BEARER_NQ
        parts = value.split(" ") if key == "scope" else [value]
        if not all(ok.fullmatch(part) for part in parts):
            spaces = " or spaces" if ok is _BEARER_NQ else ""
            raise ValueError(
                f"{where} {name!r}: RFC 6750 allows only printable ASCII"
                f" without '\"' or '\\'{spaces}, got {value!r}"
            )
    return value


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
            items[name.lower()] = (name, _check_param(scheme, name, raw))
        self.scheme = scheme
        self.params = tuple((n, v) for n, v in items.values() if v is not None)
        quoted = (f'{n}="{_escape(v)}"' for n, v in self.params)
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


def challenge_schemes(values: Iterable[str]) -> set[str]:
    """The auth schemes (lowercase) named in ``WWW-Authenticate`` field values."""
    found: set[str] = set()
    for value in values:
        unquoted = re.sub(r'"(?:[^"\\]|\\.)*"?', '""', value)
        found.update(m.group(1).lower() for m in _SCHEME.finditer(unquoted))
    return found


def add_challenges(response: Response, challenges: Iterable[tuple[str, str]]) -> None:
    """Add ``(challenge, lowercase scheme)`` pairs to a response's
    ``WWW-Authenticate``, after the challenges already there, skipping a
    scheme that already has one."""
    headers = response.headers
    values = headers.getlist("WWW-Authenticate")
    have = challenge_schemes(values) if values else set()
    for value, scheme in challenges:
        if scheme not in have:
            have.add(scheme)
            headers.add("WWW-Authenticate", value)


# -- Reading the request ---------------------------------------------------------


def read_authorization(req: Request) -> Authorization | None:
    """The request's ``Authorization``, or ``None`` when absent or malformed.

    Malformed:

    - longer than :data:`MAX_AUTHORIZATION_LENGTH`, or a scheme with no
      credentials at all;
    - Basic credentials that are not base64 of UTF-8 ``user-id:password``
      (RFC 7617 §2): bad base64, not UTF-8, no ``:``, or a control character
      in the user-id or the password;
    - a Bearer token that is not a ``token68`` (RFC 6750 §2.1), such as one
      holding a space.

    Werkzeug may raise ``ValueError`` on some of these; that counts as
    malformed too.
    """
    value = req.headers.get("Authorization")
    if not value or len(value) > MAX_AUTHORIZATION_LENGTH:
        return None
    try:
        auth = Authorization.from_header(value)
    except ValueError:
        return None
    if auth is None:
        return None
    credentials = value.partition(" ")[2].strip(" \t")
    if auth.type == "basic":
        if not credentials or not _basic_ok(credentials):
            return None
        return auth
    if auth.type == "bearer":
        return auth if _TOKEN68.fullmatch(credentials) else None
    if '"' in credentials and '"' in _QUOTED_STRING.sub("", credentials):
        return None  # a quoted-string left open: Werkzeug < 3.1 keeps it as a value
    return auth if auth.token or auth.parameters else None


#: RFC 7235 §2.1 ``token68``.
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
#: A closed quoted-string, with its backslash escapes.
_QUOTED_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)


def _basic_ok(credentials: str) -> bool:
    """Whether Basic ``credentials`` decode to ``user-id:password`` without
    control characters (RFC 7617 §2)."""
    try:
        decoded = base64.b64decode(credentials, validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return False
    return ":" in decoded and CONTROL.search(decoded) is None


def wants_json(req: Request) -> bool:
    """Whether ``Accept`` rates ``application/json`` above ``text/plain``, or
    equal (not 0) and names it explicitly (``application/json, text/plain, */*``).
    """
    raw = req.headers.get("Accept", "")
    if not raw or not ("json" in raw or "/" in raw.replace("*/*", "")):
        return False  # only wildcards: no preference
    ranges = accept_ranges(raw)
    json_q = accept_quality(ranges, "application/json")
    text_q = accept_quality(ranges, "text/plain")
    return json_q > text_q or (
        json_q == text_q > 0 and ("application", "json", json_q) in ranges
    )


_JSON = "application/json"
_TEXT = "text/plain; charset=utf-8"


class Bodies:
    """The JSON and text forms of one message, encoded once per app."""

    def __init__(self, app: Flask, message: str) -> None:
        self.response_class = app.response_class
        self.json = app.json.dumps({"message": message}).encode()
        self.text = message.encode()

    def response(
        self, req: Request, status: int, headers: list[tuple[str, str]]
    ) -> Response:
        """The response for ``req``: JSON if preferred, else text, and
        ``Vary: Accept`` besides ``headers``."""
        headers.append(("Vary", "Accept"))
        if wants_json(req):
            return self.response_class(self.json, status, headers, content_type=_JSON)
        return self.response_class(self.text, status, headers, content_type=_TEXT)


# -- The decorator ---------------------------------------------------------------


def _handles_401(app: Flask) -> bool:
    """Whether ``app`` or a blueprint of it has an error handler that a 401
    reaches (by code, or by a class ``Unauthorized`` inherits from). Read
    from the public ``error_handler_spec``; handlers cannot be added once
    requests are served, when this is asked."""
    classes = Unauthorized.__mro__
    for by_code in app.error_handler_spec.values():
        if by_code.get(401):
            return True
        handlers = by_code.get(None) or {}
        if any(cls in handlers for cls in classes):
            return True
    return False


def _pair(challenge: Challenge) -> tuple[tuple[str, str]]:
    return ((str(challenge), challenge.scheme.lower()),)


class _ChallengeStep(Step):
    """One :func:`auth_challenge` in one app (or several, merged): its
    challenges on every 401."""

    errors = True

    def __init__(self, challenges: tuple[tuple[str, str], ...]) -> None:
        #: ``(challenge, lowercase scheme)`` pairs, top decorator first.
        self.challenges = challenges

    def apply(self, response: Response) -> Response:
        if response.status_code == 401:
            add_challenges(response, self.challenges)
        return response

    def merge(self, outer: Step) -> Step | None:
        """Stacked challenges go out top decorator first."""
        if isinstance(outer, _ChallengeStep):
            return _ChallengeStep(outer.challenges + self.challenges)
        return None


class _GuardStep(_ChallengeStep):
    """An :func:`auth_challenge` with ``verify``: the guard runs before the view."""

    def __init__(self, app: Flask, challenge: Challenge, verify: Verify) -> None:
        super().__init__(_pair(challenge))
        # An ``async def`` verify is awaited on an async view, and run through
        # Flask's async support (``flask[async]``) on a sync one; its coroutine
        # object must never be taken as a truthy answer.
        self.verify_async = verify if inspect.iscoroutinefunction(verify) else None
        self.verify = verify
        if self.verify_async is not None:
            self.verify = app.ensure_sync(self.verify_async)
        self.bodies = Bodies(app, MESSAGE)
        self.handled = _handles_401(app)

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        req = request._get_current_object()  # type: ignore[attr-defined]
        if req.method == "OPTIONS" and is_preflight(req):
            # No cors on the view (it would have answered): never challenge a
            # preflight, never run the view for it.
            return default_options_response(current_app._get_current_object())  # type: ignore[attr-defined]
        ok = self.verify(read_authorization(req))
        if ok.__class__ is not bool and inspect.isawaitable(ok):
            getattr(ok, "close", lambda: None)()
            raise TypeError(
                "auth_challenge(verify=) returned an awaitable; make it an"
                " async def function (with flask[async]) or a plain function"
            )
        return None if ok else self.deny(req)

    async def before_async(self, kwargs: dict[str, t.Any]) -> Response | None:
        if self.verify_async is None:
            return self.before(kwargs)
        req = request._get_current_object()  # type: ignore[attr-defined]
        if is_preflight(req):
            return default_options_response(current_app._get_current_object())  # type: ignore[attr-defined]
        ok = await self.verify_async(read_authorization(req))
        return None if ok else self.deny(req)

    def deny(self, req: Request) -> Response:
        """The 401 of a failed guard. The chain's error edits add the
        challenges (and CORS headers) to it.

        With no app error handler for 401 it is returned, the cheap way. With
        one, it is raised as ``Unauthorized(response=...)``: Flask's own error
        handling gives the handler the exception (its answer wins), and sends
        this body when no handler of the current blueprints applies.
        """
        response = self.bodies.response(req, 401, [])
        if self.handled:
            raise Unauthorized(MESSAGE, response=response)
        return response


#: The body of the 401 a ``verify`` guard answers with, as JSON.
_MESSAGE_SCHEMA: dict[str, t.Any] = {
    "type": "object",
    "properties": {"message": {"type": "string"}},
    "required": ["message"],
}


class _AuthChallenge(ResponseDecorator):
    exposes = ("WWW-Authenticate",)
    settings = (
        Setting("RESPKIT_AUTH_CHALLENGE_401", True, check_bool),
        Setting("RESPKIT_AUTH_SCHEME", "Bearer", check_token),
        Setting("RESPKIT_AUTH_REALM", "Authentication Required", check_field_value),
    )

    def __init__(
        self,
        scheme: str | None,
        realm: str | None,
        verify: Verify | None,
        params: tuple[tuple[str, ParamValue], ...],
    ) -> None:
        self.scheme = scheme
        self.realm = realm
        self.verify = verify
        self.params = params

    def identity(self) -> t.Hashable:
        return (self.scheme, self.realm, self.verify, self.params)

    def challenge(self, settings: Mapping[str, t.Any]) -> Challenge:
        """The challenge, with the scheme and realm the settings give."""
        scheme = self.scheme or settings["RESPKIT_AUTH_SCHEME"]
        realm = settings["RESPKIT_AUTH_REALM"] if self.realm is None else self.realm
        return default_challenge(scheme, realm, dict(self.params))

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        challenge = self.challenge(settings)
        if self.verify is None:
            return _ChallengeStep(_pair(challenge))
        return _GuardStep(app, challenge, self.verify)

    @classmethod
    def init_app(cls, app: Flask, settings: Mapping[str, t.Any]) -> None:
        if settings["RESPKIT_AUTH_CHALLENGE_401"]:
            app.after_request(challenge_401_hook(settings))

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        challenge = self.challenge(settings)
        # Stacked decorators (described innermost first) challenge top first.
        stacked: list[tuple[str, str]] = doc.notes.setdefault("challenges", [])
        stacked.insert(0, (challenge.scheme, str(challenge)))
        lines = "; ".join(f"`{value}`" for _, value in stacked)
        unauthorized = doc.errors.pop("401", {})
        doc.error(
            "401",
            "Unauthorized: no valid credentials. `WWW-Authenticate` says how"
            " to authenticate.",
            headers={
                "WWW-Authenticate": {
                    "description": f"The challenge, one per line: {lines}.",
                    "schema": {"type": "string"},
                    "example": stacked[0][1],
                }
            },
            content=unauthorized.get("content"),
        )
        if self.verify is not None:
            doc.error(
                "401",
                "",
                content={
                    "application/json": {"schema": dict(_MESSAGE_SCHEMA)},
                    "text/plain": {"schema": {"type": "string"}},
                },
            )
            doc.error("403", "Forbidden: the credentials are valid but not enough.")
        doc.requires(
            security_scheme_name(challenge.scheme),
            http_security_scheme(challenge.scheme),
            first=True,
        )

    def summary(self, settings: Mapping[str, t.Any]) -> str:
        guard = "" if self.verify is None else ", verify"
        return f"auth_challenge({str(self.challenge(settings))!r}{guard})"

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
    the challenges of every ``auth_challenge`` decorator on the view, and a
    body: ``{"message": "Authentication required."}`` when
    the client's ``Accept`` prefers JSON, plain text otherwise (an app error
    handler for 401 replaces it). ``verify`` may raise
    :exc:`~werkzeug.exceptions.Forbidden` for 403. A CORS preflight is never
    challenged and never reaches the view: a ``cors`` decorator below answers
    it, otherwise Flask's default ``OPTIONS`` response does. Stacked guards
    must all pass.

    :param scheme: The auth scheme; default ``RESPKIT_AUTH_SCHEME`` (``"Bearer"``).
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
    # Iterables (a Bearer scope) are read once, here, into tuples.
    params = {
        k: v if v is None or isinstance(v, str) else tuple(v) for k, v in params.items()
    }
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
            message = MESSAGE if status == 401 else _phrase(status)
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


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def challenge_401_hook(
    settings: Mapping[str, t.Any],
) -> t.Callable[[Response], Response]:
    """The ``after_request`` hook of ``RESPKIT_AUTH_CHALLENGE_401``: give every
    401 without a ``WWW-Authenticate`` the app's default challenge."""
    value = str(
        default_challenge(
            settings["RESPKIT_AUTH_SCHEME"], settings["RESPKIT_AUTH_REALM"]
        )
    )

    def challenge_401(response: Response) -> Response:
        if response.status_code == 401 and "WWW-Authenticate" not in response.headers:
            response.headers["WWW-Authenticate"] = value
        return response

    return challenge_401
