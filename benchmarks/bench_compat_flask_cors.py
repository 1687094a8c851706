"""The Flask-CORS shim against Flask-CORS itself, same options, same app.

    python benchmarks/bench_compat_flask_cors.py

Both the extension (``CORS(app, resources=...)``, an ``after_request`` hook)
and the decorator (``cross_origin``) on a simple GET and a preflight. Target:
the shim never slower than Flask-CORS.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import flask_cors
from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import environ, headline, per_request, table

from flask_respkit.compat import flask_cors as shim

ORIGIN = "https://app.example.com"
ORIGINS = [ORIGIN, r"https://[a-z]+\.admin\.example\.com"]


def build(lib: types.ModuleType) -> Flask:
    app = Flask(__name__)
    lib.CORS(app, resources={r"/api/*": {"origins": ORIGINS, "max_age": 600}})

    @app.route("/api/items", methods=["GET", "PUT"])
    def items() -> object:
        return {"name": "ada"}

    @app.route("/deco", methods=["GET", "PUT"])
    @lib.cross_origin(origins=ORIGINS, supports_credentials=True)
    def deco() -> object:
        return {"name": "ada"}

    return app


def main() -> list[str]:
    apps = {"Flask-CORS": build(flask_cors), "shim": build(shim)}
    origin = {"Origin": ORIGIN}
    asked = {
        **origin,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type,x-custom",
    }
    tables = []
    for what, path in (("CORS()", "/api/items"), ("cross_origin", "/deco")):
        get = per_request(
            {
                f"{lib} {what}": (app, environ(path, headers=origin))
                for lib, app in apps.items()
            }
        )
        pre = per_request(
            {
                f"{lib} {what}": (app, environ(path, method="OPTIONS", headers=asked))
                for lib, app in apps.items()
            }
        )
        for kind, times in (("simple GET", get), ("preflight", pre)):
            headline(
                f"Flask-CORS shim {what} {kind}",
                times,
                f"shim {what}",
                f"Flask-CORS {what}",
                labels=("compat.flask_cors", "Flask-CORS"),
            )
            tables.append(
                table(f"Flask-CORS shim, {what}: {kind}", times, f"Flask-CORS {what}")
            )
    return tables


if __name__ == "__main__":
    print("\n\n".join(main()))
