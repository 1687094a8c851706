from __future__ import annotations

import functools
import typing as t

import pytest
from flask import Blueprint, Flask, Response, abort, request
from flask.views import MethodView

from flask_respkit import (
    RespKit,
    auth_challenge,
    cors,
    created,
    headers,
    paginate,
    response_decorator,
    vary,
)
from flask_respkit.core import OptionsRoutedView, ResponseDecorator, Step, decorators_of


@response_decorator
def tag(response: Response) -> None:
    response.headers.add("X-Tag", "tag")


@response_decorator(errors=True)
def tag_errors(response: Response) -> None:
    response.headers.add("X-Err", "yes")


def stream() -> t.Iterator[str]:
    yield "a"
    yield "b"


@pytest.mark.parametrize(
    ("rv", "status", "body", "extra"),
    [
        ("text", 200, b"text", {}),
        (b"bytes", 200, b"bytes", {}),
        ({"a": 1}, 200, b'{"a":1}\n', {}),
        ([1, 2], 200, b"[1,2]\n", {}),
        (("made", 201), 201, b"made", {}),
        (("hdr", {"X-View": "v"}), 200, b"hdr", {"X-View": "v"}),
        (("both", 202, {"X-View": "v"}), 202, b"both", {"X-View": "v"}),
        (Response("resp", status=203), 203, b"resp", {}),
    ],
)
def test_every_return_form_is_made_a_response(
    app: Flask,
    client: t.Any,
    rv: t.Any,
    status: int,
    body: bytes,
    extra: dict[str, str],
) -> None:
    @app.get("/")
    @tag
    def view() -> t.Any:
        return rv

    r = client.get("/")
    assert r.status_code == status
    assert r.data == body
    assert r.headers["X-Tag"] == "tag"
    for name, value in extra.items():
        assert r.headers[name] == value


def test_generator_return_streams(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @tag
    def view() -> t.Any:
        return stream()

    r = client.get("/")
    assert r.data == b"ab"
    assert r.headers["X-Tag"] == "tag"


def test_mutator_may_return_a_new_response(app: Flask, client: t.Any) -> None:
    @response_decorator
    def replace(response: Response) -> Response:
        return Response("replaced", status=418)

    @app.get("/")
    @replace
    def view() -> str:
        return "original"

    r = client.get("/")
    assert (r.status_code, r.data) == (418, b"replaced")


def test_wrapper_keeps_name_doc_wrapped_and_routing_attributes() -> None:
    def view() -> str:
        """The docstring."""
        return ""

    view.methods = ["GET", "POST"]  # type: ignore[attr-defined]
    view.required_methods = {"PUT"}  # type: ignore[attr-defined]
    view.provide_automatic_options = False  # type: ignore[attr-defined]
    wrapped = tag(view)
    assert wrapped.__name__ == "view"
    assert wrapped.__doc__ == "The docstring."
    assert wrapped.__wrapped__ is view  # type: ignore[attr-defined]
    assert wrapped.methods == ["GET", "POST"]  # type: ignore[attr-defined]
    assert wrapped.required_methods == {"PUT"}  # type: ignore[attr-defined]
    assert wrapped.provide_automatic_options is False  # type: ignore[attr-defined]


def test_routing_attributes_reach_flask(app: Flask, client: t.Any) -> None:
    def view() -> str:
        return request.method

    view.methods = ["POST"]  # type: ignore[attr-defined]
    view.provide_automatic_options = False  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=tag(view))
    assert client.post("/").data == b"POST"
    assert client.get("/").status_code == 405
    assert client.options("/").status_code == 405


def test_async_view(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @tag
    @tag_errors
    async def view() -> dict[str, int]:
        return {"n": 1}

    r = client.get("/")
    assert r.json == {"n": 1}
    assert r.headers["X-Tag"] == "tag"
    assert r.headers["X-Err"] == "yes"


def test_async_view_error_is_reached(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @tag_errors
    async def view() -> str:
        abort(409)

    r = client.get("/")
    assert (r.status_code, r.headers["X-Err"]) == (409, "yes")


def test_blueprint_and_add_url_rule(app: Flask, client: t.Any) -> None:
    bp = Blueprint("bp", __name__)

    @bp.get("/in-bp")
    @tag
    def in_bp() -> str:
        return "bp"

    def plain() -> str:
        return "plain"

    app.register_blueprint(bp, url_prefix="/b")
    app.add_url_rule("/plain", view_func=tag(plain))
    assert client.get("/b/in-bp").headers["X-Tag"] == "tag"
    assert client.get("/plain").headers["X-Tag"] == "tag"


def test_method_view_decorators(app: Flask, client: t.Any) -> None:
    class Items(MethodView):
        decorators: t.ClassVar = [tag]

        def get(self) -> str:
            return "get"

        def post(self) -> tuple[str, int]:
            return "post", 201

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    assert client.get("/items").headers["X-Tag"] == "tag"
    r = client.post("/items")
    assert (r.status_code, r.headers["X-Tag"]) == (201, "tag")


def test_error_handler_function(app: Flask, client: t.Any) -> None:
    @app.errorhandler(404)
    @tag
    def not_found(e: Exception) -> tuple[dict[str, str], int]:
        return {"error": "missing"}, 404

    r = client.get("/nowhere")
    assert r.status_code == 404
    assert r.json == {"error": "missing"}
    assert r.headers["X-Tag"] == "tag"


def test_same_decorator_stacked_twice_applies_once(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @tag
    @tag_errors
    @tag
    def view() -> str:
        return ""

    assert client.get("/").headers.getlist("X-Tag") == ["tag"]
    assert len(decorators_of(view)) == 2


def test_inner_decorator_applies_first(app: Flask, client: t.Any) -> None:
    @response_decorator
    def first(response: Response) -> None:
        response.headers.add("X-Order", "inner")

    @response_decorator
    def second(response: Response) -> None:
        response.headers.add("X-Order", "outer")

    @app.get("/")
    @second
    @first
    def view() -> str:
        return ""

    assert client.get("/").headers.getlist("X-Order") == ["inner", "outer"]
    assert decorators_of(view) == (first, second)


def test_errors_true_reaches_abort_and_handlers_still_run(
    app: Flask, client: t.Any
) -> None:
    @app.errorhandler(404)
    def not_found(e: Exception) -> tuple[str, int]:
        return "handled", 404

    @app.get("/")
    @tag_errors
    def view() -> str:
        abort(404)

    r = client.get("/")
    assert (r.status_code, r.data) == (404, b"handled")
    assert r.headers["X-Err"] == "yes"


def test_errors_true_reaches_uncaught_exception_500(app: Flask) -> None:
    app.config["TESTING"] = False
    handled = []

    @app.errorhandler(500)
    def server_error(e: Exception) -> tuple[str, int]:
        handled.append(e)
        return "oops", 500

    @app.get("/")
    @tag_errors
    def view() -> str:
        raise RuntimeError("boom")

    r = app.test_client().get("/")
    assert (r.status_code, r.data) == (500, b"oops")
    assert r.headers["X-Err"] == "yes"
    assert len(handled) == 1


def test_errors_true_reaches_default_500(app: Flask) -> None:
    app.config["TESTING"] = False

    @app.get("/")
    @tag_errors
    def view() -> str:
        raise RuntimeError("boom")

    r = app.test_client().get("/")
    assert r.status_code == 500
    assert r.headers["X-Err"] == "yes"


def test_errors_true_still_propagates_in_testing(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @tag_errors
    def view() -> str:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        client.get("/")


def test_errors_false_leaves_error_responses_alone(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @tag
    def view() -> str:
        abort(404)

    r = client.get("/")
    assert r.status_code == 404
    assert "X-Tag" not in r.headers


def test_error_response_is_edited_once_per_decorator(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @tag_errors
    def view() -> str:
        abort(400)

    assert client.get("/").headers.getlist("X-Err") == ["yes"]


def test_response_decorator_needs_a_callable() -> None:
    with pytest.raises(TypeError, match="callable"):
        response_decorator("nope")  # type: ignore[call-overload]


def test_decorating_a_non_callable_fails() -> None:
    with pytest.raises(TypeError, match="view function"):
        tag(42)  # type: ignore[type-var]


class _CountingDecorator(ResponseDecorator):
    """Reads RESPKIT_PER_PAGE as a stand-in for any config-dependent option."""

    def __init__(self, per_page: int | None = None) -> None:
        super().__init__()
        self.per_page = per_page
        self.resolved: list[Flask] = []

    def resolve(self, app: Flask, settings: t.Mapping[str, t.Any]) -> Step:
        self.resolved.append(app)
        value = self.per_page or settings["RESPKIT_PER_PAGE"]

        class _Step(Step):
            def apply(self, response: Response) -> Response:
                response.headers["X-Per-Page"] = str(value)
                return response

        return _Step()


def test_resolution_order_explicit_then_config_then_default() -> None:
    configured = Flask("configured")
    configured.config["RESPKIT_PER_PAGE"] = 7
    RespKit(configured)
    unregistered = Flask("unregistered")
    unregistered.config["RESPKIT_PER_PAGE"] = 7  # ignored without the extension
    from_config, explicit = _CountingDecorator(), _CountingDecorator(per_page=3)
    for app in (configured, unregistered):
        app.add_url_rule("/c", "c", from_config(lambda: ""))
        app.add_url_rule("/e", "e", explicit(lambda: ""))

    def per_page(app: Flask, path: str) -> str:
        return app.test_client().get(path).headers["X-Per-Page"]

    assert per_page(configured, "/c") == "7"
    assert per_page(unregistered, "/c") == "20"
    assert per_page(configured, "/e") == "3"
    assert per_page(unregistered, "/e") == "3"


def test_resolved_once_per_app_not_per_request() -> None:
    deco = _CountingDecorator()
    apps = [Flask("a"), Flask("b")]
    for app in apps:
        app.add_url_rule("/", "v", deco(lambda: ""))
    for _ in range(3):
        for app in apps:
            app.test_client().get("/")
    assert deco.resolved == apps


class _Preflight(ResponseDecorator):
    receives_options = True

    def resolve(self, app: Flask, settings: t.Mapping[str, t.Any]) -> Step:
        class _Step(Step):
            def options(self, req: t.Any, app: Flask) -> Response | None:
                return Response("answered", status=204)

        return _Step()


def test_routes_options_reaches_function_view(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @tag
    @_Preflight()
    def view() -> str:
        return "view"

    r = client.options("/")
    assert r.status_code == 204
    assert "X-Tag" not in r.headers  # an OPTIONS answer below is final
    r = client.get("/")
    assert (r.data, r.headers["X-Tag"]) == (b"view", "tag")


class _PreflightOnly(ResponseDecorator):
    """Receives OPTIONS and answers only preflights, as ``cors`` does."""

    receives_options = True

    def resolve(self, app: Flask, settings: t.Mapping[str, t.Any]) -> Step:
        class _Step(Step):
            def options(self, req: t.Any, app: Flask) -> Response | None:
                if req.headers.get("Access-Control-Request-Method"):
                    return Response(status=204, headers={"X-Preflight": "yes"})
                return None

            def apply(self, response: Response) -> Response:
                response.headers["X-Routed"] = "yes"
                return response

        return _Step()


def test_plain_options_gets_flasks_answer_through_the_routing_step(
    app: Flask, client: t.Any
) -> None:
    calls = []

    @app.get("/")
    @created("/elsewhere")
    @_PreflightOnly()
    def view() -> str:
        calls.append(1)
        return "view"

    r = client.options("/")
    assert (r.status_code, calls) == (200, [])
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert r.headers["X-Routed"] == "yes"
    assert "Location" not in r.headers  # created above leaves it alone
    r = client.options(
        "/",
        headers={"Origin": "https://a.example", "Access-Control-Request-Method": "GET"},
    )
    assert (r.status_code, r.headers["X-Preflight"]) == (204, "yes")
    assert "Location" not in r.headers
    r = client.get("/")
    assert (r.status_code, r.headers["Location"]) == (201, "http://localhost/elsewhere")


def test_a_view_that_handles_options_gets_them(app: Flask, client: t.Any) -> None:
    def view() -> str:
        return request.method

    view.methods = ["GET", "OPTIONS"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=created("/x")(_PreflightOnly()(view)))
    r = client.options("/")
    assert (r.status_code, r.data) == (201, b"OPTIONS")


def test_routes_options_survives_method_view_as_view(app: Flask, client: t.Any) -> None:
    class Items(MethodView):
        decorators: t.ClassVar = [_Preflight(), tag]

        def get(self) -> str:
            return "get"

    view = Items.as_view("items")
    assert isinstance(view, OptionsRoutedView)
    assert view.provide_automatic_options is False
    assert view.declared_automatic_options is None
    assert "OPTIONS" in view.required_methods
    app.add_url_rule("/items", view_func=view)
    assert client.options("/items").status_code == 204
    assert client.get("/items").data == b"get"


def test_routes_options_async_view(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @_Preflight()
    async def view() -> str:
        return "view"

    assert client.options("/").status_code == 204
    assert client.get("/").data == b"view"


def test_options_routed_view_keeps_identity() -> None:
    def view() -> str:
        """Doc."""
        return ""

    view.required_methods = {"PUT"}  # type: ignore[attr-defined]
    wrapped = _Preflight()(view)
    assert isinstance(wrapped, OptionsRoutedView)
    assert wrapped.__wrapped__ is view  # type: ignore[attr-defined]
    assert (wrapped.__name__, wrapped.__doc__) == ("view", "Doc.")  # type: ignore[attr-defined]
    assert wrapped.required_methods == {"PUT", "OPTIONS"}
    wrapped.required_methods = {"PATCH"}
    assert wrapped.required_methods == {"PATCH", "OPTIONS"}


def test_errors_step_on_view_and_error_handler_applies_once(
    app: Flask, client: t.Any
) -> None:
    @app.errorhandler(404)
    @tag_errors
    def not_found(e: Exception) -> tuple[str, int]:
        return "handled", 404

    @app.get("/")
    @tag_errors
    def view() -> str:
        abort(404)

    r = client.get("/")
    assert r.data == b"handled"
    assert r.headers.getlist("X-Err") == ["yes"]


def test_same_decorator_on_method_view_and_its_method_is_a_type_error(
    app: Flask, client: t.Any
) -> None:
    class Items(MethodView):
        decorators: t.ClassVar = [tag_errors]

        @tag_errors
        def get(self) -> str:
            return "get"

        @tag_errors
        def post(self) -> str:
            abort(400)

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    for method in ("GET", "POST"):
        with pytest.raises(TypeError, match=r"both in Items\.decorators and on Items"):
            client.open("/items", method=method)


def test_errors_step_reaches_a_return_value_flask_cannot_use(app: Flask) -> None:
    app.config["TESTING"] = False

    @app.get("/")
    @tag_errors
    def view() -> None:
        return None

    r = app.test_client().get("/")
    assert r.status_code == 500
    assert r.headers.getlist("X-Err") == ["yes"]


def test_concurrent_first_requests_agree_without_a_lock() -> None:
    # Resolving is pure and takes no lock: threads racing on an app's first
    # requests may each resolve, and all keep the first step stored.
    import threading
    import time

    class _Slow(_CountingDecorator):
        def resolve(self, app: Flask, settings: t.Mapping[str, t.Any]) -> Step:
            time.sleep(0.05)  # widen the window a race would need
            return super().resolve(app, settings)

    deco = _Slow()
    app = Flask("threads")
    app.add_url_rule("/", "v", deco(lambda: ""))
    start = threading.Barrier(8)
    seen: list[str] = []

    def hit() -> None:
        start.wait()
        seen.append(app.test_client().get("/").headers["X-Per-Page"])

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == ["20"] * 8
    assert set(deco.resolved) == {app}
    raced = len(deco.resolved)
    step = deco.step_for(app)
    assert app.test_client().get("/").headers["X-Per-Page"] == "20"
    assert (len(deco.resolved), deco.step_for(app)) == (raced, step)


def _plain_decorator(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A third-party decorator that knows nothing of the kit."""

    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return view(*args, **kwargs)

    return wrapper


def test_routes_options_survives_a_plain_decorator_above(
    app: Flask, client: t.Any
) -> None:
    @app.get("/")
    @_plain_decorator
    @_Preflight()
    def view() -> str:
        return "view"

    assert client.options("/").status_code == 204
    assert client.get("/").data == b"view"


def test_routes_options_decorates_a_method_view_method(
    app: Flask, client: t.Any
) -> None:
    class Items(MethodView):
        @_Preflight()
        def get(self) -> str:
            return f"get from {type(self).__name__}"

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    assert client.get("/items").data == b"get from Items"


@pytest.mark.parametrize("errors", ["yes", None, 0, 1])
def test_response_decorator_errors_must_be_a_bool(errors: t.Any) -> None:
    with pytest.raises(TypeError, match=r"response_decorator\(errors=\)"):
        response_decorator(lambda r: None, errors=errors)


# -- Regressions found in review of the one-wrapper core -------------------------


def _counting(log: list[str], name: str) -> t.Any:
    @response_decorator(errors=True)
    def count(response: Response) -> None:
        log.append(name)

    return count


def test_pending_error_edits_do_not_outlive_their_request() -> None:
    # Flask <= 3.1 reuses an app context already pushed (pytest-flask, scripts)
    # for every request, and ``g`` with it: the pending note is per request.
    log: list[str] = []
    counter = _counting(log, "c")
    app = Flask(__name__)

    @app.get("/boom")
    @counter
    def boom() -> str:
        abort(404)

    @app.get("/plain")
    def plain() -> str:
        abort(404)

    @app.errorhandler(404)
    @counter
    def not_found(e: Exception) -> tuple[str, int]:
        return "nf", 404

    client = app.test_client()
    with app.app_context():
        for path in ("/boom", "/plain", "/boom", "/plain", "/nowhere"):
            log.clear()
            assert client.get(path).status_code == 404
            assert log == ["c"], path


def test_an_app_is_not_kept_alive_by_the_views_it_ran() -> None:
    import gc
    import weakref

    @response_decorator
    def tag_it(response: Response) -> None:
        response.headers["X-Tag"] = "1"

    @tag_it
    @auth_challenge("Bearer", verify=lambda auth: False)
    def shared() -> str:
        return "x"

    refs = []
    for i in range(3):
        app = Flask(f"app{i}")
        app.add_url_rule("/", "shared", shared)
        assert app.test_client().get("/").status_code == 401
        refs.append(weakref.ref(app))
        del app
    gc.collect()
    assert [ref() for ref in refs] == [None, None, None]


def test_an_early_answer_outside_a_foreign_decorator_gets_the_inner_error_edits(
    app: Flask, client: t.Any
) -> None:
    @app.route("/guarded", methods=["GET", "PUT"])
    @auth_challenge(verify=lambda auth: False)
    @_plain_decorator
    @cors()
    def guarded() -> str:
        return "never"

    @app.get("/paged")
    @paginate()
    @_plain_decorator
    @cors()
    def paged(pagination: t.Any) -> list[int]:
        return []

    origin = {"Origin": "https://z.example"}
    r = client.get("/guarded", headers=origin)
    assert (r.status_code, r.headers.get("Access-Control-Allow-Origin")) == (401, "*")
    r = client.get("/paged?page=abc", headers=origin)
    assert (r.status_code, r.headers.get("Access-Control-Allow-Origin")) == (400, "*")


def test_a_method_view_decorator_shared_with_its_method_is_a_type_error_on_head(
    app: Flask, client: t.Any
) -> None:
    log: list[str] = []
    counter = _counting(log, "c")

    class Items(MethodView):
        decorators: t.ClassVar = [counter]

        @counter
        def get(self) -> str:
            return "get"

    class Wrapped(MethodView):
        # a decorator that is not the kit's, outermost: as_view puts
        # view_class on its wrapper
        decorators: t.ClassVar = [counter, _plain_decorator]

        @counter
        def get(self) -> str:
            return "get"

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    app.add_url_rule("/wrapped", view_func=Wrapped.as_view("wrapped"))
    for path, name in (("/items", "Items"), ("/wrapped", "Wrapped")):
        for method in ("GET", "HEAD"):
            with pytest.raises(TypeError, match=rf"{name}\.decorators.*{name}\.get"):
                client.open(path, method=method)


def test_cors_on_an_error_handler_answers_no_options_of_its_own(
    app: Flask, client: t.Any
) -> None:
    @app.errorhandler(404)
    @cors()
    def not_found(e: Exception) -> tuple[str, int]:
        return "nf", 404

    preflight = {"Origin": "https://z.example", "Access-Control-Request-Method": "GET"}
    r = client.options("/nowhere", headers=preflight)
    assert r.status_code == 404
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Methods" not in r.headers


# -- before_order and early answers that are not errors --------------------------


class _NotModifiedStep(Step):
    """Answers 304 before the view, after every guard (a higher before_order),
    and sees the arguments other steps gave the view."""

    before_order = 10

    def __init__(self) -> None:
        self.seen: list[dict[str, t.Any]] = []

    def before(self, kwargs: dict[str, t.Any]) -> Response | None:
        self.seen.append(dict(kwargs))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return None


class _NotModified(ResponseDecorator, _NotModifiedStep):
    def identity(self) -> t.Hashable:
        return id(self)


@pytest.mark.parametrize("late_on_top", [True, False])
def test_a_late_before_runs_after_every_guard_and_argument(
    bare_app: Flask, late_on_top: bool
) -> None:
    late = _NotModified()
    guard = auth_challenge("Bearer", verify=lambda a: a is not None)
    pages = paginate(per_page=5)

    def view(pagination: t.Any) -> str:
        return "body"

    chain = [late, guard, pages] if late_on_top else [guard, pages, late]
    for decorator in reversed(chain):
        view = decorator(view)
    bare_app.add_url_rule("/", "view", view)
    client = bare_app.test_client()
    denied = client.get("/", headers={"If-None-Match": '"v1"'})
    assert denied.status_code == 401  # the guard wins over the 304
    assert late.seen == []
    ok = client.get("/", headers={"If-None-Match": '"v1"', "Authorization": "Bearer t"})
    assert ok.status_code == 304
    assert late.seen[0]["pagination"].per_page == 5  # paginate ran first


def test_an_early_answer_below_400_gets_the_views_edits(bare_app: Flask) -> None:
    @bare_app.get("/")
    @cors("https://a.example")
    @headers(cache_control="max-age=60")
    @vary("Accept")
    @_NotModified()
    def view() -> str:
        raise AssertionError("the view must not run")

    r = bare_app.test_client().get(
        "/", headers={"If-None-Match": '"v1"', "Origin": "https://a.example"}
    )
    assert r.status_code == 304
    assert r.headers["Cache-Control"] == "max-age=60"
    assert r.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert [v.strip() for v in r.headers["Vary"].split(",")] == ["Accept", "Origin"]


class _Note(ResponseDecorator, Step):
    """Sets one ``X-Notes`` header; stacked notes merge into it, top first."""

    def __init__(self, *notes: str) -> None:
        self.notes = notes

    def identity(self) -> t.Hashable:
        return self.notes

    def apply(self, response: Response) -> Response:
        response.headers["X-Notes"] = ",".join(self.notes)
        return response

    def merge(self, outer: Step) -> Step | None:
        return _Note(*outer.notes, *self.notes) if isinstance(outer, _Note) else None


def test_steps_merge_into_one_edit_top_first(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @_Note("top")
    @tag
    @_Note("bottom")
    def view() -> str:
        return ""

    r = client.get("/")
    assert r.headers.getlist("X-Notes") == ["top,bottom"]
    assert r.headers["X-Tag"] == "tag"


def test_a_plan_is_built_from_the_app_alone_and_kept_in_it() -> None:
    app = Flask(__name__)

    class Items(MethodView):
        # a decorator that is not the kit's, outermost
        decorators: t.ClassVar = [tag, _plain_decorator]

        def get(self) -> str:
            return "get"

    view = Items.as_view("items")
    app.add_url_rule("/items", view_func=view)
    chain = view.__respkit__  # type: ignore[attr-defined]
    plan = chain.plan(app)  # no request, no app context
    assert chain.plan(app) is plan
    assert app.extensions["respkit.resolved"][chain] is plan
    assert "respkit" not in app.extensions  # the extension's key stays free
    assert app.test_client().get("/items").headers["X-Tag"] == "tag"


def test_an_app_its_steps_refer_to_is_still_collected() -> None:
    import gc
    import weakref

    class _Holds(ResponseDecorator):
        def resolve(self, app: Flask, settings: t.Mapping[str, t.Any]) -> Step:
            step = Step()
            step.app = app  # type: ignore[attr-defined]
            return step

    @_Holds()
    def shared() -> str:
        return "x"

    app = Flask("holding")
    app.add_url_rule("/", "shared", shared)
    assert app.test_client().get("/").status_code == 200
    ref = weakref.ref(app)
    del app
    gc.collect()
    assert ref() is None
