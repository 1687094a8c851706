"""Run every benchmark in this folder and print one report.

    python benchmarks/run.py                  # everything (one to two minutes)
    python benchmarks/run.py bench_cors       # some modules only
    python benchmarks/run.py --quick          # a few requests each: a smoke test

Each ``bench_*.py`` module has a ``main()`` returning formatted tables and
registers its headline ratios with ``_harness.headline``. All run in this one
process; every figure is a ratio against the hand-written equivalent or the
peer library measured in the same interleaved rounds. The report starts with
the machine, then the summary of headline ratios, then every table.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = ("flask-cors", "flask-httpauth", "flask-csv", "flask-smorest")
ORDER = (
    "bench_core",
    "bench_cors",
    "bench_auth",
    "bench_links",
    "bench_cursor",
    "bench_stacked",
    "bench_csv",
    "bench_conditional",
    "bench_problem",
    "bench_deprecation",
)


def modules() -> list[str]:
    """Every ``bench_*`` module, in the report's order."""
    found = sorted(p.stem for p in HERE.glob("bench_*.py"))
    return [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _versions(names: tuple[str, ...]) -> str:
    found = []
    for name in names:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def _usable_cpus() -> int | str:
    """What ``nproc`` prints: the CPUs this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)  # not on macOS or Windows
    return len(affinity(0)) if affinity else "unknown"


def _load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # pragma: no cover - not on Windows
        return "load average unknown"


def machine() -> str:
    """Where the figures come from, for the report's first lines."""
    return (
        f"{_cpu_model()}, {os.cpu_count()} CPUs (nproc {_usable_cpus()}),"
        f" {platform.system()} {platform.machine()}\n"
        f"Python {platform.python_version()}, Flask {version('flask')},"
        f" Werkzeug {version('werkzeug')}, flask-respkit {version('flask-respkit')}\n"
        f"Peers: {_versions(PEERS)}"
    )


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if "--quick" in args:
        os.environ["RESPKIT_BENCH_QUICK"] = "1"
        args = [a for a in args if a != "--quick"]
    sys.path.insert(0, str(HERE))
    import _harness

    names = args or modules()
    print(machine())
    print(f"Start: {_load()}", flush=True)
    started = time.perf_counter()
    blocks: list[str] = []
    for name in names:
        print(f"  running {name} ...", file=sys.stderr, flush=True)
        blocks.extend(importlib.import_module(name).main())
    print(f"End: {_load()}; {time.perf_counter() - started:.0f} s")
    print()
    print(_harness.summary())
    for block in blocks:
        print()
        print(block)


if __name__ == "__main__":
    main()
