"""Shared benchmark harness: per-request cost of WSGI apps, measured interleaved.

Each candidate is a WSGI app and an environ. Rounds alternate between candidates
so that machine noise hits all of them alike; the figure kept for each is the
median over rounds of the mean time per request.

With ``RESPKIT_BENCH_QUICK=1`` in the environment (``run.py --quick``) every
benchmark runs a handful of requests only: a smoke test that the code still
works (``tests/test_benchmarks.py``), with meaningless figures.

Modules register their headline ratios with :func:`headline`; ``run.py``
prints them as one summary table above the detailed tables.
"""

from __future__ import annotations

import os
import statistics
import time
import typing as t
from urllib.parse import urlencode

from flask import abort, jsonify, request
from werkzeug.test import EnvironBuilder

WSGIApp = t.Callable[..., t.Iterable[bytes]]


class Headline(t.NamedTuple):
    """One line of the summary: the kit's time divided by a reference's."""

    what: str
    kit: str
    reference: str
    ratio: float


#: Headline ratios registered by the modules run so far, in order.
HEADLINES: list[Headline] = []


def quick() -> bool:
    """Whether to run a few iterations only (``RESPKIT_BENCH_QUICK=1``)."""
    return os.environ.get("RESPKIT_BENCH_QUICK") == "1"


def headline(
    what: str,
    times: dict[str, float],
    kit: str,
    reference: str,
    *,
    labels: tuple[str, str] | None = None,
) -> None:
    """Register ``times[kit] / times[reference]`` for the summary table, under
    the candidates' names or the shorter ``labels`` (kit, reference)."""
    ratio = times[kit] / times[reference]
    HEADLINES.append(Headline(what, *(labels or (kit, reference)), ratio))


def summary() -> str:
    """The registered headlines as one table."""
    rows = [("benchmark", "flask-respkit", "reference", "ratio")]
    rows += [(h.what, h.kit, h.reference, f"{h.ratio:.2f}") for h in HEADLINES]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "Summary: the kit's time / the reference's time (< 1.00: the kit is faster)"
    ]
    for row in rows:
        cells = [f"{cell:<{width}}" for cell, width in zip(row, widths)]
        lines.append(f"  {'  '.join(cells)}  {row[3]:>5}")
    return "\n".join(lines)


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
    rounds: int = 41,
    number: int = 400,
) -> dict[str, float]:
    """Seconds per request of each candidate, median over interleaved rounds."""
    warm = 50
    if quick():
        rounds, number, warm = 1, 3, 1
    for app, env in candidates.values():  # warm up: first-request work, caches
        for _ in range(warm):
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


def paginate_by_hand(items: list[t.Any]) -> t.Any:
    """GitHub-style pagination written by hand in a view, the baseline of the
    ``paginate`` benchmarks: ``?page=``/``?per_page=`` (400 when bad), the
    page as JSON, ``Link`` rels first/prev/next/last and ``X-Total-Count``."""
    args = request.args
    try:
        page = int(args.get("page", "1"))
        per_page = min(int(args.get("per_page", "20")), 100)
    except ValueError:
        abort(400)
    if page < 1 or per_page < 1:
        abort(400)
    total = len(items)
    last = max(1, -(-total // per_page))
    start = (page - 1) * per_page
    response = jsonify(items[start : start + per_page])
    pairs = list(args.items(multi=True))
    if "page" not in args:
        pairs.append(("page", ""))

    def url(n: int) -> str:
        query = urlencode([(k, n if k == "page" else v) for k, v in pairs])
        return f"{request.base_url}?{query}"

    links = [f'<{url(1)}>; rel="first"']
    if page > 1:
        links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
    if page < last:
        links.append(f'<{url(page + 1)}>; rel="next"')
    links.append(f'<{url(last)}>; rel="last"')
    response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(total)
    return response
