"""paginate(cursor=...): keyset pagination with signed cursor tokens."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import functools
import random
import typing as t
import uuid
from urllib.parse import parse_qs, urlsplit

import flask
import pytest
import requests.utils
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer

from flask_respkit import Pagination, RespKit, paginate
from flask_respkit.pagination import (
    CURSOR_SALT,
    MAX_CURSOR_LENGTH,
    MAX_CURSOR_TEXT,
    Cursors,
)

SECRET = "test-secret-key-0123456789"


def keyset(rows: list[dict[str, t.Any]], p: Pagination) -> list[dict[str, t.Any]]:
    """The page ``p`` asks for, fetched the way a database does it by keyset."""
    order = t.cast("tuple[tuple[str, bool], ...]", p.order)

    def compare(a: tuple[t.Any, ...], b: tuple[t.Any, ...]) -> int:
        for (_, desc), x, y in zip(order, a, b):
            if x != y:
                return (-1 if x < y else 1) * (-1 if desc else 1)
        return 0

    def key_of(row: dict[str, t.Any]) -> tuple[t.Any, ...]:
        return tuple(row[k] for k, _ in order)

    ordered = sorted(
        rows, key=functools.cmp_to_key(lambda a, b: compare(key_of(a), key_of(b)))
    )
    if p.after is not None:
        ordered = [r for r in ordered if compare(key_of(r), p.after) > 0]
    page = ordered[: p.limit + 1]
    p.has_next = len(page) > p.limit
    return page[: p.limit]


def make_app(rows: list[dict[str, t.Any]], cursor: t.Any, **kw: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY=SECRET)
    RespKit(app)

    @app.get("/rows")
    @paginate(cursor=cursor, **kw)
    def view(pagination: Pagination) -> t.Any:
        return keyset(rows, pagination)

    return app


def walk(client: t.Any, url: str) -> list[list[dict[str, t.Any]]]:
    pages = []
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.data
        pages.append(r.json)
        links = requests.utils.parse_header_links(r.headers.get("Link", ""))
        rels = {link["rel"]: link["url"] for link in links if "rel" in link}
        if len(pages) > 1:
            assert "cursor=" not in rels["first"]
        url = rels.get("next", "")
        assert len(pages) < 1000
    return pages


ROWS = [
    {"id": i, "group": i % 4, "name": f"n{i % 7}", "score": (i * 37) % 11}
    for i in range(1, 58)
]


@pytest.mark.parametrize(
    "cursor",
    [
        "id",
        "-id",
        ("group", "id"),
        ("-group", "id"),
        ("group", "-id"),
        ("-score", "-name", "id"),
    ],
)
@pytest.mark.parametrize("per_page", [1, 5, 10, 57, 100])
def test_walking_the_cursor_links_visits_every_row_once_in_order(
    cursor: t.Any, per_page: int
) -> None:
    app = make_app(ROWS, cursor, max_per_page=100)
    pages = walk(app.test_client(), f"/rows?per_page={per_page}")
    seen = [row for page in pages for row in page]
    names = (cursor,) if isinstance(cursor, str) else cursor
    order = tuple((name.lstrip("-"), name.startswith("-")) for name in names)
    assert seen == keyset(ROWS, Pagination(None, len(ROWS), order=order))
    assert all(len(page) == per_page for page in pages[:-1])
    assert len(pages) == -(-len(ROWS) // per_page)


def test_rows_inserted_and_deleted_mid_walk_are_neither_repeated_nor_skipped() -> None:
    rows = [{"id": i, "ts": i // 3} for i in range(0, 60, 2)]
    app = make_app(rows, ("-ts", "id"), per_page=7)
    client = app.test_client()
    seen: list[int] = []
    url = "/rows"
    throughout = {r["id"] for r in rows}
    step = 0
    while url:
        r = client.get(url)
        seen += [row["id"] for row in r.json]
        # between pages: add rows everywhere, delete one not yet seen
        rows.append({"id": 1001 + step, "ts": 100})  # before the walk's position
        rows.append({"id": 2001 + step, "ts": -1})  # after it
        unseen = [x for x in rows if x["id"] not in seen and x["id"] in throughout]
        if unseen:
            rows.remove(unseen[-1])
            throughout.discard(unseen[-1]["id"])
        step += 1
        links = requests.utils.parse_header_links(r.headers.get("Link", ""))
        url = next((link["url"] for link in links if link["rel"] == "next"), "")
    assert len(seen) == len(set(seen))
    assert throughout <= set(seen)


VALUES = [
    7,
    -(2**70),
    0.1,
    -0.0,
    float("inf"),
    decimal.Decimal("12.3400"),
    decimal.Decimal("-1E+3"),
    "caf\u00e9 \u2603",
    "",
    "\ud800",  # a lone surrogate (request.get_json() gives them)
    "\ud83d\ude00",  # two of them, which JSON would read back as one emoji
    "\U0001f600",
    True,
    False,
    None,
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    datetime.date(2026, 11, 29),
    datetime.datetime(2026, 11, 29, 17, 30, 5, 123456),
    datetime.datetime(2026, 11, 29, 17, 30, tzinfo=datetime.timezone.utc),
    datetime.datetime(
        2026,
        11,
        29,
        17,
        30,
        tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
    ),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: f"{type(v).__name__}:{v!r}")
def test_a_cursor_round_trips_every_key_type(value: t.Any) -> None:
    cursors = Cursors(SECRET, (("k", False), ("id", True)))
    back = cursors.loads(cursors.dumps((value, 1)))
    assert type(back[0]) is type(value)
    assert back == (value, 1) or back[0] != back[0]  # NaN-free, so equal
    if isinstance(value, datetime.datetime):
        assert back[0].utcoffset() == value.utcoffset()


def test_key_values_reach_the_view_with_their_types() -> None:
    got: list[t.Any] = []
    rows = [{"k": v, "id": i} for i, v in enumerate(VALUES)]
    app = Flask(__name__)
    app.config["SECRET_KEY"] = SECRET

    @app.get("/rows")
    @paginate(cursor="id", per_page=1)
    def view(pagination: Pagination) -> t.Any:
        got.append(pagination.after)
        start = 0 if pagination.after is None else pagination.after[0] + 1
        row = rows[start]
        pagination.next_after = (row["id"],)
        return {"k": repr(row["k"])}

    client = app.test_client()
    r = client.get("/rows")
    for _ in range(len(VALUES) - 1):
        nxt = requests.utils.parse_header_links(r.headers["Link"])[1]["url"]
        r = client.get(nxt)
    assert got == [None] + [(i,) for i in range(len(VALUES) - 1)]


@given(
    st.tuples(
        st.integers(),
        st.text(),
        st.floats(allow_nan=False),
        st.decimals(allow_nan=False),
        st.uuids(),
        st.dates(),
        st.datetimes(timezones=st.none() | st.timezones()),
        st.booleans(),
        st.none(),
    )
)
def test_any_tuple_of_supported_values_round_trips(values: tuple[t.Any, ...]) -> None:
    order = tuple((f"k{i}", i % 2 == 0) for i in range(len(values)))
    cursors = Cursors(SECRET, order)
    back = cursors.loads(cursors.dumps(values))

    def comparable(value: t.Any) -> t.Any:
        # A zone (zoneinfo) travels as its offset at that instant: compare the
        # wall time and the offset (aware datetimes in a DST fold never
        # compare equal across time zones).
        if isinstance(value, datetime.datetime):
            return (value.replace(tzinfo=None), value.utcoffset())
        return value

    assert list(map(comparable, back)) == list(map(comparable, values))
    assert [type(v) for v in back] == [type(v) for v in values]


def _first_next(client: t.Any, url: str = "/rows?per_page=2") -> str:
    r = client.get(url)
    links = requests.utils.parse_header_links(r.headers["Link"])
    return {link["rel"]: link["url"] for link in links}["next"]


def _cursor_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["cursor"][0]


def test_a_cursor_of_another_app_sharing_the_key_is_foreign() -> None:
    # Two services, one SECRET_KEY, the same endpoint name and keys: a cursor
    # of one is still a 400 in the other (API.md §5a).
    def service(name: str) -> Flask:
        app = Flask(name)
        app.config["SECRET_KEY"] = SECRET
        RespKit(app)

        @app.get("/items")
        @paginate(cursor="id", per_page=2)
        def items(pagination: Pagination) -> list[dict[str, int]]:
            after = pagination.after[0] if pagination.after else 0
            return [{"id": i} for i in range(after + 1, after + 3)]

        return app

    orders, users = service("orders_service"), service("users_service")
    token = _cursor_of(_first_next(orders.test_client(), "/items"))
    assert orders.test_client().get("/items", query_string={"cursor": token}).json
    refused = users.test_client().get("/items", query_string={"cursor": token})
    assert refused.status_code == 400
    assert "cursor" in refused.get_data(as_text=True)


def test_tampered_garbled_and_foreign_cursors_are_a_400_naming_it() -> None:
    app = make_app(ROWS, "id")
    client = app.test_client()
    token = _cursor_of(_first_next(client))
    other_app = make_app(ROWS, "id")
    other_app.config["SECRET_KEY"] = "another app's key"
    foreign = _cursor_of(_first_next(other_app.test_client()))
    other_order = _cursor_of(_first_next(make_app(ROWS, "-id").test_client()))
    unsigned = URLSafeSerializer(SECRET, salt="not the kit's").dumps([["i", "3"]])
    # The salt of the view's cursors (its app and endpoint, then its keys):
    # signed with it, a well-formed cursor is taken, so only the shape is
    # wrong below.
    kit = URLSafeSerializer(SECRET, salt=f"{CURSOR_SALT}:{__name__}/view:id")
    taken = client.get("/rows", query_string={"cursor": kit.dumps([["i", "3"]])})
    assert taken.json[0] == {"id": 4, "group": 0, "name": "n4", "score": 5}
    old_salt = URLSafeSerializer(SECRET, salt=f"{CURSOR_SALT}:id").dumps([["i", "3"]])
    right_salt_wrong_shape = [
        kit.dumps(payload)
        for payload in (
            [["i", "3"], ["i", "4"]],
            [["x", "3"]],
            [["i", "three"]],
            [["d", "1.2.3"]],
            [["T", "yesterday"]],
            [["u", "not-a-uuid"]],
            [["b", "2"]],
            [["i", 3]],
            [["i"]],
            {"i": "3"},
            "3",
            [],
        )
    ]
    bad = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token[::-1],
        "x" * 10,
        "%%%",
        "." * 5,
        foreign,
        other_order,
        unsigned,
        old_salt,  # made before cursors were bound to their list
        token * 100,
        "x" * (MAX_CURSOR_LENGTH + 1),
        token + "x" * MAX_CURSOR_LENGTH,
        "x" * 1_000_000,
        *right_salt_wrong_shape,
    ]
    for value in bad:
        r = client.get("/rows", query_string={"cursor": value})
        assert r.status_code == 400, value
        assert b"&#39;cursor&#39;" in r.data
    assert client.get("/rows", query_string={"cursor": token}).status_code == 200
    assert client.get("/rows?cursor=").status_code == 200  # empty: the first page


def test_cursor_mode_needs_the_secret_key() -> None:
    app = Flask(__name__)
    app.testing = True

    @app.get("/rows")
    @paginate(cursor="id")
    def view(pagination: Pagination) -> t.Any:
        return []

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        app.test_client().get("/rows")


def two_lists() -> tuple[Flask, list[tuple[str, t.Any]]]:
    """An app with two lists paged by a key of the same name: tags by their
    name (text), orders by their number (int), each view recording the
    ``after`` values it gets."""
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY=SECRET)
    RespKit(app)
    seen: list[tuple[str, t.Any]] = []
    tags = [{"id": f"tag-{i:03}"} for i in range(30)]
    orders = [{"id": i} for i in range(30)]

    @app.get("/tags")
    @paginate(cursor="id", per_page=5)
    def list_tags(pagination: Pagination) -> t.Any:
        seen.append(("tags", pagination.after))
        return keyset(tags, pagination)

    @app.get("/orders")
    @paginate(cursor="id", per_page=5)
    def list_orders(pagination: Pagination) -> t.Any:
        seen.append(("orders", pagination.after))
        return keyset(orders, pagination)

    return app, seen


def test_a_cursor_of_another_list_with_the_same_keys_is_a_400() -> None:
    app, seen = two_lists()
    client = app.test_client()
    tag_cursor = _cursor_of(_first_next(client, "/tags"))
    order_cursor = _cursor_of(_first_next(client, "/orders"))
    seen.clear()
    r = client.get("/orders", query_string={"cursor": tag_cursor})
    assert r.status_code == 400
    assert b"&#39;cursor&#39;" in r.data
    r = client.get("/tags", query_string={"cursor": order_cursor})
    assert r.status_code == 400
    # The text of a tag never reached the orders' view, nor an int the tags'.
    assert seen == []
    # Each list still takes its own.
    assert client.get(f"/orders?cursor={order_cursor}").json[0] == {"id": 5}
    assert client.get(f"/tags?cursor={tag_cursor}").json[0] == {"id": "tag-005"}
    assert seen == [("orders", (4,)), ("tags", ("tag-004",))]


def test_a_cursor_belongs_to_its_endpoint_not_to_its_view_function() -> None:
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY=SECRET)
    blueprint = flask.Blueprint("archive", __name__, url_prefix="/archive")

    @paginate(cursor="id", per_page=5)
    def rows(pagination: Pagination) -> t.Any:
        return keyset(ROWS, pagination)

    # One view function serving two lists, and a blueprint's list.
    app.add_url_rule("/open", "open_rows", rows)
    app.add_url_rule("/closed", "closed_rows", rows)
    blueprint.add_url_rule("/rows", "open_rows", rows)
    app.register_blueprint(blueprint)
    client = app.test_client()
    urls = ["/open", "/closed", "/archive/rows"]
    tokens = {url: _cursor_of(_first_next(client, url)) for url in urls}
    assert len(set(tokens.values())) == 3
    for url in urls:
        for minted, token in tokens.items():
            status = client.get(url, query_string={"cursor": token}).status_code
            assert status == (200 if minted == url else 400), (minted, url)


def test_a_cursor_of_another_app_sharing_the_key_is_refused_by_another_endpoint() -> (
    None
):
    app, _ = two_lists()
    token = _cursor_of(_first_next(app.test_client(), "/orders"))
    other = Flask(__name__)
    other.config.update(TESTING=True, SECRET_KEY=SECRET)

    @other.get("/orders")
    @paginate(cursor="id", per_page=5)
    def orders(pagination: Pagination) -> t.Any:  # endpoint "orders"
        return keyset([{"id": i} for i in range(30)], pagination)

    @other.get("/v2/orders")
    @paginate(cursor="id", per_page=5)
    def list_orders(pagination: Pagination) -> t.Any:  # the same endpoint name
        return keyset([{"id": i} for i in range(30)], pagination)

    client = other.test_client()
    assert client.get(f"/orders?cursor={token}").status_code == 400
    # The same endpoint under the same key is the same list: documented, and
    # the reason each app needs a key of its own (sessions share it too).
    assert client.get(f"/v2/orders?cursor={token}").json[0] == {"id": 5}


def test_cursors_signed_with_a_fallback_key_stay_valid() -> None:
    old = make_app(ROWS, "id")
    token = _cursor_of(_first_next(old.test_client()))
    new = make_app(ROWS, "id")
    new.config.update(SECRET_KEY="rotated", SECRET_KEY_FALLBACKS=[SECRET])
    assert (
        new.test_client().get("/rows", query_string={"cursor": token}).status_code
        == 200
    )
    newest = make_app(ROWS, "id")
    newest.config.update(SECRET_KEY="rotated")
    assert (
        newest.test_client().get("/rows", query_string={"cursor": token}).status_code
        == 400
    )


def test_links_keep_the_other_query_arguments_and_the_page_size() -> None:
    app = make_app(ROWS, "id", per_page=10, max_per_page=10)
    client = app.test_client()
    r = client.get("/rows?q=a%20b&per_page=500&sort=x")
    links = {
        link["rel"]: link["url"]
        for link in requests.utils.parse_header_links(r.headers["Link"])
    }
    assert set(links) == {"first", "next"}
    assert links["first"] == "http://localhost/rows?q=a%20b&per_page=10&sort=x"
    assert links["next"].startswith(
        "http://localhost/rows?q=a%20b&per_page=10&sort=x&cursor="
    )
    r = client.get(links["next"])
    assert [row["id"] for row in r.json] == list(range(11, 21))
    assert "X-Total-Count" not in r.headers


def test_no_link_when_everything_fits_on_the_first_page() -> None:
    app = make_app(ROWS[:3], "id")
    r = app.test_client().get("/rows")
    assert "Link" not in r.headers


def test_next_follows_has_next_else_a_full_page() -> None:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = SECRET
    answers: dict[str, t.Any] = {}

    @app.get("/rows")
    @paginate(cursor="id", per_page=2)
    def view(pagination: Pagination) -> t.Any:
        if "has_next" in answers:
            pagination.has_next = answers["has_next"]
        return answers["rows"]

    client = app.test_client()

    def rels(**answer: t.Any) -> set[str]:
        answers.clear()
        answers.update(answer)
        r = client.get("/rows")
        links = requests.utils.parse_header_links(r.headers.get("Link", ""))
        return {link["rel"] for link in links if "rel" in link}

    assert rels(rows=[{"id": 1}, {"id": 2}]) == {"first", "next"}  # full page
    assert rels(rows=[{"id": 1}]) == set()  # not full: the last page
    assert rels(rows=[{"id": 1}, {"id": 2}], has_next=False) == set()
    assert rels(rows=[{"id": 1}], has_next=True) == {"first", "next"}
    assert rels(rows=[], has_next=True) == set()  # nothing to continue after


@dataclasses.dataclass
class Item:
    id: int
    at: datetime.date


def test_key_values_come_from_attributes_and_flask_tuples() -> None:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = SECRET
    items = [Item(i, datetime.date(2026, 1, 1 + i)) for i in range(5)]

    @app.get("/objects")
    @paginate(cursor=("-at", "id"), per_page=2)
    def objects(pagination: Pagination) -> t.Any:
        newest_first = items[::-1]
        if pagination.after is not None:
            at, _ = pagination.after
            assert type(at) is datetime.date
            newest_first = [i for i in newest_first if i.at < at]
        return newest_first[:2]

    @app.get("/flask-tuple")
    @paginate(cursor="id", per_page=2)
    def flask_tuple(pagination: Pagination) -> t.Any:
        start = 0 if pagination.after is None else pagination.after[0] + 1
        return [{"id": i} for i in range(start, start + 2)], 200, {"X-Page": "yes"}

    client = app.test_client()
    ids = [[item["id"] for item in page] for page in walk(client, "/objects")]
    assert ids == [[4, 3], [2, 1], [0]]
    r = client.get("/flask-tuple")
    assert r.headers["X-Page"] == "yes"
    links = requests.utils.parse_header_links(r.headers["Link"])
    nxt = {link["rel"]: link["url"] for link in links}["next"]
    assert [row["id"] for row in client.get(nxt).json] == [2, 3]


def test_a_row_without_the_key_is_a_clear_error() -> None:
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY=SECRET)

    @app.get("/rows")
    @paginate(cursor="id", per_page=1)
    def view(pagination: Pagination) -> t.Any:
        return [{"name": "no id"}]

    with pytest.raises(TypeError, match="no key 'id'"):
        app.test_client().get("/rows")


def test_a_key_value_a_cursor_cannot_carry_is_a_clear_error() -> None:
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY=SECRET)

    @app.get("/rows")
    @paginate(cursor="id", per_page=1)
    def view(pagination: Pagination) -> t.Any:
        return [{"id": [1, 2]}]

    with pytest.raises(TypeError, match="key 'id' holds a list"):
        app.test_client().get("/rows")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"cursor": ""}, ValueError, "column or attribute names"),
        ({"cursor": ()}, TypeError, "key name or a tuple"),
        ({"cursor": 3}, TypeError, "key name or a tuple"),
        ({"cursor": ("id", 3)}, ValueError, "column or attribute names"),
        ({"cursor": "--id"}, ValueError, "column or attribute names"),
        ({"cursor": "a b"}, ValueError, "column or attribute names"),
        ({"cursor": ("id", "-id")}, ValueError, "twice"),
        ({"cursor": "id", "per_page_param": "cursor"}, ValueError, "per_page_param"),
        ({"count": "no"}, TypeError, r"paginate\(count=\)"),
    ],
)
def test_bad_cursor_options_fail_when_made(
    kwargs: dict[str, t.Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        paginate(**kwargs)


def test_page_mode_with_count_false_tells_the_view(app: Flask, client: t.Any) -> None:
    seen = []

    @app.get("/n")
    @paginate(count=False, per_page=2)
    def view(pagination: Pagination) -> t.Any:
        seen.append((pagination.count, pagination.page, pagination.order))
        pagination.has_next = True
        return [1, 2]

    r = client.get("/n")
    assert seen == [(False, 1, None)]
    assert 'rel="next"' in r.headers["Link"]
    assert "X-Total-Count" not in r.headers


def test_a_bad_page_size_in_cursor_mode_is_a_400() -> None:
    app = make_app(ROWS, "id")
    for value in ("0", "-1", "abc"):
        r = app.test_client().get(f"/rows?per_page={value}")
        assert r.status_code == 400
        assert b"&#39;per_page&#39;" in r.data


class Color(enum.IntEnum):
    RED = 1


class Size(str, enum.Enum):
    LARGE = "large"


def test_enum_keys_travel_as_their_values() -> None:
    cursors = Cursors(SECRET, (("color", False), ("size", False)))
    assert cursors.loads(cursors.dumps((Color.RED, Size.LARGE))) == (1, "large")


#: Characters that make a long cursor: each is 4 bytes of UTF-8 (astral), 6
#: bytes of JSON (controls) or 2 (quote, backslash); lone surrogates too.
HARD_CHARACTERS = {
    "astral": [chr(c) for c in range(0x1F300, 0x1FAFF)],
    "cjk": [chr(c) for c in range(0x4E00, 0x9FFF)],
    "controls": [chr(c) for c in range(0x20)],
    "surrogates": [chr(c) for c in range(0xD800, 0xE000)],
}
HARD_CHARACTERS["mixed"] = [
    *HARD_CHARACTERS["astral"][:300],
    *HARD_CHARACTERS["controls"],
    *HARD_CHARACTERS["surrogates"][:300],
    '"',
    "\\",
]


def hard_text(n: int, kind: str = "mixed", seed: int = 22) -> str:
    """``n`` characters in random order, so that zlib cannot shrink them much."""
    rng = random.Random(seed)
    return "".join(rng.choices(HARD_CHARACTERS[kind], k=n))


def test_a_3000_character_key_makes_a_next_link_and_the_walk_goes_past_it() -> None:
    long_name = "n04 " + hard_text(3000)
    rows = [{"id": i, "name": f"n{i:02}"} for i in range(12)]
    rows[4]["name"] = long_name  # sorts after n04 and before n05
    app = make_app(rows, ("name", "id"), per_page=5)  # the first page ends on it
    client = app.test_client()
    first = client.get("/rows")
    assert first.json[-1]["name"] == long_name
    token = _cursor_of(_first_next(client, "/rows"))
    assert 2048 < len(token) <= MAX_CURSOR_LENGTH  # past the old limit
    pages = walk(client, "/rows")
    assert [[row["id"] for row in page] for page in pages] == [
        [0, 1, 2, 3, 4],
        [5, 6, 7, 8, 9],
        [10, 11],
    ]


@pytest.mark.parametrize("kind", sorted(HARD_CHARACTERS))
def test_key_values_up_to_the_text_limit_always_make_a_cursor_taken_back(
    kind: str,
) -> None:
    text = hard_text(MAX_CURSOR_TEXT, kind)
    whole = Cursors(SECRET, (("a", False),), "view")
    token = whole.dumps((text,))
    assert len(token) <= MAX_CURSOR_LENGTH
    assert whole.loads(token) == (text,)
    # The same text over several keys of several types.
    keys = tuple((k, k == "b") for k in "abcdefgh")
    values = (
        *(text[i : i + 1000] for i in range(0, MAX_CURSOR_TEXT - 1000, 1000)),
        datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
    )
    assert len("".join(map(str, values))) <= MAX_CURSOR_TEXT
    several = Cursors(SECRET, keys, "view")
    token = several.dumps(values)
    assert len(token) <= MAX_CURSOR_LENGTH
    assert several.loads(token) == values


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.integers(0, MAX_CURSOR_TEXT // 4).flatmap(
            lambda n: st.text(st.characters(codec=None), min_size=n, max_size=n)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_every_cursor_the_kit_makes_is_taken_back(texts: list[str]) -> None:
    cursors = Cursors(SECRET, tuple((f"k{i}", False) for i in range(len(texts))))
    token = cursors.dumps(tuple(texts))
    assert len(token) <= MAX_CURSOR_LENGTH
    assert cursors.loads(token) == tuple(texts)


def test_key_values_past_every_limit_are_a_clear_error() -> None:
    cursors = Cursors(SECRET, (("name", False),))
    with pytest.raises(ValueError, match=f"over {MAX_CURSOR_LENGTH}"):
        cursors.dumps((hard_text(20 * MAX_CURSOR_TEXT, "astral"),))


@pytest.mark.parametrize(
    "answer",
    [lambda rows: {"items": rows}, lambda rows: flask.jsonify(rows)],
    ids=["envelope", "response"],
)
def test_a_return_value_without_readable_rows_needs_next_after(
    answer: t.Callable[[list[dict[str, int]]], t.Any],
) -> None:
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY=SECRET)
    explicit = {"on": False}

    @app.get("/rows")
    @paginate(cursor="id", per_page=2)
    def view(pagination: Pagination) -> t.Any:
        rows = [{"id": 1}, {"id": 2}]
        if explicit["on"]:
            pagination.next_after = (2,)
        return answer(rows)

    with pytest.raises(TypeError, match=r"pagination\.next_after"):
        app.test_client().get("/rows")
    explicit["on"] = True
    assert 'rel="next"' in app.test_client().get("/rows").headers["Link"]
