"""Links: the ``Link`` header value (RFC 8288) as :class:`Link` and
:func:`link_header`. Absolute URLs come from :mod:`flask_respkit.urls`."""

from __future__ import annotations

import re
import typing as t
from urllib.parse import urljoin, urlsplit

from flask import Response

from ._http import CONTROL, check_no_controls, ext_value
from .core import F, ResponseDecorator, Step
from .urls import (
    Target,
    check_target,
    is_absolute,
    link_uri,
    request_url,
    resolve_target,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Mapping

    from .describe import Description

#: A registered relation type (RFC 8288 §2.1.1, compared case-insensitively).
_REG_REL = re.compile(r"[A-Za-z][A-Za-z0-9.\-]*")
#: An extension relation type: an absolute URI without the characters that
#: common parsers split on.
_EXT_REL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&()*+%]+")
#: A parameter value every common client parser reads back exactly when quoted.
_PLAIN = re.compile(r"[A-Za-z0-9 !#$%&'()*+\-./:?@\[\]^_`{|}~]*")


def check_rel(option: str, rel: object) -> str:
    """Validate a link relation: one or more space-separated relation types.

    Registered types (``next``, ``edit-form``) are lowercased; extension types
    are absolute URIs and kept as given.

    :raise TypeError: ``rel`` is not a string.
    :raise ValueError: ``rel`` is empty or a type is neither form.
    """
    if not isinstance(rel, str):
        raise TypeError(f"{option} must be a str, got {type(rel).__name__}")
    types = rel.split(" ")
    for i, name in enumerate(types):
        if _REG_REL.fullmatch(name):
            types[i] = name.lower()
        elif not _EXT_REL.fullmatch(name):
            raise ValueError(
                f"{option} must be relation types separated by single spaces,"
                " each a registered name (a letter, then letters, digits, '.'"
                f" or '-') or an absolute URI, got {rel!r}"
            )
    return " ".join(types)


def _param(option: str, name: str, value: object) -> str:
    value = check_no_controls(option, value)
    if _PLAIN.fullmatch(value) and value == value.strip(" '"):
        return f'{name}="{value}"'
    if name == "title":
        return "title*=" + ext_value(value)
    raise ValueError(
        f'{option} must be printable ASCII without " \\ ; , = < > and without'
        f" leading or trailing spaces or quotes (only title may hold any text),"
        f" got {value!r}"
    )


class Link:
    """One link of a ``Link`` header (RFC 8288); ``str(link)`` is its value.

    ::

        >>> str(Link("https://api.example.com/items?page=2", "next"))
        '<https://api.example.com/items?page=2>; rel="next"'

    Validated when made. The target is a URL, absolute or relative (a relative
    one is made absolute against the request URL by :func:`link_header`);
    characters outside RFC 3986, and ``;``, ``,`` and ``'``, are
    percent-encoded so that requests, httpx and aiohttp all read it back.
    Every parameter is a quoted string; a ``title`` that is not plain ASCII
    (or holds ``" \\ ; , = < >``) is sent as ``title*=UTF-8''...`` (RFC 8187).

    :param target: The link target (a URL).
    :param rel: The relation type(s), e.g. ``"next"`` or ``"next last"``.
    :param params: Other target attributes: ``title``, ``type``, ``hreflang``,
        ``media``, ``anchor``...
    :raise ValueError: The target or a value holds control characters (CR,
        LF...), ``rel`` is not a relation type, a name is not a token, or a
        value other than ``title`` cannot be sent readably.
    :raise TypeError: A value is not a string.

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_tail", "params", "rel", "target")

    #: The percent-encoded target URL.
    target: str
    #: The relation type(s), registered names lowercased.
    rel: str
    #: The other parameters as given, in order: ``(name, value)`` pairs.
    params: tuple[tuple[str, str], ...]

    def __init__(self, target: str, rel: str, **params: str) -> None:
        if not isinstance(target, str):
            raise TypeError(f"Link target must be a str, got {type(target).__name__}")
        if CONTROL.search(target):
            raise ValueError(
                "Link target must not contain CR, LF, NUL or other control"
                f" characters, got {target!r}"
            )
        try:
            urlsplit(target)
            self.target = link_uri(target)
        except ValueError as e:
            raise ValueError(f"Link target {target!r} is not a URL: {e}") from None
        self.rel = check_rel("Link rel", rel)
        parts = [f'rel="{self.rel}"']
        seen: set[str] = set()
        for name, value in params.items():
            if not _REG_REL.fullmatch(name) or name.lower() == "rel":
                raise ValueError(
                    f"Link parameter name must be a letter then letters, digits,"
                    f" '.' or '-', and not 'rel', got {name!r}"
                )
            key = name.lower()
            if key in seen and key != "hreflang":
                # RFC 8288 §3.4.1: title, type, media... at most once
                raise ValueError(
                    f"Link parameter {name!r} is given twice (names ignore case;"
                    " only hreflang may repeat)"
                )
            seen.add(key)
            parts.append(_param(f"Link {name}", key, value))
        self.params = tuple(params.items())
        self._tail = "; " + "; ".join(parts)

    @classmethod
    def _make(cls, uri: str, rel: str, params: t.Any = (), tail: str = "") -> Link:
        link = object.__new__(cls)
        link.target, link.rel, link.params = uri, rel, params
        link._tail = tail or f'; rel="{rel}"'
        return link

    def absolute(self, base: str) -> Link:
        """This link with its target made absolute against ``base``.

        :param base: An absolute URL, usually the request URL.
        """
        if is_absolute(self.target):
            return self
        uri = link_uri(urljoin(base, self.target))
        return self._make(uri, self.rel, self.params, self._tail)

    def __str__(self) -> str:
        return f"<{self.target}>{self._tail}"

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.params)
        return f"Link({self.target!r}, {self.rel!r}{extra})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Link) and str(other) == str(self)

    def __hash__(self) -> int:
        return hash(str(self))


#: A link in an existing header: ``<target>`` and its parameters.
_EXISTING = re.compile(
    r'<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,\s]*))?)*)'
)
_REL_PARAM = re.compile(r'(?i)(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))')


def _key(url: str, rel: str) -> tuple[str, str]:
    return url, " ".join(sorted(rel.lower().split()))


def _existing_keys(lines: Iterable[str], base: str) -> set[tuple[str, str]]:
    keys = set()
    for line in lines:
        for m in _EXISTING.finditer(line):
            rel = _REL_PARAM.search(m.group(2))
            try:
                url = link_uri(urljoin(base, m.group(1).strip()))
            except ValueError:
                continue
            keys.add(_key(url, (rel.group(1) or rel.group(2)) if rel else ""))
    return keys


def append_links(response: Response, links: Iterable[Link]) -> None:
    """Append ``links`` to the response's ``Link`` header.

    Every existing ``Link`` line is kept, as it was, and the result is one
    line; a link whose target and relation are already there is not repeated.

    :param links: Links with absolute targets.
    """
    headers = response.headers
    lines = headers.getlist("Link")
    if not lines:  # the common case: nothing to merge with
        fresh: dict[tuple[str, str], str] = {}
        for link in links:
            fresh.setdefault(_key(link.target, link.rel), str(link))
        if fresh:
            headers.add("Link", ", ".join(fresh.values()))
        return
    seen = _existing_keys(lines, request_url())
    values = list(lines)
    for link in links:
        key = _key(link.target, link.rel)
        if key not in seen:
            seen.add(key)
            values.append(str(link))
    if len(values) > len(lines) or len(lines) > 1:
        headers["Link"] = ", ".join(values)


#: What :func:`link_header` takes positionally.
LinkItem = t.Union[Link, t.Callable[[Response], t.Optional[Link]]]


class _LinkHeader(ResponseDecorator, Step):
    exposes = ("Link",)

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
            if not is_absolute(link.target):
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

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        for item in self.links:
            if isinstance(item, Link):
                doc.links(*item.rel.split(" "))
            else:
                doc.links(more=True)
        doc.links(*(rel for rel, _ in self.rels))

    def __repr__(self) -> str:
        given = [*map(repr, self.links), *(f"{r}={t!r}" for r, t in self.rels)]
        return f"link_header({', '.join(given)})"


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
