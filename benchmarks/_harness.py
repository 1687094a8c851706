"""Shared benchmark harness: per-request cost of WSGI apps, measured interleaved.

Each candidate is a WSGI app and an environ. Rounds alternate between candidates
so that machine noise hits all of them alike; the figure kept for each is the
median over rounds of the mean time per request.
"""

from __future__ import annotations

import statistics
import time
import typing as t

from werkzeug.test import EnvironBuilder

WSGIApp = t.Callable[..., t.Iterable[bytes]]


def environ(path: str = "/", **kwargs: t.Any) -> dict[str, t.Any]:
    """A WSGI environ for one request, built once and copied per call."""
    return EnvironBuilder(path=path, **kwargs).get_environ()


def _start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> None:
    return None


def call(app: WSGIApp, env: dict[str, t.Any]) -> bytes:
    """Call the app once and read the whole body, as a server would."""
    body = app(dict(env), _start_response)
    try:
        return b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


def per_request(
    candidates: dict[str, tuple[WSGIApp, dict[str, t.Any]]],
    *,
    rounds: int = 15,
    number: int = 400,
) -> dict[str, float]:
    """Seconds per request of each candidate, median over interleaved rounds."""
    for app, env in candidates.values():  # warm up: first-request work, caches
        for _ in range(50):
            call(app, env)
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, (app, env) in candidates.items():
            start = time.perf_counter()
            for _ in range(number):
                call(app, env)
            samples[name].append((time.perf_counter() - start) / number)
    return {name: statistics.median(s) for name, s in samples.items()}


def table(title: str, times: dict[str, float], baseline: str) -> str:
    """Format times as a table with ratios against ``baseline``."""
    base = times[baseline]
    lines = [title, f"  {'candidate':<44} {'µs/request':>11} {'ratio':>7}"]
    for name, value in times.items():
        lines.append(f"  {name:<44} {value * 1e6:>11.1f} {value / base:>7.2f}")
    return "\n".join(lines)
