"""Every pair of the kit's decorators, in both orders, on a function view, an
``async def`` view and a ``MethodView``: each decorator's effect survives the
other, no header is doubled, and CORS preflights stay answered by ``cors``."""

from __future__ import annotations

import itertools
import typing as t

import pytest
from flask import Flask, Response
from flask.views import MethodView

from flask_respkit import (
    RespKit,
    auth_challenge,
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

ORIGIN = "https://a.example"
KIT_HEADERS = ("Link", "X-Total-Count", "WWW-Authenticate", "Location")


@response_decorator
def mark(response: Response) -> None:
    response.headers["X-Mark"] = "yes"


MAKE: dict[str, t.Callable[[], t.Callable[..., t.Any]]] = {
    "cors": lambda: cors(ORIGIN),
    "auth": lambda: auth_challenge("Bearer", realm="r", verify=lambda a: a is not None),
    "paginate": lambda: paginate(per_page=2),
    "link_header": lambda: link_header(related="https://x.example/rel"),
    "created": lambda: created("https://x.example/new"),
    "csv_export": lambda: csv_export(["a", "b"]),
    "no_content": lambda: no_content,
    "headers": lambda: headers(x_test="1"),
    "vary": lambda: vary("Accept-Language"),
    "response_decorator": lambda: mark,
}
#: Pairs whose effects contradict each other (a 204 has no body to export).
CONFLICTS = [{"no_content", "created"}, {"no_content", "csv_export"}]
PAIRS = [pair for pair in itertools.permutations(MAKE, 2) if set(pair) not in CONFLICTS]


def _app(top: str, bottom: str, kind: str) -> tuple[Flask, list[int]]:
    app = Flask(__name__)
    app.config["TESTING"] = True
    RespKit(app)
    ran: list[int] = []

    def body(pagination: t.Any = None) -> t.Any:
        ran.append(1)
        if pagination is not None:
            pagination.total = 10
        return [{"a": 1, "b": 2}] if "csv_export" in (top, bottom) else {"ok": True}

    decorators = [MAKE[bottom](), MAKE[top]()]  # applied innermost first
    view: t.Any
    if kind == "method_view":

        class View(MethodView):
            def get(self, **kwargs: t.Any) -> t.Any:
                return body(kwargs.get("pagination"))

            post = get

        View.decorators = decorators
        view = View.as_view("v")
    else:
        if kind == "async":

            async def view(**kwargs: t.Any) -> t.Any:
                return body(kwargs.get("pagination"))

        else:

            def view(**kwargs: t.Any) -> t.Any:
                return body(kwargs.get("pagination"))

        for decorator in decorators:
            view = decorator(view)
    app.add_url_rule("/v", "v", view, methods=["GET", "POST"])
    return app, ran


def _values(response: t.Any, name: str) -> list[str]:
    return [
        v.strip().lower()
        for line in response.headers.getlist(name)
        for v in line.split(",")
    ]


def _check(name: str, r: t.Any) -> None:
    h = r.headers
    if name == "cors":
        assert h.get("Access-Control-Allow-Origin") == ORIGIN
        assert "origin" in _values(r, "Vary")
        exposed = _values(r, "Access-Control-Expose-Headers")
        assert [k for k in KIT_HEADERS if k in h and k.lower() not in exposed] == []
    elif name == "paginate":
        assert h["X-Total-Count"] == "10"
        assert 'rel="next"' in h["Link"]
    elif name == "link_header":
        assert h["Link"].count('rel="related"') == 1
    elif name == "created":
        assert (r.status_code, h["Location"]) == (201, "https://x.example/new")
    elif name == "csv_export":
        assert h["Content-Type"].startswith("text/csv")
        assert r.data.splitlines() == [b"a,b", b"1,2"]
    elif name == "no_content":
        assert (r.status_code, r.data) == (204, b"")
        assert "Content-Type" not in h
    elif name == "headers":
        assert h.getlist("X-Test") == ["1"]
    elif name == "vary":
        assert "accept-language" in _values(r, "Vary")
    elif name == "response_decorator":
        assert h.getlist("X-Mark") == ["yes"]


@pytest.mark.parametrize("kind", ["function", "async", "method_view"])
@pytest.mark.parametrize(("top", "bottom"), PAIRS, ids=lambda n: n)
def test_pair_in_either_order(top: str, bottom: str, kind: str) -> None:
    app, ran = _app(top, bottom, kind)
    client = app.test_client()
    r = client.get("/v", headers={"Origin": ORIGIN, "Authorization": "Bearer t"})
    for name in (top, bottom):
        _check(name, r)
    for name in ("Access-Control-Allow-Origin", "Vary", "Location", "X-Total-Count"):
        values = _values(r, name)
        assert len(values) == len(set(values)), (name, values)

    if "auth" in (top, bottom):
        ran.clear()
        r = client.get("/v", headers={"Origin": ORIGIN})
        assert r.status_code == 401
        assert r.headers.getlist("WWW-Authenticate") == ['Bearer realm="r"']
        assert ran == []
        if "cors" in (top, bottom):
            _check("cors", r)

    if "cors" in (top, bottom):
        ran.clear()
        preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
        r = client.options("/v?page=abc", headers=preflight)
        assert (r.status_code, ran) == (204, [])
        assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert not {"Location", "Link", "X-Total-Count"} & set(r.headers.keys())


def test_a_400_from_a_decorator_above_cors_carries_cors() -> None:
    app = Flask(__name__)

    @app.get("/p")
    @paginate()
    @cors(ORIGIN)
    def page(pagination: t.Any) -> list[int]:
        return []

    r = app.test_client().get("/p?page=abc", headers={"Origin": ORIGIN})
    assert r.status_code == 400
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "origin" in _values(r, "Vary")
