"""The documentation's code runs: every Python block of the docs and the README
compiles, and the quickstart examples do what they say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
_BLOCK = re.compile(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)")
_README_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


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


def test_every_readme_block_runs() -> None:
    blocks = _README_BLOCK.findall((ROOT / "README.md").read_text("utf-8"))
    assert len(blocks) >= 2
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})


def _client(source: str) -> FlaskClient:
    namespace: dict[str, object] = {"__name__": "example"}
    exec(source, namespace)
    app = namespace["app"]
    assert isinstance(app, Flask)
    return app.test_client()


def test_readme_example_runs_as_described() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    client = _client(_README_BLOCK.findall(readme)[0])
    r = client.post("/notes")
    assert r.status_code == 201
    assert r.headers["Location"] == "http://localhost/notes/1"
    assert r.headers["X-Frame-Options"] == "DENY"
    r = client.delete("/notes/1")
    assert (r.status_code, r.data) == (204, b"")
    assert "Content-Type" not in r.headers


def test_quickstart_runs_as_described() -> None:
    client = _client(_blocks(DOCS / "quickstart.rst")[0])
    r = client.post("/notes")
    assert r.status_code == 201
    assert r.headers["Location"] == "http://localhost/notes/7"
    r = client.delete("/notes/7")
    assert (r.status_code, r.data) == (204, b"")
    assert r.headers["Cache-Control"] == "no-store"
