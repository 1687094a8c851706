"""The primitive every flask_respkit decorator is built from.

A decorator of the kit is a :class:`ResponseDecorator`. When it meets an app it
resolves itself into a :class:`Step` (once per app, cached), and the wrapper that
:func:`wrap_view` builds around the view runs that step on every request:
:meth:`Step.before` may answer early or change the view's keyword arguments, the
view runs, :meth:`Step.finish` turns its return value into a ``Response`` and
:meth:`Step.apply` edits it. A step with :attr:`Step.errors` set also edits the
error response Flask builds when the view raises.
"""

from __future__ import annotations

import functools
import threading
import typing as t
import weakref

from flask import Flask, Response, current_app

from ._http import check_bool
from ._wrapping import rewrap_below, steps_of, wrap

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping

__all__ = [
    "F",
    "Mutator",
    "ResponseDecorator",
    "StaticDecorator",
    "Step",
    "response_decorator",
    "steps_of",
    "wrap_view",
]

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

#: The signature of a mutator given to :func:`response_decorator`.
Mutator = t.Callable[[Response], t.Optional[Response]]


class Step:
    """What one decorator does to one request, resolved for one app.

    Subclasses override the hooks they need; every default does nothing.
    A step is shared by all requests and threads, so it must not keep
    per-request state on itself.
    """

    #: Also :meth:`apply` the step to the error response Flask builds when the
    #: view raises (``abort``, an uncaught exception turned into a 500, or an
    #: app error handler's response). The app's error handlers still run first.
    errors: t.ClassVar[bool] = False

    #: Whether the class overrides :meth:`before` or :meth:`before_async`;
    #: the wrapper skips the call otherwise. Set for every subclass.
    runs_before: t.ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.runs_before = (
            cls.before is not Step.before or cls.before_async is not Step.before_async
        )

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        """Run before the view; may change the view's keyword arguments.

        :param kwargs: The keyword arguments the view will be called with.
        :return: A response to send instead of calling the view, or ``None``.
        """
        return None

    async def before_async(self, kwargs: dict[str, t.Any]) -> Response | None:
        """:meth:`before` for an ``async def`` view, run in its event loop.

        The default calls :meth:`before`; override it to await something, such
        as an ``async def`` callback of the user's.
        """
        return self.before(kwargs)

    def finish(self, rv: t.Any, kwargs: dict[str, t.Any]) -> Response:
        """Turn the view's return value into the response.

        The default passes it through :meth:`flask.Flask.make_response`, so
        every return form Flask accepts works, then calls :meth:`apply`.

        :param rv: What the view returned.
        :param kwargs: The keyword arguments the view was called with.
        """
        return self.apply(current_app.make_response(rv))

    def apply(self, response: Response) -> Response:
        """Edit a response and return it (the same one or a new one).

        :param response: The response of the view (or, with :attr:`errors`,
            the error response).
        """
        return response


class ResponseDecorator:
    """Base class of the kit's decorators: calling one on a view wraps it.

    A subclass either is its own :class:`Step` (see :class:`StaticDecorator`),
    or resolves one per app in :meth:`resolve`, where it merges the options it
    was given with the app's ``RESPKIT_*`` configuration.
    """

    #: The wrapped route must receive ``OPTIONS`` requests itself (CORS
    #: preflights), even as a ``MethodView`` whose ``as_view`` resets the
    #: routing attributes after applying ``decorators``. The step's ``before``
    #: answers the ``OPTIONS`` it wants to; any other gets Flask's automatic
    #: answer (passed through the step), unless the view handles ``OPTIONS``
    #: itself. Decorators above leave these answers alone.
    routes_options: t.ClassVar[bool] = False

    #: The step's :meth:`~Step.finish` turns the view's own return value into
    #: the response (as :func:`~flask_respkit.csv_export` turns rows into
    #: CSV), so it must see that value before any other decorator passes it
    #: through ``make_response``. Applied above other kit decorators, such a
    #: decorator is moved below them, nearest the view.
    converts: t.ClassVar[bool] = False

    def __init__(self) -> None:
        self._steps: weakref.WeakKeyDictionary[Flask, Step] = (
            weakref.WeakKeyDictionary()
        )
        self._last: tuple[weakref.ref[Flask], Step] | None = None
        self._lock = threading.Lock()

    def identity(self) -> t.Hashable:
        """The options that make two decorators equal; equal ones stacked on one
        view apply once. The default is the object itself."""
        return id(self)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and (other.identity() == self.identity())

    def __hash__(self) -> int:
        return hash((type(self), self.identity()))

    def static_step(self) -> Step | None:
        """The step to use for every app, or ``None`` if it depends on the app."""
        return None

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        """Build the step for one app. Called once per app, then cached.

        :param app: The app the decorated view runs in.
        :param settings: The app's validated ``RESPKIT_*`` settings, or the
            built-in defaults when the extension is not registered.
        :raise ValueError: When the options and the app's settings combine
            into a bad configuration.
        """
        raise NotImplementedError

    def step_for(self, app: Flask) -> Step:
        """The step for ``app``, resolved on first use and cached."""
        last = self._last
        if last is not None and last[0]() is app:
            return last[1]
        with self._lock:
            step = self._steps.get(app)
            if step is None:
                from .extension import settings_for

                step = self._steps[app] = self.resolve(app, settings_for(app))
        self._last = (weakref.ref(app), step)
        return step

    def __call__(self, view: F) -> F:
        return wrap_view(view, self)


class StaticDecorator(ResponseDecorator, Step):
    """A decorator that does not depend on app configuration: it is its own step."""

    def __init__(self) -> None:
        pass

    def static_step(self) -> Step:
        return self

    def step_for(self, app: Flask) -> Step:
        return self


class _Mutate(StaticDecorator):
    """The decorator :func:`response_decorator` makes from a mutator."""

    def __init__(self, mutator: Mutator, errors: bool) -> None:
        self.mutator = mutator
        self.errors = errors  # type: ignore[misc]
        functools.update_wrapper(self, mutator, updated=())

    def apply(self, response: Response) -> Response:
        changed = self.mutator(response)
        return response if changed is None else changed

    def identity(self) -> t.Hashable:
        return (self.mutator, self.errors)

    def __repr__(self) -> str:
        return f"response_decorator({self.mutator!r}, errors={self.errors})"


@t.overload
def response_decorator(
    mutator: Mutator, *, errors: bool = False
) -> t.Callable[[F], F]: ...


@t.overload
def response_decorator(
    mutator: None = None, *, errors: bool = False
) -> t.Callable[[Mutator], t.Callable[[F], F]]: ...


def response_decorator(
    mutator: Mutator | None = None, *, errors: bool = False
) -> t.Callable[[F], F] | t.Callable[[Mutator], t.Callable[[F], F]]:
    """Make a view decorator from a function that edits the response.

    The decorated view may return anything Flask accepts; the wrapper passes it
    through :meth:`~flask.Flask.make_response`, calls ``mutator`` with the
    ``Response``, and returns the mutator's result, or the same response if the
    mutator returned ``None``::

        @response_decorator
        def no_store(response):
            response.headers["Cache-Control"] = "no-store"

        @app.get("/me")
        @no_store
        def me():
            return {"name": "ada"}

    The wrapper keeps the view's name, docstring, ``__wrapped__`` and the
    attributes Flask reads (``methods``, ``required_methods``,
    ``provide_automatic_options``); ``async def`` views get an async wrapper.
    Stacking the same decorator twice applies it once.

    :param mutator: ``(response) -> Response | None``.
    :param errors: Also apply the mutator to the error response Flask builds
        when the view raises (``abort(404)``, an uncaught exception, an app
        error handler's response). Use it as ``@response_decorator(errors=True)``.

    .. versionadded:: 0.1.0
    """
    check_bool("response_decorator(errors=)", errors)
    if mutator is None:
        return lambda m: response_decorator(m, errors=errors)
    if not callable(mutator):
        raise TypeError(
            f"response_decorator expects a callable (response) -> Response | None,"
            f" got {type(mutator).__name__}"
        )
    return _Mutate(mutator, errors)


def wrap_view(view: F, decorator: ResponseDecorator) -> F:
    """Wrap ``view`` so that ``decorator``'s step runs on every request.

    :param view: A view function (sync or ``async def``), a ``MethodView``'s
        ``as_view`` function, or an error handler.
    :param decorator: The decorator being applied.
    """
    if not callable(view):
        raise TypeError(
            f"{type(decorator).__name__} decorates a view function,"
            f" got {type(view).__name__}"
        )
    below = steps_of(view)
    if decorator in below:
        return view
    if decorator.converts and below:
        return t.cast(F, rewrap_below(view, decorator, below))
    return wrap(view, decorator, below)
