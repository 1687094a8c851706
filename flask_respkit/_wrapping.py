"""How a view is wrapped: the per-request path of every decorator of the kit.

:func:`wrap` builds the wrapper :func:`~flask_respkit.core.wrap_view` returns
(sync or async), which runs a decorator's step around the view, reaches error
responses, and marks each response with the decorators that edited it so that
none edits it twice.
"""

from __future__ import annotations

import functools
import inspect
import typing as t

from flask import Response, after_this_request, current_app
from flask.globals import _cv_app

from ._routing import (
    OptionsRoutedView,
    automatic_options,
    options_answered_below,
    with_options,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from .core import ResponseDecorator, Step

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def steps_of(view: t.Callable[..., t.Any]) -> tuple[ResponseDecorator, ...]:
    """The kit's decorators applied to ``view``, innermost first."""
    return getattr(view, "__respkit__", ())


def rewrap_below(
    view: t.Callable[..., t.Any],
    decorator: ResponseDecorator,
    below: tuple[ResponseDecorator, ...],
) -> t.Callable[..., t.Any]:
    """Wrap the original view with ``decorator`` first, then with ``below``."""
    original = view
    for depth in range(len(below) - 1, -1, -1):
        inner = getattr(original, "__wrapped__", None)
        if inner is None or steps_of(inner) != below[:depth]:
            raise TypeError(
                f"{decorator!r} turns the view's return value into the response,"
                " so it must be nearest the view; it cannot be moved below a"
                " decorator that is not flask-respkit's. Apply it directly on"
                " the view."
            )
        original = inner
    rebuilt = wrap(original, decorator, ())
    for other in below:
        rebuilt = wrap(rebuilt, other, steps_of(rebuilt))
    return rebuilt


def _on_error(decorator: ResponseDecorator, step: Step) -> None:
    """Have ``step`` edit the error response Flask builds, if it asks to."""
    if not step.errors:
        return

    def apply_once(response: Response) -> Response:
        if decorator in _applied(response):
            return response
        return _mark(step.apply(response), decorator)

    after_this_request(apply_once)


def wrap(
    view: F, decorator: ResponseDecorator, below: tuple[ResponseDecorator, ...]
) -> F:
    """Wrap ``view`` with ``decorator``, the kit's ``below`` already on it."""
    static = decorator.static_step()
    step_for = decorator.step_for
    #: A decorator below answers OPTIONS (CORS): its answer is final.
    options_below = any(d.routes_options for d in below)
    #: This one does: it gives Flask's automatic answer, which pinning
    #: ``provide_automatic_options = False`` took away, unless its ``before``
    #: answered (a preflight) or the view handles ``OPTIONS`` itself.
    routes_here = decorator.routes_options and not options_below

    def fail(step: Step) -> None:
        _on_error(decorator, step)

    def current_step() -> Step:
        return static or step_for(_cv_app.get().app)

    def before_failed(step: Step) -> None:
        # The wrappers below never run: their error edits (CORS headers on a
        # 400 from this step, say) must still reach the error response.
        if below:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            for inner in below:
                _on_error(inner, inner.step_for(app))
        fail(step)

    def enter(kwargs: dict[str, t.Any]) -> tuple[Step, Response | None]:
        step = current_step()
        if not step.runs_before:
            return step, None
        try:
            early = step.before(kwargs)
        except Exception:
            before_failed(step)
            raise
        return step, None if early is None else _mark(early, decorator)

    async def enter_async(kwargs: dict[str, t.Any]) -> tuple[Step, Response | None]:
        step = current_step()
        if not step.runs_before:
            return step, None
        try:
            early = await step.before_async(kwargs)
        except Exception:
            before_failed(step)
            raise
        return step, None if early is None else _mark(early, decorator)

    def leave(step: Step, rv: t.Any, kwargs: dict[str, t.Any]) -> Response:
        if isinstance(rv, Response) and decorator in _applied(rv):
            return rv
        try:
            return _mark(step.finish(rv, kwargs), decorator)
        except Exception:
            fail(step)
            raise

    wrapper: t.Any
    if inspect.iscoroutinefunction(view):

        async def wrapper(*args: t.Any, **kwargs: t.Any) -> Response:
            if options_below and options_answered_below():
                return await view(*args, **kwargs)  # type: ignore[no-any-return]
            step, early = await enter_async(kwargs)
            if early is not None:
                return early
            try:
                if routes_here and automatic_options():
                    rv = current_app.make_default_options_response()
                else:
                    rv = await view(*args, **kwargs)
            except Exception:
                fail(step)
                raise
            return leave(step, rv, kwargs)

    else:

        def wrapper(*args: t.Any, **kwargs: t.Any) -> Response:
            if options_below and options_answered_below():
                return view(*args, **kwargs)  # type: ignore[no-any-return]
            step, early = enter(kwargs)
            if early is not None:
                return early
            try:
                if routes_here and automatic_options():
                    rv = current_app.make_default_options_response()
                else:
                    rv = view(*args, **kwargs)
            except Exception:
                fail(step)
                raise
            return leave(step, rv, kwargs)

    functools.update_wrapper(wrapper, view)
    chain = (*below, decorator)
    wrapper.__respkit__ = chain
    if any(d.routes_options for d in chain):
        if inspect.iscoroutinefunction(view):
            wrapper.provide_automatic_options = False
            wrapper.required_methods = with_options(view)
        else:
            wrapper = OptionsRoutedView(wrapper)
    return t.cast(F, wrapper)


def _applied(response: Response) -> list[ResponseDecorator]:
    """The kit's decorators that already edited ``response``."""
    return response.__dict__.get("_respkit_applied", [])  # type: ignore[no-any-return]


def _mark(response: Response, decorator: ResponseDecorator) -> Response:
    """Record that ``decorator`` edited ``response``, so an equal one, say on
    both a ``MethodView`` and its method, or on a view and its error handler,
    does not edit it again."""
    applied = response.__dict__.get("_respkit_applied")
    if applied is None:
        response.__dict__["_respkit_applied"] = [decorator]
    else:
        applied.append(decorator)
    return response
