"""The primitive every flask_respkit decorator is built from, and the one
wrapper that runs a view's decorators.

A kit decorator is a :class:`ResponseDecorator`. Applied to a view, it joins
the view's :class:`Chain`: however many kit decorators are stacked, the view
has one wrapper. The first time the view runs in an app, each decorator
resolves into a :class:`Step` for that app and the chain into a
:class:`Plan`; both are kept in the app (``app.extensions["respkit.resolved"]``),
so they go when the app goes. Every request then runs the plan:

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
import types
import typing as t

from flask import Flask, Response, after_this_request, current_app, request

# The current app context, public in every supported Flask; Flask 3.2 passes
# it to dispatch methods such as make_default_options_response.
from flask.globals import app_ctx
from flask.views import View

from ._http import check_bool, is_preflight
from .settings import Setting, register, settings_for

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Collection, Iterable, Mapping

    from flask.wrappers import Request

    from .describe import Description

__all__ = [
    "F",
    "Chain",
    "ErrorEdits",
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
_T = t.TypeVar("_T")

#: The signature of a mutator given to :func:`response_decorator`.
Mutator = t.Callable[[Response], t.Optional[Response]]


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
    errors: bool = False

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

    def merge(self, outer: Step) -> Step | None:
        """A step whose edits do this step's and ``outer``'s together, or
        ``None`` (the default) to apply each in turn.

        Asked for every two steps of one view, this one the further in; the
        merged step takes this one's place among the edits (:meth:`after`,
        and :meth:`apply` on errors), while each step keeps its own
        :meth:`before`. :func:`~flask_respkit.auth_challenge` merges stacked
        challenges so that they go out top decorator first.

        :param outer: A step of a decorator further out on the same view.
        """
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

    def identity(self) -> t.Hashable:
        """The options that make two decorators equal; equal ones stacked on
        one view apply once. The default is the object's identity (``id``)."""
        return id(self)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and (other.identity() == self.identity())

    def __hash__(self) -> int:
        return hash((type(self), self.identity()))

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        """Build the step for one app. Called once per app (see
        :meth:`step_for`; twice at worst, when threads race on the app's
        first requests: it must not depend on which call wins).

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
        """The step for ``app``: resolved on first use, then kept in the app
        with its plans."""
        if isinstance(self, Step) and type(self).resolve is ResponseDecorator.resolve:
            return self
        # Keyed by id(), hashed in C: a blueprint's cors asks on every
        # request. The entry holds the decorator, so the id stays its own.
        return _kept(app, id(self), self._step_entry, app)[1]

    def _step_entry(self, app: Flask) -> tuple[ResponseDecorator, Step]:
        return self, self.resolve(app, settings_for(app))

    def __call__(self, view: F) -> F:
        return wrap_view(view, self)


#: The ``app.extensions`` key of what the kit resolved for the app: a step
#: per decorator, a plan per chain (and per way its wrapper is called).
_RESOLVED = "respkit.resolved"


def _kept(app: Flask, key: t.Hashable, build: Callable[..., _T], *args: t.Any) -> _T:
    """What ``build(*args)`` returns, built once per app and kept in it.

    No lock: building is pure, so threads racing on an app's first requests
    at worst build the same thing twice, and all keep the first one stored.
    """
    kept: dict[t.Hashable, t.Any] | None = app.extensions.get(_RESOLVED)
    if kept is None:
        kept = app.extensions.setdefault(_RESOLVED, {})
    found: _T | None = kept.get(key)
    if found is None:
        found = kept.setdefault(key, build(*args))
    return found


class _Mutate(ResponseDecorator, Step):
    """The decorator :func:`response_decorator` makes from a mutator."""

    def __init__(self, mutator: Mutator, errors: bool) -> None:
        self.mutator = mutator
        self.errors = errors
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
    view = app.view_functions.get(req.endpoint or "")
    return "OPTIONS" in (getattr(view, "methods", None) or ())


def _answered_below(app: Flask) -> bool:
    """Whether this request is an ``OPTIONS`` that a kit chain further in
    (below a decorator that is not the kit's) answers by itself."""
    return request.method == "OPTIONS" and (
        is_preflight(request) or not view_handles_options(app, request)
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
        self.__wrapped__ = getattr(func, "__wrapped__", func)
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
        methods: set[str] = self.__dict__["required_methods"]
        return methods

    @required_methods.setter
    def required_methods(self, value: t.Iterable[str]) -> None:
        self.__dict__["required_methods"] = {*value, "OPTIONS"}

    #: The ``provide_automatic_options`` value someone tried to set.
    declared_automatic_options: bool | None = None

    def __repr__(self) -> str:
        return f"<respkit view {getattr(self, '__name__', '?')}>"


# -- The chain of a view and its plan per app ----------------------------------

#: ``request.environ`` key: the decorators whose error edits are pending on
#: this request's response (the view raised). An error handler decorated with
#: an equal decorator leaves its edit to them, so that it is applied once.
_PENDING = "flask_respkit.pending_errors"

#: An edit and whether it takes the view's keyword arguments too.
_Edit = tuple[t.Callable[..., Response], bool]
#: ``(decorator, its step)``.
_Pair = tuple["ResponseDecorator", Step]


class ErrorEdits:
    """The :meth:`~Step.apply` edits that steps with :attr:`~Step.errors`
    make to an error response.

    :param pairs: ``(decorator, step)`` pairs, innermost first; those whose
        step has :attr:`~Step.errors` count.
    """

    def __init__(self, pairs: Iterable[_Pair]) -> None:
        pairs = [(d, s) for d, s in pairs if s.errors]
        #: The decorators the edits come from.
        self.decorators = frozenset(d for d, _ in pairs)
        #: The edits, innermost first.
        self.edits = _edits([s for _, s in pairs], after=False)

    def defer(self, kwargs: dict[str, t.Any]) -> None:
        """Have the edits reach the error response Flask will build for the
        current request (after the app's error handlers), and note their
        decorators as pending for this request."""
        if not self.edits:
            return
        environ = request.environ
        pending = environ.get(_PENDING)
        environ[_PENDING] = (
            self.decorators if pending is None else pending | self.decorators
        )
        edits = self.edits

        def apply_errors(response: Response) -> Response:
            return _apply(edits, response, kwargs)

        after_this_request(apply_errors)


class Plan:
    """A view's chain resolved for one app: what each of its requests runs.

    :param pairs: ``(decorator, step)`` of the chain, innermost first.
    :param below: ``(decorator, step)`` of the kit's wrappers further in,
        behind a decorator that is not the kit's: this plan applies their
        error edits when it answers before calling the view.
    :param is_async: The view is ``async def``.
    :param answers_options: The step receiving ``OPTIONS`` answers them (not
        in an error handler's call).
    """

    def __init__(
        self,
        pairs: t.Sequence[_Pair],
        below: t.Sequence[_Pair] = (),
        *,
        is_async: bool = False,
        answers_options: bool = True,
    ) -> None:
        steps = [s for _, s in pairs]
        converter = _converter(pairs)
        #: The step answering ``OPTIONS`` (CORS), or ``None``: the outermost
        #: receiving them, as :func:`~flask_respkit.cross_origin.cors_policy_of`
        #: finds it.
        self.options_step = _answering_options(pairs) if answers_options else None
        #: The :meth:`~Step.before` hooks (:meth:`~Step.before_async` for an
        #: ``async def`` view), outermost first.
        self.before = _before_hooks(steps, is_async)
        #: The :meth:`~Step.returned` hooks, innermost first.
        self.returned = tuple(s.returned for s in steps if _overrides(s, "returned"))
        #: The :meth:`~Step.convert` turning the view's return value into the
        #: response, or ``None`` for :meth:`~flask.Flask.make_response`.
        self.convert = converter.convert if converter else None
        #: The edits of the view's response, innermost first (the
        #: converter's is part of its conversion).
        self.edits = _edits([s for s in steps if s is not converter], after=True)
        #: The error edits when the view raised (or its response's conversion
        #: or edits did).
        self.errors_in_view = ErrorEdits(pairs)
        #: The error edits when the chain answered early or raised before
        #: calling the view: the wrappers further in never ran, so theirs too.
        self.errors_before_view = ErrorEdits([*below, *pairs])

    def _answer_options(self, app: Flask) -> Response | None:
        """Answer an ``OPTIONS`` request with :attr:`options_step`: its own answer
        (a preflight), else Flask's automatic one through its
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
            return _apply(self.errors_before_view.edits, early, kwargs)
        return _apply(self.edits, early, kwargs)

    def _finish(self, app: Flask, rv: t.Any, kwargs: dict[str, t.Any]) -> Response:
        """The view's return value converted, then edited innermost first."""
        for see in self.returned:
            see(rv, kwargs)
        convert = self.convert
        response = app.make_response(rv) if convert is None else convert(rv, kwargs)
        for edit, with_kwargs in self.edits:
            response = edit(response, kwargs) if with_kwargs else edit(response)
        return response

    def run(
        self,
        app: Flask,
        view: t.Callable[..., t.Any],
        args: tuple[t.Any, ...],
        kwargs: t.Any,
    ) -> Response:
        """Run one request of a sync view."""
        if self.options_step is not None:
            answer = self._answer_options(app)
            if answer is not None:
                return answer
        try:
            for before in self.before:
                early = before(kwargs)
                if early is not None:
                    return self._answered_early(early, kwargs)
        except Exception:
            self.errors_before_view.defer(kwargs)
            raise
        try:
            return self._finish(app, view(*args, **kwargs), kwargs)
        except Exception:
            self.errors_in_view.defer(kwargs)
            raise

    async def run_async(
        self,
        app: Flask,
        view: t.Callable[..., t.Any],
        args: tuple[t.Any, ...],
        kwargs: t.Any,
    ) -> Response:
        """Run one request of an ``async def`` view, in its event loop."""
        if self.options_step is not None:
            answer = self._answer_options(app)
            if answer is not None:
                return answer
        try:
            for before in self.before:
                early = await before(kwargs)
                if early is not None:
                    return self._answered_early(early, kwargs)
        except Exception:
            self.errors_before_view.defer(kwargs)
            raise
        try:
            return self._finish(app, await view(*args, **kwargs), kwargs)
        except Exception:
            self.errors_in_view.defer(kwargs)
            raise


def _answering_options(pairs: t.Sequence[_Pair]) -> Step | None:
    """The step of the outermost decorator that receives ``OPTIONS``."""
    return next((s for d, s in reversed(pairs) if d.receives_options), None)


def _before_hooks(steps: list[Step], is_async: bool) -> tuple[t.Any, ...]:
    """The steps' :meth:`~Step.before` hooks by :attr:`~Step.before_order`,
    outermost first among equals; for an async view, the
    :meth:`~Step.before_async` ones (of the steps overriding either)."""
    ordered = sorted(reversed(steps), key=lambda s: s.before_order)
    if is_async:
        return tuple(
            s.before_async
            for s in ordered
            if _overrides(s, "before") or _overrides(s, "before_async")
        )
    return tuple(s.before for s in ordered if _overrides(s, "before"))


def _converter(pairs: t.Sequence[_Pair]) -> Step | None:
    """The step turning the return value into the response: one that must
    see the view's own value (the outermost of them), else the innermost one
    offering a conversion, else ``None`` (:meth:`~flask.Flask.make_response`).
    """
    firm = [s for d, s in pairs if d.takes_return_value]
    if firm:
        return firm[-1]
    return next((s for _, s in pairs if _overrides(s, "convert")), None)


def _edits(steps: list[Step], after: bool) -> tuple[_Edit, ...]:
    """The edits of ``steps`` (innermost first), peers merged by
    :meth:`Step.merge`: the :meth:`~Step.after` hooks (``after=True``), else
    the :meth:`~Step.apply` ones."""
    kept: list[Step] = []
    for step in steps:
        for i, inner in enumerate(kept):
            merged = inner.merge(step)
            if merged is not None:
                kept[i] = merged
                break
        else:
            kept.append(step)
    edits: list[_Edit] = []
    for step in kept:
        if after and _overrides(step, "after"):
            edits.append((step.after, True))
        elif _overrides(step, "apply"):
            edits.append((step.apply, False))
    return tuple(edits)


def _apply(
    edits: tuple[_Edit, ...], response: Response, kwargs: dict[str, t.Any]
) -> Response:
    for edit, with_kwargs in edits:
        response = edit(response, kwargs) if with_kwargs else edit(response)
    return response


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
        self.is_async = inspect.iscoroutinefunction(view)
        #: An ``OPTIONS`` answered further in is final: pass it through.
        self.options_below = any(d.receives_options for d in below)
        self.wrapper = self._wrap()

    @property
    def all(self) -> tuple[ResponseDecorator, ...]:
        """Every kit decorator on the view, innermost first."""
        return (*self.below, *self.decorators)

    def plan(self, app: Flask) -> Plan:
        """The plan for ``app``, built on first use and kept in the app."""
        return _kept(app, self, self._build, app)

    def plan_for_call(self, app: Flask, first: object) -> Plan:
        """The plan for a call of the wrapper with a positional argument
        ``first``: the exception, when the view is an error handler; the
        instance, when it is a ``MethodView``'s method.

        :raise TypeError: A decorator of this method is also in its class's
            ``decorators``.
        """
        if isinstance(first, View):
            cls = type(first)
            return _kept(app, (self, cls), self._method_plan, app, cls)
        if isinstance(first, BaseException):
            # An error handler: it answers no OPTIONS, and leaves to the
            # raising view's pending error edits what they do.
            pending = request.environ.get(_PENDING, frozenset())
            return _kept(app, (self, pending), self._build, app, pending, True)
        return self.plan(app)

    def _build(
        self, app: Flask, leave: Collection[object] = (), handler: bool = False
    ) -> Plan:
        """This chain's plan for ``app``, without the decorators in ``leave``."""
        pairs = [(d, d.step_for(app)) for d in self.decorators if d not in leave]
        below = [(d, d.step_for(app)) for d in self.below if d not in leave]
        return Plan(pairs, below, is_async=self.is_async, answers_options=not handler)

    def _method_plan(self, app: Flask, cls: type) -> Plan:
        """The plan for a call as a method of ``cls``, once checked that no
        decorator of it is in the class's ``decorators`` as well."""
        for decorator in getattr(cls, "decorators", ()):
            if decorator in self.all:
                name = getattr(self.view, "__name__", "?")
                method = f"{cls.__name__}.{name}"
                raise TypeError(
                    f"{decorator!r} is both in {cls.__name__}.decorators and"
                    f" on {method}: keep one, it would edit the response twice"
                )
        return self.plan(app)

    def _wrap(self) -> Callable[..., t.Any]:
        view = self.view
        chain = self
        options_below = self.options_below
        wrapper: t.Any
        if self.is_async:

            async def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
                app = current_app._get_current_object()  # type: ignore[attr-defined]
                if options_below and _answered_below(app):
                    return await view(*args, **kwargs)
                if args:
                    plan = chain.plan_for_call(app, args[0])
                else:
                    try:
                        plan = app.extensions[_RESOLVED][chain]
                    except KeyError:
                        plan = chain.plan(app)
                return await plan.run_async(app, view, args, kwargs)

        else:

            def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
                app = current_app._get_current_object()  # type: ignore[attr-defined]
                if options_below and _answered_below(app):
                    return view(*args, **kwargs)
                if args:
                    plan = chain.plan_for_call(app, args[0])
                else:
                    try:
                        plan = app.extensions[_RESOLVED][chain]
                    except KeyError:
                        plan = chain.plan(app)
                return plan.run(app, view, args, kwargs)

        functools.update_wrapper(wrapper, view)
        wrapper.__respkit__ = self
        if any(d.receives_options for d in self.all):
            if self.is_async:
                wrapper.provide_automatic_options = False
                wrapper.required_methods = {
                    *getattr(view, "required_methods", ()),
                    "OPTIONS",
                }
            else:
                wrapper = OptionsRoutedView(wrapper)
        return t.cast("Callable[..., t.Any]", wrapper)


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
