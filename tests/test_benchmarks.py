"""Smoke test of ``benchmarks/``: every module runs (a few requests each, with
``RESPKIT_BENCH_QUICK=1``) and ``run.py`` prints one report, so the
benchmarks cannot rot. The figures are not checked: speed is measured by
running ``python benchmarks/run.py``, not asserted in tests."""

from __future__ import annotations

import importlib
import sys
import typing as t
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
MODULES = sorted(p.stem for p in BENCHMARKS.glob("bench_*.py"))


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> t.Any:
    monkeypatch.setenv("RESPKIT_BENCH_QUICK", "1")
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    module = importlib.import_module("_harness")
    monkeypatch.setattr(module, "HEADLINES", [])
    return module


def test_every_module_is_found() -> None:
    assert {
        "bench_core",
        "bench_cors",
        "bench_auth",
        "bench_links",
        "bench_stacked",
        "bench_csv",
        "bench_conditional",
    } <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_module_runs_and_reports(harness: t.Any, name: str) -> None:
    blocks = importlib.import_module(name).main()
    assert isinstance(blocks, list)
    assert blocks
    for block in blocks:
        assert isinstance(block, str)
        title, *rows = block.splitlines()
        assert title.strip()
        assert len(rows) >= 3  # column heads and two candidates at least
    assert harness.HEADLINES, f"{name} registers no headline ratio"
    for line in harness.HEADLINES:
        assert line.ratio > 0


def test_run_prints_machine_summary_and_tables(
    harness: t.Any, capsys: pytest.CaptureFixture[str]
) -> None:
    run = importlib.import_module("run")
    run.main(["--quick", "bench_core", "bench_csv"])
    out = capsys.readouterr().out
    assert out.startswith(run.machine())
    summary = out.index("Summary: the kit's time / the reference's time")
    assert summary < out.index("Primitive: GET with one header")
    assert summary < out.index("CSV export of 200 rows")
    assert "no_content" in out[summary : out.index("Primitive:")]
    assert "Flask-CSV send_csv" in out


def test_run_orders_the_modules() -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        run = importlib.import_module("run")
    finally:
        sys.path.remove(str(BENCHMARKS))
    assert run.modules()[: len(run.ORDER)] == list(run.ORDER)
