"""Routing ``OPTIONS`` to the kit's wrappers: Flask answers ``OPTIONS`` itself
unless a view says otherwise, and ``MethodView.as_view`` resets what it says."""

from __future__ import annotations

import functools
import types
import typing as t

from flask import current_app, request
from flask.globals import _cv_request

from ._http import is_preflight


def view_answers_options() -> bool:
    """Whether the current route's view handles a plain ``OPTIONS`` itself.

    A decorator with :attr:`~ResponseDecorator.routes_options` receives every
    ``OPTIONS``; Flask would have answered it with its automatic ``Allow``
    response unless the view lists ``OPTIONS`` in its ``methods`` attribute
    (as a ``MethodView`` with an ``options`` method does). The wrapper cannot
    see a route's ``methods=`` argument, only that attribute.
    """
    view = current_app.view_functions.get(request.endpoint)  # type: ignore[arg-type]
    return "OPTIONS" in (getattr(view, "methods", None) or ())


def options_answered_below() -> bool:
    """Whether this request is an ``OPTIONS`` that a decorator with
    :attr:`~ResponseDecorator.routes_options` answers by itself: a CORS
    preflight, or a plain ``OPTIONS`` the view does not handle (Flask's
    automatic answer). Decorators above it leave such an answer alone: a
    preflight is neither paginated nor turned into a 201."""
    req = _cv_request.get().request
    return req.method == "OPTIONS" and (is_preflight(req) or not view_answers_options())


def automatic_options() -> bool:
    """Whether this request is an ``OPTIONS`` Flask would have answered
    itself (the view does not handle ``OPTIONS``)."""
    return _cv_request.get().request.method == "OPTIONS" and not view_answers_options()


def with_options(view: t.Callable[..., t.Any]) -> set[str]:
    """``view``'s ``required_methods`` plus ``OPTIONS``."""
    return {*getattr(view, "required_methods", ()), "OPTIONS"}


class OptionsRoutedView:
    """A sync view wrapper that always receives ``OPTIONS`` requests.

    Flask answers ``OPTIONS`` itself unless the view sets
    ``provide_automatic_options = False`` and requires ``OPTIONS``. A plain
    function attribute would be overwritten by ``MethodView.as_view``, which
    sets ``provide_automatic_options`` *after* applying ``decorators``; here
    both are read-only properties, and what was set is kept in
    :attr:`declared_automatic_options`.
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
