"""What a view's decorators add to its API description, in a neutral form.

Each decorator family describes itself through
:meth:`~flask_respkit.core.ResponseDecorator.describe`, writing into one
:class:`Description` per operation; :mod:`flask_respkit.openapi` turns the
result into an OpenAPI operation (and ``flask respkit routes`` could as well
turn it into text). Schemas are JSON Schema objects, as OpenAPI 3.1 takes them.
This module depends on nothing of the package.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Iterable, Mapping

__all__ = ["Description", "header", "http_security_scheme", "security_scheme_name"]

JSON = dict[str, t.Any]

#: Characters an OpenAPI component name may not hold.
_COMPONENT_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
#: Authentication schemes registered with IANA, which OpenAPI's ``http``
#: security scheme type names (lowercase is the usual spelling).
HTTP_SCHEMES = frozenset(
    {
        "basic",
        "bearer",
        "concealed",
        "digest",
        "dpop",
        "gnap",
        "hoba",
        "mutual",
        "negotiate",
        "oauth",
        "privatetoken",
        "scram-sha-1",
        "scram-sha-256",
        "vapid",
    }
)


def security_scheme_name(scheme: str) -> str:
    """The ``components.securitySchemes`` name of an HTTP auth scheme: its
    lowercase name and ``Auth`` (``bearerAuth``, ``basicAuth``).

    :param scheme: An HTTP authentication scheme (``Bearer``).
    """
    return _COMPONENT_UNSAFE.sub("_", scheme.lower()) + "Auth"


def http_security_scheme(scheme: str) -> JSON:
    """The OpenAPI security scheme object of an HTTP auth scheme: ``http``
    with the scheme's name for the schemes registered with IANA (``basic``,
    ``bearer``, ``digest``...), else an ``apiKey`` read from the
    ``Authorization`` header."""
    name = scheme.lower()
    if name in HTTP_SCHEMES:
        return {
            "type": "http",
            "scheme": name,
            "description": f"HTTP `{scheme}` authentication in `Authorization`.",
        }
    return {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": (
            f"Send `Authorization: {scheme} <credentials>` (the `{scheme}` scheme)."
        ),
    }


def header(description: str, **schema: t.Any) -> JSON:
    """A string response header's description; ``schema`` adds to its schema
    (``enum=[...]``), except ``example``, which goes beside it."""
    example = {"example": schema.pop("example")} if "example" in schema else {}
    return {
        "description": description,
        "schema": {"type": "string", **schema},
        **example,
    }


class Description:
    """What the kit's decorators on one operation add, built decorator by
    decorator (innermost first), then read by a translator.

    Every method keeps what was there: a parameter, a header or a media type
    of the same name is described once, by the first to describe it, except
    :meth:`success` (the outermost decorator wins, as on the response) and
    :meth:`error` (merged).
    """

    def __init__(self, method: str | None = None) -> None:
        #: The HTTP method of the operation, upper-case (``"PUT"``), or
        #: ``None`` when the description is for every method of the view.
        self.method = None if method is None else method.upper()
        #: Query, header and path parameters: ``name``, ``in``, ``required``,
        #: ``description``, ``schema``.
        self.parameters: list[JSON] = []
        #: The status of the success response, when a decorator sets one
        #: (``"201"``, ``"204"``); else the operation's own 2xx, or 200.
        self.status: str | None = None
        #: What the success response of :attr:`status` means.
        self.status_description: str | None = None
        #: Headers of the success response, by name.
        self.headers: dict[str, JSON] = {}
        #: Media types of the success body: media type to ``{"schema": ...}``.
        self.content: dict[str, JSON] = {}
        #: Relation types of ``Link`` on the success response; ``link_more``:
        #: others are chosen per response.
        self.link_rels: list[str] = []
        self.link_more = False
        #: Request header names the response varies on.
        self.vary: list[str] = []
        #: Error responses by status code: ``description``, ``headers``,
        #: ``content``.
        self.errors: dict[str, JSON] = {}
        #: Headers that every response (success, error, 304) carries.
        self.every_response_headers: dict[str, JSON] = {}
        #: Security schemes by name (the operation requires any one of them).
        self.security: dict[str, JSON] = {}
        #: Reusable components by kind (``"schemas"``...) and name.
        self.components: dict[str, dict[str, JSON]] = {}
        #: The operation is deprecated.
        self.deprecated = False
        #: Free room for a family that combines its stacked decorators into
        #: one description (the challenges of stacked ``auth_challenge``).
        self.notes: dict[str, t.Any] = {}

    def parameter(
        self,
        name: str,
        where: str,
        description: str,
        schema: Mapping[str, t.Any],
        required: bool = False,
    ) -> None:
        """Describe a parameter (``where``: ``"query"``, ``"header"``,
        ``"path"``)."""
        if all((p["name"], p["in"]) != (name, where) for p in self.parameters):
            self.parameters.append(
                {
                    "name": name,
                    "in": where,
                    "required": required,
                    "description": description,
                    "schema": dict(schema),
                }
            )

    def success(self, status: str, description: str | None = None) -> None:
        """The success response has this status (``"201"``), described so
        (else by its status phrase)."""
        self.status = status
        self.status_description = description

    def header(self, name: str, description: JSON) -> None:
        """A header of the success response (see :func:`header`)."""
        self.headers.setdefault(name, description)

    def every_response(self, name: str, description: JSON) -> None:
        """A header on every response of the operation, errors included."""
        self.every_response_headers.setdefault(name, description)

    def body(self, media_type: str, schema: Mapping[str, t.Any]) -> None:
        """A media type of the success body."""
        self.content.setdefault(media_type, {"schema": dict(schema)})

    def links(self, *rels: str, more: bool = False) -> None:
        """``Link`` relations of the success response."""
        self.link_rels.extend(r for r in rels if r not in self.link_rels)
        self.link_more = self.link_more or more

    def varies(self, *names: str) -> None:
        """The response varies on these request headers."""
        have = {v.lower() for v in self.vary}
        for name in names:
            if name.lower() not in have:
                have.add(name.lower())
                self.vary.append(name)

    def error(
        self,
        status: str,
        description: str,
        headers: Mapping[str, JSON] | None = None,
        content: Mapping[str, JSON] | None = None,
    ) -> None:
        """An error response; a second description of the same status adds
        its headers and media types to the first."""
        response = self.errors.setdefault(status, {"description": description})
        if headers:
            response.setdefault("headers", {}).update(headers)
        if content:
            response.setdefault("content", {}).update(content)

    def requires(
        self, name: str, scheme: Mapping[str, t.Any], first: bool = False
    ) -> None:
        """The operation takes credentials of the security scheme ``name``
        (an OpenAPI security scheme object); ``first``: listed before those
        described so far (an outer decorator's challenge goes out first)."""
        if first:
            self.security = {name: dict(scheme), **self.security}
        else:
            self.security.setdefault(name, dict(scheme))

    def component(self, kind: str, name: str, value: Mapping[str, t.Any]) -> None:
        """A reusable component (``kind``: ``"schemas"``...)."""
        self.components.setdefault(kind, {}).setdefault(name, dict(value))

    def for_method(self, *methods: str) -> bool:
        """Whether the operation is one of ``methods`` (upper-case), or of
        unknown method (then it may be any)."""
        return self.method is None or self.method in methods

    def error_statuses(self) -> Iterable[str]:
        """The error statuses described so far."""
        return tuple(self.errors)
