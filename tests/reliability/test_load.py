"""The mixed app under waitress and under gunicorn (2 workers x 4 threads),
driven by 16 concurrent clients; every response is checked against its own
request, and no error is allowed."""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

import pytest

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
