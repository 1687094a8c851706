"""What the kit's decorators do in one app, read before any request: the kit
decorators that apply to each endpoint, with their options as the app's
settings resolve them, and the configuration errors that would otherwise
surface as a 500 on a view's first request.

``flask respkit routes`` and ``flask respkit check`` (:mod:`flask_respkit.cli`)
print it; :meth:`RespKit.check <flask_respkit.RespKit.check>` raises it. It
names no family: it reads the seam alone (:func:`~.core.decorators_of`, the
families' :meth:`~.core.ResponseDecorator.app_decorators`, and each
decorator's :meth:`~.core.ResponseDecorator.summary` and
:meth:`~.core.ResponseDecorator.resolve`).
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass

from .core import ResponseDecorator, decorators_of, family_hooks
from .settings import State, settings_for

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator, Mapping

    from flask import Flask

__all__ = [
    "APP_WIDE",
    "Finding",
    "Placed",
    "Report",
    "check_app",
    "error_handlers",
    "placed_decorators",
    "report",
    "summary",
]

#: :attr:`Placed.where` of a decorator that applies to an endpoint without
#: being on its view (a blueprint's ``cors``).
APP_WIDE = "app-wide"

#: The errors a :meth:`~.core.ResponseDecorator.resolve` raises for a bad
#: configuration.
CONFIGURATION_ERRORS = (ValueError, TypeError, RuntimeError)

# "<function f at 0x7f3a...>" in a default summary (a repr): the address
# changes with every run, which makes the output useless to compare.
_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+(?=>)")


@dataclass(frozen=True)
class Placed:
    """A kit decorator that applies to an endpoint, and where it was put."""

    decorator: ResponseDecorator
    #: ``""`` on the view itself; an HTTP method (``"GET"``) on that method
    #: of a ``MethodView``; :data:`APP_WIDE` when a family applies it without
    #: it being on the view (a blueprint's ``cors``).
    where: str = ""

    def label(self, settings: Mapping[str, t.Any]) -> str:
        """The decorator's :func:`summary`, after ``[where]`` if it is not on
        the view itself."""
        text = summary(self.decorator, settings)
        return f"[{self.where}] {text}" if self.where else text


@dataclass(frozen=True)
class Finding:
    """One configuration error: a decorator that does not resolve in the app."""

    #: The endpoint (or ``app.errorhandler(404)``, ``api.errorhandler(...)``
    #: for an error handler).
    endpoint: str
    #: :meth:`Placed.label` of the decorator.
    decorator: str
    #: What :meth:`~.core.ResponseDecorator.resolve` said.
    message: str

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.decorator}: {self.message}"


@dataclass(frozen=True)
class Report:
    """What :func:`report` found in one app."""

    #: How many endpoints have at least one kit decorator.
    views: int
    #: How many error handlers have at least one kit decorator.
    handlers: int
    #: Every configuration error, by endpoint, then handler, in app order.
    findings: tuple[Finding, ...]

    def counted(self) -> str:
        """``"3 kit-decorated views"`` (``"and 1 error handler"``)."""
        text = _plural(self.views, "kit-decorated view")
        if self.handlers:
            text += " and " + _plural(self.handlers, "error handler")
        return text

    def __str__(self) -> str:
        if not self.findings:
            return f"{self.counted()}, no configuration errors"
        lines = [str(finding) for finding in self.findings]
        errors = _plural(len(self.findings), "configuration error")
        return "\n".join([*lines, f"{errors} (checked {self.counted()})"])


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary(decorator: ResponseDecorator, settings: Mapping[str, t.Any]) -> str:
    """The decorator's :meth:`~.core.ResponseDecorator.summary`, with no memory
    address in it; its ``repr`` if the summary fails on a configuration
    error (which :func:`report` reports)."""
    try:
        text = decorator.summary(settings)
    except CONFIGURATION_ERRORS:
        text = repr(decorator)
    return _ADDRESS.sub("", text)


def placed_decorators(app: Flask, endpoint: str) -> list[Placed]:
    """The kit decorators that apply to ``endpoint`` in ``app``, outermost
    first: the app-wide ones, those on the view, then those on each method of
    a ``MethodView`` (unless on the view too: they apply once)."""
    view = app.view_functions.get(endpoint)
    own = decorators_of(view)
    found = [
        Placed(decorator, APP_WIDE)
        for app_decorators in family_hooks("app_decorators")
        for decorator in app_decorators(app, endpoint, own)
    ]
    found.extend(Placed(decorator) for decorator in reversed(own))
    for method, decorators in _method_decorators(view):
        found.extend(
            Placed(decorator, method)
            for decorator in reversed(decorators)
            if decorator not in own
        )
    return found


def _method_decorators(
    view: object,
) -> Iterator[tuple[str, tuple[ResponseDecorator, ...]]]:
    """``(HTTP method, its kit decorators)`` for each method of a
    ``MethodView``'s view that has some, in alphabetical order."""
    view_class = getattr(view, "view_class", None)
    for method in sorted(getattr(view_class, "methods", None) or ()):
        decorators = decorators_of(getattr(view_class, method.lower(), None))
        if decorators:
            yield method, decorators


def error_handlers(app: Flask) -> list[tuple[str, object]]:
    """``(label, handler)`` of each error handler of ``app`` (its blueprints'
    included) with a kit decorator; the label reads as it was registered:
    ``app.errorhandler(404)``, ``api.errorhandler(ValueError)``."""
    found: list[tuple[str, object]] = []
    for scope, by_code in app.error_handler_spec.items():
        owner = "app" if scope is None else scope
        for code, by_class in by_code.items():
            for exc_class, handler in by_class.items():
                if decorators_of(handler):
                    key = exc_class.__name__ if code is None else code
                    found.append((f"{owner}.errorhandler({key})", handler))
    return found


def _checked(app: Flask) -> Iterator[tuple[str, list[Placed], bool]]:
    """``(endpoint or handler label, its kit decorators, whether a view)``."""
    for endpoint in app.view_functions:
        yield endpoint, placed_decorators(app, endpoint), True
    for label, handler in error_handlers(app):
        yield label, [Placed(d) for d in reversed(decorators_of(handler))], False


def report(app: Flask) -> Report:
    """Resolve every kit decorator that applies to a view or an error handler
    of ``app`` against its settings, as its first request would.

    Each distinct decorator is resolved once; an error is reported for every
    endpoint it applies to, since each of them would fail. ``RESPKIT_*`` keys
    in the config of an app without the extension are an error too: nothing
    reads them.
    """
    settings = settings_for(app)
    resolved: dict[ResponseDecorator, str | None] = {}
    findings = []
    unread = sorted(key for key in app.config if key.startswith("RESPKIT_"))
    if unread and not isinstance(app.extensions.get("respkit"), State):
        findings.append(
            Finding(
                "app.config",
                ", ".join(unread),
                "set, but RespKit is not registered on the app, so the"
                " decorators use the built-in defaults; call RespKit(app)",
            )
        )
    views = handlers = 0
    with app.app_context():
        for endpoint, placed, is_view in _checked(app):
            if not placed:
                continue
            if is_view:
                views += 1
            else:
                handlers += 1
            for item in placed:
                message = _resolve(app, item.decorator, settings, resolved)
                if message is not None:
                    label = item.label(settings)
                    findings.append(Finding(endpoint, label, message))
    return Report(views, handlers, tuple(findings))


def _resolve(
    app: Flask,
    decorator: ResponseDecorator,
    settings: Mapping[str, t.Any],
    resolved: dict[ResponseDecorator, str | None],
) -> str | None:
    """What resolving ``decorator`` in ``app`` raises, or ``None``."""
    if decorator not in resolved:
        try:
            decorator.resolve(app, settings)
        except CONFIGURATION_ERRORS as error:
            resolved[decorator] = str(error) or type(error).__name__
        else:
            resolved[decorator] = None
    return resolved[decorator]


def check_app(app: Flask) -> Report:
    """:func:`report`, raising when it finds a configuration error.

    :raise ValueError: Listing every configuration error, one per line.
    """
    found = report(app)
    if found.findings:
        raise ValueError(f"flask-respkit configuration errors:\n{found}")
    return found
