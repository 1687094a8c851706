"""Count the function calls one request makes, with cProfile: those whose code
lives in the imported ``flask_respkit`` package, and all of them.

    python benchmarks/calls.py                # 20 requests per scenario, averaged
    python benchmarks/calls.py --requests 1   # exactly one request each

It measures whichever ``flask_respkit`` is importable, so the same script
compares two versions (``PYTHONPATH=/path/to/other/checkout python
benchmarks/calls.py``); the package measured is printed first. Each app answers
a few requests unprofiled first (first-request work, caches), then the
profiled requests; the counts are per request.

Package calls count every call to a Python function defined in a file under the
package's directory. All calls are what cProfile counts for the request (the
WSGI call, then reading and closing the body as a server would): Flask,
Werkzeug, the package and C built-ins alike. Primitive calls leave out
recursive ones, as cProfile does.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import typing as t
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_stacked
from _harness import call, environ

import flask_respkit
from flask_respkit import auth_challenge, cors

ORIGIN = "https://app.example.com"
PACKAGE = os.path.realpath(os.path.dirname(flask_respkit.__file__))
WARM_UP = 5

Scenario = tuple[str, Flask, dict[str, t.Any], int]


def _cors_app() -> Flask:
    app = Flask(__name__)

    @app.get("/simple")
    @cors([ORIGIN])
    def simple() -> t.Any:
        return {"name": "ada"}

    @app.get("/guarded")
    @cors([ORIGIN])
    @auth_challenge("Bearer", verify=lambda auth: False)
    def guarded() -> t.Any:
        return {"name": "ada"}

    return app


def scenarios() -> list[Scenario]:
    """(name, app, environ, expected status) of every request counted."""
    app = _cors_app()
    origin = {"Origin": ORIGIN}
    return [
        ("CORS simple GET", app, environ("/simple", headers=origin), 200),
        ("401 under cors", app, environ("/guarded", headers=origin), 401),
        (
            "stacked: cors+auth+paginate+headers+vary",
            bench_stacked.build_kit(),
            environ(
                bench_stacked.PATH,
                query_string=bench_stacked.QUERY,
                headers=bench_stacked.GOOD,
            ),
            200,
        ),
    ]


def _check(name: str, app: Flask, env: dict[str, t.Any], status: int) -> None:
    """Fail unless the request is answered ``status`` with CORS headers."""
    seen: list[tuple[str, set[str]]] = []

    def start_response(line: str, headers: t.Any, exc_info: t.Any = None) -> t.Any:
        seen.append((line, {h.lower() for h, _ in headers}))

    body = app(dict(env), start_response)
    try:
        b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    line, names = seen[0] if seen else ("no response", set())
    if not line.startswith(f"{status} ") or "access-control-allow-origin" not in names:
        raise SystemExit(
            f"{name}: expected {status} with Access-Control-Allow-Origin,"
            f" got {line} with {sorted(names)}"
        )


def _in_package(filename: str, cache: dict[str, bool]) -> bool:
    inside = cache.get(filename)
    if inside is None:
        path = os.path.realpath(filename)
        inside = cache[filename] = path.startswith(PACKAGE + os.sep)
    return inside


def count(
    app: Flask, env: dict[str, t.Any], requests: int
) -> tuple[float, float, float, float]:
    """Per request: package calls, package primitive calls, all calls, all
    primitive calls."""
    for _ in range(WARM_UP):
        call(app, env)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        call(app, env)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    cache: dict[str, bool] = {}
    pkg = pkg_prim = everything = everything_prim = 0
    for (filename, _, name), (primitive, total, *_) in stats.items():
        if name == "call" and filename.endswith("_harness.py"):
            continue  # the loop's own frame: not the request's
        if name.startswith("<method 'disable' of '_lsprof."):
            continue  # the profiler being stopped
        everything += total
        everything_prim += primitive
        if _in_package(filename, cache):
            pkg += total
            pkg_prim += primitive
    return tuple(  # type: ignore[return-value]
        n / requests for n in (pkg, pkg_prim, everything, everything_prim)
    )


def _fmt(n: float) -> str:
    return f"{n:.0f}" if n == int(n) else f"{n:.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests",
        type=int,
        default=20,
        help="profiled requests per scenario; the counts are per request",
    )
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    version = getattr(flask_respkit, "__version__", "?")
    print(f"flask_respkit {version} from {PACKAGE}")
    print(
        f"Function calls per request (cProfile; {WARM_UP} warm-up requests,"
        f" then the mean of {args.requests})"
    )
    rows: list[tuple[str, ...]] = [
        ("scenario", "package", "(primitive)", "all code", "(primitive)")
    ]
    for name, app, env, status in scenarios():
        _check(name, app, env, status)
        rows.append((name, *map(_fmt, count(app, env, args.requests))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        first, *rest = row
        cells = [f"{first:<{widths[0]}}"]
        cells += [f"{cell:>{width}}" for cell, width in zip(rest, widths[1:])]
        print("  " + "  ".join(cells))


if __name__ == "__main__":
    main()
