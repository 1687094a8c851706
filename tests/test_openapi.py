"""RespKitPlugin: every kit decorator documents what it adds, through apispec's
FlaskPlugin, flask-smorest and APIFlask, in OpenAPI 3.0 and 3.1; every spec
these tests generate is checked with openapi-spec-validator."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing as t
import warnings
from pathlib import Path

import marshmallow as ma
import pytest
from apispec import APISpec
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask
from flask.views import MethodView
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from openapi_spec_validator import validate

import flask_respkit
from flask_respkit import (
    Link,
    RespKit,
    auth_challenge,
    cache_control,
    conditional,
    cors,
    created,
    csv_export,
    headers,
    link_header,
    no_content,
    paginate,
    response_decorator,
    vary,
)
from flask_respkit.openapi import RespKitPlugin, security_scheme_name

with warnings.catch_warnings():
    # APIFlask imports werkzeug.http.HTTP_STATUS_CODES, deprecated in Werkzeug 3.2.
    warnings.filterwarnings("ignore", "The 'HTTP_STATUS_CODES'", DeprecationWarning)
    from apiflask import APIBlueprint, APIFlask
    from apiflask.views import MethodView as APIFlaskMethodView

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ("3.0.3", "3.1.0")
F = t.TypeVar("F", bound=t.Callable[..., t.Any])
Spec = dict[str, t.Any]


def allow(authorization: object) -> bool:
    return True


@response_decorator
def no_store(response: t.Any) -> None:
    response.headers["Cache-Control"] = "no-store"


# -- One harness per integration ----------------------------------------------


class Harness:
    """Routes on a blueprint of one integration, then the spec it generates.

    :param version: The OpenAPI version to write.
    :param config: App config (``RESPKIT_*``), set before ``RespKit(app)``.
    :param schemes: Security schemes the user registers before the paths.
    """

    name = ""
    MethodView: type = MethodView

    def __init__(
        self,
        version: str,
        config: dict[str, t.Any] | None = None,
        schemes: dict[str, dict[str, t.Any]] | None = None,
    ) -> None:
        self.version = version
        self.schemes = schemes or {}
        self.app = self.make_app()
        self.app.config["TESTING"] = True
        self.app.config["SECRET_KEY"] = "openapi tests"
        self.app.config.update(config or {})
        RespKit(self.app)
        self.bp = self.make_blueprint()

    def make_app(self) -> Flask:
        return Flask(__name__)

    def make_blueprint(self) -> t.Any:
        return Blueprint("api", __name__)

    def route(self, rule: str, *methods: str) -> t.Callable[[F], F]:
        return t.cast(
            "t.Callable[[F], F]", self.bp.route(rule, methods=list(methods or ["GET"]))
        )

    def add_view(self, rule: str, view_class: type) -> None:
        self.bp.add_url_rule(rule, view_func=view_class.as_view(view_class.__name__))

    def own(self, method: str, operation: dict[str, t.Any]) -> t.Callable[[F], F]:
        """A decorator giving the view the user's own OpenAPI text for one
        operation (here: YAML in the docstring, which apispec's FlaskPlugin
        reads). Put it right under the route."""

        def decorate(view: F) -> F:
            view.__doc__ = "Own docs.\n---\n" + json.dumps({method: operation})
            return view

        return decorate

    def generate(self) -> Spec:
        self.app.register_blueprint(self.bp)
        spec = APISpec(
            "t", "1.0", self.version, plugins=[FlaskPlugin(), RespKitPlugin()]
        )
        for name, scheme in self.schemes.items():
            spec.components.security_scheme(name, scheme)
        with self.app.test_request_context():
            for rule in self.app.url_map.iter_rules():
                if rule.endpoint != "static":
                    spec.path(view=self.app.view_functions[rule.endpoint])
        return t.cast(Spec, spec.to_dict())

    def spec(self) -> Spec:
        """The spec, validated."""
        document = self.generate()
        assert document["openapi"] == self.version
        validate(document)
        return document


class FlaskHarness(Harness):
    name = "apispec"


class SmorestHarness(Harness):
    name = "flask-smorest"

    def make_blueprint(self) -> t.Any:
        return SmorestBlueprint("api", __name__)

    def add_view(self, rule: str, view_class: type) -> None:
        self.bp.route(rule)(view_class)

    def own(self, method: str, operation: dict[str, t.Any]) -> t.Callable[[F], F]:
        return t.cast("t.Callable[[F], F]", self.bp.doc(**operation))

    def generate(self) -> Spec:
        self.app.config.update(
            API_TITLE="t", API_VERSION="1.0", OPENAPI_VERSION=self.version
        )
        api = Api(self.app, spec_kwargs={"extra_plugins": [RespKitPlugin(self.app)]})
        for name, scheme in self.schemes.items():
            api.spec.components.security_scheme(name, scheme)
        api.register_blueprint(self.bp)
        return t.cast(Spec, api.spec.to_dict())


class APIFlaskHarness(Harness):
    name = "APIFlask"
    MethodView = APIFlaskMethodView

    def make_app(self) -> Flask:
        app = APIFlask(__name__, spec_plugins=[RespKitPlugin()])
        app.config["OPENAPI_VERSION"] = self.version
        app.config["SECURITY_SCHEMES"] = self.schemes
        return app

    def make_blueprint(self) -> t.Any:
        return APIBlueprint("api", __name__)

    def own(self, method: str, operation: dict[str, t.Any]) -> t.Callable[[F], F]:
        """APIFlask's ``doc`` (responses, security) and ``input`` (query
        parameters)."""
        operation = dict(operation)
        parameters = operation.pop("parameters", [])

        def decorate(view: F) -> F:
            if parameters:
                fields = {
                    p["name"]: ma.fields.Integer(
                        metadata={"description": p["description"]}
                    )
                    for p in parameters
                }
                view = self.bp.input(
                    ma.Schema.from_dict(fields)(), location="query", arg_name="q"
                )(view)
            return t.cast(F, self.bp.doc(**operation)(view))

        return decorate

    def generate(self) -> Spec:
        self.app.register_blueprint(self.bp)
        response = self.app.test_client().get("/openapi.json")
        assert response.status_code == 200
        return t.cast(Spec, response.json)


HARNESSES = (FlaskHarness, SmorestHarness, APIFlaskHarness)


@pytest.fixture(
    params=[(h, v) for h in HARNESSES for v in VERSIONS],
    ids=lambda p: f"{p[0].name}-{p[1]}",
)
def kit(request: pytest.FixtureRequest) -> t.Callable[..., Harness]:
    """Make a harness of one integration and OpenAPI version."""
    harness, version = request.param

    def make(**options: t.Any) -> Harness:
        return t.cast(Harness, harness(version, **options))

    return make


# -- Reading a spec -----------------------------------------------------------


def operation(spec: Spec, path: str, method: str = "get") -> dict[str, t.Any]:
    return t.cast("dict[str, t.Any]", spec["paths"][path][method])


def response(op: dict[str, t.Any], code: str) -> dict[str, t.Any]:
    found = {str(k): v for k, v in op["responses"].items()}
    assert code in found, f"no {code} response in {sorted(found)}"
    return t.cast("dict[str, t.Any]", found[code])


def header(op: dict[str, t.Any], code: str, name: str) -> dict[str, t.Any]:
    found = {k.lower(): v for k, v in response(op, code).get("headers", {}).items()}
    assert name.lower() in found, f"no {name} on {code}: {sorted(found)}"
    return t.cast("dict[str, t.Any]", found[name.lower()])


def headers_on(op: dict[str, t.Any], code: str) -> set[str]:
    return {k.lower() for k in response(op, code).get("headers", {})}


def parameter(op: dict[str, t.Any], name: str) -> dict[str, t.Any]:
    found = [p for p in op.get("parameters", []) if p.get("name") == name]
    assert len(found) == 1, f"{name}: {found}"
    return t.cast("dict[str, t.Any]", found[0])


def parameter_names(op: dict[str, t.Any]) -> list[str]:
    return [p["name"] for p in op.get("parameters", []) if "name" in p]


def codes(op: dict[str, t.Any]) -> set[str]:
    return {str(code) for code in op["responses"]}


# -- paginate -----------------------------------------------------------------


def test_paginate_documents_its_query_parameters(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    @h.route("/items")
    @paginate(per_page=25, max_per_page=50)
    def items(**kwargs: t.Any) -> list[t.Any]:
        return []

    op = operation(h.spec(), "/items")
    page = parameter(op, "page")
    assert page["in"] == "query"
    assert page["required"] is False
    assert page["schema"] == {"type": "integer", "minimum": 1, "default": 1}
    per_page = parameter(op, "per_page")
    assert per_page["in"] == "query"
    assert per_page["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 50,
        "default": 25,
    }
    assert "50" in per_page["description"]  # larger numbers are lowered to it


def test_paginate_documents_links_total_and_bad_arguments(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/items")
    @paginate()
    def items(**kwargs: t.Any) -> list[t.Any]:
        return []

    op = operation(h.spec(), "/items")
    link = header(op, "200", "Link")
    assert link["schema"] == {"type": "string"}
    for rel in ("first", "prev", "next", "last"):
        assert f"`{rel}`" in link["description"]
    total = header(op, "200", "X-Total-Count")
    assert total["schema"] == {"type": "integer", "minimum": 0}
    assert total["description"]
    bad = response(op, "400")
    assert "`page`" in bad["description"]
    assert "`per_page`" in bad["description"]


def test_paginate_takes_the_apps_settings(kit: t.Callable[..., Harness]) -> None:
    h = kit(config={"RESPKIT_PER_PAGE": 15, "RESPKIT_MAX_PER_PAGE": 60})

    @h.route("/items")
    @paginate(page_param="p", per_page_param="size")
    def items(**kwargs: t.Any) -> list[t.Any]:
        return []

    op = operation(h.spec(), "/items")
    assert "page" not in parameter_names(op)
    assert parameter(op, "p")["schema"]["minimum"] == 1
    schema = parameter(op, "size")["schema"]
    assert (schema["default"], schema["maximum"]) == (15, 60)


def test_paginate_without_page_size_parameter_or_count(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/items")
    @paginate(per_page=10, per_page_param=None, count=False)
    def items(**kwargs: t.Any) -> list[t.Any]:
        return []

    op = operation(h.spec(), "/items")
    assert "per_page" not in parameter_names(op)
    assert "page" in parameter_names(op)
    assert "x-total-count" not in headers_on(op, "200")
    assert "link" in headers_on(op, "200")


def test_cursor_pagination_documents_cursor_and_page_size(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/events")
    @paginate(cursor=("-created_at", "id"), max_per_page=40)
    def events(**kwargs: t.Any) -> list[t.Any]:
        return []

    op = operation(h.spec(), "/events")
    names = parameter_names(op)
    assert "page" not in names
    assert parameter(op, "cursor")["schema"] == {"type": "string"}
    assert parameter(op, "per_page")["schema"]["maximum"] == 40
    link = header(op, "200", "Link")["description"]
    assert "`first`" in link
    assert "`next`" in link
    assert "`last`" not in link
    assert "`prev`" not in link
    assert "x-total-count" not in headers_on(op, "200")  # keyset pages never count
    assert "`cursor`" in response(op, "400")["description"]


# -- auth_challenge -----------------------------------------------------------


def test_basic_challenge_is_an_http_basic_security_scheme(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/reports")
    @auth_challenge("Basic", realm="Reports")
    def reports() -> str:
        return ""

    spec = h.spec()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["basicAuth"]["type"] == "http"
    assert schemes["basicAuth"]["scheme"] == "basic"
    op = operation(spec, "/reports")
    assert op["security"] == [{"basicAuth": []}]
    unauthorized = response(op, "401")
    challenge = header(op, "401", "WWW-Authenticate")
    assert challenge["schema"] == {"type": "string"}
    assert challenge["example"] == 'Basic realm="Reports", charset="UTF-8"'
    assert "WWW-Authenticate" in unauthorized["description"]
    assert "403" not in codes(op)  # no verify: nothing forbids


def test_bearer_guard_documents_401_body_and_403(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/admin", "POST")
    @auth_challenge("Bearer", realm="admin", verify=allow, scope="write")
    def admin() -> str:
        return ""

    spec = h.spec()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "HTTP `Bearer` authentication in `Authorization`.",
    }
    op = operation(spec, "/admin", "post")
    assert op["security"] == [{"bearerAuth": []}]
    challenge = header(op, "401", "WWW-Authenticate")
    assert challenge["example"] == 'Bearer realm="admin", scope="write"'
    content = response(op, "401")["content"]
    assert content["application/json"]["schema"]["properties"] == {
        "message": {"type": "string"}
    }
    assert content["text/plain"]["schema"] == {"type": "string"}
    assert response(op, "403")["description"]


def test_challenge_scheme_and_realm_from_the_apps_settings(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit(config={"RESPKIT_AUTH_SCHEME": "Basic", "RESPKIT_AUTH_REALM": "staff"})

    @h.route("/staff")
    @auth_challenge()
    def staff() -> str:
        return ""

    spec = h.spec()
    op = operation(spec, "/staff")
    assert op["security"] == [{"basicAuth": []}]
    assert "bearerAuth" not in spec["components"]["securitySchemes"]
    example = header(op, "401", "WWW-Authenticate")["example"]
    assert example == 'Basic realm="staff", charset="UTF-8"'


def test_default_challenge_is_bearer(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    @h.route("/me")
    @auth_challenge()
    def me() -> str:
        return ""

    op = operation(h.spec(), "/me")
    assert op["security"] == [{"bearerAuth": []}]
    example = header(op, "401", "WWW-Authenticate")["example"]
    assert example == 'Bearer realm="Authentication Required"'


def test_other_schemes_are_http_if_registered_else_api_keys(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/digest")
    @auth_challenge("Digest", realm="d", nonce="abc")
    def digest() -> str:
        return ""

    @h.route("/token")
    @auth_challenge("Token")
    def token() -> str:
        return ""

    spec = h.spec()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["digestAuth"]["type"] == "http"
    assert schemes["digestAuth"]["scheme"] == "digest"
    assert schemes["tokenAuth"]["type"] == "apiKey"
    assert schemes["tokenAuth"]["in"] == "header"
    assert schemes["tokenAuth"]["name"] == "Authorization"
    assert "Token" in schemes["tokenAuth"]["description"]
    assert operation(spec, "/token")["security"] == [{"tokenAuth": []}]


def test_stacked_challenges_are_alternatives_top_first(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/either")
    @auth_challenge("Bearer", realm="api")
    @auth_challenge("Basic", realm="api")
    def either() -> str:
        return ""

    op = operation(h.spec(), "/either")
    assert op["security"] == [{"bearerAuth": []}, {"basicAuth": []}]
    description = header(op, "401", "WWW-Authenticate")["description"]
    assert description.index("Bearer") < description.index("Basic")


def test_security_scheme_names() -> None:
    assert security_scheme_name("Bearer") == "bearerAuth"
    assert security_scheme_name("SCRAM-SHA-256") == "scram-sha-256Auth"
    assert security_scheme_name("My!Scheme") == "my_schemeAuth"


# -- csv_export ---------------------------------------------------------------


def test_csv_export_documents_text_csv_and_content_disposition(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/orders.csv")
    @csv_export({"id": "Order", "total": "Total"}, filename="orders.csv")
    def orders() -> list[t.Any]:
        return []

    op = operation(h.spec(), "/orders.csv")
    content = response(op, "200")["content"]
    assert set(content) == {"text/csv"}  # no negotiate: never JSON
    assert content["text/csv"]["schema"]["type"] == "string"
    assert "`Order`, `Total`" in content["text/csv"]["schema"]["description"]
    disposition = header(op, "200", "Content-Disposition")
    assert disposition["schema"] == {"type": "string"}
    assert disposition["example"] == 'attachment; filename="orders.csv"'
    assert "format" not in parameter_names(op)


def test_negotiated_csv_export_documents_json_too(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/orders")
    @csv_export(["id", "total"], negotiate=True)
    def orders() -> list[t.Any]:
        return []

    op = operation(h.spec(), "/orders")
    content = response(op, "200")["content"]
    assert content["text/csv"]["schema"]["type"] == "string"
    assert content["application/json"]["schema"]["type"] == "array"
    items = content["application/json"]["schema"]["items"]
    assert items == {"type": "object", "properties": {"id": {}, "total": {}}}
    assert parameter(op, "format")["schema"] == {
        "type": "string",
        "enum": ["csv", "json"],
    }
    assert "`Accept`" in header(op, "200", "Vary")["description"]
    assert "content-disposition" not in headers_on(op, "200")


# -- no_content, created, headers, vary, link_header --------------------------


def test_no_content_is_a_204_without_content(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    @h.route("/items/<int:id>", "DELETE")
    @headers(x_frame_options="DENY")
    @no_content
    def delete_item(id: int) -> str:
        return ""

    op = operation(h.spec(), "/items/{id}", "delete")
    no_body = response(op, "204")
    assert "content" not in no_body
    assert "200" not in codes(op)  # a 2xx always becomes 204
    assert header(op, "204", "X-Frame-Options")["schema"]["enum"] == ["DENY"]


def test_created_is_a_201_with_location(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    @h.route("/items", "POST")
    @created("/items/1")
    def add_item() -> dict[str, t.Any]:
        return {}

    op = operation(h.spec(), "/items", "post")
    location = header(op, "201", "Location")
    assert location["schema"] == {"type": "string", "format": "uri"}
    assert location["description"]
    assert "200" not in codes(op)


def test_headers_and_vary_document_their_headers(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/page")
    @headers(
        {"Content-Security-Policy": "default-src 'self'"},
        cache_control="no-cache",
        content_type="text/html",
        x_removed=None,
    )
    @vary("Accept", "Accept-Language")
    def page() -> str:
        return ""

    op = operation(h.spec(), "/page")
    csp = header(op, "200", "Content-Security-Policy")
    assert csp["schema"] == {"type": "string", "enum": ["default-src 'self'"]}
    assert "default-src 'self'" in csp["description"]
    assert header(op, "200", "Cache-Control")["schema"]["enum"] == ["no-cache"]
    assert "content-type" not in headers_on(op, "200")  # OpenAPI ignores it
    assert "x-removed" not in headers_on(op, "200")  # None removes a header
    vary_header = header(op, "200", "Vary")
    assert vary_header["schema"] == {"type": "string"}
    assert vary_header["example"] == "Accept, Accept-Language"


def test_link_header_documents_its_relations(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    @h.route("/users/<int:id>")
    @link_header(
        Link("/docs/user", "describedby"),
        lambda response: None,
        collection="/users",
    )
    def user(id: int) -> dict[str, t.Any]:
        return {}

    op = operation(h.spec(), "/users/{id}")
    link = header(op, "200", "Link")
    assert link["schema"] == {"type": "string"}
    assert "`describedby`" in link["description"]
    assert "`collection`" in link["description"]
    assert "others chosen per response" in link["description"]


def test_pagination_and_link_header_share_one_link_header(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/items")
    @link_header(describedby="/schema")
    @paginate()
    def items(**kwargs: t.Any) -> list[t.Any]:
        return []

    op = operation(h.spec(), "/items")
    description = header(op, "200", "Link")["description"]
    assert "`next`" in description
    assert "`describedby`" in description


def test_own_response_decorators_add_nothing_but_a_success_response(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/plain")
    @no_store
    def plain() -> str:
        return ""

    op = operation(h.spec(), "/plain")
    assert codes(op) >= {"200"}
    assert "security" not in op
    assert not [p for p in op.get("parameters", []) if p["in"] == "query"]


# -- conditional, cache_control -----------------------------------------------


def _version(**kwargs: t.Any) -> str:
    return "v1"


def _changed(**kwargs: t.Any) -> t.Any:
    return None


def test_conditional_documents_validators_and_answers(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/items/<int:id>", "GET", "PUT")
    @conditional(etag=_version, last_modified=_changed, require_precondition=True)
    def item(id: int) -> dict[str, t.Any]:
        return {}

    spec = h.spec()
    for method in ("get", "put"):
        op = operation(spec, "/items/{id}", method)
        names = parameter_names(op)
        for name in ("If-None-Match", "If-Match", "If-Modified-Since"):
            found = parameter(op, name)
            assert (found["in"], found["required"]) == ("header", False)
            assert found["schema"] == {"type": "string"}
        assert "If-Unmodified-Since" in names
        assert "weak comparison" in parameter(op, "If-None-Match")["description"]
        assert "strong comparison" in parameter(op, "If-Match")["description"]
        success = "200"
        etag = header(op, success, "ETag")
        assert etag["example"] == '"v1"'
        assert "strong" in etag["description"]
        assert header(op, success, "Last-Modified")["schema"] == {"type": "string"}
        assert codes(op) >= {"400", "412"}
        assert "`If-Match`" in response(op, "412")["description"]
    # Each operation gets the answers of its own method: a 304 for GET, a
    # 428 for the PUT that must be conditional.
    get, put = (operation(spec, "/items/{id}", m) for m in ("get", "put"))
    assert "304" in codes(get)
    assert "428" not in codes(get)
    assert "ETag" in response(get, "304")["headers"]
    assert "content" not in response(get, "304")
    assert "304" not in codes(put)
    assert "DELETE, PATCH, PUT" in response(put, "428")["description"]


def test_conditional_says_only_what_it_does(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    @h.route("/weak")
    @conditional(etag=_version, weak=True)
    def weak() -> str:
        return ""

    @h.route("/auto")
    @conditional(etag="auto")
    def auto() -> str:
        return ""

    spec = h.spec()
    op = operation(spec, "/weak")
    assert "428" not in codes(op)  # nothing required
    assert "If-Modified-Since" not in parameter_names(op)  # no date
    assert "last-modified" not in headers_on(op, "200")
    assert header(op, "200", "ETag")["example"] == 'W/"v1"'
    assert (
        "hash of the body"
        in header(operation(spec, "/auto"), "200", "ETag")["description"]
    )


@pytest.mark.parametrize("cache_on_top", [True, False])
def test_the_304_gets_what_the_chain_puts_on_it(
    kit: t.Callable[..., Harness], cache_on_top: bool
) -> None:
    h = kit()
    cache = cache_control(max_age=60, private=True)
    made = conditional(etag=_version)

    def view() -> str:
        return ""

    wrapped = cache(made(view)) if cache_on_top else made(cache(view))
    h.route("/page")(cors("https://app.example.com")(vary("Accept")(wrapped)))
    op = operation(h.spec(), "/page")
    cache_header = header(op, "200", "Cache-Control")
    assert cache_header["example"] == "private, max-age=60"
    on_304 = headers_on(op, "304")
    assert {"etag", "cache-control", "vary", "access-control-allow-origin"} <= on_304
    assert header(op, "304", "Vary")["example"] == "Accept, Origin"
    assert "cache-control" not in headers_on(op, "412")  # never on errors


def test_cache_control_alone(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    @h.route("/assets")
    @cache_control(max_age=3600, public=True, immutable=True)
    def assets() -> str:
        return ""

    op = operation(h.spec(), "/assets")
    assert header(op, "200", "Cache-Control")["example"] == (
        "public, max-age=3600, immutable"
    )
    assert "304" not in codes(op)


# -- cors ---------------------------------------------------------------------


def test_cors_headers_are_documented_on_error_responses_too(
    kit: t.Callable[..., Harness],
) -> None:
    # CORS headers reach the kit's error responses (the guard's 401, the 400
    # of a bad page): the spec says so on each of them.
    h = kit()

    @h.route("/guarded")
    @cors("https://app.example.com")
    @auth_challenge("Bearer", verify=allow)
    @paginate()
    def guarded(pagination: t.Any) -> list[int]:
        return []

    op = operation(h.spec(), "/guarded")
    for code in ("200", "400", "401", "403"):
        assert "access-control-allow-origin" in headers_on(op, code), code
        assert "access-control-expose-headers" in headers_on(op, code), code
    assert "www-authenticate" in headers_on(op, "401")


def test_cors_documents_its_response_headers(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    @h.route("/private")
    @cors("https://app.example.com", allow_credentials=True, expose_headers=["X-Id"])
    def private() -> str:
        return ""

    @h.route("/public")
    @cors()
    def public() -> str:
        return ""

    spec = h.spec()
    op = operation(spec, "/private")
    assert header(op, "200", "Access-Control-Allow-Origin")["schema"] == {
        "type": "string"
    }
    assert header(op, "200", "Access-Control-Allow-Credentials")["schema"] == {
        "type": "string",
        "enum": ["true"],
    }
    exposed = header(op, "200", "Access-Control-Expose-Headers")
    assert exposed["example"].startswith("X-Id, Link, X-Total-Count")
    assert "`Origin`" in header(op, "200", "Vary")["description"]

    op = operation(spec, "/public")
    origin = header(op, "200", "Access-Control-Allow-Origin")
    assert origin["schema"] == {"type": "string", "enum": ["*"]}
    assert "access-control-allow-credentials" not in headers_on(op, "200")
    assert "vary" not in headers_on(op, "200")  # "*" does not depend on Origin


def test_cors_given_to_the_blueprint_documents_every_route(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()

    @h.route("/a")
    def a() -> str:
        return ""

    @h.route("/b", "POST")
    @created("/b/1")
    def b() -> str:
        return ""

    cors("https://app.example.com", max_age=60)(h.bp)
    spec = h.spec()
    for op, code in (
        (operation(spec, "/a"), "200"),
        (operation(spec, "/b", "post"), "201"),
    ):
        assert "access-control-allow-origin" in headers_on(op, code)
        assert "access-control-expose-headers" in headers_on(op, code)


def test_cors_options_default_to_the_apps_settings(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit(
        config={
            "RESPKIT_CORS_ORIGINS": ["https://app.example.com"],
            "RESPKIT_CORS_ALLOW_CREDENTIALS": True,
        }
    )

    @h.route("/x")
    @cors()
    def x() -> str:
        return ""

    op = operation(h.spec(), "/x")
    assert "access-control-allow-credentials" in headers_on(op, "200")


# -- where the headers go -----------------------------------------------------


def test_everything_together_on_a_method_view(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    class Item(h.MethodView):  # type: ignore[name-defined,misc]
        decorators: t.ClassVar = [auth_challenge("Basic", realm="items")]

        @headers(cache_control="max-age=60")
        def get(self, id: int) -> dict[str, t.Any]:
            return {}

        @no_content
        def delete(self, id: int) -> str:
            return ""

    h.add_view("/items/<int:id>", Item)
    spec = h.spec()
    get = operation(spec, "/items/{id}")
    delete = operation(spec, "/items/{id}", "delete")
    for op in (get, delete):
        assert op["security"] == [{"basicAuth": []}]
        assert "401" in codes(op)
    assert "cache-control" in headers_on(get, "200")
    assert "204" in codes(delete)
    assert "200" not in codes(delete)
    assert "204" not in codes(get)


def test_cors_on_one_method_of_a_method_view(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    class Thing(h.MethodView):  # type: ignore[name-defined,misc]
        @cors("https://app.example.com")
        def get(self) -> str:
            return ""

        @headers(x_thing="1")
        def post(self) -> str:
            return ""

    h.add_view("/thing", Thing)
    spec = h.spec()
    assert "access-control-allow-origin" in headers_on(operation(spec, "/thing"), "200")
    post = operation(spec, "/thing", "post")
    assert "access-control-allow-origin" not in {
        name.lower()
        for r in post["responses"].values()
        for name in r.get("headers", {})
    }


# -- the user's own documentation wins ----------------------------------------


def test_own_documentation_is_kept_and_completed(kit: t.Callable[..., Harness]) -> None:
    h = kit()
    own = {
        "parameters": [
            {
                "name": "page",
                "in": "query",
                "description": "Which page (mine)",
                "schema": {"type": "integer"},
            }
        ],
        "responses": {
            "200": {
                "description": "Mine: the items",
                "headers": {
                    "link": {
                        "description": "Mine: the links",
                        "schema": {"type": "string"},
                    },
                    "X-Total-Count": {"schema": {"type": "string"}},
                },
            }
        },
    }

    @h.route("/items")
    @h.own("get", own)
    @headers(cache_control="no-cache")
    @paginate()
    def items(**kwargs: t.Any) -> list[t.Any]:
        return []

    op = operation(h.spec(), "/items")
    page = parameter(op, "page")  # not documented twice
    assert page["description"] == "Which page (mine)"
    assert "minimum" not in page["schema"]  # the user's schema is kept whole
    assert parameter(op, "per_page")["schema"]["maximum"] == 100  # added
    ok = response(op, "200")
    assert ok["description"] == "Mine: the items"
    link = header(op, "200", "Link")
    assert link["description"] == "Mine: the links"
    assert [k for k in ok["headers"] if k.lower() == "link"] == ["link"]
    total = header(op, "200", "X-Total-Count")
    assert total["schema"] == {"type": "string"}  # the user's schema, whole
    assert total["description"]  # what was missing is added
    assert "cache-control" in headers_on(op, "200")
    assert "400" in codes(op)


def test_own_security_requirement_and_scheme_win(
    kit: t.Callable[..., Harness],
) -> None:
    mine = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    h = kit(
        schemes={"bearerAuth": mine, "userAuth": {"type": "http", "scheme": "basic"}}
    )

    @h.route("/me")
    @h.own("get", {"security": [{"userAuth": []}]})
    @auth_challenge("Bearer")
    def me() -> str:
        return ""

    @h.route("/you")
    @auth_challenge("Bearer")
    def you() -> str:
        return ""

    spec = h.spec()
    assert operation(spec, "/me")["security"] == [{"userAuth": []}]
    assert "401" in codes(operation(spec, "/me"))
    assert spec["components"]["securitySchemes"]["bearerAuth"] == mine
    assert operation(spec, "/you")["security"] == [{"bearerAuth": []}]


def test_own_examples_are_not_joined_by_an_example(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()
    examples = {"api": {"value": 'Bearer realm="api"'}}
    own = {
        "responses": {
            "401": {
                "description": "Mine",
                "headers": {
                    "WWW-Authenticate": {
                        "schema": {"type": "string"},
                        "examples": examples,
                    }
                },
            }
        }
    }

    @h.route("/me")
    @h.own("get", own)
    @auth_challenge("Bearer", realm="api")
    def me() -> str:
        return ""

    challenge = header(operation(h.spec(), "/me"), "401", "WWW-Authenticate")
    assert challenge["examples"] == examples
    assert "example" not in challenge  # OpenAPI allows one of the two
    assert "`Bearer" in challenge["description"]  # what was missing is added


def test_own_success_status_gets_the_headers(kit: t.Callable[..., Harness]) -> None:
    h = kit()

    @h.route("/jobs", "POST")
    @h.own("post", {"responses": {"202": {"description": "Mine: accepted"}}})
    @headers(retry_after="5")
    def start_job() -> tuple[str, int]:
        return "", 202

    op = operation(h.spec(), "/jobs", "post")
    assert response(op, "202")["description"] == "Mine: accepted"
    assert "retry-after" in headers_on(op, "202")


def test_own_csv_response_keeps_its_description(
    kit: t.Callable[..., Harness],
) -> None:
    h = kit()
    own = {
        "responses": {
            "200": {
                "description": "Mine: every order",
                "headers": {
                    "Content-Disposition": {
                        "description": "Mine",
                        "schema": {"type": "string"},
                    }
                },
            }
        }
    }

    @h.route("/orders.csv")
    @h.own("get", own)
    @csv_export(["id"], filename="orders.csv")
    def orders() -> list[t.Any]:
        return []

    op = operation(h.spec(), "/orders.csv")
    assert response(op, "200")["description"] == "Mine: every order"
    assert header(op, "200", "Content-Disposition")["description"] == "Mine"
    assert "text/csv" in response(op, "200")["content"]


# -- The plugin itself --------------------------------------------------------


def test_plain_apispec_creates_operations_only_for_kit_views() -> None:
    app = Flask(__name__)

    @app.get("/kit")
    @no_content
    def kit_view() -> str:
        return ""

    @app.get("/plain")
    def plain() -> str:
        return ""

    spec = APISpec("t", "1.0", "3.1.0", plugins=[FlaskPlugin(), RespKitPlugin()])
    spec.path(view=kit_view, app=app)  # no app context: the app given here
    spec.path(view=plain, app=app)
    paths = spec.to_dict()["paths"]
    assert set(paths["/kit"]) == {"get"}
    assert paths["/plain"] == {}  # untouched, as FlaskPlugin alone leaves it


def test_plugin_app_gives_the_settings_outside_an_app_context() -> None:
    app = Flask(__name__)
    app.config["RESPKIT_PER_PAGE"] = 7
    RespKit(app)

    @app.get("/items")
    @paginate()
    def items(pagination: t.Any) -> list[t.Any]:
        return []

    spec = APISpec("t", "1.0", "3.0.3", plugins=[FlaskPlugin(), RespKitPlugin(app)])
    spec.path(view=items, app=app)
    op = spec.to_dict()["paths"]["/items"]["get"]
    assert parameter(op, "per_page")["schema"]["default"] == 7


def test_path_parameters_of_created_operations() -> None:
    app = Flask(__name__)

    @app.route("/a/<int:x>/<float:y>/<uuid:z>/<w>/<any(p, q):v>", methods=["PUT"])
    @no_content
    def put(**kwargs: t.Any) -> str:
        return ""

    spec = APISpec("t", "1.0", "3.0.3", plugins=[FlaskPlugin(), RespKitPlugin()])
    spec.path(view=put, app=app)
    document = spec.to_dict()
    validate(document)
    op = document["paths"]["/a/{x}/{y}/{z}/{w}/{v}"]["put"]
    schemas = {p["name"]: p["schema"] for p in op["parameters"]}
    assert schemas == {
        "x": {"type": "integer"},
        "y": {"type": "number"},
        "z": {"type": "string", "format": "uuid"},
        "w": {"type": "string"},
        "v": {"type": "string"},
    }


def test_refs_the_user_gave_are_left_alone() -> None:
    app = Flask(__name__)

    @app.get("/items")
    @paginate()
    def items(pagination: t.Any) -> list[t.Any]:
        """Items.
        ---
        get:
          parameters:
            - Page
          responses:
            200: Items
            206:
              description: Part of the items.
              headers:
                Link: {$ref: "#/components/headers/Pages"}
        """
        return []

    spec = APISpec("t", "1.0", "3.0.3", plugins=[FlaskPlugin(), RespKitPlugin()])
    spec.components.parameter(
        "Page", "query", {"name": "page", "schema": {"type": "integer"}}
    )
    spec.components.response("Items", {"description": "The items"})
    spec.components.header("Pages", {"schema": {"type": "string"}})
    spec.path(view=items, app=app)
    document = spec.to_dict()
    validate(document)
    op = document["paths"]["/items"]["get"]
    assert op["responses"]["200"] == {"$ref": "#/components/responses/Items"}
    partial = op["responses"]["206"]["headers"]
    assert partial["Link"] == {"$ref": "#/components/headers/Pages"}
    assert "X-Total-Count" in partial
    assert op["parameters"][0] == {"$ref": "#/components/parameters/Page"}
    assert parameter_names(op) == ["per_page"]  # page is the user's component


def test_a_204_never_gets_content() -> None:
    app = Flask(__name__)

    @app.get("/gone")
    @no_content
    @csv_export(["id"])
    def gone() -> list[t.Any]:
        return []

    spec = APISpec("t", "1.0", "3.0.3", plugins=[FlaskPlugin(), RespKitPlugin()])
    spec.path(view=gone, app=app)
    assert spec.to_dict()["paths"]["/gone"]["get"]["responses"]["204"] == {
        "description": "No Content: the request succeeded; there is no body."
    }


def test_smorest_without_the_app_says_how_to_give_it() -> None:
    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    blp = SmorestBlueprint("api", __name__)

    @blp.route("/items")
    @paginate()
    def items(pagination: t.Any) -> list[t.Any]:
        return []

    api = Api(app, spec_kwargs={"extra_plugins": [RespKitPlugin()]})
    with pytest.raises(RuntimeError, match=r"RespKitPlugin\(app\)"):
        api.register_blueprint(blp)


def test_smorest_in_an_app_context_needs_no_app_argument() -> None:
    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.1.0")
    app.config["RESPKIT_MAX_PER_PAGE"] = 30
    RespKit(app)
    blp = SmorestBlueprint("api", __name__)

    @blp.route("/items")
    @paginate()
    def items(pagination: t.Any) -> list[t.Any]:
        return []

    with app.app_context():
        api = Api(app, spec_kwargs={"extra_plugins": [RespKitPlugin()]})
        api.register_blueprint(blp)
    document = api.spec.to_dict()
    validate(document)
    op = document["paths"]["/items"]["get"]
    assert parameter(op, "per_page")["schema"]["maximum"] == 30


def test_apiflask_spec_outside_a_request_with_the_app_given() -> None:
    app = APIFlask(__name__)
    app.spec_plugins.append(RespKitPlugin(app))

    @app.delete("/items/<int:id>")
    @no_content
    def delete_item(id: int) -> str:
        return ""

    document = t.cast(Spec, app.spec)  # no app context pushed
    validate(document)
    assert set(document["paths"]["/items/{id}"]["delete"]["responses"]) >= {"204"}


def test_apiflask_placeholder_json_gives_way_to_csv_only() -> None:
    app = APIFlask(__name__, spec_plugins=[RespKitPlugin()])

    class Row(ma.Schema):
        id = ma.fields.Integer()

    @app.get("/auto.csv")
    @csv_export(["id"])
    def auto() -> list[t.Any]:
        return []

    @app.get("/typed")
    @app.output(Row(many=True))
    @csv_export(["id"])
    def typed() -> list[t.Any]:
        return []

    @app.get("/negotiated")
    @csv_export(["id"], negotiate=True)
    def negotiated() -> list[t.Any]:
        return []

    document = t.cast(Spec, app.test_client().get("/openapi.json").json)
    validate(document)
    auto_content = response(operation(document, "/auto.csv"), "200")["content"]
    assert set(auto_content) == {"text/csv"}
    typed_content = response(operation(document, "/typed"), "200")["content"]
    assert set(typed_content) == {"application/json", "text/csv"}  # the user's
    negotiated_json = response(operation(document, "/negotiated"), "200")["content"][
        "application/json"
    ]
    assert negotiated_json["schema"]["type"] == "array"  # not APIFlask's {}


def test_docs_apiflask_example_runs() -> None:
    """The APIFlask block of docs/openapi.rst (which tests/test_docs.py
    leaves out: importing APIFlask warns on Werkzeug 3.2)."""
    page = (ROOT / "docs" / "openapi.rst").read_text("utf-8")
    block = re.search(r"\.\. code-block:: python3\n\n((?:    .*\n|\n)+)", page)
    assert block is not None
    source = "\n".join(line[4:] for line in block.group(1).splitlines())
    assert "APIFlask(__name__, spec_plugins=[RespKitPlugin()])" in source
    namespace: dict[str, t.Any] = {"__name__": "docs"}
    exec(
        compile("from flask_respkit import *\n" + source, "openapi.rst", "exec"),
        namespace,
    )
    validate(namespace["document"])


class ItemSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class QuerySchema(ma.Schema):
    q = ma.fields.String()


@pytest.mark.parametrize("version", VERSIONS)
def test_smorest_response_and_arguments_are_completed(version: str) -> None:
    h = SmorestHarness(version)

    @h.bp.route("/items")
    @h.bp.arguments(QuerySchema, location="query")
    @h.bp.response(200, ItemSchema(many=True))
    @headers(cache_control="no-cache")
    @paginate()
    def items(args: t.Any, pagination: t.Any) -> list[t.Any]:
        return []

    @h.bp.route("/items", methods=["POST"])
    @h.bp.arguments(ItemSchema)
    @h.bp.response(201, ItemSchema)
    @created("/items/1")
    def add_item(data: t.Any) -> dict[str, t.Any]:
        return {}

    spec = h.spec()
    get = operation(spec, "/items")
    assert parameter_names(get) == ["q", "page", "per_page"]
    ok = response(get, "200")
    assert ok["content"]["application/json"]["schema"]["type"] == "array"
    assert {"link", "x-total-count", "cache-control"} <= headers_on(get, "200")
    post = operation(spec, "/items", "post")
    assert "requestBody" in post
    assert "$ref" in response(post, "201")["content"]["application/json"]["schema"]
    assert "location" in headers_on(post, "201")


@pytest.mark.parametrize("version", VERSIONS)
def test_apiflask_input_and_output_are_completed(version: str) -> None:
    h = APIFlaskHarness(version)

    @h.bp.get("/items")
    @h.bp.input(QuerySchema, location="query", arg_name="query")
    @h.bp.output(ItemSchema(many=True))
    @paginate()
    def items(query: t.Any, pagination: t.Any) -> list[t.Any]:
        return []

    @h.bp.post("/items")
    @h.bp.input(ItemSchema, arg_name="item")
    @h.bp.output(ItemSchema, status_code=201)
    @created("/items/1")
    @auth_challenge("Bearer", verify=allow)
    def add_item(item: t.Any) -> dict[str, t.Any]:
        return {}

    spec = h.spec()
    get = operation(spec, "/items")
    assert parameter_names(get) == ["q", "page", "per_page"]
    assert response(get, "200")["content"]["application/json"]["schema"]["type"] == (
        "array"
    )
    assert {"link", "x-total-count"} <= headers_on(get, "200")
    post = operation(spec, "/items", "post")
    assert "requestBody" in post
    assert "location" in headers_on(post, "201")
    assert "200" not in codes(post)
    assert post["security"] == [{"bearerAuth": []}]
    assert {"401", "403"} <= codes(post)


def test_openapi_2_is_refused() -> None:
    with pytest.raises(ValueError, match=r"3\.0 and 3\.1"):
        APISpec("t", "1.0", "2.0", plugins=[RespKitPlugin()])


def test_paths_without_a_flask_route_are_left_alone() -> None:
    spec = APISpec("t", "1.0", "3.1.0", plugins=[RespKitPlugin()])
    operations = {"get": {"responses": {"200": {"description": "mine"}}}}
    spec.path("/elsewhere", operations=operations)
    assert spec.to_dict()["paths"]["/elsewhere"] == operations


def test_the_package_does_not_import_the_plugin() -> None:
    code = (
        "import sys, flask_respkit; "
        "assert 'flask_respkit.openapi' not in sys.modules; "
        "assert 'apispec' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_docs_table_lists_every_public_decorator() -> None:
    page = (ROOT / "docs" / "openapi.rst").read_text("utf-8")
    table = page[page.index(".. list-table::") :]
    decorators = set(flask_respkit.__all__) - {
        "Challenge",
        "Link",
        "Pagination",
        "RespKit",
        "challenge_response",
    }
    for name in decorators:
        assert re.search(rf"``{name}\b", table), name
