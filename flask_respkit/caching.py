"""HTTP caching: :func:`conditional` (conditional requests: ``ETag``,
``Last-Modified``; ``304``, ``412`` and ``428`` in RFC 9110 order) and
:func:`cache_control` (RFC 9111 response directives).

The module is not named ``conditional``: the package exports the function
``conditional``, which would hide a module of that name (``import
flask_respkit.conditional as m`` would give the function).

The validators come from callables given the view's keyword arguments and are
computed **before** the view: a ``304`` or a ``412`` never runs it. The step
runs after every guard of the chain (:attr:`~flask_respkit.core.Step.before_order`),
so a ``401`` wins over a ``304`` whatever the stacking order, and its early
``304`` gets the edits the view's ``200`` would have had (CORS, ``Vary``,
``Cache-Control``, ``headers``).
"""

from __future__ import annotations

import datetime
import functools
import inspect
import math
import re
import time
import typing as t
from collections.abc import Callable, Collection, Mapping

from flask import Response, current_app, request
from werkzeug.exceptions import BadRequest, PreconditionFailed, PreconditionRequired
from werkzeug.http import generate_etag, http_date, parse_date

from ._http import check_bool, check_token
from .core import F, ResponseDecorator, Step, decorators_of
from .describe import header

if t.TYPE_CHECKING:  # pragma: no cover
    from .describe import Description

__all__ = ["cache_control", "conditional", "parse_entity_tags"]

#: A validator callable: the view's keyword arguments in, a value out.
Validator = Callable[..., t.Any]

#: RFC 9110 §8.8.3 ``etagc``: what an entity-tag holds between its quotes
#: (``obs-text`` arrives as the Latin-1 characters of the WSGI environ).
_ETAGC = r"[\x21\x23-\x7e\x80-\xff]"
_OPAQUE = re.compile(f"{_ETAGC}*")
_ELEMENT = f'(?:W/)?"{_ETAGC}*"'
#: RFC 9110 ``#entity-tag``: a list, empty elements and OWS allowed.
#: Written so that no two parts can take the same spaces (no backtracking).
_TAG_LIST = re.compile(rf"[ \t]*(?:{_ELEMENT}[ \t]*)?(?:,[ \t]*(?:{_ELEMENT}[ \t]*)?)*")
_TAG = re.compile(f'(W/)?"({_ETAGC}*)"')

#: Methods whose preconditions RFC 9110 §13.2.1 says to ignore.
_IGNORED = frozenset({"OPTIONS", "TRACE", "CONNECT"})
_SAFE = frozenset({"GET", "HEAD"})
#: ``require_precondition=True``: the methods that change a resource.
UNSAFE_REQUIRED = frozenset({"PUT", "PATCH", "DELETE"})

#: ``If-Match: *``/``If-None-Match: *``.
STAR = "*"


class EntityTags(t.NamedTuple):
    """A parsed ``If-Match``/``If-None-Match`` list (``*`` aside)."""

    #: The opaque tags of every listed entity-tag, weak or strong.
    every: frozenset[str]
    #: The opaque tags of the strong ones.
    strong: frozenset[str]


def parse_entity_tags(name: str, value: str) -> EntityTags | str:
    """Parse an ``If-Match`` or ``If-None-Match`` field value strictly, as
    RFC 9110 §13.1.1 and §13.1.2 define it: ``*``, or a comma-separated list
    of entity-tags (``"v1"``, ``W/"v1"``; empty elements and spaces around
    commas allowed, ``W/`` upper-case).

    :param name: The header's name, for the error.
    :param value: The field value (several lines joined with ``,``).
    :return: :data:`STAR`, or the tags.
    :raise BadRequest: The value is neither, naming the header.

    .. versionadded:: 0.2.0
    """
    # Clients send back the few tags they were given: short values are
    # parsed once (a bounded cache; long ones are never kept).
    parsed = _parse_short(value) if len(value) <= 256 else _parse(value)
    if parsed is None:
        raise BadRequest(
            f"{name} is malformed: send * or a comma-separated list of"
            ' entity-tags, each quoted ("v1") or weak (W/"v1").'
        )
    return parsed


def _parse(value: str) -> EntityTags | str | None:
    """:func:`parse_entity_tags` without the error: ``None`` when malformed."""
    if value.strip(" \t") == STAR:
        return STAR
    if not _TAG_LIST.fullmatch(value):
        return None
    every: set[str] = set()
    strong: set[str] = set()
    for weak, opaque in _TAG.findall(value):
        every.add(opaque)
        if not weak:
            strong.add(opaque)
    return EntityTags(frozenset(every), frozenset(strong))


_parse_short = functools.lru_cache(maxsize=512)(_parse)


def _weak_match(tags: EntityTags | str, exists: bool, opaque: str | None) -> bool:
    """RFC 9110 §8.8.3.2 weak comparison against a parsed list (``*``: a
    current representation exists)."""
    if isinstance(tags, str):  # STAR
        return exists
    return opaque is not None and opaque in tags.every


def _strong_match(
    tags: EntityTags | str, exists: bool, opaque: str | None, weak: bool
) -> bool:
    """RFC 9110 §8.8.3.2 strong comparison: both tags strong, same opaque tag."""
    if isinstance(tags, str):  # STAR
        return exists
    return not weak and opaque is not None and opaque in tags.strong


_DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_TIME = r"\d\d:\d\d:\d\d"
#: RFC 9110 §5.6.7 ``HTTP-date``: IMF-fixdate, and the obsolete RFC 850 and
#: asctime formats a recipient must also accept. Case-sensitive, one date.
#: (Werkzeug's ``parse_date`` also takes a list of dates, or a date without
#: a zone, which RFC 9110 §13.1.3 and §13.1.4 say to ignore.)
_HTTP_DATE = re.compile(
    rf"{_DAY}, \d\d {_MONTH} \d{{4}} {_TIME} GMT"
    rf"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),"
    rf" \d\d-{_MONTH}-\d\d {_TIME} GMT"
    rf"|{_DAY} {_MONTH} [ \d]\d {_TIME} \d{{4}}"
)


def _date_seconds(value: str) -> int | None:
    """An HTTP-date as whole seconds since the epoch; ``None`` when it is not
    one valid HTTP-date, which RFC 9110 §13.1.3 and §13.1.4 say to ignore."""
    if len(value) > 64:  # no HTTP-date is that long (and it is never cached)
        return None
    return _parse_seconds(value)


@functools.lru_cache(maxsize=256)
def _parse_seconds(value: str) -> int | None:
    """:func:`_date_seconds`, cached: clients send back the ``Last-Modified``
    they were given, so a few values come again and again."""
    value = value.strip(" \t")
    if not _HTTP_DATE.fullmatch(value):
        return None
    parsed = parse_date(value)  # None for a day that does not exist
    return None if parsed is None else math.floor(parsed.timestamp())


@functools.lru_cache(maxsize=256)
def _imf_fixdate(seconds: int) -> str:
    return http_date(seconds)


def _seconds(value: object, option: str) -> int:
    """A ``last_modified`` result as whole seconds (one-second precision: the
    fraction is dropped), naive meaning UTC."""
    if not isinstance(value, datetime.datetime):
        raise TypeError(
            f"conditional({option}=) must return a datetime or None,"
            f" got {type(value).__name__}"
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return math.floor(value.timestamp())


def _opaque(value: object) -> str:
    """An ``etag`` result, checked: RFC 9110 ``etagc`` characters only."""
    if not isinstance(value, str):
        raise TypeError(
            f"conditional(etag=) must return a str or None, got {type(value).__name__}"
        )
    if not _OPAQUE.fullmatch(value):
        raise ValueError(
            "conditional(etag=) must return an entity-tag without its quotes:"
            " printable ASCII (or Latin-1 above 0x80) but for '\"' and spaces,"
            f" got {value!r}"
        )
    return value


def _tags(environ: Mapping[str, t.Any], key: str, name: str) -> EntityTags | str | None:
    """The parsed ``If-Match`` or ``If-None-Match`` (its ``environ`` key and its
    name), or ``None`` when absent.

    :raise BadRequest: It is malformed.
    """
    value = environ.get(key)
    return None if value is None else parse_entity_tags(name, value)


def _date(environ: Mapping[str, t.Any], key: str) -> int | None:
    """The ``If-Modified-Since`` or ``If-Unmodified-Since`` date (its
    ``environ`` key) in seconds, or ``None`` when absent or invalid."""
    value = environ.get(key)
    return None if value is None else _date_seconds(value)


# The four steps of RFC 9110 §13.2.2, each run when its header is there (steps
# 2 and 4: when the one before is not). Each gives the status the request is
# answered when its precondition is false, or ``None`` to go on.


def _if_match(
    tags: EntityTags | str, exists: bool, opaque: str | None, weak: bool
) -> int | None:
    """Step 1, ``If-Match``: ``412`` unless a tag matches strongly."""
    return None if _strong_match(tags, exists, opaque, weak) else 412


def _if_unmodified_since(
    environ: Mapping[str, t.Any], seconds: int | None
) -> int | None:
    """Step 2, ``If-Unmodified-Since`` (without ``If-Match``): ``412`` when
    the resource changed after a valid date (a last modification known)."""
    if seconds is None:
        return None
    since = _date(environ, "HTTP_IF_UNMODIFIED_SINCE")
    return 412 if since is not None and seconds > since else None


def _if_none_match(
    tags: EntityTags | str, exists: bool, opaque: str | None, safe: bool
) -> int | None:
    """Step 3, ``If-None-Match``: when a tag matches weakly, ``304`` for GET
    and HEAD, ``412`` for another method."""
    if not _weak_match(tags, exists, opaque):
        return None
    return 304 if safe else 412


def _if_modified_since(
    environ: Mapping[str, t.Any], safe: bool, seconds: int | None
) -> int | None:
    """Step 4, ``If-Modified-Since`` (GET and HEAD, without ``If-None-Match``):
    ``304`` when the resource has not changed since a valid date (a last
    modification known)."""
    if not safe or seconds is None:
        return None
    since = _date(environ, "HTTP_IF_MODIFIED_SINCE")
    return 304 if since is not None and seconds <= since else None


def evaluate(
    environ: Mapping[str, t.Any],
    safe: bool,
    exists: bool,
    opaque: str | None,
    weak: bool,
    seconds: int | None,
) -> int | None:
    """The preconditions of RFC 9110 §13.2.2, in order: the status a
    failed one answers (``304`` or ``412``), or ``None`` to run the method.

    :param exists: Whether a current representation exists (what ``*``
        matches).
    :param opaque: The current opaque tag, or ``None``.
    :param weak: Whether the current tag is weak (it never matches strongly).
    :param seconds: The last modification, or ``None``.
    :raise BadRequest: ``If-Match`` or ``If-None-Match`` is malformed.
    """
    # Both lists are parsed first: a malformed one is a 400 whatever the
    # other one says.
    match = _tags(environ, "HTTP_IF_MATCH", "If-Match")
    none_match = _tags(environ, "HTTP_IF_NONE_MATCH", "If-None-Match")
    if match is not None:
        failed = _if_match(match, exists, opaque, weak)
    else:
        failed = _if_unmodified_since(environ, seconds)
    if failed is not None:
        return failed
    if none_match is not None:
        return _if_none_match(none_match, exists, opaque, safe)
    return _if_modified_since(environ, safe, seconds)


#: What ``conditional`` computed for one request, before the view: the
#: ``ETag`` value (``"tag"`` or ``W/"tag"``) and the last modification in whole
#: seconds since the epoch (never later than now), each or ``None``. A plain
#: tuple: it is made on every request.
Validators = tuple[t.Optional[str], t.Optional[int]]


class _Conditional(ResponseDecorator, Step):
    """One :func:`conditional`: it is its own step in every app (it reads no
    settings)."""

    exposes = ("ETag",)
    #: After every guard (``auth_challenge``'s ``verify``) and every step
    #: giving the view arguments (``paginate``), whatever the stacking.
    before_order = 10

    def __init__(
        self,
        etag: Validator | t.Literal["auto"] | None,
        last_modified: Validator | None,
        weak: bool,
        required: frozenset[str],
    ) -> None:
        self.auto = isinstance(etag, str)
        self.etag: Validator | None = None if isinstance(etag, str) else etag
        self.last_modified = last_modified
        self.weak = weak
        self.required = required
        self.prefix = 'W/"' if weak else '"'
        #: The ``request.environ`` key of this request's validators.
        self.key = f"flask_respkit.caching.{id(self)}"
        #: The 428's description, without the method.
        self.required_text = _REQUIRED.replace(
            "{dated}", "" if last_modified is None else _REQUIRED_DATED
        )

    # -- the validators ----------------------------------------------------------

    def tag_of(self, opaque: str) -> str:
        """The ``ETag`` value of an opaque tag."""
        return f'{self.prefix}{opaque}"'

    def compute(self, kwargs: dict[str, t.Any]) -> tuple[str | None, int | None]:
        """Call the validator callables: ``(opaque tag, seconds)``."""
        opaque = seconds = None
        if self.etag is not None:
            value = self.etag(**kwargs)
            if value is not None:
                opaque = _opaque(value)
        if self.last_modified is not None:
            value = self.last_modified(**kwargs)
            if value is not None:
                # RFC 9110 §8.8.2.1: never later than the response's Date.
                seconds = min(_seconds(value, "last_modified"), int(time.time()))
        return opaque, seconds

    # -- before the view ---------------------------------------------------------

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        req = request._get_current_object()  # type: ignore[attr-defined]
        method: str = req.method
        if method in _IGNORED:
            return None
        environ = req.environ
        by_date = method in self.required and self.required_by_date(environ, method)
        safe = method in _SAFE
        if self.auto:
            return self.before_auto(environ, safe, kwargs, by_date, method)
        opaque, seconds = self.compute(kwargs)
        if by_date and seconds is None:
            raise self.precondition_required(method)
        tag = None if opaque is None else self.tag_of(opaque)
        if safe:
            environ[self.key] = (tag, seconds)
        failed = self.preconditions(environ, safe, opaque, tag, seconds)
        if failed == 304:
            return self.not_modified(tag)
        if failed == 412:
            raise PreconditionFailed(_FAILED)
        return None

    def precondition_required(self, method: str) -> PreconditionRequired:
        """The ``428`` of a request to ``method``."""
        return PreconditionRequired(self.required_text.format(method=method))

    def required_by_date(self, environ: Mapping[str, t.Any], method: str) -> bool:
        """Whether ``If-Unmodified-Since`` is what meets the precondition a
        method of ``require_precondition`` needs (RFC 6585 §3): the view's last
        modification must then exist. ``If-Match`` or ``If-None-Match: *``
        meets it otherwise; ``If-Unmodified-Since`` counts only when it can be
        evaluated (a valid date, and a ``last_modified`` to compare it with).

        :raise PreconditionRequired: Nothing meets it (``428``).
        """
        if environ.get("HTTP_IF_MATCH") is not None:
            return False
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None and if_none_match.strip(" \t") == STAR:
            return False
        if_unmodified = environ.get("HTTP_IF_UNMODIFIED_SINCE")
        if (
            if_unmodified is None
            or self.last_modified is None
            or _date_seconds(if_unmodified) is None
        ):
            raise self.precondition_required(method)
        return True

    def preconditions(
        self,
        environ: Mapping[str, t.Any],
        safe: bool,
        opaque: str | None,
        tag: str | None,
        seconds: int | None,
    ) -> int | None:
        """:func:`evaluate` against the current validators, but for the two
        cases most requests are, answered without it: nothing to evaluate, or
        the client sending back, alone, the ``ETag`` it was given."""
        if (
            environ.get("HTTP_IF_MATCH") is None
            and environ.get("HTTP_IF_UNMODIFIED_SINCE") is None
        ):
            if_none_match = environ.get("HTTP_IF_NONE_MATCH")
            if if_none_match is None:
                # Step 4 alone: for GET and HEAD with a last modification.
                if (
                    not safe
                    or seconds is None
                    or environ.get("HTTP_IF_MODIFIED_SINCE") is None
                ):
                    return None
            elif (
                safe
                and tag is not None
                and (if_none_match == tag or if_none_match == f"W/{tag}")
            ):
                # Step 3 alone, the client sending back our own tag: no parsing.
                return 304
        exists = opaque is not None if self.etag is not None else seconds is not None
        return evaluate(environ, safe, exists, opaque, self.weak, seconds)

    def before_auto(
        self,
        environ: dict[str, t.Any],
        safe: bool,
        kwargs: dict[str, t.Any],
        by_date: bool,
        method: str,
    ) -> Response | None:
        """``etag="auto"``: a GET or HEAD is evaluated after the view, against
        its body's hash; another method has no tag to compare with."""
        seconds = self.compute(kwargs)[1]
        if by_date and seconds is None:
            raise self.precondition_required(method)
        match = _tags(environ, "HTTP_IF_MATCH", "If-Match")  # a 400 before the view
        none_match = _tags(environ, "HTTP_IF_NONE_MATCH", "If-None-Match")
        if safe:
            environ[self.key] = (None, seconds)
            return None
        if match is not None or none_match is not None:
            raise PreconditionFailed(_FAILED_AUTO)
        if seconds is None:  # no last_modified, or none for this resource
            if _date(environ, "HTTP_IF_UNMODIFIED_SINCE") is not None:
                raise PreconditionFailed(_FAILED_AUTO)
        elif _if_unmodified_since(environ, seconds) is not None:
            raise PreconditionFailed(_FAILED)
        return None

    def not_modified(self, tag: str | None) -> Response:
        """The ``304``: no body, the ``ETag`` a ``200`` would carry. The
        chain then adds what the view's other decorators add to its ``200``
        (``Last-Modified`` is one of the fields Werkzeug drops from a 304)."""
        response: Response = current_app.response_class(status=304)
        if tag is not None:
            response.headers.add("ETag", tag)
        return response

    # -- after the view ----------------------------------------------------------

    def after(self, response: Response, kwargs: dict[str, t.Any]) -> Response:
        status = response.status_code
        if not 200 <= status < 300:
            return response
        req = request._get_current_object()  # type: ignore[attr-defined]
        method: str = req.method
        if method in _SAFE:
            found: Validators | None = req.environ.get(self.key)
            if found is None:  # another step answered before this one ran
                return response
            if self.auto:
                return self.after_auto(req.environ, response, found[1])
            tag, seconds = found
        elif method in _IGNORED or (self.auto and self.last_modified is None):
            return response
        else:
            # The method changed the resource: its new validators.
            opaque, seconds = self.compute(kwargs)
            tag = None if opaque is None else self.tag_of(opaque)
        headers = response.headers
        # getlist and add: a third of what ``in`` and ``[]=`` cost on Headers.
        if tag is not None and not headers.getlist("ETag"):
            headers.add("ETag", tag)
        if seconds is not None and not headers.getlist("Last-Modified"):
            headers.add("Last-Modified", _imf_fixdate(seconds))
        return response

    def after_auto(
        self, environ: Mapping[str, t.Any], response: Response, seconds: int | None
    ) -> Response:
        """``etag="auto"`` on a 2xx GET or HEAD: the tag of a buffered body is
        its hash (the view's own ``ETag`` wins), then the preconditions."""
        headers = response.headers
        own = headers.get("ETag")
        opaque: str | None = None
        tag: str | None = None
        weak = self.weak
        if own is not None:
            parsed = _TAG.fullmatch(own.strip())
            if parsed is not None:
                weak, opaque, tag = bool(parsed.group(1)), parsed.group(2), own
        elif not response.is_streamed:
            opaque = generate_etag(response.get_data())
            tag = self.tag_of(opaque)
            headers.add("ETag", tag)
        if seconds is not None and not headers.getlist("Last-Modified"):
            headers.add("Last-Modified", _imf_fixdate(seconds))
        if (
            "HTTP_IF_MATCH" not in environ
            and "HTTP_IF_NONE_MATCH" not in environ
            and "HTTP_IF_UNMODIFIED_SINCE" not in environ
            and "HTTP_IF_MODIFIED_SINCE" not in environ
        ):
            return response
        failed = evaluate(environ, True, True, opaque, weak, seconds)
        if failed is None:
            return response
        close = getattr(response.response, "close", None)
        if close is not None:
            close()
        if failed == 412:
            raise PreconditionFailed(_FAILED)
        response.response = []
        response.status_code = 304
        return response

    # -- the family's description ------------------------------------------------

    def identity(self) -> t.Hashable:
        return (
            "auto" if self.auto else self.etag,
            self.last_modified,
            self.weak,
            self.required,
        )

    def __call__(self, view: F) -> F:
        for other in decorators_of(view):
            if isinstance(other, _Conditional) and other != self:
                raise TypeError(
                    f"{getattr(view, '__name__', view)} has a conditional() already;"
                    " a view takes one (give it both validators)"
                )
        return super().__call__(view)

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        strength = "weak" if self.weak else "strong"
        doc.parameter(
            "If-None-Match",
            "header",
            "Entity-tags of representations the client holds (or `*`): when one"
            " matches the current `ETag` (weak comparison), a GET or HEAD is"
            " answered `304 Not Modified`, any other method `412`.",
            {"type": "string"},
        )
        doc.parameter(
            "If-Match",
            "header",
            "Entity-tags the current representation must match (strong"
            " comparison; `*`: any current representation), else `412`. Send"
            " the `ETag` you read to make a change that cannot overwrite"
            " someone else's (a lost update).",
            {"type": "string"},
            required=False,
        )
        if self.last_modified is not None:
            doc.parameter(
                "If-Modified-Since",
                "header",
                "An HTTP-date: a GET or HEAD is answered `304 Not Modified` when"
                " the resource has not changed since (ignored with"
                " `If-None-Match`).",
                {"type": "string"},
            )
            doc.parameter(
                "If-Unmodified-Since",
                "header",
                "An HTTP-date: `412` when the resource changed since (ignored"
                " with `If-Match`).",
                {"type": "string"},
            )
        etag_text = (
            "A hash of the body (buffered bodies only)."
            if self.auto
            else f"The current representation's entity-tag ({strength})."
        )
        etag = header(etag_text, example='W/"v1"' if self.weak else '"v1"')
        doc.header("ETag", etag)
        if self.last_modified is not None:
            doc.header(
                "Last-Modified",
                header(
                    "When the resource last changed (IMF-fixdate).",
                    example="Tue, 01 Dec 2026 10:00:00 GMT",
                ),
            )
        if doc.for_method("GET", "HEAD"):
            doc.error(
                "304",
                "Not Modified (GET and HEAD): the representation the client holds"
                " is current; no body.",
                headers={"ETag": etag},
            )
            doc.notes[_NOTE_304] = True
        doc.error("400", "Bad Request: `If-Match` or `If-None-Match` is malformed.")
        doc.error(
            "412",
            "Precondition Failed: `If-Match` or `If-Unmodified-Since` does not"
            " hold (the resource changed), or `If-None-Match` matches on a"
            " method other than GET or HEAD.",
        )
        if self.required and doc.for_method(*self.required):
            methods = ", ".join(sorted(self.required))
            dated = "" if self.last_modified is None else " (or `If-Unmodified-Since`)"
            doc.error(
                "428",
                f"Precondition Required ({methods}): send `If-Match` with the"
                f" `ETag` you read{dated}.",
            )

    @classmethod
    def describe_app(cls, doc: Description, settings: Mapping[str, t.Any]) -> None:
        """Give the ``304`` the headers the chain puts on it: those of every
        response (CORS), ``Vary`` and ``Cache-Control``. Run after every
        decorator's :meth:`describe`, whatever the stacking order."""
        not_modified = doc.errors.get("304")
        if not_modified is None or not doc.notes.get(_NOTE_304):
            return
        headers = not_modified.setdefault("headers", {})
        for name, value in doc.every_response_headers.items():
            headers.setdefault(name, value)
        cache = doc.notes.get(_NOTE_CACHE)
        if cache is not None:
            headers.setdefault("Cache-Control", cache)
        if doc.vary:
            names = ", ".join(doc.vary)
            headers.setdefault(
                "Vary", header(f"Lists `{names}`, as the 200 does.", example=names)
            )

    def summary(self, settings: Mapping[str, t.Any]) -> str:
        return repr(self)

    def __repr__(self) -> str:
        """The call that made it, options left at their default left out."""
        options = []
        if self.auto or self.etag is not None:
            options.append(f"etag={_name('auto' if self.auto else self.etag)}")
        if self.last_modified is not None:
            options.append(f"last_modified={_name(self.last_modified)}")
        if self.weak:
            options.append("weak=True")
        if self.required == UNSAFE_REQUIRED:
            options.append("require_precondition=True")
        elif self.required:
            options.append(f"require_precondition={tuple(sorted(self.required))!r}")
        return f"conditional({', '.join(options)})"


_FAILED = (
    "The precondition given in If-Match, If-None-Match or If-Unmodified-Since"
    " does not hold: the resource changed. Read it again (GET) and retry."
)
_REQUIRED = (
    "This {method} request must be conditional: send If-Match with the ETag of"
    " the representation it changes{dated}."
)
_REQUIRED_DATED = " (or If-Unmodified-Since with its Last-Modified)"
_FAILED_AUTO = (
    "This resource's entity-tag is a hash of its GET body, unknown before this"
    " request runs; If-Match and If-None-Match cannot be evaluated here."
)
_NOTE_304 = "flask_respkit.caching.304"
_NOTE_CACHE = "flask_respkit.caching.cache-control"


def _name(value: object) -> str:
    """A callable by its qualified name (a lambda as ``<lambda>``), else repr."""
    name = getattr(value, "__qualname__", None)
    return name if isinstance(name, str) else repr(value)


def _check_validator(option: str, value: object) -> Validator | None:
    if value is None:
        return None
    if not callable(value):
        raise TypeError(
            f"conditional({option}=) must be a callable given the view's keyword"
            f" arguments{' or ' + repr('auto') if option == 'etag' else ''},"
            f" got {value!r}"
        )
    if inspect.iscoroutinefunction(value):
        raise TypeError(
            f"conditional({option}=) must be a plain function: its result is"
            " also needed after the view, where nothing can be awaited"
        )
    return t.cast(Validator, value)


def _check_required(value: object) -> frozenset[str]:
    if value is True:
        return UNSAFE_REQUIRED
    if value is False:
        return frozenset()
    if isinstance(value, (str, bytes)) or not isinstance(value, Collection):
        raise TypeError(
            "conditional(require_precondition=) must be True, False or a"
            f' collection of methods such as ("PUT", "DELETE"), got {value!r}'
        )
    methods = set()
    for method in value:
        name = check_token("conditional(require_precondition=) method", method).upper()
        if name in _IGNORED:
            raise ValueError(
                f"conditional(require_precondition=): {name} takes no precondition"
                " (RFC 9110 §13.2.1)"
            )
        methods.add(name)
    if not methods:
        raise ValueError(
            "conditional(require_precondition=) names no method; pass False"
            " to require none"
        )
    return frozenset(methods)


def conditional(
    etag: Validator | t.Literal["auto"] | None = None,
    last_modified: Validator | None = None,
    *,
    weak: bool = False,
    require_precondition: bool | Collection[str] = False,
) -> t.Callable[[F], F]:
    """Answer conditional requests (RFC 9110 §13): ``304 Not Modified``,
    ``412 Precondition Failed`` and ``428 Precondition Required``, before the
    view runs; send ``ETag`` and ``Last-Modified``::

        @app.route("/items/<int:id>", methods=["GET", "PUT", "DELETE"])
        @conditional(
            etag=lambda id: str(db.version_of(id)),  # None: no such item
            require_precondition=True,  # PUT and DELETE need If-Match
        )
        def item(id): ...

    The callables are given the view's keyword arguments (``pagination``
    too, under :func:`~flask_respkit.paginate`) and called before the view,
    after every guard of the view (:func:`~flask_respkit.auth_challenge`'s
    ``verify``: a ``401`` wins over a ``304``). The preconditions are then
    evaluated in RFC 9110 §13.2.2 order, and the view does not run when one
    fails:

    1. ``If-Match``: unless a listed tag matches the current one by strong
       comparison (``*``: a current representation exists), ``412``;
    2. else ``If-Unmodified-Since``: ``412`` when the resource changed since;
    3. ``If-None-Match``: when a tag matches by weak comparison (``*``: a
       current representation exists), ``304`` for GET and HEAD, ``412``
       otherwise (``If-None-Match: *`` makes a PUT create-only);
    4. else, for GET and HEAD, ``If-Modified-Since``: ``304`` when the
       resource has not changed since.

    Dates compare at one-second precision; an invalid date is ignored; a
    malformed ``If-Match`` or ``If-None-Match`` is a ``400`` naming it.
    ``OPTIONS``, ``TRACE`` and ``CONNECT`` are never evaluated.

    A 2xx answer to GET or HEAD gets ``ETag`` and ``Last-Modified`` unless the
    view set them; after a 2xx to another method the callables are called
    again and the new validators sent. A ``304`` carries ``ETag`` and what
    the view's other decorators add to its responses (CORS, ``Vary``,
    ``Cache-Control``, ``headers``).

    :param etag: ``(**view_kwargs) -> str | None``: the current
        representation's entity-tag without quotes (RFC 9110 ``etagc``
        characters, else a ``ValueError`` when called), or ``None`` when there
        is no current representation. Or ``"auto"``: a hash of the body of a
        buffered 2xx GET or HEAD response, the tag Werkzeug's ``add_etag``
        gives (:func:`~werkzeug.http.generate_etag`: SHA-1 up to Werkzeug
        3.1, SHA3-256 from 3.2), computed after the view, where the
        preconditions are then evaluated; a streamed body gets none. With
        ``"auto"``, ``If-Match`` and ``If-None-Match`` on other methods are
        answered ``412``, and so is ``If-Unmodified-Since`` unless
        ``last_modified`` is given.
    :param last_modified: ``(**view_kwargs) -> datetime | None``: when the
        resource last changed (aware, or naive meaning UTC); a time in the
        future is sent as now (RFC 9110 §8.8.2.1).
    :param weak: Send the tag as weak (``W/"tag"``): for representations that
        are equivalent rather than byte-identical. A weak tag never passes
        ``If-Match``.
    :param require_precondition: ``True`` (``PUT``, ``PATCH``, ``DELETE``) or
        a collection of methods: such a request with neither ``If-Match`` nor
        ``If-None-Match: *`` (the create-only condition) nor an
        ``If-Unmodified-Since`` that can be evaluated (a valid date, and
        ``last_modified`` giving one) is answered ``428 Precondition
        Required``.
    :raise ValueError: Neither validator given, ``etag`` a string other than
        ``"auto"``, a method that is not a token.
    :raise TypeError: An option of the wrong type, an ``async def``
        callable, or a view that has another ``conditional`` already.

    .. versionadded:: 0.2.0
    """
    if isinstance(etag, str):
        if etag != "auto":
            raise ValueError(
                f"conditional(etag=) must be a callable or 'auto', got {etag!r}"
            )
        checked: t.Any = etag
    else:
        checked = _check_validator("etag", etag)
    modified = _check_validator("last_modified", last_modified)
    if checked is None and modified is None:
        raise ValueError(
            "conditional() needs a validator: etag= (a callable or 'auto'),"
            " last_modified= (a callable), or both"
        )
    check_bool("conditional(weak=)", weak)
    required = _check_required(require_precondition)
    return _Conditional(checked, modified, weak, required)


# -- cache_control -------------------------------------------------------------

#: One ``Cache-Control`` directive of a field value: a token, optionally
#: ``=`` and a token or quoted-string (which may hold commas).
_DIRECTIVE = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*"?)+')
#: Directives that exclude each other: setting one removes the other.
_OPPOSITE = {"public": "private", "private": "public"}


class _CacheControl(ResponseDecorator, Step):
    def __init__(self, directives: tuple[tuple[str, int | None], ...]) -> None:
        self.directives = directives
        self.value = ", ".join(
            name if seconds is None else f"{name}={seconds}"
            for name, seconds in directives
        )
        names = {name for name, _ in directives}
        #: The view's directives these replace (same name, or the opposite).
        self.replaces = frozenset(
            names | {_OPPOSITE[n] for n in names if n in _OPPOSITE}
        )

    def apply(self, response: Response) -> Response:
        status = response.status_code
        if not (200 <= status < 300 or status == 304):
            return response
        headers = response.headers
        lines = headers.getlist("Cache-Control")
        if not lines:
            headers.add("Cache-Control", self.value)
            return response
        kept = [
            item
            for line in lines
            for match in _DIRECTIVE.finditer(line)
            if (item := match.group().strip())
            and item.partition("=")[0].strip().lower() not in self.replaces
        ]
        headers["Cache-Control"] = ", ".join([*kept, self.value])
        return response

    def identity(self) -> t.Hashable:
        return self.directives

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        description = header(
            f"`{self.value}` (with any other directive the view sets).",
            example=self.value,
        )
        doc.header("Cache-Control", description)
        doc.notes[_NOTE_CACHE] = description

    def __repr__(self) -> str:
        """The call that made it: ``cache_control(max_age=60, public=True)``."""
        options = (
            f"{name.replace('-', '_')}={True if seconds is None else seconds}"
            for name, seconds in self.directives
        )
        return f"cache_control({', '.join(options)})"


def _check_seconds(option: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"cache_control({option}=) must be a whole number of seconds, got {value!r}"
        )
    if value < 0:
        raise ValueError(f"cache_control({option}=) must not be negative, got {value}")
    return value


def cache_control(
    max_age: int | None = None,
    *,
    s_maxage: int | None = None,
    public: bool = False,
    private: bool = False,
    no_cache: bool = False,
    no_store: bool = False,
    must_revalidate: bool = False,
    proxy_revalidate: bool = False,
    no_transform: bool = False,
    immutable: bool = False,
    stale_while_revalidate: int | None = None,
    stale_if_error: int | None = None,
) -> t.Callable[[F], F]:
    """Set ``Cache-Control`` response directives (RFC 9111 §5.2.2, RFC 5861,
    RFC 8246) on 2xx and ``304`` responses, never on errors::

        @app.get("/items/<int:id>")
        @cache_control(max_age=60, public=True, stale_while_revalidate=30)
        @conditional(etag=lambda id: str(db.version_of(id)))
        def item(id): ...

    A directive the view's own ``Cache-Control`` holds under the same name is
    replaced (``public`` and ``private`` also replace each other); the view's
    other directives are kept. Directives go out lower-case, in the order of
    the signature: ``public, max-age=60, stale-while-revalidate=30``.

    :param max_age: ``max-age``: seconds a response stays fresh.
    :param s_maxage: ``s-maxage``: the same, for shared caches.
    :param public: ``public``: any cache may store it.
    :param private: ``private``: only the user's own cache may store it.
    :param no_cache: ``no-cache``: revalidate before every reuse.
    :param no_store: ``no-store``: never store it.
    :param must_revalidate: ``must-revalidate``: never serve it stale.
    :param proxy_revalidate: ``proxy-revalidate``: the same, for shared caches.
    :param no_transform: ``no-transform``: intermediaries keep the body as is.
    :param immutable: ``immutable`` (RFC 8246): no revalidation while fresh.
    :param stale_while_revalidate: ``stale-while-revalidate`` (RFC 5861).
    :param stale_if_error: ``stale-if-error`` (RFC 5861).
    :raise ValueError: No directive given, ``public`` with ``private``,
        ``no_store`` with ``max_age`` or ``s_maxage``, negative seconds.
    :raise TypeError: Seconds that are not an int (a bool included), a flag
        that is not a bool.

    .. versionadded:: 0.2.0
    """
    flags = {
        "public": public,
        "private": private,
        "no-cache": no_cache,
        "no-store": no_store,
        "must-revalidate": must_revalidate,
        "proxy-revalidate": proxy_revalidate,
        "no-transform": no_transform,
        "immutable": immutable,
    }
    for name, flag in flags.items():
        check_bool(f"cache_control({name.replace('-', '_')}=)", flag)
    seconds = {
        "max-age": _check_seconds("max_age", max_age),
        "s-maxage": _check_seconds("s_maxage", s_maxage),
        "stale-while-revalidate": _check_seconds(
            "stale_while_revalidate", stale_while_revalidate
        ),
        "stale-if-error": _check_seconds("stale_if_error", stale_if_error),
    }
    if public and private:
        raise ValueError(
            "cache_control(): public and private contradict each other; choose one"
        )
    if no_store and (max_age is not None or s_maxage is not None):
        raise ValueError(
            "cache_control(): no_store forbids storing the response, so max_age"
            " and s_maxage mean nothing with it; choose"
        )
    order = (
        "public",
        "private",
        "no-cache",
        "no-store",
        "max-age",
        "s-maxage",
        "must-revalidate",
        "proxy-revalidate",
        "no-transform",
        "immutable",
        "stale-while-revalidate",
        "stale-if-error",
    )
    directives: list[tuple[str, int | None]] = []
    for name in order:
        if name in flags:
            if flags[name]:
                directives.append((name, None))
        elif seconds[name] is not None:
            directives.append((name, seconds[name]))
    if not directives:
        raise ValueError("cache_control() needs at least one directive")
    return _CacheControl(tuple(directives))
