"""Links: :func:`created` and the URL resolution shared by link headers."""

from __future__ import annotations

import re
import typing as t
from urllib.parse import urljoin

from flask import Response, current_app, request, url_for
from werkzeug.urls import iri_to_uri

from ._http import check_field_value
from .core import F, StaticDecorator

#: A URL target: a URL, an endpoint name, or a callable of the response.
Target = t.Union[str, t.Callable[[Response], t.Optional[str]]]

_ENDPOINT = re.compile(r"[A-Za-z_][\w.\-]*")


def check_target(option: str, target: object) -> Target:
    """Validate a URL target when a decorator is made.

    A string with no ``/`` and no ``:`` is an endpoint name; any other string
    is a URL (made absolute against the request URL); a callable is called
    with the response.

    :raise TypeError: ``target`` is neither a string nor callable.
    :raise ValueError: A string is empty or holds control characters.
    """
    if callable(target):
        return t.cast(Target, target)
    check_field_value(option, target)
    target = t.cast(str, target).strip()
    if not target:
        raise ValueError(f"{option} must not be empty")
    if "/" not in target and ":" not in target and not _ENDPOINT.fullmatch(target):
        raise ValueError(
            f"{option} must be a URL (containing '/') or an endpoint name,"
            f" got {target!r}"
        )
    return iri_to_uri(target)


def _endpoint_url(endpoint: str) -> str:
    view_args = request.view_args or {}
    fitting: dict[str, t.Any] = {}
    if view_args:
        for rule in current_app.url_map.iter_rules(endpoint):
            fitting = {k: v for k, v in view_args.items() if k in rule.arguments}
            break
    return url_for(endpoint, _external=True, **fitting)


def resolve_target(target: Target, response: Response) -> str | None:
    """Resolve a validated target into an absolute URL for this request.

    :param target: A value returned by :func:`check_target`.
    :param response: The response being built, passed to a callable target.
    :return: An absolute, percent-encoded URL, or ``None`` when a callable
        returned ``None``.
    """
    if callable(target):
        url = target(response)
        if url is None:
            return None
        if not isinstance(url, str):
            raise TypeError(
                f"a link target callable must return a str or None, got {url!r}"
            )
    elif "/" not in target and ":" not in target:
        return _endpoint_url(target)
    else:
        url = target
    return iri_to_uri(urljoin(request.url, url))


class _Created(StaticDecorator):
    def __init__(self, location: Target) -> None:
        self.location = location

    def apply(self, response: Response) -> Response:
        if not 200 <= response.status_code < 300:
            return response
        response.status_code = 201
        url = resolve_target(self.location, response)
        if url is not None:
            response.headers["Location"] = url
        return response

    def identity(self) -> t.Hashable:
        return self.location


def created(location: Target) -> t.Callable[[F], F]:
    """Answer ``201 Created`` with an absolute ``Location`` when the view succeeds.

    ``location`` is a URL (relative ones are made absolute against the request
    URL), an endpoint name (resolved with ``url_for(..., _external=True)`` and
    the current view arguments that fit its rule), or a callable
    ``(response) -> str | None`` (``None``: no ``Location``)::

        @app.post("/items")
        @created(lambda response: url_for("item", id=response.json["id"]))
        def add_item():
            return {"id": db.add(request.json)}

    Non-2xx responses pass through unchanged.

    :param location: Where the new resource is.
    :raise ValueError: ``location`` is empty or holds control characters.
    :raise TypeError: ``location`` is neither a string nor callable.

    .. versionadded:: 0.1.0
    """
    return _Created(check_target("created(location)", location))
