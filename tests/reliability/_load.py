"""A bounded load of mixed requests from concurrent clients, each response
checked against *its own* request."""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import random
import threading
import time
import typing as t
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import requests

from ._checks import cors_problems, header_problems
from .mixed_app import TOKENS, TOTAL_ITEMS

KINDS = ("items", "csv", "me", "delete", "preflight", "gone")


@dataclasses.dataclass
class Call:
    """One planned request and what its response must show."""

    kind: str
    method: str
    path: str
    origin: str | None
    token: str
    headers: dict[str, str]
    params: dict[str, t.Any]


@dataclasses.dataclass
class Outcome:
    """What a load run saw."""

    requests: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    by_kind: dict[str, int] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0


def plan(client: int, count: int, seed: int) -> list[Call]:
    """``count`` requests for one client, mixed over :data:`KINDS`."""
    rng = random.Random(seed * 1000 + client)
    calls = []
    for i in range(count):
        kind = KINDS[(client + i) % len(KINDS)]
        roll = rng.random()
        origin: str | None = f"http://client-{client}.test"
        if roll < 0.15:
            origin = f"http://evil-{client}.test"
        elif roll < 0.25:
            origin = None
        elif roll < 0.35:
            origin = "http://a.test"
        token = f"c{client}-r{i}-{rng.randrange(10**9)}"
        headers = {"X-Request-Token": token}
        if origin is not None:
            headers["Origin"] = origin
        params: dict[str, t.Any] = {}
        method, path = "GET", "/" + kind
        if kind == "items":
            path = "/items"
            params = {"page": rng.randint(1, 110), "per_page": rng.randint(1, 60)}
            if rng.random() < 0.5:
                params["q"] = token
        elif kind == "csv":
            path = "/export.csv"
            params = {"size": rng.randint(0, 400), "token": token}
        elif kind == "me":
            path = "/me"
            user = rng.randrange(40)  # tokens 32..39 are unknown
            headers["Authorization"] = f"Bearer token-{user}"
        elif kind in ("delete", "preflight"):
            path = f"/things/{rng.randrange(10**6)}"
            method = "DELETE" if kind == "delete" else "OPTIONS"
            if kind == "preflight":
                headers["Access-Control-Request-Method"] = "DELETE"
                headers["Access-Control-Request-Headers"] = f"x-client-{client}"
                if origin is None:
                    headers["Origin"] = origin = f"http://client-{client}.test"
        calls.append(Call(kind, method, path, origin, token, headers, params))
    return calls


def check(call: Call, r: requests.Response) -> list[str]:
    """Problems with ``r`` as the answer to ``call``."""
    problems = header_problems(r.raw.headers.items())
    h = r.headers
    expect_status = {"items": 200, "csv": 200, "delete": 204, "gone": 410}
    if call.kind in expect_status and r.status_code != expect_status[call.kind]:
        return [f"status {r.status_code}", *problems]
    if call.kind != "preflight" and h.get("X-Request-Token") != call.token:
        problems.append(f"X-Request-Token {h.get('X-Request-Token')!r}")
    credentials = call.kind == "me"
    if call.kind != "preflight":
        problems += cors_problems(h, call.origin, credentials)
    if call.kind == "items":
        problems += _check_items(call, r)
    elif call.kind == "csv":
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
        size = call.params["size"]
        if rows[0] != ["n", "token"] or len(rows) != size + 1:
            problems.append(f"CSV has {len(rows) - 1} rows, asked {size}")
        if any(row != [str(n), call.token] for n, row in enumerate(rows[1:])):
            problems.append("CSV rows carry another request's token")
        if h.get("Content-Disposition", "").split(";")[0] != "attachment":
            problems.append("Content-Disposition missing")
    elif call.kind == "me":
        user = TOKENS.get(call.headers["Authorization"].split()[1])
        if user is not None:
            if r.status_code != 200 or r.json() != {"user": user}:
                problems.append(f"me: {r.status_code} {r.text[:80]!r} for {user}")
        elif r.status_code != 401 or not h.get("WWW-Authenticate", "").startswith(
            'Bearer realm="reliability"'
        ):
            problems.append(f"me: {r.status_code} {h.get('WWW-Authenticate')!r}")
    elif call.kind == "delete":
        thing = call.path.rsplit("/", 1)[1]
        if r.content or "Content-Type" in h or h.get("X-Thing") != thing:
            problems.append(f"204 body/headers wrong: {dict(h)!r}")
    elif call.kind == "preflight":
        problems += _check_preflight(call, r)
    return problems


def _check_items(call: Call, r: requests.Response) -> list[str]:
    page, asked = call.params["page"], call.params["per_page"]
    per_page = min(asked, 50)
    last = math.ceil(TOTAL_ITEMS / per_page)
    body = r.json()
    start = (page - 1) * per_page
    ids = list(range(start, min(start + per_page, TOTAL_ITEMS)))
    problems = []
    if body != {"page": page, "per_page": per_page, "ids": ids}:
        problems.append(f"items body {body!r} for page {page}, per_page {per_page}")
    if r.headers.get("X-Total-Count") != str(TOTAL_ITEMS):
        problems.append("X-Total-Count")
    want = {"first": 1, "last": last}
    if page > 1:
        want["prev"] = min(page - 1, last)
    if page < last:
        want["next"] = page + 1
    got = {}
    for rel, link in r.links.items():
        query = parse_qs(urlsplit(link["url"]).query)
        got[rel] = int(query["page"][0])
        if query["per_page"] != [str(per_page)]:
            problems.append(f"Link {rel} per_page {query['per_page']}")
        if "q" in call.params and query.get("q") != [call.token]:
            problems.append(f"Link {rel} carries another request's query")
    if got != want:
        problems.append(f"Link pages {got} for page {page}, want {want}")
    if call.origin is not None and "Access-Control-Allow-Origin" in r.headers:
        exposed = r.headers.get("Access-Control-Expose-Headers", "")
        if not {"X-Request-Token", "Link", "X-Total-Count"} <= {
            n.strip() for n in exposed.split(",")
        }:
            problems.append(f"Expose-Headers {exposed!r}")
    return problems


def _check_preflight(call: Call, r: requests.Response) -> list[str]:
    h = r.headers
    if call.origin is not None and call.origin.startswith("http://evil"):
        if r.status_code != 403 or "Access-Control-Allow-Origin" in h:
            return [f"preflight from a disallowed origin: {r.status_code}"]
        return []
    want = {
        "Access-Control-Allow-Origin": call.origin,
        "Access-Control-Allow-Methods": "DELETE, PUT",
        "Access-Control-Allow-Headers": call.headers["Access-Control-Request-Headers"],
        "Access-Control-Max-Age": "600",
    }
    got = {k: h.get(k) for k in want}
    if r.status_code != 204 or got != want:
        return [f"preflight {r.status_code} {got!r}, want {want!r}"]
    return []


def run_load(base: str, clients: int, per_client: int, seed: int) -> Outcome:
    """Drive ``base`` with ``clients`` threads of ``per_client`` requests each.

    Every exception and every wrong response is a problem; nothing is retried.
    """
    outcome = Outcome()
    lock = threading.Lock()

    def client(n: int) -> None:
        session = requests.Session()
        try:
            for call in plan(n, per_client, seed):
                try:
                    r = session.request(
                        call.method,
                        base + call.path,
                        params=call.params,
                        headers=call.headers,
                        timeout=30,
                    )
                    found = check(call, r)
                except Exception as e:
                    found = [f"{type(e).__name__}: {e}"]
                with lock:
                    outcome.requests += 1
                    outcome.by_kind[call.kind] = outcome.by_kind.get(call.kind, 0) + 1
                    outcome.problems += [
                        f"{call.method} {call.path} {call.params}: {p}" for p in found
                    ]
        finally:
            session.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    outcome.seconds = time.perf_counter() - started
    return outcome
