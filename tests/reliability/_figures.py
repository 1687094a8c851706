"""Figures the reliability suite measured in this run, printed at the end of
the pytest session (and written as JSON to ``RESPKIT_RELIABILITY_FIGURES``
when that environment variable names a file)."""

from __future__ import annotations

import typing as t

#: Label -> value, in the order measured.
FIGURES: dict[str, t.Any] = {}


def record(label: str, value: t.Any) -> None:
    """Record one figure; a label seen again accumulates numbers."""
    if isinstance(value, (int, float)) and isinstance(FIGURES.get(label), (int, float)):
        FIGURES[label] += value
    else:
        FIGURES[label] = value
