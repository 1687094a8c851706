"""A small notes API showing the status and header helpers.

Run it with ``python examples/quickstart.py`` and try::

    curl -i http://127.0.0.1:5000/notes
    curl -i -X POST -H 'Content-Type: application/json' -d '{"text": "hi"}' \
        http://127.0.0.1:5000/notes
    curl -i -X DELETE http://127.0.0.1:5000/notes/1
"""

from __future__ import annotations

import os
import sqlite3

from flask import Flask, abort, g, request, url_for

from flask_respkit import RespKit, created, headers, no_content, vary

app = Flask(__name__)
app.config["DATABASE"] = os.environ.get("NOTES_DB", ":memory:")
RespKit(app)

_memory: sqlite3.Connection | None = None


def db() -> sqlite3.Connection:
    """One connection per request; ``:memory:`` shares one for the process."""
    global _memory
    if app.config["DATABASE"] == ":memory:":
        if _memory is None:
            _memory = sqlite3.connect(":memory:", check_same_thread=False)
            _memory.execute(
                "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"
            )
            _memory.execute("INSERT INTO notes (text) VALUES ('Try flask-respkit')")
        return _memory
    if "db" not in g:
        g.db = sqlite3.connect(app.config["DATABASE"])
        g.db.execute(
            "CREATE TABLE IF NOT EXISTS notes"
            " (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"
        )
    return g.db  # type: ignore[no-any-return]


@app.get("/notes")
@headers(cache_control="no-store")
@vary("Accept")
def list_notes() -> list[dict[str, object]]:
    rows = db().execute("SELECT id, text FROM notes ORDER BY id").fetchall()
    return [{"id": id, "text": text} for id, text in rows]


@app.get("/notes/<int:id>")
def get_note(id: int) -> dict[str, object]:
    row = db().execute("SELECT id, text FROM notes WHERE id = ?", (id,)).fetchone()
    if row is None:
        abort(404)
    return {"id": row[0], "text": row[1]}


@app.post("/notes")
@created(lambda response: url_for("get_note", id=response.json["id"]))
def add_note() -> tuple[dict[str, object], int] | dict[str, object]:
    data = request.get_json(silent=True) or {}
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return {"message": "'text' must be a non-empty string"}, 400
    with db() as conn:
        id = conn.execute("INSERT INTO notes (text) VALUES (?)", (text,)).lastrowid
    return {"id": id, "text": text}


@app.delete("/notes/<int:id>")
@no_content
def delete_note(id: int) -> tuple[str, int] | str:
    with db() as conn:
        deleted = conn.execute("DELETE FROM notes WHERE id = ?", (id,)).rowcount
    return ("", 200) if deleted else ("no such note", 404)


if __name__ == "__main__":
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", 5000))
    )
