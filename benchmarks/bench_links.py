"""``paginate`` and ``link_header`` against the same responses built by hand,
and against flask-smorest's ``Blueprint.paginate`` (which sends an
``X-Pagination`` JSON header instead of ``Link``).

Every paginated candidate answers ``GET /items?page=3&per_page=10&sort=name``
with the same 10-item JSON page of 95; the hand-written ones validate the query
and build ``first``/``prev``/``next``/``last`` links as a careful user would.

    python benchmarks/bench_links.py
"""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

from flask import Flask, jsonify, url_for

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import environ, headline, paginate_by_hand, per_request, table

from flask_respkit import Link, Pagination, link_header, paginate

ITEMS = [{"id": i, "name": f"item {i}"} for i in range(1, 96)]
QUERY = "page=3&per_page=10&sort=name"


def build() -> Flask:
    app = Flask(__name__)

    @app.get("/bare")
    def bare() -> t.Any:
        return ITEMS[20:30]

    @app.get("/by-hand")
    def by_hand() -> t.Any:
        return paginate_by_hand(ITEMS)

    @app.get("/paginate")
    @paginate()
    def paginated(pagination: Pagination) -> t.Any:
        pagination.total = len(ITEMS)
        return ITEMS[pagination.offset : pagination.offset + pagination.limit]

    @app.get("/links-by-hand")
    def links_by_hand() -> t.Any:
        response = jsonify(ITEMS[0])
        response.headers["Link"] = (
            f'<{url_for("links_by_hand", _external=True)}>; rel="self",'
            ' <https://api.example.com/docs/item>; rel="describedby"'
        )
        return response

    @app.get("/link-header")
    @link_header(
        Link("https://api.example.com/docs/item", "describedby"),
        self="link_header_view",
    )
    def link_header_view() -> t.Any:
        return ITEMS[0]

    _add_smorest(app)
    return app


def _add_smorest(app: Flask) -> None:
    try:
        from flask_smorest import Api, Blueprint
    except ImportError:  # pragma: no cover - flask-smorest is in the test extra
        return
    app.config.update(API_TITLE="bench", API_VERSION="1", OPENAPI_VERSION="3.0.2")
    api = Api(app)
    blp = Blueprint("smorest", __name__)

    @blp.route("/smorest")
    @blp.response(200)
    @blp.paginate()
    def smorest(pagination_parameters: t.Any) -> t.Any:
        pagination_parameters.item_count = len(ITEMS)
        first = pagination_parameters.first_item
        return ITEMS[first : first + pagination_parameters.page_size]

    api.register_blueprint(blp)


def main() -> list[str]:
    app = build()
    client = app.test_client()
    # Same page, same links: the candidates are doing the same work.
    a = client.get(f"/by-hand?{QUERY}")
    b = client.get(f"/paginate?{QUERY}")
    assert a.json == b.json
    assert a.headers["Link"].replace("by-hand", "paginate") == b.headers["Link"]
    pages = {
        "bare view, no pagination": "/bare",
        "hand-written pagination + Link": "/by-hand",
        "@paginate": "/paginate",
    }
    if "smorest.smorest" in app.view_functions:
        pages["flask-smorest @paginate (X-Pagination)"] = "/smorest"
    times = per_request(
        {k: (app, environ(p, query_string=QUERY)) for k, p in pages.items()}
    )
    links = per_request(
        {
            "hand-written Link header": (app, environ("/links-by-hand")),
            "@link_header (self endpoint + Link)": (app, environ("/link-header")),
        }
    )
    headline(
        "Paginated list + Link",
        times,
        "@paginate",
        "hand-written pagination + Link",
        labels=("@paginate", "hand-written"),
    )
    if "flask-smorest @paginate (X-Pagination)" in times:
        headline(
            "Paginated list + Link",
            times,
            "@paginate",
            "flask-smorest @paginate (X-Pagination)",
            labels=("@paginate", "flask-smorest"),
        )
    headline(
        "Two links on one item",
        links,
        "@link_header (self endpoint + Link)",
        "hand-written Link header",
        labels=("@link_header", "hand-written"),
    )
    return [
        table(
            f"GET /items?{QUERY} (95 items)", times, "hand-written pagination + Link"
        ),
        table("Two links on one item", links, "hand-written Link header"),
    ]


if __name__ == "__main__":
    print("\n\n".join(main()))
