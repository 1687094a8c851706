"""Links: :func:`link_header`, :func:`created`, and the URL resolution they
share with :func:`~flask_respkit.paginate`. :class:`Link` lives in
:mod:`flask_respkit._linkvalue` and :class:`Pagination` in
:mod:`flask_respkit.pagination`; both are re-exported here."""

from __future__ import annotations

import contextlib
import re
import typing as t
from urllib.parse import quote, urljoin, urlsplit

from flask import Response, current_app, request, url_for
from werkzeug.urls import iri_to_uri

from ._http import check_no_controls
from ._linkvalue import (
    Link,
    append_links,
    check_rel,
    link_uri,
    request_url,
    require_host,
)
from .core import F, StaticDecorator
from .pagination import Pagination, paginate

__all__ = [
    "Link",
    "Pagination",
    "Target",
    "check_target",
    "created",
    "link_header",
    "paginate",
    "resolve_target",
]

#: A URL target: a URL, an endpoint name, or a callable of the response.
Target = t.Union[str, t.Callable[[Response], t.Optional[str]]]

_ENDPOINT = re.compile(r"\.?[A-Za-z_][\w.\-]*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
#: Characters a URI may hold as they are (RFC 3986 unreserved, reserved, ``%``).
_URI_SAFE = "-._~:/?#[]@!$&'()*+,;=%"
#: A URL that :func:`~werkzeug.urls.iri_to_uri` would leave as it is.
_URI = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


def _is_endpoint(target: str) -> bool:
    return "/" not in target and ":" not in target and target[:1] not in "?#"


def check_target(option: str, target: object) -> Target:
    """Validate a URL target when a decorator is made.

    A string with no ``/`` and no ``:``, not starting with ``?`` or ``#``, is
    an endpoint name; any other string is a URL (made absolute against the
    request URL); a callable is called with the response.

    :raise TypeError: ``target`` is neither a string nor callable.
    :raise ValueError: A string is empty or holds control characters.
    """
    if callable(target):
        return t.cast(Target, target)
    check_no_controls(option, target)
    target = t.cast(str, target).strip()
    if not target:
        raise ValueError(f"{option} must not be empty")
    if _is_endpoint(target):
        uri: str | None = target if _ENDPOINT.fullmatch(target) else None
    else:
        uri = _uri(target)
    if uri is None:
        raise ValueError(
            f"{option} must be a URL (containing '/') or an endpoint name,"
            f" got {target!r}"
        )
    return uri


def _uri(url: str) -> str | None:
    """``url`` as a URI that is safe in a header, or ``None`` if it is no URL.

    IRIs are converted with Werkzeug's :func:`~werkzeug.urls.iri_to_uri`;
    what that cannot handle (lone surrogates, control characters in the host)
    is percent-encoded as UTF-8 instead. A URL whose host or port cannot be
    parsed (``http://[::1``, ``http://h:port/``) gives ``None``: Werkzeug
    would fail on it when sending the response.
    """
    if not _URI.fullmatch(url):
        with contextlib.suppress(ValueError, UnicodeError):
            url = iri_to_uri(url)
        if not _URI.fullmatch(url):
            url = quote(url.encode("utf-8", "surrogatepass"), safe=_URI_SAFE)
    try:
        urlsplit(url).port  # noqa: B018 (raises on a bad host or port)
    except ValueError:
        return None
    return url


def _endpoint_url(endpoint: str) -> str:
    view_args = request.view_args or {}
    fitting: dict[str, t.Any] = {}
    if view_args:
        name = endpoint
        if name.startswith("."):  # relative to the current blueprint, as url_for
            name = f"{request.blueprint}{name}" if request.blueprint else name[1:]
        with contextlib.suppress(KeyError):  # unknown: url_for raises BuildError
            for rule in current_app.url_map.iter_rules(name):
                fitting = {k: v for k, v in view_args.items() if k in rule.arguments}
                break
    url = url_for(endpoint, _external=True, **fitting)
    if "://" in url[:10] and url.partition("://")[2][:1] == "/":
        require_host()  # an empty host: Werkzeug dropped the request's as invalid
    return url


def resolve_target(target: Target, response: Response) -> str | None:
    """Resolve a validated target into an absolute URL for this request.

    :param target: A value returned by :func:`check_target`.
    :param response: The response being built, passed to a callable target.
    :return: An absolute, percent-encoded URL, or ``None`` when a callable
        returned ``None`` or something that is not a URL (logged as a warning).
    """
    if callable(target):
        url = target(response)
        if url is None:
            return None
        if not isinstance(url, str):
            raise TypeError(
                f"a link target callable must return a str or None, got {url!r}"
            )
    elif _is_endpoint(target):
        return _endpoint_url(target)
    else:
        url = target
    if not _SCHEME.match(url):
        with contextlib.suppress(ValueError):  # "//[::1": _uri refuses it
            url = urljoin(request_url(), url)
    uri = _uri(url)
    if uri is None:
        current_app.logger.warning("Not a URL, left out of the response: %r", url)
    return uri


#: What :func:`link_header` takes positionally.
LinkItem = t.Union[Link, t.Callable[[Response], t.Optional[Link]]]


class _LinkHeader(StaticDecorator):
    def __init__(
        self, links: tuple[LinkItem, ...], rels: tuple[tuple[str, Target], ...]
    ) -> None:
        self.links = links
        self.rels = rels

    def apply(self, response: Response) -> Response:
        if not 200 <= response.status_code < 400:
            return response
        out: list[Link] = []
        for item in self.links:
            link = item if isinstance(item, Link) else item(response)
            if link is None:
                continue
            if not isinstance(link, Link):
                raise TypeError(
                    f"a link_header callable must return a Link or None, got {link!r}"
                )
            if not _SCHEME.match(link.target):
                link = link.absolute(request_url())
            out.append(link)
        for rel, target in self.rels:
            url = resolve_target(target, response)
            if url is not None:
                out.append(Link._make(link_uri(url), rel))
        append_links(response, out)
        return response

    def identity(self) -> t.Hashable:
        return (self.links, self.rels)

    def __repr__(self) -> str:
        return f"link_header(*{self.links!r}, **{dict(self.rels)!r})"


def link_header(*links: LinkItem, **rels: Target) -> t.Callable[[F], F]:
    """Append links to the ``Link`` header of the view's response.

    Each keyword is a relation type (``_`` becomes ``-``: ``latest_version=``
    is ``rel="latest-version"``); its value is a URL, an endpoint name
    (resolved with ``url_for(..., _external=True)`` and the current view
    arguments that fit its rule), or a callable ``(response) -> str | None``
    (``None``: that link is left out). Positional arguments are :class:`Link`
    objects, or callables ``(response) -> Link | None``::

        @app.get("/users/<int:id>")
        @link_header(Link("/docs/users", "describedby", title="User schema"),
                     self="user", collection="list_users")
        def user(id): ...

    Targets are sent absolute. Links the view already set are kept (all of
    them go out on one ``Link`` line) and a link with the same target and
    relation is not repeated. Error responses (4xx, 5xx) get no links.

    :param links: :class:`Link` objects or callables returning one.
    :param rels: Relation type to target.
    :raise ValueError: No link is given, a relation type or a target is bad.
    :raise TypeError: A value has the wrong type.

    .. versionadded:: 0.1.0
    """
    if not links and not rels:
        raise ValueError("link_header() needs at least one link")
    for item in links:
        if not isinstance(item, Link) and not callable(item):
            raise TypeError(
                "link_header() positional arguments must be Link objects or"
                f" callables returning one, got {type(item).__name__}"
            )
    checked = []
    for name, target in rels.items():
        rel = check_rel("link_header() relation", name.replace("_", "-"))
        checked.append((rel, check_target(f"link_header({name}=)", target)))
    return _LinkHeader(links, tuple(checked))


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
