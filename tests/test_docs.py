"""The documentation's code runs: every Python block compiles, and the
quickstart does what the page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

DOCS = Path(__file__).resolve().parents[1] / "docs"
_BLOCK = re.compile(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)")


def _blocks(page: Path) -> list[str]:
    blocks = []
    for match in _BLOCK.finditer(page.read_text("utf-8")):
        lines = match.group(1).splitlines()
        blocks.append("\n".join(line[4:] for line in lines) + "\n")
    return blocks


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.rst")), ids=lambda p: p.name)
def test_every_python_block_compiles(page: Path) -> None:
    for block in _blocks(page):
        compile(block, str(page), "exec")


def test_quickstart_runs_as_described() -> None:
    namespace: dict[str, object] = {"__name__": "quickstart"}
    exec(_blocks(DOCS / "quickstart.rst")[0], namespace)
    app = namespace["app"]
    assert isinstance(app, Flask)
    client = app.test_client()
    r = client.post("/notes")
    assert r.status_code == 201
    assert r.headers["Location"] == "http://localhost/notes/7"
    r = client.delete("/notes/7")
    assert (r.status_code, r.data) == (204, b"")
    assert r.headers["Cache-Control"] == "no-store"
