"""Bulk writes and look-ups of the sync engine's hot path: `COPY` and array parameters
on PostgreSQL, executemany and IN lists elsewhere.

A batch of 1,000 records writes thousands of rows (records, links with shadows, match
keys, log entries). Sent as one multi-row INSERT, PostgreSQL's driver has to parse a
statement with tens of thousands of placeholders per batch, which costs more than the
write itself; `COPY … FROM STDIN` streams the same rows in the same transaction.
Look-ups by a batch of ids or keys (`among`) bind one array instead of 1,000 values.

Both paths write the same values: each column's Python-side default (`default=`) is
applied as SQLAlchemy would, values go through the column type's own bind processing
(so JSON is serialised the same way), and columns left out take their server default.
Ids for `insert_returning_ids` are drawn from the table's sequence beforehand, in
the rows' order, so callers get them as `INSERT … RETURNING` would give them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, any_, bindparam, insert, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import InstrumentedAttribute, Session

Row = dict[str, Any]
#: Below this many rows a plain executemany is as fast and needs no sequence round trip.
MIN_COPY_ROWS = 50
#: A pass that wrote at least this many records refreshes the planner's statistics.
ANALYZE_AFTER = 10_000
#: … unless they are under this share of the rows the statistics already count (the
#: autovacuum daemon's default `autovacuum_analyze_scale_factor`): statistics of a large
#: table still describe it after a few per cent of its rows changed.
ANALYZE_SHARE = 0.1


def analyze(engine: Engine, tables: Sequence[Table], written: int | None = None) -> bool:
    """Refresh PostgreSQL's statistics of tables that just took many rows, so the next
    queries are planned for their real size rather than for the empty tables of a first
    run (the autovacuum daemon may be off, or come minutes later). With `written` (the
    records a pass wrote), only when that is at least `ANALYZE_SHARE` of the rows the
    statistics of the smallest table count: an `ANALYZE` of million-row tables costs
    a second of random reads and changes no plan after 1 % of them were updated.
    Returns whether it refreshed."""
    if engine.dialect.name != "postgresql" or not tables:
        return False
    names = ", ".join(engine.dialect.identifier_preparer.quote(table.name) for table in tables)
    with engine.begin() as connection:
        if written is not None and written < ANALYZE_SHARE * _counted(connection, tables):
            return False
        connection.execute(text(f"ANALYZE {names}"))
    return True


def _counted(connection: Connection, tables: Sequence[Table]) -> float:
    """The fewest rows the planner's statistics count among `tables` (0 for a table
    never analysed: `reltuples` is -1 then, or 0 before PostgreSQL 14)."""
    counts = connection.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = ANY(CAST(:names AS regclass[]))"),
        {"names": [table.name for table in tables]},
    ).scalars()
    return min((max(float(count), 0.0) for count in counts), default=0.0)


def insert_many(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (column name → value; every row with the same keys)."""
    if rows:
        names = list(rows[0])
        insert_tuples(session, table, names, [[row.get(n) for n in names] for row in rows])


def insert_returning_ids(session: Session, table: Table, rows: Sequence[Row]) -> list[int]:
    """Insert rows and return their new ids in the rows' order."""
    if not rows:
        return []
    names = list(rows[0])
    values = [[row.get(n) for n in names] for row in rows]
    return insert_tuples(session, table, names, values, returning_ids=True)


def insert_tuples(
    session: Session,
    table: Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    constants: Row | None = None,
    returning_ids: bool = False,
) -> list[int]:
    """Insert rows given as value sequences in the order of `names`, each completed by
    `constants` (the same for every row: processed once, not per row); returns the new
    ids in the rows' order when asked (else an empty list). The engine's hot path: no
    dict per row."""
    if not rows:
        return []
    constants = constants or {}
    connection = session.connection()
    if not _copies(connection, table, len(rows), [*names, *constants]):
        params = [{**dict(zip(names, row, strict=True)), **constants} for row in rows]
        if not returning_ids:
            session.execute(insert(table), params)
            return []
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [int(row_id) for row_id in session.execute(statement, params).scalars()]
    ids: list[int] | None = None
    if returning_ids:
        sequence = _sequence(connection, table)
        ids = sorted(
            int(row_id)
            for row_id in connection.execute(
                text("SELECT nextval(:sequence) FROM generate_series(1, :count)"),
                {"sequence": sequence, "count": len(rows)},
            ).scalars()
        )
    _copy(connection, table, names, rows, constants, ids)
    return ids or []


def among(
    session: Session, column: ColumnElement[Any] | InstrumentedAttribute[Any], values: Sequence[Any]
) -> Any:
    """`column IN values` for a batch of keys or ids: on PostgreSQL one array parameter
    (`= ANY(…)`, a short statement the driver need not parse anew for each batch),
    elsewhere an expanding IN."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


@contextmanager
def planned_for_each_call(session: Session) -> Iterator[None]:
    """Plan the batch look-ups inside for the arrays they are given (PostgreSQL).

    The driver prepares a statement it sees often, and the server may then plan it once
    for any array: a *generic* plan that assumes a short one and can choose to scan every
    link of a type, comparing each with all 1,000 keys. Unprepared, each look-up is
    planned with its array at hand: the index probe, and failing that hashed keys."""
    driver = session.connection().connection.dbapi_connection
    threshold = getattr(driver, "prepare_threshold", None)
    if session.get_bind().dialect.driver != "psycopg" or threshold is None:
        yield
        return
    driver.prepare_threshold = None  # type: ignore[union-attr]
    try:
        yield
    finally:  # the writes that follow (executemany) keep their prepared plans
        driver.prepare_threshold = threshold  # type: ignore[union-attr]


def _copies(connection: Connection, table: Table, count: int, names: Sequence[str]) -> bool:
    dialect = connection.dialect
    return (
        dialect.name == "postgresql"
        and dialect.driver == "psycopg"
        and count >= MIN_COPY_ROWS
        and _defaults(table, frozenset(names)) is not None
    )


_SEQUENCES: dict[str, str] = {}


def _sequence(connection: Connection, table: Table) -> str:
    found = _SEQUENCES.get(table.name)
    if found is None:
        found = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar_one()
        assert found, f"{table.name}.id has no sequence"
        _SEQUENCES[table.name] = found
    return found


@functools.lru_cache(maxsize=1024)
def _defaults(table: Table, given: frozenset[str]) -> tuple[tuple[str, bool, Any], ...] | None:
    """Python-side defaults of the columns not `given`, as (name, callable?, value or
    function); None when one is SQL (that only an INSERT can evaluate)."""
    found: list[tuple[str, bool, Any]] = []
    for column in table.columns:
        default = column.default
        if column.key in given or default is None or column.primary_key:
            continue
        if getattr(default, "is_scalar", False):
            found.append((column.key, False, default.arg))  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            found.append((column.key, True, default.arg))  # type: ignore[attr-defined]
        else:
            return None
    return tuple(found)


@functools.lru_cache(maxsize=1024)
def _processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _copy(
    connection: Connection,
    table: Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    constants: Row,
    ids: list[int] | None,
) -> None:
    dialect = connection.dialect
    defaults = _defaults(table, frozenset([*names, *constants])) or ()
    fixed = {**constants, **{name: value for name, call, value in defaults if not call}}
    makers = [(name, value) for name, call, value in defaults if call]
    processors = [
        (index, process)
        for index, name in enumerate(names)
        if (process := _processor(table.c[name], dialect)) is not None
    ]
    tail = tuple(
        value if (process := _processor(table.c[name], dialect)) is None else process(value)
        for name, value in fixed.items()
    )
    all_names = ([] if ids is None else ["id"]) + [*names, *(n for n, _ in makers), *fixed]
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in all_names)
    statement = f"COPY {table.name} ({quoted}) FROM STDIN"
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    error = dialect.loaded_dbapi.Error
    try:
        with cursor.copy(statement) as copy:
            write = copy.write_row
            for index, row in enumerate(rows):
                line = [] if ids is None else [ids[index]]
                line += row
                for at, process in processors:
                    line[at + (ids is not None)] = process(line[at + (ids is not None)])
                # SQLAlchemy calls a callable default once per row; so does this.
                for name, maker in makers:
                    value = maker(None)
                    process = _processor(table.c[name], dialect)
                    line.append(value if process is None else process(value))
                line += tail
                write(line)
    except error as exc:  # as SQLAlchemy raises it for an INSERT (IntegrityError, …)
        raise DBAPIError.instance(statement, [], exc, error) from exc
    finally:
        cursor.close()
