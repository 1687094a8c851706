"""The app of test_cors_resources_live: a strict credentialed resource policy
for the admin paths listed before a broad one for the rest of the API. A
module of its own, so that a server process can import it."""

from __future__ import annotations

from flask import Flask

from flask_respkit import RespKit

ADMIN = "http://admin.example"
PUBLIC = "http://public.example"


def make_app() -> Flask:
    app = Flask(__name__)
    app.config["RESPKIT_CORS_RESOURCES"] = {
        r"/api/admin/.*": {"origins": [ADMIN], "allow_credentials": True},
        r"/api/.*": {"origins": [PUBLIC], "allow_credentials": True},
    }
    RespKit(app)

    @app.get("/api/admin/secret")
    def secret() -> dict[str, str]:
        return {"secret": "admin only"}

    return app
