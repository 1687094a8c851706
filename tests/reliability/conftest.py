from __future__ import annotations

import json
import os
import typing as t

from ._figures import FIGURES


def pytest_terminal_summary(terminalreporter: t.Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("flask-respkit reliability figures")
    for label, value in FIGURES.items():
        terminalreporter.write_line(f"{label}: {value}")
    target = os.environ.get("RESPKIT_RELIABILITY_FIGURES")
    if target:
        with open(target, "w", encoding="utf-8") as f:
            json.dump(FIGURES, f, indent=2)
