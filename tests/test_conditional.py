"""conditional and cache_control through the test client: the validators
computed before the view, the preconditions of RFC 9110 §13.2.2 in order, the
comparison table of §8.8.3.2 row by row, 304/412/428, ``etag="auto"``, the
chain around them (auth_challenge, paginate, cors, csv_export, headers, vary,
cache_control), a differential test against Werkzeug's ``make_conditional``
where it is right, and a named test for each case where it is wrong."""

from __future__ import annotations

import dataclasses
import datetime
import time
import typing as t

import pytest
from flask import Flask, Response, abort, make_response, request
from flask.views import MethodView
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ETags
from werkzeug.exceptions import BadRequest
from werkzeug.http import generate_etag, http_date

from flask_respkit import (
    RespKit,
    auth_challenge,
    cache_control,
    conditional,
    cors,
    csv_export,
    headers,
    paginate,
    vary,
)
from flask_respkit.caching import STAR, EntityTags, parse_entity_tags

UTC = datetime.timezone.utc
#: When the resource last changed: a whole second, and the same instant with
#: a fraction (HTTP dates have none).
CHANGED = datetime.datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)
CHANGED_HTTP = "Tue, 01 Dec 2026 10:00:00 GMT"
BEFORE_HTTP = "Tue, 01 Dec 2026 09:59:59 GMT"
AFTER_HTTP = "Tue, 01 Dec 2026 10:00:01 GMT"
ORIGIN = "https://app.example"


@dataclasses.dataclass
class Resource:
    """The resource a test view serves, and what the test observes."""

    tag: str | None = "v1"
    changed: datetime.datetime | None = CHANGED
    #: Calls of the view, and of the validator callables (with their arguments).
    ran: int = 0
    calls: list[tuple[str, dict[str, t.Any]]] = dataclasses.field(default_factory=list)
    #: Events in order: "etag", "last_modified", "view".
    events: list[str] = dataclasses.field(default_factory=list)

    def etag(self, **kwargs: t.Any) -> str | None:
        self.calls.append(("etag", kwargs))
        self.events.append("etag")
        return self.tag

    def last_modified(self, **kwargs: t.Any) -> datetime.datetime | None:
        self.calls.append(("last_modified", kwargs))
        self.events.append("last_modified")
        return self.changed

    def view(self) -> t.Any:
        self.ran += 1
        self.events.append("view")
        if request.method in ("PUT", "PATCH"):
            self.tag = "v2"
            self.changed = CHANGED + datetime.timedelta(hours=1)
        elif request.method == "DELETE":
            self.tag = self.changed = None
            return "", 204
        return {"tag": self.tag}


METHODS = ["GET", "HEAD", "PUT", "PATCH", "DELETE", "POST", "OPTIONS"]


def serve(
    app: Flask,
    resource: Resource,
    *,
    rule: str = "/r",
    etag: bool | str = True,
    last_modified: bool = True,
    **options: t.Any,
) -> None:
    """Route ``resource`` at ``rule`` under ``conditional``."""
    made = conditional(
        etag=(etag if isinstance(etag, str) else resource.etag if etag else None),
        last_modified=resource.last_modified if last_modified else None,
        **options,
    )

    @app.route(rule, methods=METHODS, endpoint=rule)
    @made
    def view() -> t.Any:
        return resource.view()


@pytest.fixture
def resource(app: Flask) -> Resource:
    found = Resource()
    serve(app, found)
    return found


# -- making the decorators: every option checked -------------------------------


def test_a_validator_is_required() -> None:
    with pytest.raises(ValueError, match=r"needs a validator"):
        conditional()


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"etag": "sha1"}, ValueError, r"etag=.*'auto'"),
        ({"etag": 42}, TypeError, r"conditional\(etag=\)"),
        ({"last_modified": "auto"}, TypeError, r"conditional\(last_modified=\)"),
        ({"etag": "auto", "weak": "yes"}, TypeError, r"conditional\(weak=\)"),
        ({"etag": "auto", "weak": 1}, TypeError, r"conditional\(weak=\)"),
        (
            {"etag": "auto", "require_precondition": "PUT"},
            TypeError,
            r"require_precondition=.*\(\"PUT\", \"DELETE\"\)",
        ),
        (
            {"etag": "auto", "require_precondition": None},
            TypeError,
            r"require_precondition=",
        ),
        (
            {"etag": "auto", "require_precondition": ["PUT", "BAD METHOD"]},
            ValueError,
            r"require_precondition=\) method must be an HTTP token",
        ),
        (
            {"etag": "auto", "require_precondition": [7]},
            TypeError,
            r"require_precondition=\) method must be a str",
        ),
        (
            {"etag": "auto", "require_precondition": ["OPTIONS"]},
            ValueError,
            r"OPTIONS takes no precondition",
        ),
        (
            {"etag": "auto", "require_precondition": ()},
            ValueError,
            r"names no method",
        ),
    ],
)
def test_bad_options_are_refused_when_made(
    options: dict[str, t.Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        conditional(**options)


def test_async_callables_are_refused_when_made() -> None:
    async def tag() -> str:
        return "v1"

    with pytest.raises(TypeError, match=r"etag=\) must be a plain function"):
        conditional(etag=tag)
    with pytest.raises(TypeError, match=r"last_modified=\) must be a plain"):
        conditional(last_modified=tag)


def test_a_view_takes_one_conditional(app: Flask) -> None:
    first = conditional(etag=lambda: "a")

    def view() -> str:
        return "x"

    with pytest.raises(TypeError, match=r"has a conditional\(\) already"):
        conditional(etag=lambda: "b")(first(view))


def test_the_same_conditional_twice_applies_once(app: Flask, client: t.Any) -> None:
    calls: list[int] = []

    def tag() -> str:
        calls.append(1)
        return "v1"

    made = conditional(etag=tag)

    @app.get("/")
    @made
    @made
    def view() -> str:
        return "x"

    r = client.get("/")
    assert r.headers.getlist("ETag") == ['"v1"']
    assert calls == [1]


def test_require_precondition_methods_are_upper_cased(
    app: Flask, client: t.Any
) -> None:
    serve(app, Resource(), require_precondition=["post"])
    assert client.post("/r").status_code == 428
    assert client.put("/r").status_code == 200


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({}, ValueError, r"at least one directive"),
        ({"public": True, "private": True}, ValueError, r"public and private"),
        ({"no_store": True, "max_age": 5}, ValueError, r"no_store"),
        ({"no_store": True, "s_maxage": 5}, ValueError, r"no_store"),
        ({"max_age": -1}, ValueError, r"max_age=\) must not be negative"),
        ({"s_maxage": -5}, ValueError, r"s_maxage=\) must not be negative"),
        ({"max_age": 1.5}, TypeError, r"max_age=\) must be a whole number"),
        ({"max_age": True}, TypeError, r"max_age=\) must be a whole number"),
        ({"max_age": "60"}, TypeError, r"max_age=\) must be a whole number"),
        (
            {"stale_while_revalidate": -1},
            ValueError,
            r"stale_while_revalidate=\) must not be negative",
        ),
        ({"stale_if_error": 2.0}, TypeError, r"stale_if_error=\)"),
        ({"public": "yes"}, TypeError, r"cache_control\(public=\)"),
        ({"no_cache": 1}, TypeError, r"cache_control\(no_cache=\)"),
        ({"must_revalidate": None}, TypeError, r"must_revalidate=\)"),
    ],
)
def test_cache_control_refuses_bad_options_when_made(
    options: dict[str, t.Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        cache_control(**options)


def item_version(id: int) -> str:
    return str(id)


@pytest.mark.parametrize(
    ("made", "shown"),
    [
        (conditional(etag=item_version), "conditional(etag=item_version)"),
        (conditional(etag="auto", weak=True), "conditional(etag='auto', weak=True)"),
        (
            conditional(last_modified=item_version, require_precondition=True),
            "conditional(last_modified=item_version, require_precondition=True)",
        ),
        (
            conditional(etag=item_version, require_precondition=["delete", "PUT"]),
            "conditional(etag=item_version, require_precondition=('DELETE', 'PUT'))",
        ),
        (
            cache_control(max_age=60, public=True),
            "cache_control(public=True, max_age=60)",
        ),
        (cache_control(no_store=True), "cache_control(no_store=True)"),
    ],
)
def test_repr_reads_as_the_call(made: object, shown: str) -> None:
    """What ``flask respkit routes`` shows."""
    assert repr(made) == shown


# -- validators: computed before the view, sent on 2xx GET/HEAD -----------------


def test_validators_are_computed_before_the_view(
    client: t.Any, resource: Resource
) -> None:
    r = client.get("/r")
    assert r.status_code == 200
    assert resource.events == ["etag", "last_modified", "view"]
    assert r.headers["ETag"] == '"v1"'
    assert r.headers["Last-Modified"] == CHANGED_HTTP


def test_callables_get_the_views_keyword_arguments(app: Flask, client: t.Any) -> None:
    seen: list[dict[str, t.Any]] = []

    def tag(**kwargs: t.Any) -> str:
        seen.append(kwargs)
        return f"item-{kwargs['id']}"

    @app.get("/items/<int:id>/<name>")
    @conditional(etag=tag)
    def item(id: int, name: str) -> str:
        return name

    r = client.get("/items/7/lamp")
    assert r.headers["ETag"] == '"item-7"'
    assert seen == [{"id": 7, "name": "lamp"}]


def test_weak_tags_are_sent_weak(app: Flask, client: t.Any) -> None:
    serve(app, Resource(), weak=True)
    assert client.get("/r").headers["ETag"] == 'W/"v1"'


def test_head_gets_the_validators_too(client: t.Any, resource: Resource) -> None:
    r = client.head("/r")
    assert (r.status_code, r.data) == (200, b"")
    assert r.headers["ETag"] == '"v1"'
    assert r.headers["Last-Modified"] == CHANGED_HTTP


def test_the_views_own_validators_are_kept(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @conditional(etag=lambda: "v1", last_modified=lambda: CHANGED)
    def view() -> tuple[str, dict[str, str]]:
        return "x", {"ETag": '"mine"', "Last-Modified": BEFORE_HTTP}

    r = client.get("/")
    assert r.headers.getlist("ETag") == ['"mine"']
    assert r.headers.getlist("Last-Modified") == [BEFORE_HTTP]


def test_no_validators_on_errors(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @conditional(etag=lambda: "v1", last_modified=lambda: CHANGED)
    def view() -> tuple[str, int]:
        return "gone", 404

    r = client.get("/")
    assert r.status_code == 404
    assert "ETag" not in r.headers
    assert "Last-Modified" not in r.headers


def test_no_current_representation_sends_no_validators(
    app: Flask, client: t.Any
) -> None:
    serve(app, Resource(tag=None, changed=None))
    r = client.get("/r")
    assert r.status_code == 200
    assert "ETag" not in r.headers
    assert "Last-Modified" not in r.headers


def test_naive_datetimes_are_utc_and_aware_ones_converted(
    app: Flask, client: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A local time zone far from UTC, so that "naive means local" would show.
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    naive = datetime.datetime(2026, 12, 1, 10, 0, 0)
    serve(app, Resource(changed=naive), rule="/n")
    paris = datetime.timezone(datetime.timedelta(hours=1))
    aware = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=paris)
    serve(app, Resource(changed=aware), rule="/a")
    try:
        assert client.get("/n").headers["Last-Modified"] == CHANGED_HTTP
        assert client.get("/a").headers["Last-Modified"] == CHANGED_HTTP
        r = client.get("/n", headers={"If-Modified-Since": BEFORE_HTTP})
        assert r.status_code == 200
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_future_last_modified_is_sent_as_now(app: Flask, client: t.Any) -> None:
    """RFC 9110 §8.8.2.1: never later than the message's origination."""
    future = datetime.datetime.now(UTC) + datetime.timedelta(days=3)
    serve(app, Resource(changed=future))
    before = int(time.time())
    r = client.get("/r")
    sent = r.last_modified.timestamp()
    assert before <= sent <= time.time()
    # and a client sending it back is not told "not modified" for the future
    r = client.get("/r", headers={"If-Modified-Since": r.headers["Last-Modified"]})
    assert r.status_code in (200, 304)  # 304 only within the same second


def test_last_modified_has_one_second_precision(app: Flask, client: t.Any) -> None:
    serve(app, Resource(changed=CHANGED.replace(microsecond=999_999)))
    r = client.get("/r")
    assert r.headers["Last-Modified"] == CHANGED_HTTP
    r = client.get("/r", headers={"If-Modified-Since": CHANGED_HTTP})
    assert r.status_code == 304
    r = client.put("/r", headers={"If-Unmodified-Since": CHANGED_HTTP})
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        ('v"1', ValueError, r"entity-tag without its quotes"),
        ("v 1", ValueError, r"entity-tag without its quotes"),
        ("v\x001", ValueError, r"entity-tag without its quotes"),
        ("caf\u00e9\u2603", ValueError, r"entity-tag without its quotes"),
        (17, TypeError, r"must return a str or None"),
        (b"v1", TypeError, r"must return a str or None"),
    ],
)
def test_a_bad_tag_from_the_callable_is_the_apps_error(
    app: Flask, client: t.Any, value: object, error: type[Exception], match: str
) -> None:
    @app.get("/")
    @conditional(etag=lambda: value)
    def view() -> str:
        return "x"

    with pytest.raises(error, match=match):  # TESTING propagates; else a 500
        client.get("/")


def test_obs_text_and_commas_are_tag_characters(app: Flask, client: t.Any) -> None:
    serve(app, Resource(tag="caf\u00e9,1"))
    r = client.get("/r")
    assert r.headers["ETag"] == '"caf\u00e9,1"'
    assert (
        client.get("/r", headers={"If-None-Match": '"caf\u00e9,1"'}).status_code == 304
    )


def test_a_bad_date_from_the_callable_is_the_apps_error(
    app: Flask, client: t.Any
) -> None:
    serve(app, Resource(changed=datetime.date(2026, 12, 1)))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"last_modified=\) must return a datetime"):
        client.get("/r")


# -- 304 ------------------------------------------------------------------------


def test_if_none_match_with_the_current_tag_is_a_304_without_the_view(
    client: t.Any, resource: Resource
) -> None:
    r = client.get("/r", headers={"If-None-Match": '"v1"'})
    assert r.status_code == 304
    assert r.data == b""
    assert resource.ran == 0
    assert r.headers["ETag"] == '"v1"'
    # Werkzeug drops Last-Modified (and Content-Type) from every 304.
    assert "Last-Modified" not in r.headers
    assert "Content-Type" not in r.headers


def test_head_is_answered_as_get(client: t.Any, resource: Resource) -> None:
    r = client.head("/r", headers={"If-None-Match": '"v1"'})
    assert r.status_code == 304
    r = client.head("/r", headers={"If-Modified-Since": CHANGED_HTTP})
    assert r.status_code == 304
    assert resource.ran == 0


@pytest.mark.parametrize(
    "value",
    [
        '"v0", "v1"',
        '"v0",W/"v1"',
        ' "v0" ,  "v1" ',
        '"v0", , "v1",',
        '"a,b", "v1"',
        "*",
        " * ",
    ],
)
def test_if_none_match_lists_and_star(
    client: t.Any, resource: Resource, value: str
) -> None:
    assert client.get("/r", headers={"If-None-Match": value}).status_code == 304


def test_if_none_match_lines_are_one_list(client: t.Any, resource: Resource) -> None:
    r = client.get("/r", headers=[("If-None-Match", '"v0"'), ("If-None-Match", '"v1"')])
    assert r.status_code == 304


@pytest.mark.parametrize("value", ['"v0"', '"V1"', 'W/"v2"', '""', ""])
def test_if_none_match_without_a_match_runs_the_view(
    client: t.Any, resource: Resource, value: str
) -> None:
    r = client.get("/r", headers={"If-None-Match": value})
    assert r.status_code == 200
    assert resource.ran == 1


def test_if_none_match_star_without_a_representation_runs_the_view(
    app: Flask, client: t.Any
) -> None:
    resource = Resource(tag=None)
    serve(app, resource)
    assert client.get("/r", headers={"If-None-Match": "*"}).status_code == 200
    assert resource.ran == 1


def test_if_modified_since(client: t.Any, resource: Resource) -> None:
    def status(value: str) -> int:
        return int(client.get("/r", headers={"If-Modified-Since": value}).status_code)

    assert status(CHANGED_HTTP) == 304  # not later: not modified
    assert status(AFTER_HTTP) == 304
    assert status(BEFORE_HTTP) == 200
    # the other two HTTP-date formats (RFC 9110 §5.6.7)
    assert status("Tuesday, 01-Dec-26 10:00:00 GMT") == 304
    assert status("Tue Dec  1 10:00:00 2026") == 304
    assert resource.ran == 1


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "",
        "1",
        "x" * 5000,
        "Tue, 32 Dec 2026 10:00:00 GMT",  # no such day
        "Tue, 01 Dec 2026 10:00:00",  # no zone
        "Tue, 01 Dec 2026 10:00:00 +0000",  # not GMT
        "tue, 01 dec 2026 10:00:00 GMT",  # names are case-sensitive
        "01 Dec 2026 10:00:00 GMT",  # no day name
        f"{AFTER_HTTP}, {AFTER_HTTP}",  # a list
    ],
)
def test_an_invalid_date_is_ignored(
    client: t.Any, resource: Resource, value: str
) -> None:
    assert client.get("/r", headers={"If-Modified-Since": value}).status_code == 200
    assert client.put("/r", headers={"If-Unmodified-Since": value}).status_code == 200


def test_if_modified_since_only_for_get_and_head(
    client: t.Any, resource: Resource
) -> None:
    for method in ("post", "put", "patch", "delete"):
        r = getattr(client, method)("/r", headers={"If-Modified-Since": AFTER_HTTP})
        assert r.status_code in (200, 204), method


def test_if_modified_since_without_a_date_is_ignored(app: Flask, client: t.Any) -> None:
    serve(app, Resource(changed=None))
    r = client.get("/r", headers={"If-Modified-Since": AFTER_HTTP})
    assert r.status_code == 200


def test_a_304_by_date_alone_carries_the_etag(
    client: t.Any, resource: Resource
) -> None:
    r = client.get("/r", headers={"If-Modified-Since": CHANGED_HTTP})
    assert (r.status_code, r.headers["ETag"]) == (304, '"v1"')


def test_last_modified_alone(app: Flask, client: t.Any) -> None:
    resource = Resource()
    serve(app, resource, etag=False)
    r = client.get("/r")
    assert "ETag" not in r.headers
    assert r.headers["Last-Modified"] == CHANGED_HTTP
    r = client.get("/r", headers={"If-Modified-Since": CHANGED_HTTP})
    assert r.status_code == 304
    assert "ETag" not in r.headers
    # "*" means a current representation exists: here, a known date.
    assert client.put("/r", headers={"If-Match": "*"}).status_code == 200
    assert client.put("/r", headers={"If-Match": '"v1"'}).status_code == 412


# -- 412 and the order of RFC 9110 §13.2.2 --------------------------------------


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "POST"])
def test_if_match(client: t.Any, resource: Resource, method: str) -> None:
    r = client.open("/r", method=method, headers={"If-Match": '"v0"'})
    assert r.status_code == 412
    assert resource.ran == 0
    r = client.open("/r", method=method, headers={"If-Match": '"v0", "v1"'})
    assert r.status_code in (200, 204)
    assert resource.ran == 1


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_if_match_star_means_a_current_representation_exists(
    app: Flask, client: t.Any, method: str
) -> None:
    serve(app, Resource(), rule="/here")
    missing = Resource(tag=None)
    serve(app, missing, rule="/missing")
    assert (
        client.open("/here", method=method, headers={"If-Match": "*"}).status_code
        == 200
    )
    r = client.open("/missing", method=method, headers={"If-Match": "*"})
    assert r.status_code == 412
    assert missing.ran == 0


def test_if_match_without_a_representation_fails(app: Flask, client: t.Any) -> None:
    serve(app, Resource(tag=None))
    assert client.put("/r", headers={"If-Match": '"v1"'}).status_code == 412


def test_if_unmodified_since(client: t.Any, resource: Resource) -> None:
    r = client.put("/r", headers={"If-Unmodified-Since": BEFORE_HTTP})
    assert r.status_code == 412
    assert resource.ran == 0
    assert (
        client.put("/r", headers={"If-Unmodified-Since": CHANGED_HTTP}).status_code
        == 200
    )
    assert resource.ran == 1


def test_if_unmodified_since_without_a_date_is_ignored(
    app: Flask, client: t.Any
) -> None:
    serve(app, Resource(changed=None))
    assert (
        client.put("/r", headers={"If-Unmodified-Since": BEFORE_HTTP}).status_code
        == 200
    )


def test_if_match_makes_if_unmodified_since_ignored(
    client: t.Any, resource: Resource
) -> None:
    sent = {"If-Match": '"v1"', "If-Unmodified-Since": BEFORE_HTTP}
    assert client.put("/r", headers=sent).status_code == 200


def test_if_match_is_evaluated_before_if_none_match(
    client: t.Any, resource: Resource
) -> None:
    r = client.get("/r", headers={"If-Match": '"v0"', "If-None-Match": '"v1"'})
    assert r.status_code == 412
    r = client.get("/r", headers={"If-Match": '"v1"', "If-None-Match": '"v1"'})
    assert r.status_code == 304
    assert resource.ran == 0


def test_if_unmodified_since_is_evaluated_before_if_none_match(
    client: t.Any, resource: Resource
) -> None:
    sent = {"If-Unmodified-Since": BEFORE_HTTP, "If-None-Match": '"v1"'}
    assert client.get("/r", headers=sent).status_code == 412


def test_if_none_match_makes_if_modified_since_ignored(
    client: t.Any, resource: Resource
) -> None:
    sent = {"If-None-Match": '"v0"', "If-Modified-Since": AFTER_HTTP}
    assert client.get("/r", headers=sent).status_code == 200
    assert resource.ran == 1


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
def test_if_none_match_on_other_methods_is_a_412(
    client: t.Any, resource: Resource, method: str
) -> None:
    for value in ('"v1"', 'W/"v1"', "*"):
        r = client.open("/r", method=method, headers={"If-None-Match": value})
        assert r.status_code == 412, value
    assert resource.ran == 0


def test_if_none_match_star_makes_a_put_create_only(app: Flask, client: t.Any) -> None:
    missing = Resource(tag=None, changed=None)
    serve(app, missing)
    r = client.put("/r", headers={"If-None-Match": "*"})
    assert r.status_code == 200  # created
    assert r.headers["ETag"] == '"v2"'
    assert client.put("/r", headers={"If-None-Match": "*"}).status_code == 412
    assert missing.ran == 1


def test_preconditions_are_not_evaluated_for_options(
    client: t.Any, resource: Resource
) -> None:
    r = client.options("/r", headers={"If-Match": '"nope"', "If-None-Match": "junk"})
    assert r.status_code == 200
    assert resource.calls == []


# -- RFC 9110 §8.8.3.2: the comparison table, row by row ------------------------

#: (ETag 1, ETag 2, strong comparison, weak comparison), as in the RFC.
COMPARISON_TABLE = [
    ('W/"1"', 'W/"1"', False, True),
    ('W/"1"', 'W/"2"', False, False),
    ('W/"1"', '"1"', False, True),
    ('"1"', '"1"', True, True),
]


@pytest.mark.parametrize(("one", "two", "strong", "weak"), COMPARISON_TABLE)
@pytest.mark.parametrize("server_is", ["ETag 1", "ETag 2"])
def test_the_comparison_table(
    app: Flask,
    client: t.Any,
    one: str,
    two: str,
    strong: bool,
    weak: bool,
    server_is: str,
) -> None:
    """The server's current tag is one of the pair, the client sends the other:
    ``If-Match`` compares strongly (a match runs the view, else 412) and
    ``If-None-Match`` weakly (a match is a 304, else the view runs)."""
    ours, theirs = (one, two) if server_is == "ETag 1" else (two, one)
    is_weak = ours.startswith("W/")
    opaque = ours.removeprefix("W/").strip('"')
    serve(app, Resource(tag=opaque), weak=is_weak)
    serve(app, Resource(tag=opaque), rule="/b", weak=is_weak)
    assert client.get("/r").headers["ETag"] == ours
    r = client.put("/r", headers={"If-Match": theirs})
    assert r.status_code == (200 if strong else 412)
    r = client.get("/b", headers={"If-None-Match": theirs})
    assert r.status_code == (304 if weak else 200)


# -- 400: malformed tag lists ----------------------------------------------------

MALFORMED = [
    "v1",  # unquoted
    '"v1',  # unterminated
    'w/"v1"',  # the weak marker is case-sensitive (RFC 9110: %s"W/")
    'W/ "v1"',
    '"v 1"',  # a space is not etagc
    '"v1" "v2"',  # a comma is required between tags
    '*, "v1"',  # * stands alone
    "**",
    '"v1"x',
    '"\x01"',
]


@pytest.mark.parametrize("value", MALFORMED)
@pytest.mark.parametrize("name", ["If-Match", "If-None-Match"])
def test_a_malformed_tag_list_is_a_400_naming_the_header(
    client: t.Any, resource: Resource, value: str, name: str
) -> None:
    r = client.get("/r", headers={name: value})
    assert r.status_code == 400
    assert f"{name} is malformed" in r.get_data(as_text=True)
    assert resource.ran == 0


def test_both_lists_are_checked_before_either_is_evaluated(
    client: t.Any, resource: Resource
) -> None:
    r = client.get("/r", headers={"If-Match": '"v0"', "If-None-Match": "junk"})
    assert r.status_code == 400
    assert "If-None-Match is malformed" in r.get_data(as_text=True)


def test_a_huge_hostile_list_is_answered_fast(
    client: t.Any, resource: Resource
) -> None:
    for value in (" " * 60_000 + "x", ", " * 30_000 + "x", '"a",' * 15_000 + "x"):
        started = time.perf_counter()
        r = client.get("/r", headers={"If-None-Match": value})
        assert r.status_code == 400
        assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("*", STAR),
        ('"a"', EntityTags(frozenset({"a"}), frozenset({"a"}))),
        ('W/"a"', EntityTags(frozenset({"a"}), frozenset())),
        ('"a", W/"b"', EntityTags(frozenset({"a", "b"}), frozenset({"a"}))),
        ('"", W/""', EntityTags(frozenset({""}), frozenset({""}))),
        ("", EntityTags(frozenset(), frozenset())),
        (" , ,", EntityTags(frozenset(), frozenset())),
        ('"a,b",W/"W/"', EntityTags(frozenset({"a,b", "W/"}), frozenset({"a,b"}))),
    ],
)
def test_parse_entity_tags(value: str, expected: object) -> None:
    assert parse_entity_tags("If-Match", value) == expected


def test_parse_entity_tags_names_the_header() -> None:
    with pytest.raises(BadRequest, match=r"If-None-Match is malformed"):
        parse_entity_tags("If-None-Match", "v1")


#: An opaque tag: RFC 9110 etagc characters (obs-text as Latin-1).
OPAQUE = st.text(
    st.sampled_from([chr(c) for c in (0x21, *range(0x23, 0x7F), *range(0x80, 0x100))]),
    max_size=12,
)


@given(
    st.lists(st.tuples(st.booleans(), OPAQUE), max_size=6),
    st.lists(st.sampled_from(["", " ", "\t", " \t "]), min_size=14, max_size=14),
)
def test_any_list_of_entity_tags_parses(
    tags: list[tuple[bool, str]], spaces: list[str]
) -> None:
    items = [f'{"W/" if weak else ""}"{opaque}"' for weak, opaque in tags]
    value = ",".join(
        f"{spaces[i]}{item}{spaces[-i - 1]}" for i, item in enumerate(items)
    )
    parsed = parse_entity_tags("If-Match", value)
    assert parsed == EntityTags(
        frozenset(opaque for _, opaque in tags),
        frozenset(opaque for weak, opaque in tags if not weak),
    )


HEADER_TEXT = st.text(st.characters(max_codepoint=0xFF), max_size=40) | st.sampled_from(
    ['"v1"', 'W/"v1"', "*", CHANGED_HTTP, BEFORE_HTTP, '"v0", "v1"', ""]
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["GET", "HEAD", "PUT", "DELETE"]),
    st.fixed_dictionaries(
        {},
        optional={
            "HTTP_IF_MATCH": HEADER_TEXT,
            "HTTP_IF_NONE_MATCH": HEADER_TEXT,
            "HTTP_IF_MODIFIED_SINCE": HEADER_TEXT,
            "HTTP_IF_UNMODIFIED_SINCE": HEADER_TEXT,
        },
    ),
)
def test_any_precondition_headers_get_an_answer_never_a_500(
    method: str, environ: dict[str, str]
) -> None:
    app = Flask(__name__)
    resource = Resource()
    serve(app, resource, require_precondition=True)
    r = app.test_client().open("/r", method=method, environ_overrides=environ)
    assert r.status_code in {200, 204, 304, 400, 412, 428}
    if r.status_code in (304, 400, 412, 428):
        assert resource.ran == 0


# -- 428 --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_require_precondition_true(app: Flask, client: t.Any, method: str) -> None:
    resource = Resource()
    serve(app, resource, require_precondition=True)
    r = client.open("/r", method=method)
    assert r.status_code == 428
    assert "If-Match" in r.get_data(as_text=True)
    assert resource.ran == 0
    assert resource.calls == []  # refused before any validator is computed
    r = client.open("/r", method=method, headers={"If-Match": '"v1"'})
    assert r.status_code in (200, 204)


def test_require_precondition_accepts_either_lost_update_guard(
    app: Flask, client: t.Any
) -> None:
    resource = Resource()
    serve(app, resource, require_precondition=True)
    assert (
        client.put("/r", headers={"If-Unmodified-Since": AFTER_HTTP}).status_code == 200
    )
    # create-only: If-None-Match: * is a guard too; a tag list is not
    assert client.put("/r", headers={"If-None-Match": '"x"'}).status_code == 428
    assert client.put("/r", headers={"If-None-Match": "*"}).status_code == 412


def test_an_if_unmodified_since_that_cannot_be_evaluated_is_no_guard(
    app: Flask, client: t.Any
) -> None:
    """Else a client would skip If-Match by sending any date."""
    serve(
        app,
        Resource(),
        rule="/tag-only",
        last_modified=False,
        require_precondition=True,
    )
    undated = Resource(changed=None)
    serve(app, undated, rule="/undated", require_precondition=True)
    serve(app, Resource(), rule="/dated", require_precondition=True)
    serve(
        app,
        Resource(),
        rule="/auto",
        etag="auto",
        last_modified=False,
        require_precondition=True,
    )
    old = {"If-Unmodified-Since": BEFORE_HTTP}
    r = client.put("/tag-only", headers=old)
    assert r.status_code == 428
    assert "If-Unmodified-Since" not in r.get_data(as_text=True)  # not offered
    assert client.put("/undated", headers=old).status_code == 428
    assert undated.ran == 0
    bad = {"If-Unmodified-Since": "not a date"}
    r = client.put("/dated", headers=bad)
    assert r.status_code == 428
    assert "If-Unmodified-Since" in r.get_data(as_text=True)
    assert client.put("/dated", headers=old).status_code == 412
    assert client.put("/auto", headers=old).status_code == 428


def test_require_precondition_leaves_other_methods_alone(
    app: Flask, client: t.Any
) -> None:
    serve(app, Resource(), require_precondition=True)
    serve(app, Resource(), rule="/post", require_precondition={"POST"})
    assert client.get("/r").status_code == 200
    assert client.post("/r").status_code == 200
    assert client.post("/post").status_code == 428
    assert client.delete("/post").status_code == 204


# -- after a change: the new validators ----------------------------------------


def test_a_successful_change_sends_the_new_validators(
    client: t.Any, resource: Resource
) -> None:
    r = client.put("/r", headers={"If-Match": '"v1"'})
    assert r.status_code == 200
    assert r.headers["ETag"] == '"v2"'
    assert r.headers["Last-Modified"] == "Tue, 01 Dec 2026 11:00:00 GMT"
    assert resource.events == ["etag", "last_modified", "view", "etag", "last_modified"]
    r = client.put("/r", headers={"If-Match": '"v1"'})
    assert r.status_code == 412  # the lost update refused


def test_a_delete_sends_no_validators(client: t.Any, resource: Resource) -> None:
    r = client.delete("/r", headers={"If-Match": '"v1"'})
    assert r.status_code == 204
    assert "ETag" not in r.headers
    assert client.delete("/r", headers={"If-Match": '"v1"'}).status_code == 412


def test_a_failed_change_sends_no_validators(app: Flask, client: t.Any) -> None:
    @app.put("/")
    @conditional(etag=lambda: "v1")
    def view() -> tuple[str, int]:
        return "bad", 400

    r = client.put("/", headers={"If-Match": '"v1"'})
    assert r.status_code == 400
    assert "ETag" not in r.headers


# -- etag="auto" -------------------------------------------------------------------


BODY = b'{"name":"lamp"}\n'
BODY_TAG = generate_etag(BODY)  # SHA-1 up to Werkzeug 3.1, SHA3-256 from 3.2


@pytest.fixture
def auto(app: Flask) -> list[int]:
    ran: list[int] = []

    @app.route("/auto", methods=["GET", "PUT", "HEAD"])
    @conditional(etag="auto")
    def view() -> Response:
        ran.append(1)
        return Response(BODY, mimetype="application/json")

    return ran


def test_auto_tags_the_body_as_werkzeug_does(
    app: Flask, client: t.Any, auto: list[int]
) -> None:
    r = client.get("/auto")
    assert r.headers["ETag"] == f'"{BODY_TAG}"'
    mine = Response(BODY)
    mine.add_etag()
    assert mine.headers["ETag"] == r.headers["ETag"]


def test_auto_evaluates_after_the_view(client: t.Any, auto: list[int]) -> None:
    r = client.get("/auto", headers={"If-None-Match": f'"{BODY_TAG}"'})
    assert (r.status_code, r.data, r.headers["ETag"]) == (304, b"", f'"{BODY_TAG}"')
    assert (
        client.head("/auto", headers={"If-None-Match": f'"{BODY_TAG}"'}).status_code
        == 304
    )
    assert client.get("/auto", headers={"If-None-Match": '"old"'}).status_code == 200
    assert client.get("/auto", headers={"If-Match": '"old"'}).status_code == 412
    assert client.get("/auto", headers={"If-Match": f'"{BODY_TAG}"'}).status_code == 200
    assert client.get("/auto", headers={"If-None-Match": "junk"}).status_code == 400
    assert len(auto) == 5  # the 400 comes before the view


@pytest.mark.parametrize(
    "sent",
    [
        {"If-Match": f'"{BODY_TAG}"'},
        {"If-Match": "*"},
        {"If-None-Match": '"x"'},
        {"If-Unmodified-Since": AFTER_HTTP},
    ],
)
def test_auto_refuses_preconditions_on_other_methods(
    client: t.Any, auto: list[int], sent: dict[str, str]
) -> None:
    assert client.put("/auto", headers=sent).status_code == 412
    assert auto == []


def test_auto_with_last_modified_evaluates_if_unmodified_since(
    app: Flask, client: t.Any
) -> None:
    @app.put("/")
    @conditional(etag="auto", last_modified=lambda: CHANGED)
    def view() -> str:
        return "saved"

    assert (
        client.put("/", headers={"If-Unmodified-Since": CHANGED_HTTP}).status_code
        == 200
    )
    r = client.put("/", headers={"If-Unmodified-Since": BEFORE_HTTP})
    assert r.status_code == 412


def test_auto_gives_streamed_bodies_no_tag(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @conditional(etag="auto")
    def view() -> Response:
        return Response(iter([b"a", b"b"]))

    r = client.get("/")
    assert "ETag" not in r.headers
    assert client.get("/", headers={"If-None-Match": '"x"'}).status_code == 200
    assert client.get("/", headers={"If-Match": '"x"'}).status_code == 412


def test_auto_keeps_the_views_own_tag(app: Flask, client: t.Any) -> None:
    @app.get("/")
    @conditional(etag="auto")
    def view() -> tuple[str, dict[str, str]]:
        return "x", {"ETag": 'W/"mine"'}

    assert client.get("/").headers["ETag"] == 'W/"mine"'
    assert client.get("/", headers={"If-None-Match": '"mine"'}).status_code == 304
    assert client.get("/", headers={"If-Match": '"mine"'}).status_code == 412  # weak


def test_auto_on_an_error_or_a_csv_export(app: Flask, client: t.Any) -> None:
    @app.get("/missing")
    @conditional(etag="auto")
    def missing() -> tuple[str, int]:
        return "no", 404

    @app.get("/csv")
    @conditional(etag="auto")
    @csv_export(["a"])
    def export() -> list[dict[str, int]]:
        return [{"a": 1}]

    r = client.get("/missing", headers={"If-Match": '"x"'})
    assert (r.status_code, "ETag" in r.headers) == (404, False)
    r = client.get("/csv")
    assert (r.status_code, "ETag" in r.headers) == (200, False)


# -- the chain: guards, pagination, CORS, streaming, headers -----------------------


def _deny(auth: object) -> bool:
    return auth is not None


@pytest.mark.parametrize("auth_on_top", [True, False])
def test_a_401_wins_over_304_and_412(
    app: Flask, client: t.Any, auth_on_top: bool
) -> None:
    resource = Resource()
    guard = auth_challenge("Bearer", realm="api", verify=_deny)
    made = conditional(etag=resource.etag)

    def view() -> t.Any:
        return resource.view()

    wrapped = guard(made(view)) if auth_on_top else made(guard(view))
    app.route("/", methods=["GET", "PUT"])(wrapped)
    for method, sent in (
        ("GET", {"If-None-Match": '"v1"'}),
        ("PUT", {"If-Match": '"old"'}),
        ("GET", {"If-None-Match": "junk"}),
    ):
        r = client.open("/", method=method, headers=sent)
        assert r.status_code == 401, (method, sent)
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="api"'
        assert "ETag" not in r.headers
    assert resource.calls == []  # the tag is not even computed
    token = {"Authorization": "Bearer t"}
    r = client.get("/", headers={**token, "If-None-Match": '"v1"'})
    assert r.status_code == 304
    assert client.put("/", headers={**token, "If-Match": '"old"'}).status_code == 412


@pytest.mark.parametrize("paginate_on_top", [True, False])
def test_callables_see_pagination_in_either_order(
    app: Flask, client: t.Any, paginate_on_top: bool
) -> None:
    seen: list[t.Any] = []
    rows = list(range(95))

    def page_tag(pagination: t.Any) -> str:
        seen.append(pagination)
        return f"p{pagination.page}-{pagination.per_page}"

    pages = paginate(per_page=10)
    made = conditional(etag=page_tag)

    def view(pagination: t.Any) -> list[int]:
        pagination.total = len(rows)
        return rows[pagination.offset : pagination.offset + pagination.limit]

    wrapped = pages(made(view)) if paginate_on_top else made(pages(view))
    app.get("/rows")(wrapped)
    r = client.get("/rows?page=2")
    assert r.headers["ETag"] == '"p2-10"'
    assert 'rel="next"' in r.headers["Link"]
    assert seen[0].page == 2
    r = client.get("/rows?page=2", headers={"If-None-Match": '"p2-10"'})
    assert r.status_code == 304
    assert "Link" not in r.headers  # the page was not built
    assert (
        client.get("/rows?page=3", headers={"If-None-Match": '"p2-10"'}).status_code
        == 200
    )
    assert client.get("/rows?page=0").status_code == 400  # paginate's, first


def test_a_304_and_a_412_carry_cors_headers(app: Flask, client: t.Any) -> None:
    @app.route("/", methods=["GET", "PUT"])
    @cors(ORIGIN, expose_headers=["X-Id"])
    @conditional(etag=lambda: "v1")
    def view() -> str:
        return "x"

    sent = {"Origin": ORIGIN}
    ok = client.get("/", headers=sent)
    exposed = [
        n.strip() for n in ok.headers["Access-Control-Expose-Headers"].split(",")
    ]
    assert "ETag" in exposed
    r = client.get("/", headers={**sent, "If-None-Match": '"v1"'})
    assert r.status_code == 304
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert (
        r.headers["Access-Control-Expose-Headers"]
        == ok.headers["Access-Control-Expose-Headers"]
    )
    assert r.headers["Vary"] == "Origin"
    for method, more in (("PUT", {"If-Match": '"v0"'}), ("GET", {"If-Match": "x"})):
        r = client.open("/", method=method, headers={**sent, **more})
        assert r.status_code in (400, 412)
        assert r.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_a_cors_preflight_is_not_evaluated(app: Flask, client: t.Any) -> None:
    @app.put("/")
    @cors(ORIGIN)
    @conditional(etag=lambda: "v1", require_precondition=True)
    def view() -> str:
        return "x"

    r = client.options(
        "/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}
    )
    assert r.status_code == 204


@pytest.mark.parametrize("csv_on_top", [True, False])
def test_a_304_never_starts_a_csv_export(
    app: Flask, client: t.Any, csv_on_top: bool
) -> None:
    started: list[int] = []

    def rows() -> t.Iterator[dict[str, int]]:
        started.append(1)
        yield {"a": 1}

    export = csv_export(["a"], filename="a.csv")
    made = conditional(etag=lambda: "v1")

    def view() -> t.Iterator[dict[str, int]]:
        return rows()

    app.get("/a.csv")(export(made(view)) if csv_on_top else made(export(view)))
    r = client.get("/a.csv", headers={"If-None-Match": '"v1"'})
    assert r.status_code == 304
    assert "Content-Disposition" not in r.headers
    assert started == []
    r = client.get("/a.csv")
    assert r.data == b"a\r\n1\r\n"
    assert r.headers["ETag"] == '"v1"'


def test_a_304_carries_headers_vary_and_cache_control(
    app: Flask, client: t.Any
) -> None:
    @app.get("/")
    @headers(x_frame_options="DENY")
    @vary("Accept-Language")
    @cache_control(max_age=60, private=True)
    @conditional(etag=lambda: "v1")
    def view() -> str:
        return "x"

    r = client.get("/", headers={"If-None-Match": '"v1"'})
    assert r.status_code == 304
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Vary"] == "Accept-Language"
    assert r.headers["Cache-Control"] == "private, max-age=60"
    assert r.headers["ETag"] == '"v1"'


def test_cache_control_stacked_inside_conditional_reaches_the_304(
    app: Flask, client: t.Any
) -> None:
    @app.get("/")
    @conditional(etag=lambda: "v1")
    @cache_control(no_cache=True)
    def view() -> str:
        return "x"

    r = client.get("/", headers={"If-None-Match": '"v1"'})
    assert (r.status_code, r.headers["Cache-Control"]) == (304, "no-cache")


def test_error_answers_get_no_cache_control(app: Flask, client: t.Any) -> None:
    @app.route("/", methods=["GET", "PUT"])
    @cache_control(max_age=60)
    @conditional(etag=lambda: "v1", require_precondition=True)
    def view() -> str:
        return "x"

    for method, sent, status in (
        ("PUT", {}, 428),
        ("PUT", {"If-Match": '"v0"'}, 412),
        ("GET", {"If-None-Match": "junk"}, 400),
    ):
        r = client.open("/", method=method, headers=sent)
        assert r.status_code == status
        assert "Cache-Control" not in r.headers


def test_an_async_view(app: Flask, client: t.Any) -> None:
    ran: list[int] = []

    @app.route("/", methods=["GET", "PUT"])
    @conditional(etag=lambda: "v1", require_precondition=True)
    async def view() -> str:
        ran.append(1)
        return "x"

    assert client.get("/").headers["ETag"] == '"v1"'
    assert client.get("/", headers={"If-None-Match": '"v1"'}).status_code == 304
    assert client.put("/").status_code == 428
    assert client.put("/", headers={"If-Match": '"v0"'}).status_code == 412
    assert ran == [1]


def test_a_method_view(app: Flask, client: t.Any) -> None:
    store = {"tag": "v1"}

    class Item(MethodView):
        decorators = [  # noqa: RUF012 - Flask's own API
            conditional(
                etag=lambda id: f"{id}-{store['tag']}", require_precondition=True
            )
        ]

        def get(self, id: int) -> str:
            return "x"

        def put(self, id: int) -> str:
            store["tag"] = "v2"
            return "saved"

    app.add_url_rule("/items/<int:id>", view_func=Item.as_view("item"))
    r = client.get("/items/3")
    assert r.headers["ETag"] == '"3-v1"'
    assert client.put("/items/3").status_code == 428
    r = client.put("/items/3", headers={"If-Match": '"3-v1"'})
    assert (r.status_code, r.headers["ETag"]) == (200, '"3-v2"')


def test_without_the_extension(bare_app: Flask) -> None:
    serve(bare_app, Resource())
    client = bare_app.test_client()
    assert client.get("/r", headers={"If-None-Match": '"v1"'}).status_code == 304


# -- cache_control ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "value"),
    [
        ({"max_age": 600}, "max-age=600"),
        ({"max_age": 0, "must_revalidate": True}, "max-age=0, must-revalidate"),
        ({"no_store": True}, "no-store"),
        (
            {"max_age": 60, "public": True, "s_maxage": 600, "immutable": True},
            "public, max-age=60, s-maxage=600, immutable",
        ),
        (
            {
                "private": True,
                "no_cache": True,
                "proxy_revalidate": True,
                "no_transform": True,
                "stale_while_revalidate": 30,
                "stale_if_error": 86400,
            },
            "private, no-cache, proxy-revalidate, no-transform,"
            " stale-while-revalidate=30, stale-if-error=86400",
        ),
    ],
)
def test_cache_control_directives(
    app: Flask, client: t.Any, options: dict[str, t.Any], value: str
) -> None:
    @app.get("/")
    @cache_control(**options)
    def view() -> str:
        return "x"

    assert client.get("/").headers.getlist("Cache-Control") == [value]


@pytest.mark.parametrize(
    ("own", "value"),
    [
        (["max-age=10, no-transform"], "no-transform, public, max-age=60"),
        (["MAX-AGE=10", "private"], "public, max-age=60"),  # private: the opposite
        (
            ['no-cache="Set-Cookie, X-Id", Max-Age = 5'],
            'no-cache="Set-Cookie, X-Id", public, max-age=60',
        ),
        (
            ["must-revalidate", "immutable"],
            "must-revalidate, immutable, public, max-age=60",
        ),
    ],
)
def test_cache_control_merges_with_the_views_own(
    app: Flask, client: t.Any, own: list[str], value: str
) -> None:
    @app.get("/")
    @cache_control(max_age=60, public=True)
    def view() -> Response:
        response = Response("x")
        for line in own:
            response.headers.add("Cache-Control", line)
        return response

    assert client.get("/").headers.getlist("Cache-Control") == [value]


@pytest.mark.parametrize("status", [201, 204, 206, 299])
def test_cache_control_on_every_2xx(app: Flask, client: t.Any, status: int) -> None:
    @app.get("/")
    @cache_control(max_age=5)
    def view() -> tuple[str, int]:
        return "", status

    assert client.get("/").headers["Cache-Control"] == "max-age=5"


@pytest.mark.parametrize("status", [301, 400, 404, 500])
def test_cache_control_never_on_other_answers(
    app: Flask, client: t.Any, status: int
) -> None:
    @app.get("/returned")
    @cache_control(max_age=5)
    def returned() -> tuple[str, int]:
        return "", status

    @app.get("/raised")
    @cache_control(max_age=5)
    def raised() -> str:
        abort(status)

    assert "Cache-Control" not in client.get("/returned").headers
    if status != 301:
        assert "Cache-Control" not in client.get("/raised").headers


def test_cache_control_stacked_twice_applies_once(app: Flask, client: t.Any) -> None:
    made = cache_control(max_age=5)

    @app.get("/")
    @made
    @cache_control(max_age=5)
    def view() -> str:
        return "x"

    assert client.get("/").headers.getlist("Cache-Control") == ["max-age=5"]


# -- Werkzeug's make_conditional: where it is right, and where it is wrong ---------


@dataclasses.dataclass
class Current:
    """The validators both apps serve."""

    tag: str | None = "v1"
    weak: bool = False
    changed: datetime.datetime | None = CHANGED


def werkzeug_and_kit(current: Current) -> tuple[t.Any, t.Any]:
    """Two apps serving the same validators: one the way Werkzeug's docs say
    (``set_etag``, ``last_modified``, ``make_conditional`` after the view),
    one with ``conditional``."""
    werkzeug = Flask("werkzeug")
    kit = Flask("kit")
    RespKit(kit)

    @werkzeug.route("/", methods=["GET", "HEAD", "PUT"])
    def by_hand() -> Response:
        response = make_response({"ok": True})
        if current.tag is not None:
            response.set_etag(current.tag, weak=current.weak)
        response.last_modified = current.changed
        return response.make_conditional(request)

    @kit.route("/", methods=["GET", "HEAD", "PUT"])
    @conditional(
        etag=lambda: current.tag,
        last_modified=lambda: current.changed,
        weak=current.weak,
    )
    def with_kit() -> dict[str, bool]:
        return {"ok": True}

    return werkzeug.test_client(), kit.test_client()


#: Cases where Werkzeug's make_conditional and RFC 9110 agree:
#: (method, request headers, the RFC's status).
BOTH_RIGHT: list[tuple[str, dict[str, str], int]] = [
    ("GET", {}, 200),
    ("HEAD", {}, 200),
    ("GET", {"If-None-Match": '"v1"'}, 304),
    ("HEAD", {"If-None-Match": '"v1"'}, 304),
    ("GET", {"If-None-Match": 'W/"v1"'}, 304),
    ("GET", {"If-None-Match": '"v0", "v1"'}, 304),
    ("GET", {"If-None-Match": "*"}, 304),
    ("GET", {"If-None-Match": '"v0"'}, 200),
    ("GET", {"If-None-Match": '"v0", W/"v2"'}, 200),
    ("GET", {"If-Modified-Since": CHANGED_HTTP}, 304),
    ("GET", {"If-Modified-Since": AFTER_HTTP}, 304),
    ("GET", {"If-Modified-Since": BEFORE_HTTP}, 200),
    ("GET", {"If-Modified-Since": "not a date"}, 200),
    ("GET", {"If-None-Match": '"v0"', "If-Modified-Since": AFTER_HTTP}, 200),
    ("GET", {"If-None-Match": '"v1"', "If-Modified-Since": BEFORE_HTTP}, 304),
    ("GET", {"If-Match": '"v1"'}, 200),
    ("GET", {"If-Match": '"v0", "v1"'}, 200),
    ("GET", {"If-Match": '"v0"'}, 412),
    ("GET", {"If-Match": 'W/"v1"'}, 412),
    ("HEAD", {"If-Match": '"v0"'}, 412),
]


def _etags(value: str) -> ETags:
    """Werkzeug's own parse: ``ETags.from_header`` (3.2), else ``parse_etags``."""
    from_header = getattr(ETags, "from_header", None)
    if from_header is not None:
        return t.cast(ETags, from_header(value))
    from werkzeug.http import parse_etags

    return parse_etags(value)


@pytest.mark.parametrize(("method", "sent", "status"), BOTH_RIGHT)
def test_same_answer_as_werkzeug_where_it_is_right(
    method: str, sent: dict[str, str], status: int
) -> None:
    werkzeug, kit = werkzeug_and_kit(Current())
    theirs = werkzeug.open("/", method=method, headers=sent)
    ours = kit.open("/", method=method, headers=sent)
    assert (theirs.status_code, ours.status_code) == (status, status)
    if status != 412:  # Werkzeug's 412 is its 200 with another status
        assert theirs.headers.get("ETag") == ours.headers.get("ETag")
    if status == 200:
        assert theirs.headers["Last-Modified"] == ours.headers["Last-Modified"]


@pytest.mark.parametrize("value", ['"v1"', 'W/"v1"', '"a", W/"b", "c"', "*", '"a,b"'])
def test_tag_lists_parse_as_werkzeug_parses_them(value: str) -> None:
    ours = parse_entity_tags("If-None-Match", value)
    theirs = _etags(value)
    if ours is STAR:
        assert theirs.star_tag
        return
    assert isinstance(ours, EntityTags)
    assert ours.every == frozenset(theirs.as_set(include_weak=True))
    assert ours.strong == frozenset(theirs.as_set())
    for tag in ("v1", "a", "b", "c", "a,b"):
        assert (tag in ours.every) == theirs.contains_weak(tag)
        assert (tag in ours.strong) == theirs.contains(tag)


def _both(current: Current, method: str, sent: dict[str, str]) -> tuple[int, int]:
    werkzeug, kit = werkzeug_and_kit(current)
    theirs = werkzeug.open("/", method=method, headers=sent).status_code
    return theirs, kit.open("/", method=method, headers=sent).status_code


def test_if_match_star_passes_for_an_existing_resource() -> None:
    """RFC 9110 §13.1.1: ``*`` is true when a current representation exists.
    Werkzeug answers 412."""
    assert _both(Current(), "GET", {"If-Match": "*"}) == (412, 200)


def test_a_strong_if_match_fails_against_a_weak_etag() -> None:
    """RFC 9110 §8.8.3.2: a weak tag never matches strongly. Werkzeug drops
    the weakness of its own ETag and lets the request through."""
    assert _both(Current(weak=True), "GET", {"If-Match": '"v1"'}) == (200, 412)


def test_preconditions_hold_on_a_put() -> None:
    """RFC 9110 §13.2.2 applies to every method. Werkzeug's make_conditional
    evaluates nothing but GET and HEAD: the lost update goes through."""
    assert _both(Current(), "PUT", {"If-Match": '"v0"'}) == (200, 412)
    assert _both(Current(), "PUT", {"If-None-Match": "*"}) == (200, 412)


def test_if_unmodified_since_is_evaluated() -> None:
    """RFC 9110 §13.1.4; Werkzeug ignores the field."""
    sent = {"If-Unmodified-Since": BEFORE_HTTP}
    assert _both(Current(), "GET", sent) == (200, 412)


def test_if_none_match_wins_over_if_modified_since_without_an_etag() -> None:
    """RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is
    present, etag or not. Werkzeug, without an ETag, answers by the date."""
    sent = {"If-None-Match": '"v0"', "If-Modified-Since": AFTER_HTTP}
    assert _both(Current(tag=None), "GET", sent) == (304, 200)


def test_a_passing_if_match_goes_on_to_if_none_match() -> None:
    """RFC 9110 §13.2.2: If-Match true continues to If-None-Match, which may
    answer 304. Werkzeug lets If-Match overwrite the outcome."""
    sent = {"If-Match": '"v1"', "If-None-Match": '"v1"'}
    assert _both(Current(), "GET", sent) == (200, 304)


@pytest.mark.parametrize(
    "value",
    [
        f"{AFTER_HTTP}, {BEFORE_HTTP}",
        "Tue, 01 Dec 2026 10:00:01",
        "1 Dec 2026 10:00:01 GMT",
    ],
)
def test_only_one_valid_http_date_counts(value: str) -> None:
    """RFC 9110 §13.1.3: If-Modified-Since is ignored unless it is one valid
    HTTP-date. Werkzeug's ``parse_date`` reads the first of a list, a date
    without a zone, a date without a day name, and answers 304."""
    assert _both(Current(), "GET", {"If-Modified-Since": value}) == (304, 200)


@pytest.mark.parametrize("value", ["v1", 'w/"v1"', '"v1" "v2"'])
def test_a_malformed_list_is_no_match_but_a_400(value: str) -> None:
    """RFC 9110 §13.1.2: the field is ``*`` or a list of entity-tags. Werkzeug
    reads anything (an unquoted ``v1``, a lower-case ``w/``) as tags, and
    answers 304 or 200 to a request it cannot have understood."""
    theirs, ours = _both(Current(), "GET", {"If-None-Match": value})
    assert ours == 400
    assert theirs in (200, 304)


def test_werkzeug_runs_the_view_before_its_304() -> None:
    """Not wrong by the RFC, but dear: make_conditional needs the finished
    response, so the body is built and thrown away."""
    built: list[int] = []
    app = Flask("werkzeug")

    @app.get("/")
    def view() -> Response:
        built.append(1)
        response = make_response("x")
        response.set_etag("v1")
        return response.make_conditional(request)

    r = app.test_client().get("/", headers={"If-None-Match": '"v1"'})
    assert (r.status_code, built) == (304, [1])


def test_http_date_round_trip() -> None:
    assert http_date(CHANGED) == CHANGED_HTTP
