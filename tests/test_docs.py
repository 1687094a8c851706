"""The documentation's code runs: every Python block of the docs and the README
runs, and the quickstart examples do what they say."""

from __future__ import annotations

import re
import typing as t
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


#: What a docs example may take for granted: Flask's names, the kit's, an app.
_PRELUDE = "from flask import *\nfrom flask_respkit import *\napp = Flask('docs')\n"


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.rst")), ids=lambda p: p.name)
def test_every_python_block_runs(page: Path) -> None:
    """Each block runs as written: its imports exist, its decorators accept the
    options shown, and misconfiguration would raise when they are made."""
    for block in _blocks(page):
        exec(compile(_PRELUDE + block, str(page), "exec"), {"__name__": "docs"})


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


def _readme_app(route: str) -> FlaskClient:
    for block in _README_BLOCK.findall((ROOT / "README.md").read_text("utf-8")):
        if f'"{route}"' in block:
            return _client(block)
    raise AssertionError(f"no README example serves {route}")


def test_readme_cors_example() -> None:
    origin = "https://shop.example.com"
    r = _readme_app("/api/items").get("/api/items", headers={"Origin": origin})
    assert r.headers["Access-Control-Allow-Origin"] == origin
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    evil = "https://shop.example.com.evil.net"
    r = _readme_app("/api/items").get("/api/items", headers={"Origin": evil})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_readme_auth_example() -> None:
    client = _readme_app("/admin")
    r = client.get("/admin")
    assert (r.status_code, r.headers["WWW-Authenticate"]) == (
        401,
        'Bearer realm="admin"',
    )
    r = client.get("/admin", headers={"Authorization": "Bearer s3cret"})
    assert (r.status_code, r.json) == (200, {"ok": True})


def test_readme_pagination_example() -> None:
    r = _readme_app("/books").get("/books?page=2")
    assert r.headers["X-Total-Count"] == "95"
    assert [link.split(";")[1].strip() for link in r.headers["Link"].split(", ")] == [
        'rel="first"',
        'rel="prev"',
        'rel="next"',
        'rel="last"',
    ]
    assert "<http://localhost/books?page=5>" in r.headers["Link"]
    assert _readme_app("/books").get("/books?page=0").status_code == 400


def test_readme_csv_example() -> None:
    r = _readme_app("/orders.csv").get("/orders.csv")
    lines = r.get_data().splitlines()
    assert lines[:2] == [b"ID,Customer", b"0,'=cmd|0"]
    assert len(lines) == 100_001


def test_readme_conditional_example() -> None:
    client = _readme_app("/items/<int:id>")
    r = client.get("/items/1")
    assert (r.headers["ETag"], r.headers["Cache-Control"]) == ('"7"', "no-cache")
    assert client.get("/items/1", headers={"If-None-Match": '"7"'}).status_code == 304
    assert client.put("/items/1", headers={"If-Match": '"6"'}).status_code == 412
    assert client.put("/items/1").status_code == 428


def _namespace(source: str) -> dict[str, t.Any]:
    namespace: dict[str, t.Any] = {"__name__": "docs"}
    exec(_PRELUDE + source, namespace)
    return namespace


def test_conditional_example_runs_as_described() -> None:
    blocks = _blocks(DOCS / "conditional.rst")
    client = _namespace(blocks[0])["app"].test_client()
    r = client.get("/items/1")
    assert (r.status_code, r.headers["ETag"]) == (200, '"1"')
    assert r.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert client.get("/items/1", headers={"If-None-Match": '"1"'}).status_code == 304
    assert client.put("/items/1", json={"name": "x"}).status_code == 428
    r = client.put("/items/1", json={"name": "x"}, headers={"If-Match": '"1"'})
    assert (r.status_code, r.headers["ETag"]) == (200, '"2"')
    r = client.put("/items/1", json={"name": "y"}, headers={"If-Match": '"1"'})
    assert r.status_code == 412


def test_conditional_recipes_run_as_described() -> None:
    blocks = _blocks(DOCS / "conditional.rst")
    recipe = next(b for b in blocks if "version_id_col" in b)
    namespace = _namespace(recipe)
    session, item = namespace["session"], namespace["Item"]
    session.add(item(id=1, name="Lamp"))
    session.commit()
    client = namespace["app"].test_client()
    r = client.get("/items/1")
    assert (r.headers["ETag"], r.json) == ('"1"', {"id": 1, "name": "Lamp"})
    assert "Last-Modified" in r.headers
    assert client.patch("/items/1", json={"name": "Desk lamp"}).status_code == 428
    r = client.patch(
        "/items/1", json={"name": "Desk lamp"}, headers={"If-Match": '"1"'}
    )
    assert (r.status_code, r.headers["ETag"]) == (200, '"2"')
    r = client.put("/items/1", json={"name": "Old"}, headers={"If-Match": '"1"'})
    assert r.status_code == 412
    assert client.delete("/items/1", headers={"If-Match": '"2"'}).status_code == 204
    assert client.get("/items/1").status_code == 404

    pages = next(b for b in blocks if "page_tag" in b)
    client = _namespace(pages)["app"].test_client()
    r = client.get("/books?page=2")
    assert r.headers["ETag"].startswith('W/"')
    assert 'rel="next"' in r.headers["Link"]
    again = client.get("/books?page=2", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    other = client.get("/books?page=3", headers={"If-None-Match": r.headers["ETag"]})
    assert other.status_code == 200
