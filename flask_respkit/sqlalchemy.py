"""SQLAlchemy integration: :func:`fetch_page` runs a ``select()`` for the page
a :func:`~flask_respkit.paginate` view was asked for.

An optional integration (``pip install flask-respkit[sqlalchemy]``, SQLAlchemy
2.x), imported only by the applications that use it::

    from flask_respkit.sqlalchemy import fetch_page

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from .pagination import Pagination

__all__ = ["fetch_page"]

#: What :func:`fetch_page` runs the statement with: a :class:`~sqlalchemy.orm.Session`,
#: or a :class:`~sqlalchemy.orm.scoped_session` such as Flask-SQLAlchemy's
#: ``db.session``.
AnySession = t.Union[Session, scoped_session[t.Any]]


class _Key(t.NamedTuple):
    """A cursor key resolved against a statement."""

    name: str
    descending: bool
    #: The SQL expression to order and compare by.
    column: sa.ColumnElement[t.Any]
    #: Where the key's value is in a result row (``None``: an attribute of
    #: the one entity the statement selects).
    position: int | None


def _column_element(expr: t.Any) -> sa.ColumnElement[t.Any] | None:
    """``expr`` as a column expression, or ``None`` if it is none (an entity,
    a relationship)."""
    clause = getattr(expr, "__clause_element__", None)
    element = clause() if callable(clause) else expr
    return element if isinstance(element, sa.ColumnElement) else None


def _entity(descriptions: list[dict[str, t.Any]]) -> t.Any | None:
    """The ORM entity a statement selects, if it selects exactly one entity
    and nothing else (``descriptions``: its ``column_descriptions``)."""
    if len(descriptions) != 1:
        return None
    entity = descriptions[0].get("entity")
    return entity if entity is not None and descriptions[0]["expr"] is entity else None


def _resolve(
    descriptions: list[dict[str, t.Any]],
    entity: t.Any | None,
    order: t.Sequence[tuple[str, bool]],
) -> list[_Key]:
    """Resolve the cursor keys against a statement (``descriptions``: its
    ``column_descriptions``): the mapped attributes of its one entity, else
    the names of its result columns.

    :raise ValueError: A key is not a column of the statement.
    """
    keys: list[_Key] = []
    if entity is not None:
        mapper = sa.inspect(entity).mapper
        for name, descending in order:
            column = None
            if name in mapper.all_orm_descriptors and name not in mapper.relationships:
                column = _column_element(getattr(entity, name))
            if column is None:
                raise ValueError(
                    f"fetch_page(): the cursor key {name!r} is not a column"
                    f" attribute of {mapper.class_.__name__}; its columns are"
                    f" {', '.join(mapper.column_attrs.keys())}"
                )
            keys.append(_Key(name, descending, column, None))
        return keys
    # The names of the result's columns, as its rows are keyed (SQLAlchemy
    # makes them unique: a second ``id`` is ``id_1``).
    names = [d["name"] for d in descriptions]
    for name, descending in order:
        column, position = None, names.index(name) if name in names else -1
        if position >= 0:
            column = _column_element(descriptions[position]["expr"])
        if column is None:
            shown = ", ".join(str(n) for n in names)
            raise ValueError(
                f"fetch_page(): the cursor key {name!r} is not a column the"
                f" statement selects (it selects {shown}); select it, or label"
                " the expression with that name"
            )
        keys.append(_Key(name, descending, column, position))
    return keys


def _bind(key: _Key, value: t.Any) -> sa.ColumnElement[t.Any]:
    """``value`` as a bound parameter of the key column's type (so that the
    dialect stores and compares it as it stores the column)."""
    return sa.bindparam(None, value, type_=key.column.type)


def _after(keys: list[_Key], values: tuple[t.Any, ...]) -> sa.ColumnElement[bool]:
    """The condition that holds for rows strictly after ``values``."""
    for key, value in zip(keys, values):
        if value is None:
            raise ValueError(
                f"fetch_page(): the cursor holds NULL for the key {key.name!r};"
                " cursor keys must never be NULL"
            )
    if len(keys) == 1:
        (key,) = keys
        bound = _bind(key, values[0])
        return key.column < bound if key.descending else key.column > bound
    if len({key.descending for key in keys}) == 1:
        # One direction: a row-value comparison, which an index on the keys
        # serves directly (PostgreSQL, SQLite >= 3.15, MySQL, ...).
        row = sa.tuple_(*(key.column for key in keys))
        bound_row = sa.tuple_(*(_bind(k, v) for k, v in zip(keys, values)))
        return row < bound_row if keys[0].descending else row > bound_row
    # Mixed directions: (a after x) OR (a = x AND b after y) OR ..., with the
    # bound on the leading key repeated outside the OR for the index.
    terms: list[sa.ColumnElement[bool]] = []
    equal: list[sa.ColumnElement[bool]] = []
    for key, value in zip(keys, values):
        bound = _bind(key, value)
        after = key.column < bound if key.descending else key.column > bound
        terms.append(sa.and_(*equal, after))
        equal.append(key.column == bound)
    first, first_value = keys[0], _bind(keys[0], values[0])
    lead = (
        first.column <= first_value if first.descending else first.column >= first_value
    )
    return sa.and_(lead, sa.or_(*terms))


def _run(
    session: AnySession, statement: sa.Select[t.Any], entity: t.Any | None
) -> list[t.Any]:
    result = session.execute(statement)
    if entity is not None:
        # Objects, each once even with joined eager loads of collections.
        return list(result.unique().scalars().all())
    return list(result.all())


def _values(item: t.Any, keys: list[_Key]) -> tuple[t.Any, ...]:
    values = tuple(
        getattr(item, key.name) if key.position is None else item[key.position]
        for key in keys
    )
    for key, value in zip(keys, values):
        if value is None:
            raise ValueError(
                f"fetch_page(): the cursor key {key.name!r} is NULL in the last"
                " row of the page; cursor keys must never be NULL (filter the"
                " NULLs out, or page by a key that has none)"
            )
    return values


def fetch_page(
    session: AnySession, statement: sa.Select[t.Any], pagination: Pagination
) -> list[t.Any]:
    """Run ``statement`` for the page ``pagination`` asks for, and return the
    page's items: ORM objects when the statement selects one entity (such as
    ``select(Book)``), else result rows (:class:`~sqlalchemy.engine.Row`).
    Flask-SQLAlchemy's ``db.session`` and ``db.select`` work as well::

        @app.get("/books")
        @paginate(cursor=("-published", "id"))
        def books(pagination):
            stmt = select(Book).where(Book.author == request.args["author"])
            return [book.to_json() for book in fetch_page(db.session, stmt, pagination)]

    **Page mode** (``paginate()``): the statement runs with ``LIMIT`` and
    ``OFFSET``, in its own order (order it by a unique key for stable pages).
    With ``paginate(count=True)``, the default, one ``SELECT count(*)`` over the
    statement sets :attr:`~flask_respkit.Pagination.total` (a page past the end
    then runs no second query); with ``count=False`` nothing is counted and one
    row more than the page holds is fetched to set
    :attr:`~flask_respkit.Pagination.has_next`.

    **Cursor mode** (``paginate(cursor=KEYS)``): the statement's ``ORDER BY``
    is replaced by the cursor keys, each in its direction, and a ``WHERE``
    keeps the rows strictly after :attr:`~flask_respkit.Pagination.after`: a
    row-value comparison ``(a, b) > (:a, :b)`` when every key goes the same
    way, else ``(a > :a) OR (a = :a AND b < :b) ...``. One row more than the
    page holds is fetched to set ``has_next``, and
    :attr:`~flask_respkit.Pagination.next_after` is set from the last item.
    It never counts and never uses ``OFFSET``: with an index on the keys, a
    page a million rows deep costs what the first page costs.

    The cursor keys are looked up, when the statement is paged, among the
    mapped attributes of the statement's one entity (column attributes and
    hybrid properties), else among the names of the columns it selects (label
    an expression to page by it). Together the keys must be **unique** (end
    them with the primary key) and **never NULL**: SQL compares nothing with
    ``NULL``, so rows past a NULL key would be skipped. A NULL key value in
    the last row of a page raises ``ValueError`` rather than end the walk
    early; a NULL elsewhere goes unseen, so page only by ``NOT NULL`` columns
    (or filter the NULLs out). Keys compare in SQL, with the column's type
    and collation, so the order is the database's own.

    :param session: A :class:`~sqlalchemy.orm.Session`, or a
        :class:`~sqlalchemy.orm.scoped_session` such as Flask-SQLAlchemy's
        ``db.session``.
    :param statement: A :func:`~sqlalchemy.select`; its ``LIMIT`` and
        ``OFFSET`` (and in cursor mode its ``ORDER BY``) are replaced.
    :param pagination: The view's ``pagination`` argument.
    :return: The page's items, at most ``pagination.per_page`` of them.
    :raise ValueError: A cursor key is not a column of the statement, or is
        NULL in the last row of a page.

    .. versionadded:: 0.1.0
    """
    descriptions = statement.column_descriptions
    entity = _entity(descriptions)
    per_page = pagination.per_page
    if pagination.order is None:
        page = statement.limit(per_page)
        if pagination.count:
            counted = sa.select(sa.func.count()).select_from(
                statement.order_by(None).limit(None).offset(None).subquery()
            )
            total = session.execute(counted).scalar_one()
            pagination.total = total
            if pagination.offset >= total:
                return []
            return _run(session, page.offset(pagination.offset), entity)
        items = _run(
            session, page.limit(per_page + 1).offset(pagination.offset), entity
        )
        pagination.has_next = len(items) > per_page
        return items[:per_page]

    keys = _resolve(descriptions, entity, pagination.order)
    page = statement.order_by(None).order_by(
        *(key.column.desc() if key.descending else key.column.asc() for key in keys)
    )
    if pagination.after is not None:
        page = page.where(_after(keys, pagination.after))
    items = _run(session, page.limit(per_page + 1).offset(None), entity)
    pagination.has_next = len(items) > per_page
    items = items[:per_page]
    pagination.next_after = _values(items[-1], keys) if items else None
    return items
