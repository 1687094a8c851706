"""The mixed app under waitress and under gunicorn (2 workers x 4 threads),
driven by 16 concurrent clients; every response is checked against its own
request, and no error is allowed."""

from __future__ import annotations

import contextlib
import os
import typing as t
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from flask import Flask

from flask_respkit import Pagination, RespKit, cors, paginate

from ._figures import record
from ._load import KINDS, run_load
from ._servers import (
    GUNICORN_THREADS,
    GUNICORN_WORKERS,
    WAITRESS_THREADS,
    gunicorn_server,
    waitress_server,
)
from .mixed_app import create_app

pytestmark = [pytest.mark.reliability, pytest.mark.live]

CLIENTS = 16
#: Requests per client; the run is bounded to CLIENTS * PER_CLIENT requests.
PER_CLIENT = int(os.environ.get("RESPKIT_RELIABILITY_PER_CLIENT", "250"))


def _assert_clean(server: str, outcome: t.Any, closes: Path) -> None:
    assert outcome.requests == CLIENTS * PER_CLIENT
    assert set(outcome.by_kind) == set(KINDS)
    assert not outcome.problems, (
        f"{len(outcome.problems)} bad responses, first ones:\n"
        + "\n".join(outcome.problems[:15])
    )
    # Every CSV generator the load started ran its finally.
    lines = closes.read_text().splitlines() if closes.exists() else []
    assert len(lines) == outcome.by_kind["csv"]
    record(
        f"{server}: requests served, {CLIENTS} clients, 0 errors",
        outcome.requests,
    )
    record(f"{server}: seconds", round(outcome.seconds, 1))


def test_waitress_under_load(tmp_path: Path) -> None:
    closes = tmp_path / "closes"
    app = create_app(str(closes))
    with waitress_server(app) as base:
        outcome = run_load(base, CLIENTS, PER_CLIENT, seed=1)
    _assert_clean(f"waitress ({WAITRESS_THREADS} threads)", outcome, closes)


def test_gunicorn_under_load(tmp_path: Path) -> None:
    closes = tmp_path / "closes"
    log = tmp_path / "gunicorn.log"
    with gunicorn_server(str(closes), str(log)) as base:
        outcome = run_load(base, CLIENTS, PER_CLIENT, seed=2)
    assert "Traceback" not in log.read_text()
    _assert_clean(
        f"gunicorn ({GUNICORN_WORKERS} workers x {GUNICORN_THREADS} threads)",
        outcome,
        closes,
    )


# One decorator object, two apps with different config, served at once: the
# per-app resolution must never hand one app's policy to the other's request.
SHARED_CORS = cors(expose_headers=["X-App"])
SHARED_PAGINATE = paginate()


def _shared_app(name: str, per_page: int) -> Flask:
    app = Flask(name)
    app.config.update(
        RESPKIT_CORS_ORIGINS=[f"http://{name}.test"], RESPKIT_PER_PAGE=per_page
    )
    RespKit(app)

    @app.get("/health")
    def health() -> str:
        return "ok"

    @app.get("/items")
    @SHARED_CORS
    @SHARED_PAGINATE
    def items(pagination: Pagination) -> tuple[dict[str, int], dict[str, str]]:
        pagination.total = 1000
        return {"per_page": pagination.per_page}, {"X-App": name}

    return app


def test_shared_decorators_keep_each_apps_config() -> None:
    apps = {"one": 5, "two": 7}
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(waitress_server(_shared_app("one", 5)))
        two = stack.enter_context(waitress_server(_shared_app("two", 7)))
        bases = {"one": one, "two": two}

        def client(n: int) -> list[str]:
            problems = []
            with requests.Session() as session:
                for i in range(PER_CLIENT // 5):
                    name = ("one", "two")[(n + i) % 2]
                    origin = f"http://{('one', 'two')[i % 2]}.test"
                    r = session.get(
                        bases[name] + "/items?page=2",
                        headers={"Origin": origin},
                        timeout=30,
                    )
                    want = origin if origin == f"http://{name}.test" else None
                    got = (
                        r.status_code,
                        r.headers.get("X-App"),
                        r.json()["per_page"],
                        r.headers.get("Access-Control-Allow-Origin"),
                        f"per_page={apps[name]}" in r.headers.get("Link", ""),
                    )
                    if got != (200, name, apps[name], want, False):
                        problems.append(f"{name} from {origin}: {got}")
            return problems

        with ThreadPoolExecutor(CLIENTS) as pool:
            problems = [p for found in pool.map(client, range(CLIENTS)) for p in found]
    assert not problems, problems[:10]
    record(
        "two apps sharing decorator objects: requests, 0 errors",
        CLIENTS * (PER_CLIENT // 5),
    )
