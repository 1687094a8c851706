"""The README's examples run and do what the README says."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, re.S)


def test_quick_example_runs_as_described() -> None:
    namespace: dict[str, object] = {"__name__": "readme_example"}
    exec(_python_blocks()[0], namespace)
    app = namespace["app"]
    assert isinstance(app, Flask)
    client = app.test_client()

    r = client.post("/notes")
    assert r.status_code == 201
    assert r.headers["Location"] == "http://localhost/notes/1"
    assert r.headers["X-Frame-Options"] == "DENY"

    r = client.delete("/notes/1")
    assert r.status_code == 204
    assert r.data == b""
    assert "Content-Type" not in r.headers


def test_every_python_block_compiles() -> None:
    blocks = _python_blocks()
    assert len(blocks) >= 2
    for block in blocks:
        compile(block, "README.md", "exec")
