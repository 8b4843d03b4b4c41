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

from collections.abc import Callable, Sequence
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


def analyze(engine: Engine, tables: Sequence[Table]) -> None:
    """Refresh PostgreSQL's statistics of tables that just took many rows, so the next
    queries are planned for their real size rather than for the empty tables of a first
    run (the autovacuum daemon may be off, or come minutes later)."""
    if engine.dialect.name != "postgresql" or not tables:
        return
    names = ", ".join(engine.dialect.identifier_preparer.quote(table.name) for table in tables)
    with engine.begin() as connection:
        connection.execute(text(f"ANALYZE {names}"))


def insert_many(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (column name → value; every row with the same keys)."""
    if not rows:
        return
    connection = session.connection()
    if _copies(connection, table, rows):
        _copy(connection, table, rows, None)
    else:
        session.execute(insert(table), list(rows))


def insert_returning_ids(session: Session, table: Table, rows: Sequence[Row]) -> list[int]:
    """Insert rows and return their new ids in the rows' order."""
    if not rows:
        return []
    connection = session.connection()
    if not _copies(connection, table, rows):
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [int(row_id) for row_id in session.execute(statement, list(rows)).scalars()]
    sequence = _sequence(connection, table)
    ids = sorted(
        int(row_id)
        for row_id in connection.execute(
            text("SELECT nextval(:sequence) FROM generate_series(1, :count)"),
            {"sequence": sequence, "count": len(rows)},
        ).scalars()
    )
    _copy(connection, table, rows, ids)
    return ids


def among(
    session: Session, column: ColumnElement[Any] | InstrumentedAttribute[Any], values: Sequence[Any]
) -> Any:
    """`column IN values` for a batch of keys or ids: on PostgreSQL one array parameter
    (`= ANY(…)`, a short statement the driver need not parse anew for each batch),
    elsewhere an expanding IN."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def _copies(connection: Connection, table: Table, rows: Sequence[Row]) -> bool:
    dialect = connection.dialect
    return (
        dialect.name == "postgresql"
        and dialect.driver == "psycopg"
        and len(rows) >= MIN_COPY_ROWS
        and _defaults(table, rows[0]) is not None
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


def _defaults(table: Table, row: Row) -> dict[str, tuple[bool, Any]] | None:
    """Python-side defaults of the columns `row` leaves out, as (callable?, value or
    function); None when one is SQL (that only an INSERT can evaluate)."""
    found: dict[str, tuple[bool, Any]] = {}
    for column in table.columns:
        default = column.default
        if column.key in row or default is None or column.primary_key:
            continue
        if getattr(default, "is_scalar", False):
            found[column.key] = (False, default.arg)  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            found[column.key] = (True, default.arg)  # type: ignore[attr-defined]
        else:
            return None
    return found


def _processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _copy(connection: Connection, table: Table, rows: Sequence[Row], ids: list[int] | None) -> None:
    dialect = connection.dialect
    defaults = _defaults(table, rows[0]) or {}
    keys = [column.key for column in table.columns if column.key in rows[0]]
    names = ([] if ids is None else ["id"]) + keys + list(defaults)
    processors = [_processor(table.c[key], dialect) for key in [*keys, *defaults]]
    makers = list(defaults.values())
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    statement = f"COPY {table.name} ({quoted}) FROM STDIN"
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    error = dialect.loaded_dbapi.Error
    try:
        with cursor.copy(statement) as copy:
            for index, row in enumerate(rows):
                raw = [row.get(key) for key in keys]
                # SQLAlchemy calls a callable default once per row; so does this.
                raw += [maker(None) if call else maker for call, maker in makers]
                values = [
                    value if process is None else process(value)
                    for value, process in zip(raw, processors, strict=True)
                ]
                copy.write_row(values if ids is None else [ids[index], *values])
    except error as exc:  # as SQLAlchemy raises it for an INSERT (IntegrityError, …)
        raise DBAPIError.instance(statement, [], exc, error) from exc
    finally:
        cursor.close()
