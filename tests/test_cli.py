"""``flask respkit routes``, ``flask respkit check`` and ``RespKit.check``:
every kit decorator of an app listed with its resolved options, and every
configuration error found before the first request, with or without the
extension. The example apps pass the check, run as a user runs them."""

from __future__ import annotations

import configparser
import importlib.metadata
import importlib.util
import re
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
from click.testing import Result
from flask import Blueprint, Flask
from flask.cli import FlaskGroup, ScriptInfo
from flask.views import MethodView

from flask_respkit import (
    RespKit,
    auth_challenge,
    cors,
    csv_export,
    headers,
    paginate,
    response_decorator,
)
from flask_respkit.cli import respkit

ROOT = Path(__file__).resolve().parents[1]
OK = "https://app.example"

#: The error messages of the configuration errors below, as the decorators
#: raise them on a first request (each is checked against that request).
NO_SECRET_KEY = "signs its cursors with the app's SECRET_KEY"
ABOVE_MAX = "per_page (80) must not exceed RESPKIT_MAX_PER_PAGE (50)"
CREDENTIALS_ANY = "allow_credentials=True cannot be combined with origins='*'"


def invoke(app: Flask, *args: str) -> Result:
    """Run ``flask respkit ARGS`` on ``app`` (the group itself, so that the
    app needs no ``RespKit``)."""
    return app.test_cli_runner().invoke(respkit, list(args))


def table(output: str) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """Read ``flask respkit routes`` as a person does: ``(rule, methods)`` ->
    ``(endpoint, [decorators])``; a line with the first three columns blank
    adds a decorator to the route above it."""
    lines = output.splitlines()
    column = lines[0].index("Kit decorators")
    assert set(lines[1]) == {"-", " "}
    rows: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for line in lines[2:]:
        head, decorator = line[:column], line[column:]
        if head.strip():
            rule, methods, endpoint = re.split(r"  +", head.strip())
            decorators: list[str] = []
            rows[rule, methods] = (endpoint, decorators)
        decorators.append(decorator)
    return rows


def make_app(extension: bool = True, **config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    if extension:
        RespKit(app)
    return app


def one_of_each(app: Flask) -> None:
    """Routes with a decorator of each kind, a MethodView and a blueprint."""

    @response_decorator
    def stamp(response: t.Any) -> None:
        response.headers["X-Stamp"] = "1"

    @app.get("/items")
    @cors(OK, allow_credentials=True)
    @paginate()
    def items(pagination: t.Any) -> list[int]:
        return []

    @app.route("/admin", methods=["GET", "POST"])
    @auth_challenge("Bearer", realm="admin")
    @stamp
    def admin() -> str:
        return "ok"

    @app.get("/plain")
    def plain() -> str:
        return "plain"

    class Things(MethodView):
        decorators: t.ClassVar[list[t.Any]] = [headers(cache_control="no-store")]

        @paginate(per_page=5)
        def get(self, pagination: t.Any) -> list[int]:
            return []

        @csv_export
        def post(self) -> list[tuple[int]]:
            return [(1,)]

    app.add_url_rule("/things", view_func=Things.as_view("things"))

    bp = Blueprint("api", __name__)

    @bp.get("/open")
    def open_() -> str:
        return "open"

    @bp.get("/own")
    @cors("https://own.example")
    def own() -> str:
        return "own"

    cors(OK, max_age=60)(bp)
    app.register_blueprint(bp, url_prefix="/api")


# -- flask respkit routes ------------------------------------------------------


@pytest.mark.parametrize("extension", [True, False])
def test_routes_lists_each_route_and_its_decorators(extension: bool) -> None:
    app = make_app(extension, RESPKIT_MAX_PER_PAGE=50)
    one_of_each(app)
    result = invoke(app, "routes")
    assert result.exit_code == 0, result.output
    rows = table(result.output)
    assert list(rows) == [  # sorted by rule; HEAD and OPTIONS left out
        ("/admin", "GET, POST"),
        ("/api/open", "GET"),
        ("/api/own", "GET"),
        ("/items", "GET"),
        ("/plain", "GET"),
        ("/static/<path:filename>", "GET"),
        ("/things", "GET, POST"),
    ]
    endpoint, (outer, inner) = rows["/admin", "GET, POST"]
    assert endpoint == "admin"
    assert outer.startswith("auth_challenge(")  # outermost first, as written
    assert 'Bearer realm="admin"' in outer
    assert inner.startswith("response_decorator(<function")
    assert "stamp" in inner
    assert rows["/plain", "GET"] == ("plain", ["-"])

    # Options left out show as the app's settings resolve them: the config's
    # maximum with the extension, the built-in one without.
    endpoint, (cross, pages) = rows["/items", "GET"]
    assert endpoint == "items"
    assert cross.startswith("cors(")
    assert OK in cross
    assert "True" in cross
    assert pages.startswith("paginate(")
    assert "per_page=20" in pages
    assert f"max_per_page={50 if extension else 100}" in pages

    # A MethodView: its decorators, then each method's own, marked.
    endpoint, (view, get, post) = rows["/things", "GET, POST"]
    assert endpoint == "things"
    assert view.startswith("headers(")
    assert "no-store" in view
    assert get.startswith("[GET] paginate(")
    assert "per_page=5" in get
    assert post.startswith("[POST] csv_export(")

    # The blueprint's cors applies to its routes, unless a view has its own.
    endpoint, (wide,) = rows["/api/open", "GET"]
    assert endpoint == "api.open_"
    assert wide.startswith("[app-wide] cors(")
    assert "max_age=60" in wide
    assert rows["/api/own", "GET"][1][0].startswith("cors(")
    assert "own.example" in rows["/api/own", "GET"][1][0]
    assert not any("[app-wide]" in d for _, ds in rows.values() for d in ds[1:])
    assert "0x" not in result.output  # no memory address: comparable output


def test_routes_sorting_and_all_methods() -> None:
    app = make_app()
    one_of_each(app)
    by_endpoint = table(invoke(app, "routes", "--sort", "endpoint").output)
    endpoints = [endpoint for endpoint, _ in by_endpoint.values()]
    assert endpoints == sorted(endpoints)
    matched = table(invoke(app, "routes", "-s", "match").output)
    assert [r for r, _ in matched] == [r.rule for r in app.url_map.iter_rules()]
    every = table(invoke(app, "routes", "--all-methods").output)
    assert ("/plain", "GET, HEAD, OPTIONS") in every
    assert ("/items", "GET, HEAD, OPTIONS") in every


def test_routes_of_an_app_without_routes() -> None:
    app = Flask(__name__, static_folder=None)
    result = invoke(app, "routes")
    assert (result.exit_code, result.output) == (0, "No routes were registered.\n")


# -- flask respkit check and RespKit.check --------------------------------------


def test_a_clean_app_passes_with_a_count() -> None:
    app = make_app(SECRET_KEY="k", RESPKIT_MAX_PER_PAGE=50)
    one_of_each(app)
    result = invoke(app, "check")
    assert result.exit_code == 0, result.output
    # items, admin, things, api.open_ and api.own; not plain nor static.
    assert result.output == "5 kit-decorated views, no configuration errors\n"
    assert RespKit.check(app) is None


def broken_app(extension: bool = True) -> Flask:
    """Five configuration errors, none of which shows when a decorator is
    made or at init_app: each appears once the app's config is merged in."""
    config: dict[str, t.Any] = {"RESPKIT_MAX_PER_PAGE": 50}
    if extension:  # credentials by default, for listed origins: fine alone
        config.update(RESPKIT_CORS_ORIGINS=[OK], RESPKIT_CORS_ALLOW_CREDENTIALS=True)
    app = make_app(extension, **config)  # no SECRET_KEY

    @app.get("/events")
    @paginate(cursor=("-at", "id"))
    def events(pagination: t.Any) -> list[int]:
        return []

    @app.get("/big")
    @paginate(per_page=80 if extension else 180)
    def big(pagination: t.Any) -> list[int]:
        return []

    @app.get("/public")
    @cors("*") if extension else cors(allow_credentials=True)
    def public() -> str:
        return "public"

    class Feed(MethodView):
        @paginate(cursor=("id",))
        def get(self, pagination: t.Any) -> list[int]:
            return []

    app.add_url_rule("/feed", view_func=Feed.as_view("feed"))

    @app.errorhandler(404)
    @cors("*") if extension else cors(allow_credentials=True)
    def not_found(error: Exception) -> tuple[str, int]:
        return "not found", 404

    @app.get("/fine")
    @paginate()
    def fine(pagination: t.Any) -> list[int]:
        return []

    return app


def test_check_lists_every_configuration_error() -> None:
    app = broken_app()
    result = invoke(app, "check")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 6, result.output
    errors = [line.split(": ", 2) for line in lines[:5]]
    assert [(endpoint, decorator[:10]) for endpoint, decorator, _ in errors] == [
        ("events", "paginate(c"),
        ("big", "paginate(p"),
        ("public", "cors(origi"),
        ("feed", "[GET] pagi"),
        ("app.errorhandler(404)", "cors(origi"),
    ]
    assert NO_SECRET_KEY in errors[0][2]
    assert ABOVE_MAX in errors[1][2]
    assert CREDENTIALS_ANY in errors[2][2]
    assert NO_SECRET_KEY in errors[3][2]
    assert CREDENTIALS_ANY in errors[4][2]
    assert lines[5] == (
        "5 configuration errors (checked 5 kit-decorated views and 1 error handler)"
    )


def test_every_error_of_one_view_is_listed() -> None:
    app = make_app()  # no SECRET_KEY, "*" origins

    @app.get("/events")
    @cors(allow_credentials=True)
    @paginate(cursor=("id",), per_page=500)
    def events(pagination: t.Any) -> list[int]:
        return []

    result = invoke(app, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("events: cors(")
    assert CREDENTIALS_ANY in lines[0]
    assert lines[1].startswith("events: paginate(")
    assert "per_page (500) must not exceed RESPKIT_MAX_PER_PAGE (100)" in lines[1]
    assert lines[2] == "2 configuration errors (checked 1 kit-decorated view)"


def test_respkit_check_raises_listing_every_error() -> None:
    with pytest.raises(ValueError, match="configuration errors") as caught:
        RespKit.check(broken_app())
    message = str(caught.value)
    for text in (NO_SECRET_KEY, ABOVE_MAX, CREDENTIALS_ANY):
        assert text in message
    assert message.count(NO_SECRET_KEY) == 2
    assert message.count(CREDENTIALS_ANY) == 2
    assert "app.errorhandler(404): " in message
    assert "feed: [GET] paginate(" in message


def test_what_check_reports_is_what_the_first_requests_raise() -> None:
    app = broken_app()
    app.config["TESTING"] = True  # the error propagates out of the client
    client = app.test_client()
    for path, error, text in [
        ("/events", RuntimeError, NO_SECRET_KEY),
        ("/big", ValueError, ABOVE_MAX),
        ("/public", ValueError, CREDENTIALS_ANY),
        ("/feed", RuntimeError, NO_SECRET_KEY),
        ("/nowhere", ValueError, CREDENTIALS_ANY),  # the 404 handler
    ]:
        with pytest.raises(error, match=re.escape(text)):
            client.get(path)
    assert client.get("/fine").status_code == 200


def test_check_without_the_extension_uses_the_builtin_defaults() -> None:
    app = broken_app(extension=False)
    del app.config["RESPKIT_MAX_PER_PAGE"]  # nothing would read it
    result = invoke(app, "check")
    assert result.exit_code == 1, result.output
    assert "per_page (180) must not exceed RESPKIT_MAX_PER_PAGE (100)" in result.output
    assert result.output.count(CREDENTIALS_ANY) == 2  # "*": the built-in origins
    assert result.output.count(NO_SECRET_KEY) == 2
    assert result.output.endswith(
        "5 configuration errors (checked 5 kit-decorated views and 1 error handler)\n"
    )


def test_respkit_settings_without_the_extension_are_an_error() -> None:
    app = make_app(extension=False, RESPKIT_MAX_PER_PAGE=50, RESPKIT_PER_PAGE=10)

    @app.get("/books")
    @paginate()
    def books(pagination: t.Any) -> list[int]:
        return []

    result = invoke(app, "check")
    assert result.exit_code == 1
    assert result.output.startswith(
        "app.config: RESPKIT_MAX_PER_PAGE, RESPKIT_PER_PAGE: set, but RespKit is"
        " not registered on the app"
    )
    RespKit(app)
    assert invoke(app, "check").output == (
        "1 kit-decorated view, no configuration errors\n"
    )


def test_a_blueprint_cors_is_checked_for_each_of_its_views() -> None:
    app = make_app(RESPKIT_CORS_ORIGINS=[OK], RESPKIT_CORS_ALLOW_CREDENTIALS=True)
    bp = Blueprint("api", __name__)
    bp.add_url_rule("/a", "a", lambda: "a")
    bp.add_url_rule("/b", "b", lambda: "b")
    cors("*")(bp)
    app.register_blueprint(bp)
    result = invoke(app, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(": ")[0] for line in lines[:-1]] == ["api.a", "api.b"]
    assert all(": [app-wide] cors(" in line for line in lines[:-1])


def test_the_check_resolves_without_a_request() -> None:
    app = make_app(SECRET_KEY="k")
    one_of_each(app)

    @app.before_request
    def no_requests() -> None:
        raise AssertionError("the check made a request")

    assert invoke(app, "check").exit_code == 0


# -- Flask's command line: app.cli and the flask.commands entry point ----------


def test_init_app_adds_the_group_to_app_cli() -> None:
    app = make_app(SECRET_KEY="k")
    one_of_each(app)
    assert app.cli.commands["respkit"] is respkit
    runner = app.test_cli_runner()
    result = runner.invoke(args=["respkit", "check"])
    assert (result.exit_code, result.output) == (
        0,
        "5 kit-decorated views, no configuration errors\n",
    )
    assert "Kit decorators" in runner.invoke(args=["respkit", "routes"]).output


def test_init_app_keeps_an_apps_own_respkit_command() -> None:
    app = Flask(__name__)

    @app.cli.command("respkit")
    def mine() -> None:
        """The app's own."""

    own = app.cli.commands["respkit"]
    RespKit(app)
    assert app.cli.commands["respkit"] is own


def test_setup_cfg_declares_the_entry_point() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options.entry_points"]["flask.commands"].strip().splitlines()
    assert lines == ["respkit = flask_respkit.cli:respkit"]
    name, value = (part.strip() for part in lines[0].split("="))
    point = importlib.metadata.EntryPoint(name, value, "flask.commands")
    assert point.load() is respkit


def flask_command(app: Flask, monkeypatch: pytest.MonkeyPatch, *args: str) -> t.Any:
    """Run ``flask ARGS`` as the ``flask`` script does, with the kit's entry
    point installed (as ``pip install flask-respkit`` installs it)."""
    point = importlib.metadata.EntryPoint(
        "respkit", "flask_respkit.cli:respkit", "flask.commands"
    )
    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        lambda group=None: [point] if group == "flask.commands" else [],
    )
    cli = FlaskGroup(create_app=lambda: app)
    return app.test_cli_runner().invoke(
        cli, list(args), obj=ScriptInfo(create_app=lambda: app)
    )


@pytest.mark.parametrize("extension", [True, False])
def test_the_flask_command_lists_the_group_once(
    extension: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(extension, SECRET_KEY="k")
    one_of_each(app)
    result = flask_command(app, monkeypatch, "--help")
    assert result.exit_code == 0, result.output
    assert len(re.findall(r"^  respkit ", result.output, re.M)) == 1
    result = flask_command(app, monkeypatch, "respkit", "check")
    assert (result.exit_code, result.output) == (
        0,
        "5 kit-decorated views, no configuration errors\n",
    )


# -- the example apps, as a user runs the commands ------------------------------

#: Each example app with a route and what its decorators show.
EXAMPLE_APPS = {
    "examples/quickstart.py": (("/notes", "GET"), "headers("),
    "examples/pagination/app.py": (("/books/by-author", "GET"), "cursor="),
    "examples/csv_export/app.py": (("/orders.csv", "GET"), "csv_export("),
    "examples/api/app.py:api": (("/items", "GET"), "[app-wide] cors("),
}


#: Warnings are errors, but for the one APIFlask (installed for the OpenAPI
#: tests, and loaded by ``flask`` through its ``flask.commands`` entry point)
#: raises on Werkzeug 3.2 by importing ``HTTP_STATUS_CODES``.
WARNINGS = ("-W", "error", "-W", "ignore:The 'HTTP_STATUS_CODES':DeprecationWarning")


def python_flask(app: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``flask --app APP ARGS`` from the checkout, as ``python -m flask``."""
    return subprocess.run(
        [sys.executable, *WARNINGS, "-m", "flask", "--app", app, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_example_app_is_checked() -> None:
    scripts = {p.relative_to(ROOT).as_posix() for p in ROOT.glob("examples/**/*.py")}
    assert {name.partition(":")[0] for name in EXAMPLE_APPS} == scripts


@pytest.mark.parametrize("example", EXAMPLE_APPS)
def test_the_example_apps_pass_the_check(example: str) -> None:
    check = python_flask(example, "respkit", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    counted = re.fullmatch(
        r"(\d+) kit-decorated views?, no configuration errors\n", check.stdout
    )
    assert counted is not None, check.stdout
    routes = python_flask(example, "respkit", "routes")
    assert routes.returncode == 0, routes.stdout + routes.stderr
    rows = table(routes.stdout)
    decorated = {endpoint for endpoint, ds in rows.values() if ds != ["-"]}
    assert len(decorated) == int(counted[1])  # the two commands agree
    route, shown = EXAMPLE_APPS[example]
    assert any(d.startswith(shown) or shown in d for d in rows[route][1]), rows[route]
    assert "0x" not in routes.stdout


def test_the_example_page_app_without_the_extension() -> None:
    """``examples/api/app.py`` serves its page from a second app, ``web``,
    without ``RespKit``: the commands work on it too (through the entry
    point, here the group itself)."""
    spec = importlib.util.spec_from_file_location(
        "respkit_example_api", ROOT / "examples" / "api" / "app.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    web = module.web
    assert "respkit" not in web.extensions
    check = invoke(web, "check")
    assert check.output == "2 kit-decorated views, no configuration errors\n"
    rows = table(invoke(web, "routes").output)
    assert rows["/", "GET"][1][0].startswith("headers(")


def test_the_docs_test_example_runs() -> None:
    """docs/cli.rst: the ``RespKit.check`` test passes on the factory's app,
    and fails once its config loses ``SECRET_KEY``."""
    page = (ROOT / "docs" / "cli.rst").read_text("utf-8")
    block = re.search(
        r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)",
        page[page.index("in tests") :],
    )
    assert block is not None
    source = "\n".join(line[4:] for line in block[1].splitlines())
    namespace: dict[str, t.Any] = {"Flask": Flask, "__name__": "docs"}
    exec(compile(source, "docs/cli.rst", "exec"), namespace)
    namespace["test_configuration"]()
    with pytest.raises(ValueError, match=NO_SECRET_KEY):
        RespKit.check(namespace["create_app"]({"SECRET_KEY": None}))
