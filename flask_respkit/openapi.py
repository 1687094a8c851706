"""OpenAPI: :class:`RespKitPlugin`, an apispec plugin that documents what the
kit's decorators on a view add to its operations.

Each kit decorator is an object that knows its own options, so the plugin
reads them from the view (:func:`~flask_respkit.core.decorators_of`), resolves
what depends on the app's ``RESPKIT_*`` settings, and merges into the
operation the query parameters, responses, response headers, media types and
security requirements the decorators produce. What the operation already says
(a docstring, a framework's own documentation) is kept: the plugin only adds
what is missing.

An optional integration, imported only by users (``flask-respkit[openapi]``).
"""

from __future__ import annotations

import copy
import re
import typing as t
import weakref
from collections.abc import Mapping

from apispec import APISpec, BasePlugin
from apispec.exceptions import APISpecError
from flask import Flask, current_app, has_app_context

from .auth import _AuthChallenge, default_challenge
from .core import ResponseDecorator, decorators_of
from .cross_origin import Policy, _Cors, cors_policy_of
from .export import CsvExport
from .links import Link, _LinkHeader
from .pagination import CURSOR_PARAM, _Paginate
from .settings import DEFAULTS, cors_defaults, settings_for
from .status import _Created, _Headers, _NoContent, _Vary

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from werkzeug.routing import Rule

__all__ = ["RespKitPlugin", "security_scheme_name"]

#: The operations the plugin writes for a view documented without any
#: (apispec's ``FlaskPlugin`` and a view without docstring YAML).
OPERATION_METHODS = ("get", "put", "post", "delete", "patch")
#: Every HTTP method an OpenAPI path item may document.
METHODS = frozenset({*OPERATION_METHODS, "options", "head", "trace"})
#: A Flask rule's variable parts, as apispec and APIFlask turn them into
#: OpenAPI path templates (``/items/<int:id>`` is ``/items/{id}``).
_RULE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
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
#: The body of the 401 a ``verify`` guard answers with, as JSON.
_MESSAGE_SCHEMA: dict[str, t.Any] = {
    "type": "object",
    "properties": {"message": {"type": "string"}},
    "required": ["message"],
}
#: Keys of one OpenAPI object that exclude each other: the user's one wins.
_EXCLUSIVE = {
    "example": "examples",
    "examples": "example",
    "schema": "content",
    "content": "schema",
}

Operation = dict[str, t.Any]


def security_scheme_name(scheme: str) -> str:
    """The ``components.securitySchemes`` name the plugin gives an auth
    scheme: its lowercase name and ``Auth`` (``bearerAuth``, ``basicAuth``).

    :param scheme: The scheme of an :func:`~flask_respkit.auth_challenge`.
    """
    return _COMPONENT_UNSAFE.sub("_", scheme.lower()) + "Auth"


def _security_scheme(scheme: str) -> dict[str, t.Any]:
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


def _header(description: str, **schema: t.Any) -> dict[str, t.Any]:
    return {"description": description, "schema": {"type": "string", **schema}}


def _join(names: Iterable[str], last: str = ", ") -> str:
    """``names`` as code, ``, ``-separated; ``last`` before the last one."""
    quoted = [f"`{n}`" for n in names]
    return (
        last.join([", ".join(quoted[:-1]), quoted[-1]])
        if len(quoted) > 1
        else "".join(quoted)
    )


class _Doc:
    """What the kit's decorators on one operation add, built up decorator by
    decorator, then turned into an OpenAPI operation fragment."""

    def __init__(self) -> None:
        self.parameters: list[dict[str, t.Any]] = []
        #: Status code of the success response set by ``created`` or
        #: ``no_content`` (the outermost of them), or ``None``.
        self.status: str | None = None
        self.headers: dict[str, dict[str, t.Any]] = {}
        self.content: dict[str, dict[str, t.Any]] = {}
        #: ``csv_export(negotiate=True)``: JSON too.
        self.negotiated = False
        self.link_rels: list[str] = []
        self.link_more = False
        self.vary: list[str] = []
        self.errors: dict[str, dict[str, t.Any]] = {}
        self.challenges: list[tuple[str, str, bool]] = []
        self.touched = False

    def add_vary(self, *names: str) -> None:
        for name in names:
            if name.lower() not in {v.lower() for v in self.vary}:
                self.vary.append(name)

    def add_rels(self, *rels: str) -> None:
        for rel in rels:
            if rel not in self.link_rels:
                self.link_rels.append(rel)

    def add_parameter(self, parameter: dict[str, t.Any]) -> None:
        key = (parameter["name"], parameter["in"])
        if all((p["name"], p["in"]) != key for p in self.parameters):
            self.parameters.append(parameter)

    # -- one method per decorator -------------------------------------------

    def paginate(self, d: _Paginate, settings: Mapping[str, t.Any]) -> None:
        per_page = d.per_page or settings["RESPKIT_PER_PAGE"]
        most = d.max_per_page or settings["RESPKIT_MAX_PER_PAGE"]
        cursor = d.order is not None
        if cursor:
            self.add_parameter(
                {
                    "name": CURSOR_PARAM,
                    "in": "query",
                    "required": False,
                    "description": (
                        "Where the page starts: the opaque, signed token of a"
                        " `next` link. Leave it out for the first page."
                    ),
                    "schema": {"type": "string"},
                }
            )
        else:
            self.add_parameter(
                {
                    "name": d.page_param,
                    "in": "query",
                    "required": False,
                    "description": "The page number, from 1.",
                    "schema": {"type": "integer", "minimum": 1, "default": 1},
                }
            )
        names = [CURSOR_PARAM if cursor else d.page_param]
        if d.per_page_param is not None:
            names.append(d.per_page_param)
            self.add_parameter(
                {
                    "name": d.per_page_param,
                    "in": "query",
                    "required": False,
                    "description": (
                        f"Items per page, {per_page} by default; a larger number"
                        f" than {most} is lowered to {most}."
                    ),
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": most,
                        "default": per_page,
                    },
                }
            )
        self.add_rels(*(("first", "next") if cursor else ("first", "prev", "next")))
        if not cursor:
            self.add_rels("last")
            if d.count:
                self.headers["X-Total-Count"] = {
                    "description": "The number of items in the whole collection.",
                    "schema": {"type": "integer", "minimum": 0},
                }
        what = (
            f"{_join(names, ' or ')} is not valid"
            if cursor
            else f"{_join(names, ' or ')} is not a whole number of at least 1"
        )
        self.errors.setdefault(
            "400",
            {"description": f"Bad Request: the query parameter {what}."},
        )

    def link_header(self, d: _LinkHeader) -> None:
        for item in d.links:
            if isinstance(item, Link):
                self.add_rels(*item.rel.split(" "))
            else:
                self.link_more = True
        self.add_rels(*(rel for rel, _ in d.rels))

    def csv_export(self, d: CsvExport) -> None:
        columns = f" Columns: {_join(d.labels)}." if d.labels else ""
        header = " The first line holds the column names." if d.header else ""
        self.content["text/csv"] = {
            "schema": {
                "type": "string",
                "description": f"CSV (RFC 4180), streamed.{header}{columns}",
            }
        }
        if d.filename is not None:
            name = d.filename if isinstance(d.filename, str) else None
            example = f'attachment; filename="{name}"' if name else None
            self.headers["Content-Disposition"] = {
                "description": "The CSV is a download"
                + (f" named `{name}`" if name else "")
                + " (an ASCII `filename` and the exact UTF-8 `filename*`).",
                "schema": {"type": "string"},
                **({"example": example} if example else {}),
            }
        if d.negotiate:
            self.negotiated = True
            item: dict[str, t.Any] = {"type": "object"}
            if d.keys:
                item["properties"] = {key: {} for key in d.keys}
            self.content["application/json"] = {
                "schema": {
                    "type": "array",
                    "items": item,
                    "description": "The same rows as JSON objects.",
                }
            }
            self.add_parameter(
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "description": (
                        "`csv` or `json` forces the form; without it, `Accept`"
                        " decides (JSON unless it prefers `text/csv`)."
                    ),
                    "schema": {"type": "string", "enum": ["csv", "json"]},
                }
            )
            self.add_vary("Accept")

    def auth_challenge(self, d: _AuthChallenge, settings: Mapping[str, t.Any]) -> None:
        scheme = d.scheme or settings["RESPKIT_AUTH_SCHEME"]
        realm = settings["RESPKIT_AUTH_REALM"] if d.realm is None else d.realm
        value = str(default_challenge(scheme, realm, dict(d.params)))
        self.challenges.append((scheme, value, d.verify is not None))

    def cors(self, policy: Policy) -> None:
        if policy.any_origin:
            origin = _header("`*`: any origin may read the response.", enum=["*"])
        else:
            origin = _header(
                "The request's `Origin`, when it is allowed (else no CORS headers)."
            )
            self.add_vary("Origin")
        self.headers["Access-Control-Allow-Origin"] = origin
        if policy.credentials:
            self.headers["Access-Control-Allow-Credentials"] = _header(
                "Credentials (cookies, `Authorization`) may be sent.", enum=["true"]
            )
        exposed = _join(policy.expose_all)
        self.headers["Access-Control-Expose-Headers"] = {
            **_header(f"Response headers browser JavaScript may read: {exposed}."),
            "example": policy.expose_all_value,
        }

    def set_headers(self, d: _Headers) -> None:
        for name, value in d.items:
            # OpenAPI ignores a Content-Type header: the media type says it.
            if value is not None and name.lower() != "content-type":
                self.headers[name] = _header(f"Always `{value}`.", enum=[value])

    # -- the fragment --------------------------------------------------------

    def success_headers(self) -> dict[str, dict[str, t.Any]]:
        headers = dict(self.headers)
        if self.link_rels or self.link_more:
            rels = _join(self.link_rels) if self.link_rels else ""
            more = " and others chosen per response" if self.link_more else ""
            headers["Link"] = _header(
                f"Links (RFC 8288) with the relations {rels}{more}, as absolute"
                " URLs; a relation that does not apply is left out."
                if rels
                else "Links (RFC 8288) chosen per response, as absolute URLs."
            )
        if self.vary:
            headers["Vary"] = {
                **_header(f"Lists {_join(self.vary)} (besides any other name)."),
                "example": ", ".join(self.vary),
            }
        return headers

    def operation(
        self, documented: Iterable[str]
    ) -> tuple[Operation, dict[str, dict[str, t.Any]]]:
        """The operation fragment, and the security schemes it names.

        :param documented: The status codes the operation documents already.
        """
        responses: dict[str, dict[str, t.Any]] = {}
        if self.status is not None:
            success = [self.status]
        else:
            success = [c for c in documented if c[:1] == "2"] or ["200"]
        headers = self.success_headers()
        for code in success:
            response: dict[str, t.Any] = {"description": _success_description(code)}
            if headers:
                response["headers"] = copy.deepcopy(headers)
            if self.content and code != "204":
                response["content"] = copy.deepcopy(self.content)
            responses[code] = response
        responses.update(self.errors)
        fragment: Operation = {}
        schemes: dict[str, dict[str, t.Any]] = {}
        if self.challenges:
            # Stacked decorators challenge top first, like the header.
            challenges = list(reversed(self.challenges))
            lines = "; ".join(f"`{value}`" for _, value, _ in challenges)
            guarded = any(verify for _, _, verify in challenges)
            unauthorized: dict[str, t.Any] = {
                "description": (
                    "Unauthorized: no valid credentials. `WWW-Authenticate`"
                    " says how to authenticate."
                ),
                "headers": {
                    "WWW-Authenticate": {
                        "description": f"The challenge, one per line: {lines}.",
                        "schema": {"type": "string"},
                        "example": challenges[0][1],
                    }
                },
            }
            if guarded:
                unauthorized["content"] = {
                    "application/json": {"schema": copy.deepcopy(_MESSAGE_SCHEMA)},
                    "text/plain": {"schema": {"type": "string"}},
                }
            responses["401"] = unauthorized
            if guarded:
                responses["403"] = {
                    "description": (
                        "Forbidden: the credentials are valid but not enough."
                    )
                }
            for scheme, _, _ in challenges:
                schemes.setdefault(
                    security_scheme_name(scheme), _security_scheme(scheme)
                )
            fragment["security"] = [{name: []} for name in schemes]
        if self.parameters:
            fragment["parameters"] = self.parameters
        if responses:
            fragment["responses"] = responses
        return fragment, schemes


def _success_description(code: str) -> str:
    return {
        "200": "OK",
        "201": "Created: `Location` is the new resource's URL.",
        "204": "No Content: the request succeeded; there is no body.",
    }.get(code, "Success")


def _contributions(
    decorators: Iterable[ResponseDecorator],
    settings: Mapping[str, t.Any],
    policy: Policy | None = None,
) -> _Doc:
    """What ``decorators`` (innermost first) add to an operation.

    :param decorators: The kit's decorators on the view of the operation.
    :param settings: The app's ``RESPKIT_*`` settings.
    :param policy: The CORS policy that decides for the endpoint (its view's
        outermost ``cors``, else its blueprint's), if any; a ``cors`` among
        ``decorators`` (on a ``MethodView`` method) wins.
    """
    doc = _Doc()
    own_cors: Policy | None = None
    for d in decorators:
        doc.touched = True
        if isinstance(d, _Paginate):
            doc.paginate(d, settings)
        elif isinstance(d, _LinkHeader):
            doc.link_header(d)
        elif isinstance(d, CsvExport):
            doc.csv_export(d)
        elif isinstance(d, _AuthChallenge):
            doc.auth_challenge(d, settings)
        elif isinstance(d, _Cors):
            own_cors = Policy({**cors_defaults(settings), **d.given})
        elif isinstance(d, _Created):
            doc.status = "201"
            doc.headers["Location"] = {
                "description": "The absolute URL of the new resource.",
                "schema": {"type": "string", "format": "uri"},
            }
        elif isinstance(d, _NoContent):
            doc.status = "204"
        elif isinstance(d, _Headers):
            doc.set_headers(d)
        elif isinstance(d, _Vary):
            doc.add_vary(*d.names)
    policy = own_cors or policy
    if policy is not None:
        doc.touched = True
        doc.cors(policy)
    return doc


# -- Merging: the user's documentation wins ---------------------------------------


def _merge(user: dict[str, t.Any], ours: Mapping[str, t.Any]) -> None:
    """Add to ``user`` what ``ours`` holds and it lacks, at any depth; a value
    the user gave is kept, a schema whole. A reference is left alone."""
    if "$ref" in user:
        return
    for key, value in ours.items():
        if key not in user:
            if _EXCLUSIVE.get(key) not in user:
                user[key] = copy.deepcopy(value)
        elif key == "schema" and user[key] == {}:  # any value: says nothing
            user[key] = copy.deepcopy(value)
        elif key == "headers" and isinstance(user[key], dict):
            _merge_named(user[key], value)
        elif (
            key != "schema"
            and isinstance(user[key], dict)
            and isinstance(value, Mapping)
        ):
            _merge(user[key], value)


def _merge_named(user: dict[str, t.Any], ours: Mapping[str, t.Any]) -> None:
    """:func:`_merge` for a map of header names (compared ignoring case)."""
    have = {name.lower(): name for name in user}
    for name, value in ours.items():
        mine = have.get(name.lower())
        if mine is None:
            user[name] = copy.deepcopy(value)
        elif isinstance(user[mine], dict):
            _merge(user[mine], value)


class RespKitPlugin(BasePlugin):
    """An apispec plugin: every operation whose view carries kit decorators
    documents what they add, without docstring YAML.

    With apispec's own ``FlaskPlugin`` (from ``apispec-webframeworks``)::

        plugins = [FlaskPlugin(), RespKitPlugin()]
        spec = APISpec("Items", "1.0", "3.1.0", plugins=plugins)
        with app.test_request_context():
            spec.path(view=list_items)

    In flask-smorest::

        api = Api(app, spec_kwargs={"extra_plugins": [RespKitPlugin(app)]})

    In APIFlask::

        app = APIFlask(__name__, spec_plugins=[RespKitPlugin()])

    The plugin finds the view of an operation from ``view=`` (apispec's
    ``FlaskPlugin``), from ``rule=`` (flask-smorest), or from the path and
    method (APIFlask). Options left out of a decorator take the app's
    ``RESPKIT_*`` settings. The app is the one given to ``spec.path(app=...)``,
    else the one given here, else :data:`flask.current_app` when an app
    context is pushed; with none, the built-in defaults apply, and an
    operation given by ``rule=`` alone (flask-smorest) raises ``RuntimeError``.

    The user's own documentation of an operation wins: the plugin only adds
    parameters, responses, headers, media types and the security requirement
    that are missing, and keeps a security scheme of the same name that is
    already registered.

    One plugin serves one spec at a time (apispec calls :meth:`init_spec`).

    :param app: The app whose views are documented, when neither the
        framework nor an app context gives it.
    :raise ValueError: The spec is not OpenAPI 3 (from :meth:`init_spec`).

    .. versionadded:: 0.1.0
    """

    def __init__(self, app: Flask | None = None) -> None:
        self._app = None if app is None else weakref.ref(app)
        #: The spec being written, set by apispec through :meth:`init_spec`.
        self.spec: APISpec | None = None
        self._paths: weakref.WeakKeyDictionary[Flask, dict[tuple[str, str], Rule]] = (
            weakref.WeakKeyDictionary()
        )

    def init_spec(self, spec: APISpec) -> None:
        if spec.openapi_version.major < 3:
            raise ValueError(
                "RespKitPlugin documents OpenAPI 3.0 and 3.1 specs, got"
                f" openapi_version {spec.openapi_version}"
            )
        self.spec = spec
        self._paths = weakref.WeakKeyDictionary()

    # -- finding the app, the view and its decorators ------------------------

    def app_for(self, kwargs: Mapping[str, t.Any]) -> Flask | None:
        """The app of an operation: ``spec.path(app=...)``, the plugin's own,
        or the current app."""
        app = kwargs.get("app")
        if isinstance(app, Flask):
            return app
        own = None if self._app is None else self._app()
        if own is not None:
            return own
        if has_app_context():
            return t.cast(Flask, current_app._get_current_object())  # type: ignore[attr-defined]
        return None

    def _rules_by_path(self, app: Flask) -> dict[tuple[str, str], Rule]:
        table = self._paths.get(app)
        if table is None:
            table = {}
            for rule in app.url_map.iter_rules():
                path = _RULE_VARIABLE.sub(r"{\1}", rule.rule)
                for method in rule.methods or ():
                    table.setdefault((path, method.lower()), rule)
            self._paths[app] = table
        return table

    def operation_helper(
        self,
        path: str | None = None,
        operations: dict[str, t.Any] | None = None,
        **kwargs: t.Any,
    ) -> None:
        """Merge into ``operations`` what the kit's decorators of their view add.

        :param path: The OpenAPI path.
        :param operations: HTTP method to operation object, as documented so
            far; changed in place.
        :param kwargs: What ``spec.path`` was given: ``view=``, ``rule=``,
            ``app=``.
        """
        if operations is None:
            return
        app = self.app_for(kwargs)
        settings = DEFAULTS if app is None else settings_for(app)
        for method, view, endpoint, rule in self._views(app, path, operations, kwargs):
            operation = operations[method]
            if not isinstance(operation, dict):
                continue
            policy = None
            if app is not None and endpoint is not None:
                policy = cors_policy_of(app, endpoint)
            doc = _contributions(_decorators(view, method), settings, policy)
            if doc.touched:
                if rule is not None:  # FlaskPlugin documents no path parameter
                    doc.parameters[:0] = _path_parameters(rule)
                self._merge(operation, doc)

    def _views(
        self,
        app: Flask | None,
        path: str | None,
        operations: dict[str, t.Any],
        kwargs: Mapping[str, t.Any],
    ) -> list[tuple[str, object, str | None, Rule | None]]:
        """``(method, view, endpoint, rule)`` for each operation of the path;
        the rule only when its path parameters are to be documented."""
        view = kwargs.get("view")
        rule: Rule | None = kwargs.get("rule")
        if view is None and rule is not None:  # flask-smorest
            if app is None:
                raise RuntimeError(
                    f"RespKitPlugin cannot find the view of the rule {rule.rule!r}"
                    " without the app: pass it, as RespKitPlugin(app) or"
                    " spec.path(..., app=app), or document inside"
                    " app.app_context()"
                )
            view = app.view_functions.get(rule.endpoint)
            return [(m, view, rule.endpoint, None) for m in operations if m in METHODS]
        if view is not None:  # apispec's FlaskPlugin
            endpoint, rule = _endpoint_of(app, view)
            if (
                not operations
                and rule is not None
                and self._documents(view, app, endpoint)
            ):
                # No documentation of its own (no docstring YAML): an
                # operation for each method of the view.
                methods = {m.lower() for m in rule.methods or ()}
                for method in OPERATION_METHODS:
                    if method in methods:
                        operations[method] = {}
            return [(m, view, endpoint, rule) for m in operations if m in METHODS]
        if app is None or path is None:
            return []
        # APIFlask: the view of each method of the path.
        table = self._rules_by_path(app)
        found: list[tuple[str, object, str | None, Rule | None]] = []
        for method in operations:
            by_path = table.get((path, method))
            if by_path is not None:
                function = app.view_functions.get(by_path.endpoint)
                found.append((method, function, by_path.endpoint, None))
        return found

    def _documents(self, view: object, app: Flask | None, endpoint: str | None) -> bool:
        """Whether the plugin has anything to say about ``view``."""
        if decorators_of(view) or _method_decorators(view):
            return True
        return app is not None and cors_policy_of(app, endpoint) is not None

    def _merge(self, operation: Operation, doc: _Doc) -> None:
        responses = operation.get("responses")
        if isinstance(responses, dict):
            _drop_placeholders(responses, doc)
        documented = [str(code) for code in responses or ()]
        fragment, schemes = doc.operation(documented)
        for key, value in fragment.items():
            if key == "parameters":
                self._merge_parameters(operation, value)
            elif key == "responses":
                _merge_responses(operation, value)
            elif key == "security":
                operation.setdefault("security", value)
        self._register(schemes)

    def _merge_parameters(
        self, operation: Operation, parameters: list[dict[str, t.Any]]
    ) -> None:
        mine = operation.setdefault("parameters", [])
        have = {self._parameter_key(p) for p in mine}
        for parameter in parameters:
            if (parameter["name"], parameter["in"]) not in have:
                mine.append(parameter)

    def _parameter_key(self, parameter: object) -> tuple[str, str] | None:
        """``(name, in)`` of a parameter, or of the component it refers to."""
        if isinstance(parameter, dict) and "$ref" in parameter:
            parameter = parameter["$ref"]
        if isinstance(parameter, str) and self.spec is not None:
            known = self.spec.components.parameters
            parameter = known.get(parameter.rpartition("/")[2])
        if isinstance(parameter, dict) and "name" in parameter:
            return (parameter["name"], parameter.get("in", ""))
        return None

    def _register(self, schemes: dict[str, dict[str, t.Any]]) -> None:
        if self.spec is None:
            raise APISpecError("RespKitPlugin.init_spec was not called")
        registered = self.spec.components.security_schemes
        for name, scheme in schemes.items():
            if name not in registered:  # the user's own, of the same name, wins
                self.spec.components.security_scheme(name, scheme)


#: What a framework documents for a view it knows nothing about (APIFlask's
#: ``AUTO_200_RESPONSE``): JSON of any shape.
_ANY_JSON: dict[str, t.Any] = {"application/json": {"schema": {}}}


def _drop_placeholders(responses: dict[t.Any, t.Any], doc: _Doc) -> None:
    """Remove what a framework made up and the decorators contradict: a 2xx
    response saying only "JSON of any shape" when the view answers another
    status (``created``, ``no_content``), and that JSON beside ``text/csv``
    (``csv_export`` without ``negotiate``). The user's own text says more."""
    for code, response in list(responses.items()):
        if not (str(code)[:1] == "2" and isinstance(response, dict)):
            continue
        content = response.get("content")
        if content is not None and content != _ANY_JSON:
            continue
        if doc.status is not None and str(code) != doc.status:
            if set(response) <= {"description", "content"}:
                del responses[code]
        elif content and "text/csv" in doc.content and not doc.negotiated:
            del response["content"]


def _merge_responses(operation: Operation, responses: dict[str, t.Any]) -> None:
    mine = operation.setdefault("responses", {})
    keys = {str(code): code for code in mine}
    for code, response in responses.items():
        key = keys.get(code)
        if key is None:
            mine[code] = response
        elif isinstance(mine[key], dict):
            _merge(mine[key], response)
        # A string is the name of a response component: the user's choice.


def _endpoint_of(app: Flask | None, view: object) -> tuple[str | None, Rule | None]:
    """The endpoint of ``view`` in ``app`` and its first rule, or ``None``."""
    if app is None:
        return None, None
    for endpoint, function in app.view_functions.items():
        if function is view:
            return endpoint, next(app.url_map.iter_rules(endpoint), None)
    return None, None


#: The schema of a path parameter, by the name of its Werkzeug converter.
_CONVERTER_SCHEMAS: dict[str, dict[str, t.Any]] = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "uuid": {"type": "string", "format": "uuid"},
}
_CONVERTER = re.compile(r"<(?:([^:<>(]+)(?:\([^<>]*\))?:)?([^<>]+)>")


def _path_parameters(rule: Rule) -> list[dict[str, t.Any]]:
    """The path parameters of a Flask rule (``<int:id>``: an integer ``id``)."""
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(_CONVERTER_SCHEMAS.get(converter, {"type": "string"})),
        }
        for converter, name in _CONVERTER.findall(rule.rule)
    ]


def _method_decorators(view: object) -> dict[str, tuple[ResponseDecorator, ...]]:
    """The kit's decorators on each method of a ``MethodView``'s view."""
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return {}
    found = {}
    for method in OPERATION_METHODS:
        handler = getattr(view_class, method, None)
        decorators = decorators_of(handler)
        if decorators:
            found[method] = decorators
    return found


def _decorators(view: object, method: str) -> list[ResponseDecorator]:
    """The kit's decorators of ``view`` for one HTTP method, innermost first:
    a ``MethodView`` method's own, then the view's (``decorators``); one
    decorator on both counts once."""
    found: list[ResponseDecorator] = []
    inner = _method_decorators(view).get(method, ())
    for decorator in (*inner, *decorators_of(view)):
        if decorator not in found:
            found.append(decorator)
    return found
