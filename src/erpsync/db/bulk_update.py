"""Set-based UPDATE and DELETE of a batch of rows by key: on PostgreSQL one statement
over arrays (`UPDATE … FROM unnest(…)`, `DELETE … USING unnest(…)`), elsewhere an
executemany of the single-row statement.

An executemany sends one statement per row: 1,000 round trips per batch (pipelined by
the driver, but each parsed, planned and executed alone). With arrays the batch is one
statement whatever its size; `psycopg` binds a Python list as a PostgreSQL array, and
each array is cast to its column's type (`VARCHAR(60)[]`, `JSONB[]`, …), so NULLs and
JSON values arrive as the column stores them. Values go through the column type's own
bind processing first, as SQLAlchemy would process them for a single-row statement.

A batch under `MIN_ARRAY_ROWS` rows, or a list the driver cannot bind as one array
(values of mixed Python types, such as an int and a str in one text column), takes the
executemany path: same rows, more trips. Statements over arrays are planned for each
call (`bulk.planned_for_each_call`): a plan made once for any array would assume ten
rows, and with stale statistics of a table could scan all of it for each batch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Table, TextClause, and_, bindparam, delete, text, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from erpsync.db.bulk import planned_for_each_call

#: Below this many rows an executemany costs as little and keeps its prepared plan.
MIN_ARRAY_ROWS = 50


def update_by_id(
    session: Session,
    table: Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    constants: dict[str, Any] | None = None,
) -> None:
    """Set the columns `names` of each row given as (id, *values in the order of `names`),
    and the `constants` (the same for every row) on all of them. Ids must be distinct."""
    constants = constants or {}
    if not rows or not (names or constants):
        return
    dialect = session.connection().dialect
    key = ["id", *names]
    arrays = _arrays(table, key, rows, dialect) if _binds_arrays(dialect, rows) else None
    if arrays is None:
        params = [
            {**dict(zip(names, row[1:], strict=True)), **constants, "b_id": row[0]} for row in rows
        ]
        session.execute(update(table).where(table.c.id == bindparam("b_id")), params)
        return
    statement = _update_statement(table, tuple(names), tuple(constants), dialect)
    with planned_for_each_call(session):
        session.execute(statement, {**arrays, **_constants(constants)})


def delete_tuples(
    session: Session,
    table: Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    constants: dict[str, Any] | None = None,
) -> None:
    """Delete the rows whose columns `names` equal one of the given value tuples and whose
    columns `constants` equal those values (a key's fixed part, e.g. its kind)."""
    constants = constants or {}
    if not rows:
        return
    dialect = session.connection().dialect
    arrays = _arrays(table, names, rows, dialect) if _binds_arrays(dialect, rows) else None
    if arrays is None:
        where = [table.c[name] == bindparam(f"b_{name}") for name in names]
        where += [table.c[name] == value for name, value in constants.items()]
        params = [
            {f"b_{name}": value for name, value in zip(names, row, strict=True)} for row in rows
        ]
        session.execute(delete(table).where(and_(*where)), params)
        return
    statement = _delete_statement(table, tuple(names), tuple(constants), dialect)
    with planned_for_each_call(session):
        session.execute(statement, {**arrays, **_constants(constants)})


def _binds_arrays(dialect: Dialect, rows: Sequence[Any]) -> bool:
    return (
        dialect.name == "postgresql" and dialect.driver == "psycopg" and len(rows) >= MIN_ARRAY_ROWS
    )


def _constants(constants: dict[str, Any]) -> dict[str, Any]:
    return {f"c{index}": value for index, value in enumerate(constants.values())}


def _arrays(
    table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]], dialect: Dialect
) -> dict[str, list[Any]] | None:
    """One processed list per column (`a0`, `a1`, …); None when one mixes Python types."""
    arrays: dict[str, list[Any]] = {}
    for index, (name, values) in enumerate(zip(names, zip(*rows, strict=True), strict=True)):
        process = _processor(table.c[name], dialect)
        found = list(values) if process is None else [process(value) for value in values]
        if len({type(value) for value in found if value is not None}) > 1:
            return None
        arrays[f"a{index}"] = found
    return arrays


@functools.lru_cache(maxsize=1024)
def _processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _unnest(table: Table, names: Sequence[str], dialect: Dialect) -> str:
    """`unnest(CAST(:a0 AS type[]), …) AS v(name, …)`: the arrays as rows."""
    quote = dialect.identifier_preparer.quote
    arrays = ", ".join(
        f"CAST(:a{index} AS {table.c[name].type.compile(dialect=dialect)}[])"
        for index, name in enumerate(names)
    )
    return f"unnest({arrays}) AS v({', '.join(quote(name) for name in names)})"


def _typed(statement: str, table: Table, constants: Sequence[str]) -> TextClause:
    """The statement with each constant bound as its column's type (`c0`, `c1`, …)."""
    return text(statement).bindparams(
        *(bindparam(f"c{index}", type_=table.c[name].type) for index, name in enumerate(constants))
    )


@functools.lru_cache(maxsize=256)
def _update_statement(
    table: Table, names: tuple[str, ...], constants: tuple[str, ...], dialect: Dialect
) -> TextClause:
    quote = dialect.identifier_preparer.quote
    target = quote(table.name)
    sets = [f"{quote(name)} = v.{quote(name)}" for name in names]
    sets += [f"{quote(name)} = :c{index}" for index, name in enumerate(constants)]
    source = _unnest(table, ["id", *names], dialect)
    # Our own tables' quoted identifiers; every value is a bound parameter.
    statement = f"UPDATE {target} SET {', '.join(sets)} FROM {source} WHERE {target}.id = v.id"  # noqa: S608
    return _typed(statement, table, constants)


@functools.lru_cache(maxsize=256)
def _delete_statement(
    table: Table, names: tuple[str, ...], constants: tuple[str, ...], dialect: Dialect
) -> TextClause:
    quote = dialect.identifier_preparer.quote
    target = quote(table.name)
    where = [f"{target}.{quote(name)} = v.{quote(name)}" for name in names]
    where += [f"{target}.{quote(name)} = :c{index}" for index, name in enumerate(constants)]
    source = _unnest(table, names, dialect)
    statement = f"DELETE FROM {target} USING {source} WHERE {' AND '.join(where)}"  # noqa: S608
    return _typed(statement, table, constants)
