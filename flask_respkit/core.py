"""The primitive every flask_respkit decorator is built from, and the one
wrapper that runs a view's decorators.

A kit decorator is a :class:`ResponseDecorator`. Applied to a view, it joins
the view's :class:`Chain`: however many kit decorators are stacked, the view
has one wrapper. The first time the view runs in an app, each decorator
resolves into a :class:`Step` for that app (once per app, cached) and the
chain into a :class:`Plan`. Every request then runs the plan:

1. the steps' :meth:`~Step.before` hooks, outermost first;
2. the view;
3. one conversion into a ``Response`` (:meth:`~Step.convert` of a converter
   such as :func:`~flask_respkit.csv_export`, else
   :meth:`~flask.Flask.make_response`);
4. the steps' :meth:`~Step.after` edits, innermost first.

When anything raises, the :meth:`~Step.apply` edits of the steps with
:attr:`~Step.errors` reach the error response Flask builds, through
:func:`flask.after_this_request`.
"""

from __future__ import annotations

import functools
import inspect
import threading
import types
import typing as t
import weakref

from flask import Flask, Response, after_this_request, current_app, request

# The current app context, public in every supported Flask; Flask 3.2 passes
# it to dispatch methods such as make_default_options_response.
from flask.globals import app_ctx

from ._http import check_bool, is_preflight
from .settings import Setting, register, settings_for

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Mapping

    from flask.wrappers import Request

    from .describe import Description

__all__ = [
    "F",
    "Chain",
    "Mutator",
    "Plan",
    "ResponseDecorator",
    "Step",
    "decorators_of",
    "default_options_response",
    "exposed_headers",
    "families",
    "family_hooks",
    "response_decorator",
    "view_handles_options",
    "wrap_view",
]

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

#: The signature of a mutator given to :func:`response_decorator`.
Mutator = t.Callable[[Response], t.Optional[Response]]
#: An edit of the response: ``(response, view keyword arguments) -> response``.
Edit = t.Callable[[Response, dict[str, t.Any]], Response]


#: Every ResponseDecorator subclass, in the order they were defined.
_FAMILIES: list[type[ResponseDecorator]] = []


class Step:
    """What one decorator does to one request, resolved for one app.

    Subclasses override the hooks they need; every default does nothing. A
    step is shared by all requests and threads: it keeps no per-request
    state on itself.
    """

    #: Also :meth:`apply` the step to the error response Flask builds when
    #: anything in the view's chain raises (``abort``, an uncaught exception
    #: turned into a 500, an app error handler's response). The app's error
    #: handlers still run first.
    errors: t.ClassVar[bool] = False

    #: When :meth:`before` runs among the chain's ``before`` hooks: by
    #: ascending order, outermost first among equals. Guards and steps that
    #: give the view arguments keep 0; a step that must see what every one
    #: of them did (say, one answering ``304 Not Modified``, which must not
    #: tell an unauthenticated client anything) sets a higher one.
    before_order: t.ClassVar[int] = 0

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        """Run before the view; may change the view's keyword arguments, or
        raise an :class:`~werkzeug.exceptions.HTTPException` to answer early.

        A response returned instead of calling the view gets, when it is an
        error (status 400 and up), the error edits of the chain (those of
        steps with :attr:`errors`); otherwise (a ``304``) the edits the view's
        own response would have had, innermost first.

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

    def returned(self, rv: t.Any, kwargs: dict[str, t.Any]) -> None:
        """See the view's own return value, before any conversion (as
        :func:`~flask_respkit.paginate` in cursor mode reads the last row).

        :param rv: What the view returned.
        :param kwargs: The keyword arguments the view was called with.
        """

    def convert(self, rv: t.Any, kwargs: dict[str, t.Any]) -> Response:
        """Turn the view's return value into the response, this step's own
        edit included: its :meth:`after` is not called again. Only called
        when overridden (the default conversion is
        :meth:`~flask.Flask.make_response`), for one step of a chain.

        :param rv: What the view returned.
        :param kwargs: The keyword arguments the view was called with.
        """
        raise NotImplementedError  # pragma: no cover

    def after(self, response: Response, kwargs: dict[str, t.Any]) -> Response:
        """Edit the view's response; the default calls :meth:`apply`.

        :param response: The view's response.
        :param kwargs: The keyword arguments the view was called with.
        """
        return self.apply(response)

    def apply(self, response: Response) -> Response:
        """Edit a response and return it (the same one or a new one).

        :param response: The response of the view (or, with :attr:`errors`,
            the error response).
        """
        return response

    def options(self, req: Request, app: Flask) -> Response | None:
        """Answer an ``OPTIONS`` request, for a decorator with
        :attr:`~ResponseDecorator.receives_options` (a CORS preflight, say).
        ``None`` leaves it to Flask's automatic answer, passed through
        :meth:`apply`, or to the view if it handles ``OPTIONS`` itself.

        :param req: The request.
        :param app: The app.
        """
        return None

    @classmethod
    def combine(cls, steps: tuple[Step, ...]) -> Edit | None:
        """One edit doing the :meth:`apply` of several steps of this class on
        one view (innermost first in ``steps``), or ``None`` to apply each in
        turn. :func:`~flask_respkit.auth_challenge` combines its challenges
        so that they go out top decorator first."""
        return None


def _overrides(step: Step, name: str) -> bool:
    return getattr(type(step), name) is not getattr(Step, name)


class ResponseDecorator:
    """Base class of the kit's decorators: calling one on a view wraps it.

    A subclass that is also a :class:`Step` is its own step in every app.
    Otherwise it resolves one step per app in :meth:`resolve`, where it merges
    the options it was given with the app's ``RESPKIT_*`` configuration.
    """

    #: The wrapped route must receive ``OPTIONS`` requests (CORS preflights),
    #: which Flask would otherwise answer itself; the step's
    #: :meth:`~Step.options` answers them. Decorators of the view leave
    #: these answers alone.
    receives_options: t.ClassVar[bool] = False

    #: The step's :meth:`~Step.convert` turns the view's own return value
    #: into the response (as :func:`~flask_respkit.csv_export` turns rows into
    #: CSV): it runs nearest the view, wherever the decorator is stacked.
    takes_return_value: t.ClassVar[bool] = False

    # -- The family seam: what a decorator family declares ------------------
    #
    # A family (the kit's own and a user's alike) is one module with a
    # ResponseDecorator subclass. Defining the class registers it: its
    # settings join the RESPKIT_* table, its exposed headers the CORS expose
    # list, its init_app runs at RespKit.init_app. Class-level hooks count for
    # the class that defines them, not again for its subclasses.

    #: Response headers the family may add that browser JavaScript cannot
    #: read unless they are listed in ``Access-Control-Expose-Headers``:
    #: :func:`~flask_respkit.cors` lists those of every family
    #: (:func:`exposed_headers`).
    exposes: t.ClassVar[tuple[str, ...]] = ()

    #: The ``RESPKIT_*`` settings the family reads, with defaults and checks:
    #: :class:`~flask_respkit.RespKit` sets their defaults and validates them
    #: at ``init_app``; :meth:`resolve` receives them.
    settings: t.ClassVar[tuple[Setting, ...]] = ()

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        if "settings" in own or "check_settings" in own:
            combined = cls.check_settings if "check_settings" in own else None
            register(cls.settings, combined)
        _FAMILIES.append(cls)

    @classmethod
    def check_settings(cls, settings: Mapping[str, t.Any]) -> None:
        """Refuse a bad combination of the family's settings (each one is
        checked alone by its :class:`~flask_respkit.settings.Setting`).

        :param settings: Every validated ``RESPKIT_*`` setting.
        :raise ValueError: Naming the keys and what is wrong.
        """

    @classmethod
    def init_app(cls, app: Flask, settings: Mapping[str, t.Any]) -> None:
        """Install what the family does app-wide (hooks, error handlers);
        called by :meth:`RespKit.init_app <flask_respkit.RespKit.init_app>`
        once per app, after the settings are validated.

        :raise ValueError: The settings make a bad app-wide configuration.
        """

    @classmethod
    def app_decorators(
        cls, app: Flask, endpoint: str, own: t.Sequence[ResponseDecorator]
    ) -> tuple[ResponseDecorator, ...]:
        """The family's decorators that apply to ``endpoint`` without being
        on its view (a blueprint's :func:`~flask_respkit.cors`), for
        documentation and ``flask respkit routes``.

        :param own: The kit decorators on the endpoint's view.
        """
        return ()

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        """Describe what this decorator adds to an operation (parameters,
        responses, headers, security) for the API description.

        :param doc: The operation's description, decorators innermost first.
        :param settings: The app's ``RESPKIT_*`` settings (or the defaults).
        """

    @classmethod
    def describe_app(cls, doc: Description, settings: Mapping[str, t.Any]) -> None:
        """Describe what the family does app-wide to every operation of an
        app (say, the body of every error response), after its decorators."""

    def summary(self, settings: Mapping[str, t.Any]) -> str:
        """One line for ``flask respkit routes``: the decorator and its
        options as resolved with ``settings``. The default is ``repr``."""
        return repr(self)

    # -- Steps ------------------------------------------------------------------

    _steps: weakref.WeakKeyDictionary[Flask, Step]
    _lock: threading.Lock

    def identity(self) -> t.Hashable:
        """The options that make two decorators equal; equal ones stacked on one
        view apply once. The default is the object's identity (``id``)."""
        return id(self)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and (other.identity() == self.identity())

    def __hash__(self) -> int:
        return hash((type(self), self.identity()))

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        """Build the step for one app. Called once per app, then cached.

        :param app: The app the decorated view runs in.
        :param settings: The app's validated ``RESPKIT_*`` settings, or the
            built-in defaults when the extension is not registered.
        :raise ValueError: When the options and the app's settings combine
            into a bad configuration.
        """
        if isinstance(self, Step):
            return self
        raise NotImplementedError

    def step_for(self, app: Flask) -> Step:
        """The step for ``app``, resolved on first use and cached."""
        if isinstance(self, Step) and type(self).resolve is ResponseDecorator.resolve:
            return self
        try:
            steps, lock = self._steps, self._lock
        except AttributeError:
            # Subclasses need not call __init__; racing threads may each
            # make a cache here, the lock below keeps one of them.
            with _INIT_LOCK:
                if "_steps" not in self.__dict__:
                    self._steps = weakref.WeakKeyDictionary()
                    self._lock = threading.Lock()
            steps, lock = self._steps, self._lock
        step = steps.get(app)
        if step is None:
            with lock:
                step = steps.get(app)
                if step is None:
                    step = steps[app] = self.resolve(app, settings_for(app))
        return step

    def __call__(self, view: F) -> F:
        return wrap_view(view, self)


_INIT_LOCK = threading.Lock()


class _Mutate(ResponseDecorator, Step):
    """The decorator :func:`response_decorator` makes from a mutator."""

    def __init__(self, mutator: Mutator, errors: bool) -> None:
        self.mutator = mutator
        self.errors = errors  # type: ignore[misc]
        functools.update_wrapper(self, mutator, updated=())

    def after(self, response: Response, kwargs: dict[str, t.Any]) -> Response:
        changed = self.mutator(response)
        return response if changed is None else changed

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


# -- The families ----------------------------------------------------------------


def families() -> tuple[type[ResponseDecorator], ...]:
    """Every :class:`ResponseDecorator` subclass defined so far, in order."""
    return tuple(_FAMILIES)


def family_hooks(name: str) -> list[t.Callable[..., t.Any]]:
    """The class-level hook ``name`` of each family that defines it itself
    (not inherited), in definition order."""
    return [getattr(cls, name) for cls in _FAMILIES if name in vars(cls)]


def exposed_headers() -> tuple[str, ...]:
    """The union of every family's :attr:`~ResponseDecorator.exposes`, in
    definition order, each name once (compared case-insensitively)."""
    seen: dict[str, str] = {}
    for cls in _FAMILIES:
        for name in vars(cls).get("exposes", ()):
            seen.setdefault(name.lower(), name)
    return tuple(seen.values())


# -- OPTIONS -------------------------------------------------------------------

# Flask 3.2 passes the app context to make_default_options_response.
_OPTIONS_TAKES_CONTEXT = (
    len(inspect.signature(Flask.make_default_options_response).parameters) > 1
)


def default_options_response(app: Flask) -> Response:
    """Flask's automatic answer to ``OPTIONS`` for the current request (an
    ``Allow`` header listing the URL's methods), on every Flask version."""
    if _OPTIONS_TAKES_CONTEXT:
        ctx = app_ctx._get_current_object()  # type: ignore[attr-defined]
        return app.make_default_options_response(ctx)  # type: ignore[call-arg]
    return app.make_default_options_response()


def view_handles_options(app: Flask, req: Request) -> bool:
    """Whether the current route's view handles a plain ``OPTIONS`` itself.

    A decorator with :attr:`~ResponseDecorator.receives_options` receives
    every ``OPTIONS``; Flask would have answered it with its automatic
    ``Allow`` response unless the view lists ``OPTIONS`` in its ``methods``
    attribute (as a ``MethodView`` with an ``options`` method does). The
    wrapper cannot see a route's ``methods=`` argument, only that attribute.
    """
    view = app.view_functions.get(req.endpoint)  # type: ignore[arg-type]
    return "OPTIONS" in (getattr(view, "methods", None) or ())


def _answered_below(app: Flask) -> bool:
    """Whether this request is an ``OPTIONS`` that a kit chain further in
    (below a decorator that is not the kit's) answers by itself."""
    req = request._get_current_object()  # type: ignore[attr-defined]
    return req.method == "OPTIONS" and (
        is_preflight(req) or not view_handles_options(app, req)
    )


class OptionsRoutedView:
    """A sync view wrapper that always receives ``OPTIONS`` requests.

    Flask answers ``OPTIONS`` itself unless the view sets
    ``provide_automatic_options = False`` and requires ``OPTIONS``. A plain
    function attribute would not do: ``MethodView.as_view`` sets
    ``provide_automatic_options`` *after* applying ``decorators``
    (``flask/views.py``). Here both are read-only properties, and what was
    set is kept in :attr:`declared_automatic_options`.
    """

    def __init__(self, func: t.Callable[..., t.Any]) -> None:
        functools.update_wrapper(self, func)
        self.__wrapped__ = func.__wrapped__  # type: ignore[attr-defined]
        self._func = func
        # Also in __dict__, so that functools.wraps in a decorator applied
        # above this one copies them (properties are not copied).
        self.__dict__["provide_automatic_options"] = False
        self.required_methods = self.__dict__.get("required_methods", ())

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        return self._func(*args, **kwargs)

    def __get__(self, obj: object, owner: type | None = None) -> t.Any:
        """Bind like a function, so it also decorates methods of a class."""
        return self if obj is None else types.MethodType(self, obj)

    @property
    def provide_automatic_options(self) -> bool:
        """Always ``False``: the wrapper answers ``OPTIONS`` itself."""
        return False

    @provide_automatic_options.setter
    def provide_automatic_options(self, value: bool | None) -> None:
        self.declared_automatic_options = value

    @property
    def required_methods(self) -> set[str]:
        """The view's own ``required_methods`` plus ``OPTIONS``."""
        return self.__dict__["required_methods"]  # type: ignore[no-any-return]

    @required_methods.setter
    def required_methods(self, value: t.Iterable[str]) -> None:
        self.__dict__["required_methods"] = {*value, "OPTIONS"}

    #: The ``provide_automatic_options`` value someone tried to set.
    declared_automatic_options: bool | None = None

    def __repr__(self) -> str:
        return f"<respkit view {self.__name__}>"  # type: ignore[attr-defined]


# -- The chain of a view and its plan per app ----------------------------------

#: ``request.environ`` key: the decorators whose error edits are pending on
#: this request's response (the view raised). An error handler decorated with
#: an equal decorator leaves its edit to them, so that it is applied once.
_PENDING = "flask_respkit.pending_errors"

#: An edit and whether it takes the view's keyword arguments too.
_Edit = tuple[t.Callable[..., Response], bool]


class Plan:
    """A view's chain resolved for one app: what each request runs. It keeps
    no reference to the app (the caches keyed by the app are weak).

    :param pairs: ``(decorator, step)`` of the chain, innermost first.
    :param below: ``(decorator, step)`` of the error-reaching steps of kit
        wrappers further in (behind a decorator that is not the kit's): an
        early answer here, or an exception before the view is called, never
        reaches them, so this plan applies their error edits too.
    :param answers_options: Whether the chain's ``OPTIONS`` step answers
        (not for an error handler's call).
    """

    def __init__(
        self,
        pairs: tuple[tuple[ResponseDecorator, Step], ...],
        below: tuple[tuple[ResponseDecorator, Step], ...] = (),
        answers_options: bool = True,
    ) -> None:
        self.pairs = pairs
        self.below = below
        steps = [step for _, step in pairs]
        #: ``before`` hooks by :attr:`~Step.before_order`, outermost first
        #: among equals (and their async forms).
        ordered = sorted(reversed(steps), key=lambda s: s.before_order)
        self.befores = tuple(s.before for s in ordered if _overrides(s, "before"))
        self.befores_async = tuple(
            s.before_async
            for s in ordered
            if _overrides(s, "before") or _overrides(s, "before_async")
        )
        #: ``returned`` hooks, innermost first.
        self.observers = tuple(s.returned for s in steps if _overrides(s, "returned"))
        converters = [s for s in steps if _overrides(s, "convert")]
        firm = [s for d, s in pairs if d.takes_return_value]
        #: The step turning the return value into the response: one that must
        #: see the view's own value (the outermost of them), else the
        #: innermost one offering a conversion, else ``make_response``.
        self.converter = firm[-1] if firm else converters[0] if converters else None
        #: Edits of the response, innermost first (the converter's own edit
        #: is part of its conversion).
        self.afters = _edits([s for s in steps if s is not self.converter], "after")
        #: Error edits when the view raised, and when the chain answered or
        #: raised before calling it (then those of the wrappers further in too).
        errors = tuple((d, s) for d, s in pairs if s.errors)
        self.error_afters = _edits([s for _, s in errors], "apply")
        self.early_error_afters = _edits([s for _, s in (*below, *errors)], "apply")
        self.error_decorators = tuple(d for d, _ in errors)
        self.early_error_decorators = tuple(d for d, _ in (*below, *errors))
        #: The step answering ``OPTIONS`` (CORS): the outermost, as
        #: :func:`~flask_respkit.cross_origin.cors_policy_of` finds it.
        self.options_step = (
            next((s for d, s in reversed(pairs) if d.receives_options), None)
            if answers_options
            else None
        )
        #: Per HTTP method, this plan without what the ``MethodView``
        #: method's own kit decorators already do (see :meth:`Chain._resolve`).
        self.by_method: dict[str, Plan] | None = None
        self._for_handler: dict[tuple[int, ...], Plan] = {}

    def without(
        self, decorators: t.Collection[ResponseDecorator], answers_options: bool = True
    ) -> Plan:
        """This plan without the steps of ``decorators``."""
        pairs = tuple(p for p in self.pairs if p[0] not in decorators)
        return Plan(pairs, self.below, answers_options)

    def _failed(self, kwargs: dict[str, t.Any], early: bool = False) -> None:
        """Have the error edits reach the error response Flask will build."""
        edits = self.early_error_afters if early else self.error_afters
        if not edits:
            return
        environ = request.environ
        decorators = self.early_error_decorators if early else self.error_decorators
        environ[_PENDING] = (*environ.get(_PENDING, ()), *decorators)

        def apply_errors(response: Response) -> Response:
            return _apply(edits, response, kwargs)

        after_this_request(apply_errors)

    def _variant(self, args: tuple[t.Any, ...]) -> Plan:
        """The plan for an error handler's call, or a ``MethodView``'s method."""
        if args and isinstance(args[0], BaseException):
            # An error handler: it answers no OPTIONS of its own, and leaves
            # to the raising view's pending error edits what they do.
            pending = request.environ.get(_PENDING, ())
            key = tuple(map(id, pending))
            found = self._for_handler.get(key)
            if found is None:
                found = self._for_handler[key] = self.without(pending, False)
            return found
        if self.by_method:
            return self.by_method.get(request.method, self)
        return self

    def _options(self, app: Flask) -> Response | None:
        """Answer an ``OPTIONS`` request with the step that receives them: its
        own answer (a preflight), else Flask's automatic one through its
        :meth:`~Step.apply`, unless the view handles ``OPTIONS`` itself.
        ``None`` for any other request."""
        req = request._get_current_object()  # type: ignore[attr-defined]
        if req.method != "OPTIONS":
            return None
        step = t.cast(Step, self.options_step)
        answer = step.options(req, app)
        if answer is None and not view_handles_options(app, req):
            answer = step.apply(default_options_response(app))
        return answer

    def _answered_early(self, early: Response, kwargs: dict[str, t.Any]) -> Response:
        """A ``before`` hook answered instead of the view: an error (a 401)
        gets the error edits; any other answer (a 304) the edits the view's
        response would have had."""
        if early.status_code >= 400:
            return _apply(self.early_error_afters, early, kwargs)
        return _apply(self.afters, early, kwargs)

    def _finish(self, app: Flask, rv: t.Any, kwargs: dict[str, t.Any]) -> Response:
        """The view's return value converted, then edited innermost first."""
        for observe in self.observers:
            observe(rv, kwargs)
        converter = self.converter
        if converter is None:
            response = app.make_response(rv)
        else:
            response = converter.convert(rv, kwargs)
        return _apply(self.afters, response, kwargs)

    def run(
        self,
        app: Flask,
        view: t.Callable[..., t.Any],
        args: tuple[t.Any, ...],
        kwargs: t.Any,
    ) -> Response:
        """Run one request of a sync view."""
        plan = self._variant(args) if args or self.by_method else self
        answer = plan._options(app) if plan.options_step is not None else None
        if answer is not None:
            return answer
        try:
            for before in plan.befores:
                early = before(kwargs)
                if early is not None:
                    return plan._answered_early(early, kwargs)
        except Exception:
            plan._failed(kwargs, early=True)
            raise
        try:
            return plan._finish(app, view(*args, **kwargs), kwargs)
        except Exception:
            plan._failed(kwargs)
            raise

    async def run_async(
        self,
        app: Flask,
        view: t.Callable[..., t.Any],
        args: tuple[t.Any, ...],
        kwargs: t.Any,
    ) -> Response:
        """Run one request of an ``async def`` view, in its event loop."""
        plan = self._variant(args) if args or self.by_method else self
        answer = plan._options(app) if plan.options_step is not None else None
        if answer is not None:
            return answer
        try:
            for before in plan.befores_async:
                early = await before(kwargs)
                if early is not None:
                    return plan._answered_early(early, kwargs)
        except Exception:
            plan._failed(kwargs, early=True)
            raise
        try:
            return plan._finish(app, await view(*args, **kwargs), kwargs)
        except Exception:
            plan._failed(kwargs)
            raise


def _apply(
    edits: tuple[_Edit, ...], response: Response, kwargs: dict[str, t.Any]
) -> Response:
    for edit, with_kwargs in edits:
        response = edit(response, kwargs) if with_kwargs else edit(response)
    return response


def _edits(steps: list[Step], hook: str) -> tuple[_Edit, ...]:
    """The ``after`` (or ``apply``) edits of ``steps``, innermost first. Steps
    of classes that :meth:`~Step.combine` their edits give one edit, where the
    innermost of them stood."""
    edits: list[_Edit] = []
    combined: set[object] = set()
    for step in steps:
        cls = type(step)
        key = cls.combine.__func__  # type: ignore[attr-defined]
        if key in combined:
            continue
        if key is not Step.combine.__func__:  # type: ignore[attr-defined]
            peers = tuple(s for s in steps if type(s).combine.__func__ is key)  # type: ignore[attr-defined]
            edit = cls.combine(peers) if len(peers) > 1 else None
            if edit is not None:
                combined.add(key)
                edits.append((edit, True))
                continue
        if hook == "after" and _overrides(step, "after"):
            edits.append((step.after, True))
        elif _overrides(step, "apply"):
            edits.append((step.apply, False))
    return tuple(edits)


class Chain:
    """The kit's decorators on one view, and the one wrapper that runs them.

    :param view: The view the wrapper calls.
    :param decorators: The kit's decorators of this wrapper, innermost first.
    :param below: Decorators of the kit's wrappers further in, behind a
        decorator that is not the kit's (they run there, not here).
    """

    def __init__(
        self,
        view: t.Callable[..., t.Any],
        decorators: tuple[ResponseDecorator, ...],
        below: tuple[ResponseDecorator, ...] = (),
    ) -> None:
        self.view = view
        self.decorators = decorators
        self.below = below
        self._plans: weakref.WeakKeyDictionary[Flask, Plan] = (
            weakref.WeakKeyDictionary()
        )
        self._last: tuple[weakref.ref[Flask], Plan] | None = None
        self._lock = threading.Lock()
        #: An ``OPTIONS`` answered further in is final: pass it through.
        self.options_below = any(d.receives_options for d in below)
        self.wrapper = self._wrap()

    @property
    def all(self) -> tuple[ResponseDecorator, ...]:
        """Every kit decorator on the view, innermost first."""
        return (*self.below, *self.decorators)

    def plan(self, app: Flask) -> Plan:
        """The plan for ``app``, resolved on first use and cached."""
        last = self._last
        if last is not None and last[0]() is app:
            return last[1]
        plan = self._plans.get(app)
        if plan is None:
            with self._lock:
                plan = self._plans.get(app)
                if plan is None:
                    plan = self._plans[app] = self._resolve(app)
        self._last = (weakref.ref(app), plan)
        return plan

    def _resolve(self, app: Flask) -> Plan:
        below = tuple((d, d.step_for(app)) for d in self.below)
        plan = Plan(
            tuple((d, d.step_for(app)) for d in self.decorators),
            tuple((d, s) for d, s in below if s.errors),
        )
        # The same decorator on a MethodView and on its method applies once:
        # for that HTTP method, the view's plan leaves it to the method's.
        # ``as_view`` sets ``view_class`` on the outermost decorated function,
        # which may be a decorator's that is not the kit's.
        view_class = getattr(self.wrapper, "view_class", None)
        if view_class is None and request:
            outer = app.view_functions.get(request.endpoint)  # type: ignore[arg-type]
            if _wraps(outer, self.wrapper):
                view_class = getattr(outer, "view_class", None)
        if view_class is not None:
            by_method = {}
            methods = set(getattr(view_class, "methods", None) or ())
            if "GET" in methods and not hasattr(view_class, "head"):
                methods.add("HEAD")  # Flask routes HEAD to get
            for method in methods:
                handler = getattr(view_class, method.lower(), None)
                if handler is None and method == "HEAD":
                    handler = getattr(view_class, "get", None)
                inner = [d for d in decorators_of(handler) if d in self.decorators]
                if inner:
                    by_method[method] = plan.without(inner)
            plan.by_method = by_method or None
        return plan

    def _wrap(self) -> t.Callable[..., t.Any]:
        view = self.view
        plan = self.plan
        options_below = self.options_below
        wrapper: t.Any
        if inspect.iscoroutinefunction(view):

            async def wrapper(*args: t.Any, **kwargs: t.Any) -> Response:
                app = current_app._get_current_object()  # type: ignore[attr-defined]
                if options_below and _answered_below(app):
                    return await view(*args, **kwargs)  # type: ignore[no-any-return]
                return await plan(app).run_async(app, view, args, kwargs)

        else:

            def wrapper(*args: t.Any, **kwargs: t.Any) -> Response:
                app = current_app._get_current_object()  # type: ignore[attr-defined]
                if options_below and _answered_below(app):
                    return view(*args, **kwargs)  # type: ignore[no-any-return]
                return plan(app).run(app, view, args, kwargs)

        functools.update_wrapper(wrapper, view)
        wrapper.__respkit__ = self
        if any(d.receives_options for d in self.all):
            if inspect.iscoroutinefunction(view):
                wrapper.provide_automatic_options = False
                wrapper.required_methods = {
                    *getattr(view, "required_methods", ()),
                    "OPTIONS",
                }
            else:
                wrapper = OptionsRoutedView(wrapper)
        return t.cast("Callable[..., t.Any]", wrapper)


def _wraps(outer: object, inner: object) -> bool:
    """Whether ``outer`` is ``inner``, or wraps it (``__wrapped__``)."""
    for _ in range(32):
        if outer is inner:
            return True
        outer = getattr(outer, "__wrapped__", None)
        if outer is None:
            return False
    return False


def decorators_of(view: object) -> tuple[ResponseDecorator, ...]:
    """The kit's decorators on ``view``, innermost first (``()`` for none)."""
    chain = getattr(view, "__respkit__", None)
    return chain.all if isinstance(chain, Chain) else ()


def wrap_view(view: F, decorator: ResponseDecorator) -> F:
    """Add ``decorator`` to ``view``'s chain: the view keeps one kit wrapper.

    :param view: A view function (sync or ``async def``), a ``MethodView``'s
        ``as_view`` function, an error handler, or a view the kit already
        wrapped.
    :param decorator: The decorator being applied.
    :raise TypeError: ``view`` is not callable, or ``decorator`` converts the
        return value and cannot reach it behind a decorator that is not the
        kit's.
    """
    if not callable(view):
        raise TypeError(
            f"{type(decorator).__name__} decorates a view function,"
            f" got {type(view).__name__}"
        )
    chain = getattr(view, "__respkit__", None)
    if not isinstance(chain, Chain):
        return t.cast(F, Chain(view, (decorator,)).wrapper)
    if decorator in chain.all:
        return view  # stacked twice by mistake: applied once
    if chain.wrapper is view:  # the kit's own wrapper: extend its chain
        extended = Chain(chain.view, (*chain.decorators, decorator), chain.below)
        return t.cast(F, extended.wrapper)
    # A decorator that is not the kit's sits between: a wrapper of our own.
    if decorator.takes_return_value:
        raise TypeError(
            f"{decorator!r} turns the view's return value into the response,"
            " so it must be nearest the view; it cannot be moved below a"
            " decorator that is not flask-respkit's. Apply it directly on"
            " the view."
        )
    return t.cast(F, Chain(view, (decorator,), chain.all).wrapper)
