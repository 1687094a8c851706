"""The family seam, end to end, with a family the package does not know
(tests/toy_family.py): exposed by cors, its setting validated by RespKit, its
hook installed by init_app, documented by the OpenAPI plugin, listed and
checked by ``flask respkit routes``/``check``."""

from __future__ import annotations

import pytest
from apispec import APISpec
from apispec_webframeworks.flask import FlaskPlugin
from flask import Flask
from openapi_spec_validator import validate
from toy_family import APP_HOOK, GREETING, greeting

from flask_respkit import RespKit, cors
from flask_respkit.cli import respkit
from flask_respkit.core import exposed_headers
from flask_respkit.openapi import RespKitPlugin

OK = "https://app.example"


def make_app(**config: object) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    RespKit(app)

    @app.get("/hello")
    @cors(OK)
    @greeting()
    def hello() -> str:
        return "hi"

    return app


def test_its_header_is_exposed_by_cors() -> None:
    r = make_app().test_client().get("/hello", headers={"Origin": OK})
    assert r.headers[GREETING] == "Hello, world"
    exposed = [n.strip() for n in r.headers["Access-Control-Expose-Headers"].split(",")]
    assert exposed == [
        "Link",
        "X-Total-Count",
        "WWW-Authenticate",
        "Content-Disposition",
        "Location",
        "ETag",
        "Deprecation",
        "Sunset",
        GREETING,
    ]
    assert GREETING in exposed_headers()


def test_its_setting_is_a_respkit_setting() -> None:
    app = make_app(RESPKIT_TOY_NAME="ada")
    assert app.config["RESPKIT_TOY_NAME"] == "ada"
    assert app.test_client().get("/hello").headers[GREETING] == "Hello, ada"
    assert make_app().config["RESPKIT_TOY_NAME"] == "world"  # its default
    with pytest.raises(ValueError, match="RESPKIT_TOY_NAME must be a word"):
        make_app(RESPKIT_TOY_NAME="a b")
    with pytest.raises(ValueError, match="did you mean RESPKIT_TOY_NAME"):
        make_app(RESPKIT_TOY_NAMES="ada")


def test_its_hook_is_installed_by_init_app() -> None:
    app = make_app(RESPKIT_TOY_NAME="ada")
    assert app.test_client().get("/nowhere").headers[APP_HOOK] == "ada"
    bare = Flask(__name__)  # no RespKit: no app-wide hook
    assert APP_HOOK not in bare.test_client().get("/").headers


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_it_is_documented_by_the_openapi_plugin(version: str) -> None:
    app = make_app(RESPKIT_TOY_NAME="ada")
    spec = APISpec("t", "1", version, plugins=[FlaskPlugin(), RespKitPlugin(app)])
    with app.test_request_context():
        spec.path(view=app.view_functions["hello"])
    document = spec.to_dict()
    validate(document)
    headers = document["paths"]["/hello"]["get"]["responses"]["200"]["headers"]
    assert headers[GREETING] == {
        "description": "A greeting.",
        "schema": {"type": "string"},
        "example": "Hello, ada",
    }
    assert GREETING in headers["Access-Control-Expose-Headers"]["example"]


def test_it_is_listed_by_flask_respkit_routes() -> None:
    app = make_app(RESPKIT_TOY_NAME="ada")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["respkit", "routes"])
    assert result.exit_code == 0, result.output
    row = [line for line in result.output.splitlines() if "/hello" in line]
    assert len(row) == 1
    assert row[0].split()[:3] == ["/hello", "GET", "hello"]
    assert "cors(" in row[0]
    lines = result.output.splitlines()
    follows = lines[lines.index(row[0]) + 1]
    assert follows.strip() == "greeting(name='ada')"  # its summary, resolved
    assert follows.index("greeting") == row[0].index("cors(")
    check = runner.invoke(args=["respkit", "check"])
    assert (check.exit_code, check.output) == (
        0,
        "1 kit-decorated view, no configuration errors\n",
    )
    # Without the extension: the built-in default of its setting.
    bare = Flask(__name__)
    bare.add_url_rule("/hello", "hello", greeting()(lambda: "hi"))
    result = bare.test_cli_runner().invoke(respkit, ["routes"])
    assert "greeting(name='world')" in result.output
