"""Absolute URLs for response headers, shared by every family that writes one
(``Link`` targets, ``Location``, pagination and deprecation links): the
request's own URL, and a target (a URL, an endpoint name or a callable)
resolved into an absolute, percent-encoded URL as ``url_for`` builds it.

Scheme and host are the ones ``url_for(..., _external=True)`` writes during
a request: the request's scheme, and the app's ``SERVER_NAME`` when it is
set (whatever ``Host`` says), else the request's host. Flask's adapter
(``Flask.create_url_adapter``) binds to ``SERVER_NAME`` that way unless the
URL map matches hosts, and Werkzeug's ``MapAdapter.build`` writes the
adapter's server name after the subdomain; with host matching it writes the
host of the rule, which the kit asks ``url_for`` for."""

from __future__ import annotations

import contextlib
import re
import typing as t
from urllib.parse import quote, urljoin, urlsplit

from flask import Response, current_app, request, url_for
from werkzeug.exceptions import BadRequest
from werkzeug.routing import BuildError
from werkzeug.urls import iri_to_uri

from ._http import LINK_PATH_SAFE, LINK_QUERY_SAFE, URI_SAFE, check_no_controls

__all__ = [
    "Target",
    "base_url",
    "check_target",
    "is_absolute",
    "link_uri",
    "origin",
    "request_url",
    "require_host",
    "resolve_target",
]

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
#: The host of a URL with an authority (``//host``).
_AUTHORITY = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//(?:[^/?#@]*@)?([^/?#:]*)")
#: Characters a link target keeps as they are; everything else is
#: percent-encoded, ``;``, ``,`` and ``'`` included, because the common client
#: parsers (requests, httpx, aiohttp) split on them or strip them.
_URI_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&()*+=%]")


def is_absolute(url: str) -> bool:
    """Whether ``url`` starts with a scheme (``https:``, ``urn:``)."""
    return _SCHEME.match(url) is not None


def _pct(match: re.Match[str]) -> str:
    return quote(match.group(), safe="")


def link_uri(url: str) -> str:
    """Percent-encode a URL so it reads back exactly from a ``Link`` header.

    A non-ASCII host becomes IDNA; other non-ASCII characters (as UTF-8) and
    everything outside the RFC 3986 set, plus ``;``, ``,`` and ``'``, are
    percent-encoded. Nothing else changes: existing escapes, an empty query.

    :raise ValueError: The host is not a valid international domain name.
    """
    if _URI_UNSAFE.search(url) is None:
        return url
    m = _AUTHORITY.match(url)
    if m is not None and not m.group(1).isascii():
        host = m.group(1).encode("idna").decode("ascii")
        url = url[: m.start(1)] + host + url[m.end(1) :]
    return _URI_UNSAFE.sub(_pct, url)


#: A host Werkzeug 3.1 keeps (ASCII only): a name or IPv4, or an IPv6
#: literal, and an optional port. Werkzeug 3.0 passes any Host through.
_HOST = re.compile(
    r"(?:[a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::[0-9]{1,5})?", re.I | re.A
)


def require_host() -> None:
    """Refuse a request whose host cannot be put in an absolute URL.

    :raise BadRequest: The ``Host`` is empty (Werkzeug 3.1 drops an invalid
        one) or not a host name (``a b``, which Werkzeug 3.0 keeps).
    """
    if _HOST.fullmatch(request.host) is None:
        raise BadRequest("The Host header is not a valid host name.")


#: The port each scheme leaves out (Werkzeug strips it from a server name).
_DEFAULT_PORT = {"http": ":80", "ws": ":80", "https": ":443", "wss": ":443"}


def _server_name() -> str | None:
    """The host ``url_for`` writes in this request when it is not the
    request's own: from ``SERVER_NAME`` (with a URL map that matches hosts,
    the host of the rule the request matched); ``None`` for the request's."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    server_name = app.config["SERVER_NAME"]
    if not server_name:
        return None
    r = request._get_current_object()  # type: ignore[attr-defined]
    if app.url_map.host_matching:
        # url_for writes the host of the rule it builds (Flask 3.0 routes by
        # SERVER_NAME there, 3.1 by Host): ask it for this request's rule.
        if r.endpoint is None:
            return None
        try:
            url = url_for(r.endpoint, _external=True, **(r.view_args or {}))
        except BuildError:  # pragma: no cover - the rule that matched builds
            return None
        return urlsplit(url).netloc or None
    name = str(server_name).lower()
    default_port = _DEFAULT_PORT.get(r.scheme)
    if default_port and name.endswith(default_port):
        name = name[: -len(default_port)]
    if not app.subdomain_matching:
        subdomain = app.url_map.default_subdomain or ""
    else:
        # The subdomain the request was routed by, as Werkzeug works it out.
        require_host()
        asked = r.host.lower().split(".")
        labels = name.split(".")
        if asked[-len(labels) :] != labels:
            return None  # a host the app was not named for: 404 by routing
        subdomain = ".".join(filter(None, asked[: -len(labels)]))
    return f"{subdomain}.{name}" if subdomain else name


def origin() -> str:
    """``scheme://host`` of this request as ``url_for(..., _external=True)``
    writes it: the request's scheme, and ``SERVER_NAME`` when the app sets
    it, else the request's host (lowercased, as Werkzeug writes it).

    :raise BadRequest: The host comes from the request and cannot be written
        in a URL.
    """
    r = request._get_current_object()  # type: ignore[attr-defined]
    host = _server_name()
    if host is None:
        host = r.host
        if _HOST.fullmatch(host) is None:  # require_host(), inlined
            raise BadRequest("The Host header is not a valid host name.")
        host = host.lower()
    return f"{r.scheme}://{host}"


def base_url() -> str:
    """The request URL without the query, percent-encoded for a link.

    Built from :func:`origin` and the request's path rather than with
    ``request.base_url``, which follows ``Host`` whatever ``SERVER_NAME``
    says, and decodes the host as IDNA, failing on names like ``xn--zz``.

    :raise BadRequest: The host cannot be written as a URL.
    """
    r = request
    # request.path is decoded: "%3F", "%23" and "%25" must go back escaped.
    path = quote(
        r.root_path.rstrip("/") + "/" + r.path.lstrip("/"), safe=LINK_PATH_SAFE
    )
    try:
        return link_uri(origin() + path)
    except ValueError:
        raise BadRequest("The Host header is not a valid host name.") from None


def request_url() -> str:
    """The request URL with its query, percent-encoded for a link."""
    query = request.query_string
    if not query:
        return base_url()
    return f"{base_url()}?{quote(query, safe=LINK_QUERY_SAFE)}"


#: A URL target: a URL, an endpoint name, or a callable of the response.
Target = t.Union[str, t.Callable[[Response], t.Optional[str]]]

_ENDPOINT = re.compile(r"\.?[A-Za-z_][\w.\-]*")
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
            url = quote(url.encode("utf-8", "surrogatepass"), safe=URI_SAFE)
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
    if _server_name() is None:
        require_host()  # url_for puts the request's host in the URL as it is
    return url_for(endpoint, _external=True, **fitting)


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
