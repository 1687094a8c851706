"""Run every benchmark in this folder and print one report.

    python benchmarks/run.py

Each ``bench_*.py`` module has a ``main()`` returning formatted tables. All run in
this one process; figures are ratios against the hand-written equivalent or the
peer library measured in the same rounds.
"""

from __future__ import annotations

import importlib
import platform
import sys
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    sys.path.insert(0, str(HERE))
    print(
        f"Python {platform.python_version()}, Flask {version('flask')},"
        f" {platform.machine()} {platform.processor() or ''}".rstrip()
    )
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("bench_*.py"))
    for name in names:
        module = importlib.import_module(name)
        for block in module.main():
            print()
            print(block)


if __name__ == "__main__":
    main()
