"""The cost of cors(): a simple GET and a preflight, against the same policy
written by hand and Flask-CORS's ``cross_origin``; then both again with an
origin pattern (``https://*.example.com``) matching the request's origin,
against Flask-CORS with the regex its docs suggest for subdomains.

    python benchmarks/bench_cors.py

Targets: simple GET within 5% of hand-written and at most 0.72x Flask-CORS;
preflight at most 0.60x Flask-CORS; the same ratios with the pattern.
"""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, make_response, request
from flask_cors import cross_origin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import environ, headline, per_request, table

from flask_respkit import cors

ORIGIN = "https://app.example.com"
ALLOWED = frozenset({ORIGIN, "https://admin.example.com"})
POLICY = sorted(ALLOWED)
#: A listed origin and a pattern; the request's origin meets the pattern.
PATTERN_POLICY = ["https://example.com", "https://*.example.com"]
#: The same for Flask-CORS: a regex for the subdomains (it would read the
#: pattern above as a regex that grants https://xexample.com).
FLASK_CORS_PATTERN = [
    "https://example.com",
    r"https://[a-z0-9-]+(\.[a-z0-9-]+)*\.example\.com",
]


def build() -> Flask:
    app = Flask(__name__)

    @app.get("/hand")
    def hand() -> object:
        # What a careful developer writes without a library: the same headers
        # cors() sends for this policy on a simple GET.
        response = make_response({"name": "ada"})
        response.headers.add("Vary", "Origin")
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() in ALLOWED:
            response.headers["Access-Control-Allow-Origin"] = origin
        return response

    @app.route("/kit", methods=["GET", "PUT"])
    @cors(POLICY)
    def kit() -> object:
        return {"name": "ada"}

    @app.route("/flask-cors", methods=["GET", "PUT"])
    @cross_origin(origins=POLICY)
    def flask_cors() -> object:
        return {"name": "ada"}

    @app.route("/kit-pattern", methods=["GET", "PUT"])
    @cors(PATTERN_POLICY)
    def kit_pattern() -> object:
        return {"name": "ada"}

    @app.route("/flask-cors-pattern", methods=["GET", "PUT"])
    @cross_origin(origins=FLASK_CORS_PATTERN)
    def flask_cors_pattern() -> object:
        return {"name": "ada"}

    return app


def main() -> list[str]:
    app = build()
    origin = {"Origin": ORIGIN}
    # every candidate in the same interleaved rounds, so that the pattern
    # and exact cases meet the same machine noise
    get = per_request(
        {
            "hand-written headers": (app, environ("/hand", headers=origin)),
            "cors()": (app, environ("/kit", headers=origin)),
            "Flask-CORS cross_origin": (app, environ("/flask-cors", headers=origin)),
            "cors(), pattern": (app, environ("/kit-pattern", headers=origin)),
            "Flask-CORS cross_origin, regex": (
                app,
                environ("/flask-cors-pattern", headers=origin),
            ),
        }
    )
    asked = {
        **origin,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type,x-custom",
    }
    preflight = per_request(
        {
            "Flask-CORS cross_origin": (
                app,
                environ("/flask-cors", method="OPTIONS", headers=asked),
            ),
            "cors()": (app, environ("/kit", method="OPTIONS", headers=asked)),
            "Flask-CORS cross_origin, regex": (
                app,
                environ("/flask-cors-pattern", method="OPTIONS", headers=asked),
            ),
            "cors(), pattern": (
                app,
                environ("/kit-pattern", method="OPTIONS", headers=asked),
            ),
        }
    )
    headline(
        "CORS simple GET",
        get,
        "cors()",
        "hand-written headers",
        labels=("cors()", "hand-written"),
    )
    pairs = [
        ("cors()", "Flask-CORS cross_origin"),
        ("cors(), pattern", "Flask-CORS cross_origin, regex"),
    ]
    for what, times in (("simple GET", get), ("preflight", preflight)):
        for (kit, reference), case in zip(pairs, ("CORS", "CORS pattern")):
            headline(
                f"{case} {what}",
                times,
                kit,
                reference,
                labels=("cors()", "Flask-CORS"),
            )

    def ratios(times: dict[str, float]) -> str:
        return "".join(
            f"\n  {kit} / {reference}: {times[kit] / times[reference]:.2f}"
            for kit, reference in pairs
        )

    return [
        table(
            "CORS: simple GET from an allowed origin (pattern: https://*.example.com)",
            get,
            "hand-written headers",
        )
        + ratios(get),
        table("CORS: preflight (PUT + 2 headers)", preflight, "Flask-CORS cross_origin")
        + ratios(preflight),
    ]


if __name__ == "__main__":
    print("\n\n".join(main()))
