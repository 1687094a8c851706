"""API lifecycle: :func:`deprecated` sends ``Deprecation`` (RFC 9745),
``Sunset`` (RFC 8594) and their links on every response of a view, and can
retire the view at its sunset (410 Gone)."""

from __future__ import annotations

import datetime
import math
import time
import typing as t

from flask import Flask, Response
from werkzeug.exceptions import Gone
from werkzeug.http import http_date

from ._http import check_bool
from .core import F, ResponseDecorator, Step
from .describe import header
from .links import Link, append_links
from .urls import Target, check_target, is_absolute, link_uri, resolve_target

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping

    from .describe import Description

__all__ = ["deprecated"]

#: A moment: a timezone-aware ``datetime``, or a ``date`` (midnight UTC).
When = t.Union[datetime.datetime, datetime.date]

DEPRECATION = "Deprecation"
SUNSET = "Sunset"
#: RFC 9745 §3: a link to more about the deprecation.
REL_DEPRECATION = "deprecation"
#: RFC 5829: the version that replaces this one.
REL_SUCCESSOR = "successor-version"


def to_utc(option: str, value: object) -> datetime.datetime:
    """``value`` as an aware UTC ``datetime``: a ``date`` is midnight UTC.

    :raise TypeError: ``value`` is neither a ``datetime`` nor a ``date``.
    :raise ValueError: ``value`` is a naive ``datetime``.
    """
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(
                f"{option} must be timezone-aware (say"
                " datetime(2025, 6, 30, tzinfo=timezone.utc)) or a date, got"
                f" the naive datetime {value!r}"
            )
        return value.astimezone(datetime.timezone.utc)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(
            value, datetime.time(), tzinfo=datetime.timezone.utc
        )
    raise TypeError(
        f"{option} must be a timezone-aware datetime or a date, got {value!r}"
    )


def _seconds(moment: datetime.datetime) -> int:
    """Whole seconds since the epoch, as both headers carry them."""
    return math.floor(moment.timestamp())


class _Deprecated(ResponseDecorator, Step):
    """One :func:`deprecated`: its header values are made when it is."""

    exposes = (DEPRECATION, SUNSET)
    errors = True

    def __init__(
        self,
        since: datetime.datetime,
        sunset: datetime.datetime | None,
        link: Target | None,
        successor: Target | None,
    ) -> None:
        self.since = since
        self.sunset = sunset
        self.link = link
        self.successor = successor
        #: ``Deprecation: @<seconds>`` (an RFC 9651 Date).
        self.deprecation_value = f"@{_seconds(since)}"
        #: ``Sunset: <IMF-fixdate>``, or ``None``.
        self.sunset_value = None if sunset is None else http_date(sunset)
        self.sunset_at = None if sunset is None else _seconds(sunset)
        targets = [(REL_DEPRECATION, link), (REL_SUCCESSOR, successor)]
        given = [(rel, target) for rel, target in targets if target is not None]
        #: Links whose target is known now (an absolute URL), made once...
        self.fixed = tuple(
            Link(target, rel)
            for rel, target in given
            if isinstance(target, str) and is_absolute(target)
        )
        self.fixed_value = ", ".join(map(str, self.fixed)) or None
        #: ... and those resolved per response (an endpoint, a relative URL,
        #: a callable).
        self.dynamic = tuple(
            (rel, target)
            for rel, target in given
            if not (isinstance(target, str) and is_absolute(target))
        )

    def apply(self, response: Response) -> Response:
        headers = response.headers
        headers[DEPRECATION] = self.deprecation_value
        if self.sunset_value is not None:
            headers[SUNSET] = self.sunset_value
        if self.dynamic:
            links = []
            for rel, target in self.dynamic:
                url = resolve_target(target, response)
                if url is not None:
                    links.append(Link._make(link_uri(url), rel))
            if "Link" in headers:
                append_links(response, (*self.fixed, *links))
            elif links or self.fixed:
                headers.add("Link", ", ".join(map(str, (*self.fixed, *links))))
        elif self.fixed_value is not None:
            if "Link" in headers:
                append_links(response, self.fixed)
            else:
                headers.add("Link", self.fixed_value)
        return response

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        """Check that the endpoints named exist in ``app``."""
        for option, target in (("link", self.link), ("successor", self.successor)):
            if (
                isinstance(target, str)
                and ":" not in target
                and "/" not in target
                and not target.startswith((".", "?", "#"))
                and target not in app.view_functions
            ):
                raise ValueError(
                    f"deprecated({option}=) names the endpoint {target!r}, which"
                    " the app does not have; give an endpoint name or a URL"
                )
        return self

    def identity(self) -> t.Hashable:
        return (
            self.deprecation_value,
            self.sunset_value,
            self.link,
            self.successor,
            type(self),
        )

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        doc.deprecated = True
        when = self.since.strftime("%Y-%m-%d %H:%M:%S UTC")
        headers = {
            DEPRECATION: header(
                f"The endpoint is deprecated from {when} (RFC 9745): `@` and"
                " the Unix time in seconds.",
                example=self.deprecation_value,
            )
        }
        if self.sunset_value is not None:
            headers[SUNSET] = header(
                "When the endpoint is expected to stop answering (RFC 8594), as"
                " an HTTP-date.",
                example=self.sunset_value,
            )
        rels = [
            rel
            for rel, target in (
                (REL_DEPRECATION, self.link),
                (REL_SUCCESSOR, self.successor),
            )
            if target is not None
        ]
        for name, value in headers.items():
            doc.every_response(name, value)
        if rels:
            doc.links(*rels)
        noted = doc.notes.setdefault("deprecation", {"rels": []})
        noted["rels"].extend(r for r in rels if r not in noted["rels"])
        if isinstance(self, _GoneAfterSunset):
            doc.error(
                "410",
                f"Gone: the endpoint was retired at its sunset, {self.sunset_value}.",
            )

    @classmethod
    def describe_app(cls, doc: Description, settings: Mapping[str, t.Any]) -> None:
        """Error responses carry the deprecation links too (``every_response``
        gives them the other headers)."""
        noted = doc.notes.get("deprecation")
        if not noted or not noted["rels"]:
            return
        rels = ", ".join(f"`{rel}`" for rel in noted["rels"])
        link = header(f"Links (RFC 8288) with the relations {rels}.")
        for status in doc.error_statuses():
            doc.error(status, "", headers={"Link": link})

    def summary(self, settings: Mapping[str, t.Any]) -> str:
        return repr(self)

    def __repr__(self) -> str:
        parts = [f"since={self.since.isoformat()}"]
        if self.sunset is not None:
            parts.append(f"sunset={self.sunset.isoformat()}")
        if self.link is not None:
            parts.append(f"link={self.link!r}")
        if self.successor is not None:
            parts.append(f"successor={self.successor!r}")
        if isinstance(self, _GoneAfterSunset):
            parts.append("gone_after_sunset=True")
        return f"deprecated({', '.join(parts)})"


class _GoneAfterSunset(_Deprecated):
    """A :func:`deprecated` that answers 410 Gone from its sunset on."""

    #: Before every guard and argument step: a retired endpoint is gone
    #: whatever the credentials or the query say.
    before_order = -10

    def __init__(
        self,
        since: datetime.datetime,
        sunset: datetime.datetime,
        link: Target | None,
        successor: Target | None,
    ) -> None:
        super().__init__(since, sunset, link, successor)
        self.gone_at = t.cast(int, self.sunset_at)
        self.message = (
            f"This endpoint was retired at its sunset, {self.sunset_value}."
            + (" Its successor is in the successor-version link." if successor else "")
        )

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        if time.time() >= self.gone_at:
            raise Gone(self.message)
        return None


def deprecated(
    since: When,
    *,
    sunset: When | None = None,
    link: Target | None = None,
    successor: Target | None = None,
    gone_after_sunset: bool = False,
) -> t.Callable[[F], F]:
    """Mark a view deprecated: every response it gives, errors and ``304``
    included, carries ``Deprecation`` (RFC 9745) and, when given, ``Sunset``
    (RFC 8594) and the links::

        @app.get("/v1/items")
        @deprecated(
            date(2025, 1, 1),
            sunset=date(2025, 12, 31),
            link="https://example.com/changelog#v1",
            successor="list_items_v2",
        )
        def list_items_v1(): ...

    gives::

        Deprecation: @1735689600
        Sunset: Wed, 31 Dec 2025 00:00:00 GMT
        Link: <https://example.com/changelog#v1>; rel="deprecation",
              <https://api.example.com/v2/items>; rel="successor-version"

    Dates in the future are allowed: they announce a deprecation or a
    sunset. Both headers carry whole seconds (a fraction is dropped). The
    header values and the links to absolute URLs are made once, when the
    decorator is made.

    :param since: When the view is (or will be) deprecated: a timezone-aware
        :class:`~datetime.datetime`, or a :class:`~datetime.date` (midnight
        UTC).
    :param sunset: When it is expected to stop answering, likewise; not
        earlier than ``since`` (RFC 9745 §4).
    :param link: Where to read about the deprecation (``rel="deprecation"``):
        a URL, an endpoint name or a callable ``(response) -> str | None``,
        as :func:`~flask_respkit.link_header` takes them.
    :param successor: What replaces the view (``rel="successor-version"``),
        likewise.
    :param gone_after_sunset: From the ``sunset`` instant on, the view no
        longer runs: the answer is ``410 Gone`` (raised as
        :exc:`~werkzeug.exceptions.Gone`, so error handlers, the view's error
        edits and Problem Details apply) with the same headers. It is
        checked before every other step of the view (guards included).
    :raise ValueError: A naive ``datetime`` (the message names the argument
        and says "timezone-aware"), ``sunset`` earlier than ``since``,
        ``gone_after_sunset`` without ``sunset``, or a bad link target.
    :raise TypeError: A date is neither a ``datetime`` nor a ``date``, a
        target neither a string nor callable, ``gone_after_sunset`` not a bool.

    .. versionadded:: 0.2.0
    """
    start = to_utc("deprecated(since=)", since)
    end = None if sunset is None else to_utc("deprecated(sunset=)", sunset)
    check_bool("deprecated(gone_after_sunset=)", gone_after_sunset)
    if end is not None and _seconds(end) < _seconds(start):
        raise ValueError(
            f"deprecated(sunset=) must not be earlier than since (RFC 9745 §4),"
            f" got since={start.isoformat()} and sunset={end.isoformat()}"
        )
    checked = [
        None if target is None else check_target(f"deprecated({name}=)", target)
        for name, target in (("link", link), ("successor", successor))
    ]
    if gone_after_sunset:
        if end is None:
            raise ValueError(
                "deprecated(gone_after_sunset=True) needs a sunset= date to be"
                " gone after"
            )
        return _GoneAfterSunset(start, end, *checked)
    return _Deprecated(start, end, *checked)
