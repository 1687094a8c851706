"""The 401 path of a ``verify`` guard against the same 401 built by hand in the
view, and against Flask-HTTPAuth's ``login_required`` failing the same way.

Two hand-written baselines build the identical response: one with Werkzeug's
``request.authorization`` and ``accept_mimetypes`` as a user would write it, one
with the kit's own helpers (so its ratio is the decorator's overhead alone).

    python benchmarks/bench_auth.py
"""

from __future__ import annotations

import base64
import sys
import typing as t
from pathlib import Path

from flask import Flask, Response, request
from flask_httpauth import HTTPBasicAuth
from werkzeug.datastructures import Authorization

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import call, environ, headline, per_request, table

from flask_respkit import RespKit, auth_challenge
from flask_respkit.auth import read_authorization, wants_json

CHALLENGE = 'Basic realm="Authentication Required", charset="UTF-8"'
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
WRONG = {"Authorization": "Basic " + base64.b64encode(b"ada:wrong").decode()}


def _check(auth: Authorization | None) -> bool:
    return auth is not None and (auth.username, auth.password) == ("ada", "right")


def build() -> Flask:
    app = Flask(__name__)
    RespKit(app)

    @app.get("/hand")
    def hand() -> t.Any:
        try:
            auth = request.authorization
        except ValueError:  # Werkzeug 3.1 on some malformed Basic credentials
            auth = None
        if not _check(auth):
            accept = request.accept_mimetypes
            json_q = accept.quality("application/json")
            text_q = accept.quality("text/plain")
            if json_q > text_q or (
                json_q == text_q > 0 and "application/json" in accept.values()
            ):
                body = app.json.dumps({"message": "Authentication required."})
                response = Response(body, 401, mimetype="application/json")
            else:
                response = Response(
                    "Authentication required.", 401, mimetype="text/plain"
                )
            response.headers["Vary"] = "Accept"
            response.headers["WWW-Authenticate"] = CHALLENGE
            return response
        return {"user": "ada"}

    @app.get("/hand-fast")
    def hand_fast() -> t.Any:
        if not _check(read_authorization(request)):
            if wants_json(request):
                body = app.json.dumps({"message": "Authentication required."})
                response = Response(body, 401, mimetype="application/json")
            else:
                response = Response(
                    "Authentication required.", 401, mimetype="text/plain"
                )
            response.headers["Vary"] = "Accept"
            response.headers["WWW-Authenticate"] = CHALLENGE
            return response
        return {"user": "ada"}

    @app.get("/kit")
    @auth_challenge("Basic", verify=_check)
    def kit() -> t.Any:
        return {"user": "ada"}

    httpauth = HTTPBasicAuth()

    @httpauth.verify_password
    def verify_password(username: str, password: str) -> str | None:
        return "ada" if (username, password) == ("ada", "right") else None

    @app.get("/httpauth")
    @httpauth.login_required
    def peer() -> t.Any:
        return {"user": "ada"}

    return app


def _same_response(app: Flask, headers: dict[str, str]) -> None:
    client = app.test_client()
    hand, kit = (
        client.get("/hand", headers=headers),
        client.get("/kit", headers=headers),
    )
    assert hand.status_code == kit.status_code == 401
    assert sorted(hand.headers) == sorted(kit.headers), (hand.headers, kit.headers)
    assert hand.data == kit.data


def main() -> list[str]:
    app = build()
    blocks = []
    for title, headers in [
        ("401: wrong Basic credentials, Accept */*", {**WRONG, "Accept": "*/*"}),
        (
            "401: no credentials, Accept: application/json",
            {"Accept": "application/json"},
        ),
        ("401: no credentials, browser Accept", {"Accept": BROWSER}),
    ]:
        _same_response(app, headers)
        for path in ("/hand", "/hand-fast", "/kit", "/httpauth"):
            assert call(app, environ(path, headers=headers))
        times = per_request(
            {
                "hand-written 401 in the view": (
                    app,
                    environ("/hand", headers=headers),
                ),
                "hand-written, the kit's Accept check": (
                    app,
                    environ("/hand-fast", headers=headers),
                ),
                "auth_challenge(verify=...)": (app, environ("/kit", headers=headers)),
                "Flask-HTTPAuth login_required": (
                    app,
                    environ("/httpauth", headers=headers),
                ),
            },
        )
        if not blocks:  # the first case stands for the others in the summary
            for reference, label in [
                ("hand-written 401 in the view", "hand-written"),
                ("hand-written, the kit's Accept check", "hand-written, kit's helpers"),
                ("Flask-HTTPAuth login_required", "Flask-HTTPAuth"),
            ]:
                headline(
                    "401 challenge, wrong password",
                    times,
                    "auth_challenge(verify=...)",
                    reference,
                    labels=("auth_challenge(verify=)", label),
                )
        blocks.append(table(title, times, "hand-written 401 in the view"))
    good = {"Authorization": "Basic " + base64.b64encode(b"ada:right").decode()}
    times = per_request(
        {
            "hand-written check in the view": (app, environ("/hand", headers=good)),
            "auth_challenge(verify=...)": (app, environ("/kit", headers=good)),
            "Flask-HTTPAuth login_required": (
                app,
                environ("/httpauth", headers=good),
            ),
        },
    )
    for reference, label in [
        ("hand-written check in the view", "hand-written"),
        ("Flask-HTTPAuth login_required", "Flask-HTTPAuth"),
    ]:
        headline(
            "200, right password",
            times,
            "auth_challenge(verify=...)",
            reference,
            labels=("auth_challenge(verify=)", label),
        )
    blocks.append(
        table("200: right credentials", times, "hand-written check in the view")
    )
    return blocks


if __name__ == "__main__":
    print("\n\n".join(main()))
