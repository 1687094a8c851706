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
from http import HTTPStatus

from apispec import APISpec, BasePlugin
from apispec.exceptions import APISpecError
from flask import Flask, current_app, has_app_context

from .core import ResponseDecorator, decorators_of, family_hooks
from .describe import Description, security_scheme_name
from .settings import defaults, settings_for

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Sequence

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
#: Keys of one OpenAPI object that exclude each other: the user's one wins.
_EXCLUSIVE = {
    "example": "examples",
    "examples": "example",
    "schema": "content",
    "content": "schema",
}

Operation = dict[str, t.Any]


def _success_description(code: str, doc: Description) -> str:
    if code == doc.status and doc.status_description:
        return doc.status_description
    try:
        return HTTPStatus(int(code)).phrase
    except ValueError:
        return "Success"


def _code_list(names: Iterable[str], last: str = ", ") -> str:
    """``names`` as code, ``, ``-separated; ``last`` before the last one."""
    quoted = [f"`{n}`" for n in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return last.join([", ".join(quoted[:-1]), quoted[-1]])


def _header(description: str, **more: t.Any) -> dict[str, t.Any]:
    return {"description": description, "schema": {"type": "string"}, **more}


def describe(
    decorators: Sequence[ResponseDecorator],
    settings: Mapping[str, t.Any],
    app: Flask | None = None,
    endpoint: str | None = None,
    method: str | None = None,
) -> Description | None:
    """What ``decorators`` (innermost first), and what the families apply to
    ``endpoint`` app-wide, add to an operation; ``None`` when nothing does.

    :param decorators: The kit's decorators on the view of the operation.
    :param settings: The app's ``RESPKIT_*`` settings.
    :param method: The operation's HTTP method (``"put"``), if known.
    """
    chain = list(decorators)
    if app is not None and endpoint is not None:
        for app_decorators in family_hooks("app_decorators"):
            chain.extend(app_decorators(app, endpoint, decorators))
    if not chain:
        return None
    doc = Description(method)
    for decorator in chain:
        decorator.describe(doc, settings)
    for describe_app in family_hooks("describe_app"):
        describe_app(doc, settings)
    return doc


def _success_headers(doc: Description) -> dict[str, dict[str, t.Any]]:
    headers = {**doc.headers, **doc.every_response_headers}
    if doc.link_rels or doc.link_more:
        rels = _code_list(doc.link_rels)
        more = " and others chosen per response" if doc.link_more else ""
        headers["Link"] = _header(
            f"Links (RFC 8288) with the relations {rels}{more}, as absolute"
            " URLs; a relation that does not apply is left out."
            if rels
            else "Links (RFC 8288) chosen per response, as absolute URLs."
        )
    if doc.vary:
        headers["Vary"] = _header(
            f"Lists {_code_list(doc.vary)} (besides any other name).",
            example=", ".join(doc.vary),
        )
    return headers


def operation(doc: Description, documented: Iterable[str]) -> Operation:
    """The OpenAPI operation fragment of a description.

    :param documented: The status codes the operation documents already.
    """
    success = (
        [doc.status]
        if doc.status is not None
        else [c for c in documented if c[:1] == "2"] or ["200"]
    )
    headers = _success_headers(doc)
    responses: dict[str, dict[str, t.Any]] = {}
    for code in success:
        response: dict[str, t.Any] = {"description": _success_description(code, doc)}
        if headers:
            response["headers"] = copy.deepcopy(headers)
        if doc.content and code != "204":
            response["content"] = copy.deepcopy(doc.content)
        responses[code] = response
    for code, error in doc.errors.items():
        error = responses[code] = copy.deepcopy(error)
        if doc.every_response_headers:
            found = error.setdefault("headers", {})
            for name, value in doc.every_response_headers.items():
                found.setdefault(name, copy.deepcopy(value))
    fragment: Operation = {}
    if doc.security:
        fragment["security"] = [{name: []} for name in doc.security]
    if doc.parameters:
        fragment["parameters"] = copy.deepcopy(doc.parameters)
    if responses:
        fragment["responses"] = responses
    if doc.deprecated:
        fragment["deprecated"] = True
    return fragment


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
        settings = defaults() if app is None else settings_for(app)
        for method, view, endpoint, rule in self._views(app, path, operations, kwargs):
            found = operations[method]
            if not isinstance(found, dict):
                continue
            doc = describe(_decorators(view, method), settings, app, endpoint, method)
            if doc is not None:
                if rule is not None:  # FlaskPlugin documents no path parameter
                    doc.parameters[:0] = _path_parameters(rule)
                self._merge(found, doc)

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
        if app is None or endpoint is None:
            return False
        return any(
            app_decorators(app, endpoint, ())
            for app_decorators in family_hooks("app_decorators")
        )

    def _merge(self, found: Operation, doc: Description) -> None:
        responses = found.get("responses")
        if isinstance(responses, dict):
            _drop_placeholders(responses, doc)
        documented = [str(code) for code in responses or ()]
        for key, value in operation(doc, documented).items():
            if key == "parameters":
                self._merge_parameters(found, value)
            elif key == "responses":
                _merge_responses(found, value)
            else:  # security, deprecated: the user's own wins
                found.setdefault(key, value)
        self._register(doc)

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

    def _register(self, doc: Description) -> None:
        """Register the security schemes and components ``doc`` names; a
        component of the same name that is registered already (the user's own)
        wins."""
        if self.spec is None:
            raise APISpecError("RespKitPlugin.init_spec was not called")
        components = self.spec.components
        for name, scheme in doc.security.items():
            if name not in components.security_schemes:
                components.security_scheme(name, copy.deepcopy(scheme))
        for name, schema in doc.components.get("schemas", {}).items():
            if name not in components.schemas:
                components.schema(name, copy.deepcopy(schema))


#: What a framework documents for a view it knows nothing about (APIFlask's
#: ``AUTO_200_RESPONSE``): JSON of any shape.
_ANY_JSON: dict[str, t.Any] = {"application/json": {"schema": {}}}


def _drop_placeholders(responses: dict[t.Any, t.Any], doc: Description) -> None:
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
        elif content and doc.content and "application/json" not in doc.content:
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
