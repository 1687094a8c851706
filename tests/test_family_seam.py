"""The family seam, end to end, with a family the package does not know.

tests/seam/toy_family.py defines it on the public seam alone, and
tests/seam/check_toy_family.py proves it works (exposed by cors, its setting
validated by RespKit, its hook installed by init_app, documented by the
OpenAPI plugin). Defining a family registers it for the whole process, so the
checks run in a fresh interpreter: the kit's own expose list and settings stay
as they are for every other test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SEAM = Path(__file__).parent / "seam"
PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error")


def test_a_family_outside_the_package_works_end_to_end() -> None:
    run = subprocess.run(
        [*PYTEST, str(SEAM / "check_toy_family.py")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed is not None, run.stdout
    assert int(passed[1]) >= 5
    assert "failed" not in run.stdout
    assert "skipped" not in run.stdout


def test_the_package_knows_no_such_family() -> None:
    names = {
        path.name
        for path in (Path(__file__).parents[1] / "flask_respkit").rglob("*.py")
        if "toy" in path.read_text().lower() or "greeting" in path.read_text()
    }
    assert names == set()
