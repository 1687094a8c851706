"""csv_export over real HTTP: requests, pandas and curl against a live server,
and the example app started as its own process."""

from __future__ import annotations

import contextlib
import csv
import io
import math
import shutil
import socket
import subprocess
import threading
import typing as t
from pathlib import Path

import pandas as pd
import pytest
import requests
from flask import Flask, request
from werkzeug.serving import WSGIRequestHandler, make_server

from flask_respkit import RespKit, csv_export
from flask_respkit.export import BATCH_ROWS, BROKEN_TAIL

from ._live import CHROMIUM_ARGS, browser_or_skip, free_port, run_example, serve

pytestmark = pytest.mark.live

ROWS: list[dict[str, t.Any]] = [
    {"id": 1, "name": 'ACME "Rockets", Ltd', "amount": -12.5, "note": "a\nb"},
    {"id": 2, "name": "Zoë Ångström 大阪", "amount": 0.1, "note": None},
    {"id": 3, "name": '=HYPERLINK("http://x")', "amount": 3, "note": "-1+2"},
    {"id": 4, "name": "@SUM(A1)", "amount": -0.0, "note": "2024-01-02"},
]
EXPECTED_CELLS = [
    ["ID", "Name", "Amount", "Note"],
    ["1", 'ACME "Rockets", Ltd', "-12.5", "a\nb"],
    ["2", "Zoë Ångström 大阪", "0.1", ""],
    ["3", '\'=HYPERLINK("http://x")', "3", "'-1+2"],
    ["4", "'@SUM(A1)", "-0.0", "2024-01-02"],
]
COLUMNS = {"id": "ID", "name": "Name", "amount": "Amount", "note": "Note"}


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    RespKit(app)

    @app.get("/orders.csv")
    @csv_export(COLUMNS, filename="Résumé 2024.csv")
    def orders() -> t.Iterator[dict[str, t.Any]]:
        return iter(ROWS)

    @app.get("/orders")
    @csv_export(COLUMNS, negotiate=True)
    def negotiated() -> list[dict[str, t.Any]]:
        return ROWS

    @app.get("/many")
    @csv_export(["i", "q"])
    def many() -> t.Iterator[tuple[int, str]]:
        n = request.args.get("n", 10, type=int)
        return ((i, request.args.get("q", "")) for i in range(n))

    @app.get("/broken")
    @csv_export(["i"])
    def broken() -> t.Iterator[tuple[int]]:
        for i in range(BATCH_ROWS * 3):
            yield (i,)
        raise RuntimeError("the database went away")

    return app


def test_requests_and_csv_reader_round_trip(live_server: t.Any) -> None:
    r = requests.get(live_server.url("/orders.csv"), timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert r.headers["Content-Disposition"] == (
        'attachment; filename="Resume 2024.csv";'
        " filename*=UTF-8''R%C3%A9sum%C3%A9%202024.csv"
    )
    assert "Content-Length" not in r.headers
    assert r.headers["Transfer-Encoding"] == "chunked"
    cells = list(csv.reader(io.StringIO(r.content.decode("utf-8"), newline="")))
    assert cells == EXPECTED_CELLS


def test_pandas_reads_the_export_over_http(live_server: t.Any) -> None:
    df = pd.read_csv(live_server.url("/orders.csv"))
    assert list(df.columns) == ["ID", "Name", "Amount", "Note"]
    assert df["ID"].tolist() == [1, 2, 3, 4]
    assert df["Name"].tolist() == [row[1] for row in EXPECTED_CELLS[1:]]
    assert df["Amount"].tolist() == [-12.5, 0.1, 3.0, -0.0]
    assert math.copysign(1, df["Amount"][3]) == -1
    notes = df["Note"].tolist()
    assert notes[0] == "a\nb"
    assert math.isnan(notes[1])  # None → empty cell → NaN
    assert notes[2:] == ["'-1+2", "2024-01-02"]


def test_pandas_streams_a_large_export_with_request_args(live_server: t.Any) -> None:
    n = BATCH_ROWS * 20 + 3
    df = pd.read_csv(live_server.url(f"/many?n={n}&q=ok"))
    assert len(df) == n
    assert df["i"].tolist() == list(range(n))
    assert set(df["q"]) == {"ok"}


@pytest.mark.parametrize(
    ("accept", "kind"),
    [("text/csv", "text/csv"), ("application/json", "application/json")],
)
def test_negotiation_over_http(live_server: t.Any, accept: str, kind: str) -> None:
    r = requests.get(live_server.url("/orders"), headers={"Accept": accept}, timeout=10)
    assert r.headers["Content-Type"].split(";")[0] == kind
    assert r.headers["Vary"] == "Accept"
    if kind == "application/json":
        assert r.json() == ROWS
    else:
        assert pd.read_csv(io.BytesIO(r.content))["ID"].tolist() == [1, 2, 3, 4]
    df = pd.read_csv(live_server.url("/orders?format=csv"))
    assert len(df) == 4


def test_an_error_mid_stream_cuts_the_download(live_server: t.Any) -> None:
    r = requests.get(live_server.url("/broken"), stream=True, timeout=10)
    assert r.status_code == 200
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for _ in r.iter_content(8192):
            pass
    with pytest.raises(Exception):  # noqa: B017, PT011 - pandas must not see a clean file
        pd.read_csv(live_server.url("/broken"))


def raw_get(port: int, target: str, version: str = "HTTP/1.0") -> tuple[bytes, bytes]:
    """Send a request line as it is (raw bytes allowed) and read the answer
    until the server closes the connection: the head and the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"GET {target} {version}\r\nHost: 127.0.0.1:{port}\r\n"
            "Connection: close\r\n\r\n".encode("latin-1")
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


class HTTP10Handler(WSGIRequestHandler):
    # Werkzeug answers HTTP/1.1, with chunks even to an HTTP/1.0 request, once
    # any threaded server set that on its handler class in this process.
    protocol_version = "HTTP/1.0"


@contextlib.contextmanager
def http10_werkzeug(app: Flask) -> t.Iterator[int]:
    """Werkzeug's server answering in HTTP/1.0, as a proxy speaking HTTP/1.0
    to the app sees it."""
    server = make_server("127.0.0.1", 0, app, request_handler=HTTP10Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def waitress_serve(app: Flask) -> t.Iterator[int]:
    """waitress in a thread: it answers an HTTP/1.0 request without chunks."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    port = server.effective_port  # type: ignore[union-attr]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        server.close()
        with contextlib.suppress(OSError):  # wake the loop so run() returns
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        thread.join(timeout=10)
        server.task_dispatcher.shutdown(timeout=5)  # type: ignore[union-attr]


SERVERS = {"werkzeug": http10_werkzeug, "waitress": waitress_serve}


@pytest.mark.parametrize("server", SERVERS)
def test_a_failed_export_over_http_10_cannot_be_read_as_complete(
    app: Flask, server: str
) -> None:
    # HTTP/1.0 (also nginx's default towards the app) has no chunked framing:
    # the end of the connection ends the body, so only the body can tell.
    with SERVERS[server](app) as port:
        head, body = raw_get(port, "/broken")
    assert head.startswith(b"HTTP/1.0 200")
    assert b"chunked" not in head.lower()
    assert b"content-length" not in head.lower()
    assert body.endswith(b'"' + BROKEN_TAIL.encode())
    good = body[: -len(BROKEN_TAIL) - 1]
    written = pd.read_csv(io.BytesIO(good))["i"].tolist()
    assert written == list(range(len(written)))
    assert len(written) >= BATCH_ROWS
    for engine in ("c", "python"):
        with pytest.raises(pd.errors.ParserError):
            pd.read_csv(io.BytesIO(body), engine=engine)
    with pytest.raises(csv.Error):
        list(csv.reader(io.StringIO(body.decode(), newline=""), strict=True))


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_saves_the_download_under_its_name(
    live_server: t.Any, tmp_path: Path
) -> None:
    subprocess.run(
        ["curl", "-sSf", "-OJ", live_server.url("/orders.csv")],
        cwd=tmp_path,
        check=True,
        timeout=20,
    )
    saved = [p.name for p in tmp_path.iterdir()]
    assert len(saved) == 1
    assert saved[0] in {"Resume 2024.csv", "Résumé 2024.csv"}
    with (tmp_path / saved[0]).open(newline="", encoding="utf-8") as f:
        assert list(csv.reader(f)) == EXPECTED_CELLS


@pytest.mark.browser
def test_chromium_downloads_under_the_exact_name(app: Flask, tmp_path: Path) -> None:
    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    @app.get("/")
    def page() -> str:
        return '<a id="get" href="/orders.csv">Download</a>'

    with serve(app) as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(accept_downloads=True)
            tab = context.new_page()
            tab.goto(f"http://127.0.0.1:{port}/")
            with tab.expect_download() as info:
                tab.click("#get")
            download = info.value
            assert download.suggested_filename == "Résumé 2024.csv"  # filename*
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            context.close()
        finally:
            browser.close()
    with saved.open(newline="", encoding="utf-8") as f:
        assert list(csv.reader(f)) == EXPECTED_CELLS


# The example app ---------------------------------------------------------------


@pytest.fixture
def example() -> t.Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with run_example(
        "csv_export/app.py", {"PORT": str(port)}, base + "/orders?limit=1"
    ):
        yield base


def test_example_app_streams_100k_sqlite_rows(example: str) -> None:
    r = requests.get(example + "/orders.csv", stream=True, timeout=60)
    assert r.headers["Content-Disposition"].startswith(
        'attachment; filename="orders-2024.csv"'
    )
    assert r.headers["Transfer-Encoding"] == "chunked"
    body = r.raw.read(decode_content=True)
    assert body.startswith(b"\xef\xbb\xbfOrder,Customer,Status,Amount (EUR),Date,Note")
    df = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig")
    assert len(df) == 100_000
    assert df["Order"].tolist() == list(range(1, 100_001))
    assert (df.loc[df["Status"] == "refunded", "Amount (EUR)"] < 0).all()
    formulas = df["Customer"][df["Customer"].str.contains("HYPERLINK")]
    assert len(formulas) == 100
    assert formulas.str.startswith("'=").all()
    assert df["Note"].isna().sum() == 100_000 - 100_000 // 9
    assert df["Note"].dropna().eq("leave at the door,\nring twice").all()


def test_example_app_negotiates_and_filters(example: str) -> None:
    r = requests.get(example + "/orders?limit=3", timeout=10)
    assert r.headers["Vary"] == "Accept"
    assert [o["id"] for o in r.json()] == [1, 2, 3]
    df = pd.read_csv(example + "/orders.csv?status=refunded", encoding="utf-8-sig")
    assert set(df["Status"]) == {"refunded"}
    assert len(df) > 30_000
    r = requests.get(example + "/orders.csv?status=nope", timeout=10)
    assert r.status_code == 400
