"""SQLAlchemy Core statements for one actor type, and rows turned into actors.

`ActorQuery` is built once per actor type from the mapping and the reflected tables:
the FROM clause with its LEFT JOINs, the row filter, the live condition, the stamp
expression (GREATEST over joined stamps) and the typed columns. Every value reaches
the database as a bound parameter; every identifier is a reflected column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from erpsync.connectors.sql.conditions import condition
from erpsync.connectors.sql.convert import STRICT_DIALECTS, bit_flag, converter, to_column
from erpsync.connectors.sql.rows import Layout, RowReader, row_reader
from erpsync.connectors.sql.schema import Schema, actor_fields
from erpsync.connectors.sql.spec import ActorSpec, Scalar
from erpsync.sdk import ActorType, FieldType, Restriction


class UnknownKey(ValueError):
    """A key that cannot be a key of this table (e.g. text for an integer key)."""


class ActorQuery:
    """Statements and row conversion for one actor type."""

    def __init__(self, spec: ActorSpec, schema: Schema, dialect: str) -> None:
        self.spec = spec
        self.type: ActorType = spec.actor_type
        self.dialect = dialect
        self.main = schema.tables[spec.table]
        self.fields = actor_fields(schema, spec)
        self.field_map = {field.key: field for field in self.fields}
        self.columns = {f.key: schema.column(spec.table, f.column) for f in spec.fields}
        self.key = self.main.c[spec.key]
        self.parent = self.main.c[spec.parent_column] if spec.parent_column else None
        self.deleted = self.main.c[spec.deleted.column] if spec.deleted else None
        self.tombstone = _TombstoneQuery(schema, spec) if spec.tombstone else None
        source: sa.FromClause = self.main
        for join in spec.joins:
            other = schema.tables[join.table]
            source = source.outerjoin(other, self.main.c[join.local] == other.c[join.remote])
        self.source = source
        self.filter = [
            schema.column(spec.table, ref) == self.bind(schema.column(spec.table, ref), value)
            for ref, value in spec.filter
        ]
        self.stamp = self._stamp(schema)
        self.stamp_column = (
            schema.column(spec.table, spec.modified[0]) if spec.modified else self.key
        )
        # Per field: for SQLAlchemy rows, and for the driver's own tuples (streams).
        self.converters = {
            key: converter(self.field_map[key], column, dialect)
            for key, column in self.columns.items()
        }
        self.driver_converters = {
            key: converter(self.field_map[key], column, dialect, driver_rows=True)
            for key, column in self.columns.items()
        }

    def typed_fields(self) -> frozenset[str]:
        """Fields whose values PostgreSQL or MariaDB types exactly as the contract
        wants them: no converter on either read path (the driver answers the field's
        Python type for that column type) and, for text, a column no longer than the
        field's max length. SQLite columns may hold any type: none."""
        if self.dialect not in STRICT_DIALECTS:
            return frozenset()
        return frozenset(
            field.key
            for field in self.fields
            if self.converters[field.key] is None
            and self.driver_converters[field.key] is None
            and _within(field.max_length, self.columns[field.key])
        )

    @staticmethod
    def bind(column: sa.Column[Any], value: Scalar) -> ColumnElement[Any]:
        return sa.literal(to_column(column, value), column.type)

    def _stamp(self, schema: Schema) -> ColumnElement[Any] | None:
        refs = self.spec.modified
        if not refs:
            return None
        first = schema.column(self.spec.table, refs[0])
        if len(refs) == 1:
            return first
        # A joined row may be missing (LEFT JOIN): its stamp counts as the main one.
        parts = [first] + [
            sa.func.coalesce(schema.column(self.spec.table, r), first) for r in refs[1:]
        ]
        greatest = sa.func.max if self.dialect == "sqlite" else sa.func.greatest
        return greatest(*parts, type_=first.type)

    # --- conditions ------------------------------------------------------------------

    def live(self) -> ColumnElement[bool]:
        if self.deleted is None or self.spec.deleted is None:
            return sa.true()
        gone = self.bind(self.deleted, self.spec.deleted.value)
        return sa.or_(self.deleted.is_(None), self.deleted != gone)

    def key_values(self, keys: Sequence[str]) -> list[Any]:
        values = []
        for key in keys:
            try:
                values.append(to_column(self.key, key))
            except (TypeError, ValueError):
                continue  # cannot be a key of this table: unknown
        return values

    def select(
        self, field_keys: Sequence[str] | None, labelled: bool = False
    ) -> tuple[sa.Select[Any], list[str]]:
        """SELECT key, parent, deleted, stamp, fields… FROM … WHERE filter.

        A column selected twice (the stamp, or the key, also exposed as a field) is
        read once: drivers convert every value they hand over, and that is most of a
        stream's cost. `labelled` names the columns c0, c1, … (for a UNION).
        """
        keys = list(self.field_map) if field_keys is None else list(field_keys)
        columns, _ = self._layout(keys)
        if labelled:
            columns = [column.label(f"c{i}") for i, column in enumerate(columns)]
        statement = sa.select(*columns).select_from(self.source).where(*self.filter)
        return statement, keys

    def tombstone_select(self, keys: Sequence[str]) -> sa.Select[Any]:
        """The tombstone rows in the layout of `select(keys, labelled=True)`: key, no
        parent, deleted, the deletion stamp, and no values."""
        tomb = self.tombstone
        assert tomb is not None
        width = len(self._layout(keys)[0])
        key: Any = tomb.key
        if _python_type(key) is not _python_type(self.key):
            key = sa.cast(key, self.key.type)
        columns = [key, sa.null(), sa.true(), tomb.stamp] + [sa.null()] * (width - 4)
        labelled = [column.label(f"c{i}") for i, column in enumerate(columns)]
        return sa.select(*labelled).select_from(tomb.table).where(*tomb.filter)

    def _layout(self, keys: Sequence[str]) -> tuple[list[Any], list[int]]:
        """The selected columns and, per field key, the position of its value."""
        columns: list[Any] = [
            self.key,
            self.parent if self.parent is not None else sa.null(),
            self.deleted if self.deleted is not None else sa.null(),
            self.stamp if self.stamp is not None else sa.null(),
        ]
        positions = []
        for key in keys:
            column = self.columns[key]
            found = next((i for i, seen in enumerate(columns) if seen is column), None)
            if found is None:
                found = len(columns)
                columns.append(column)
            positions.append(found)
        return columns, positions

    def search_text(self, text: str, searchable: Sequence[str]) -> tuple[Any, Any]:
        """(WHERE, rank) of the plain search over searchable Text fields."""
        needle = text.lower()
        begins, contains = [], []
        for key in searchable:
            if self.field_map[key].type is FieldType.TEXT:
                lowered = sa.func.lower(self.columns[key])
                begins.append(lowered.startswith(needle, autoescape=True))
                contains.append(lowered.contains(needle, autoescape=True))
        if not contains:
            return sa.false(), sa.literal(1)
        rank = sa.case((sa.or_(*begins), 0), else_=1)
        return sa.or_(*contains), rank

    def restriction(self, restriction: Restriction) -> ColumnElement[bool]:
        column = self.columns[restriction.field]
        return condition(column, restriction, lambda value: to_column(column, value))

    # --- rows → actors ------------------------------------------------------------------

    def row_reader(self, keys: Sequence[str], driver_rows: bool = False) -> RowReader:
        """Functions from selected rows to Actors (see `rows.RowReader`).

        `driver_rows`: the rows are the driver's own tuples (see `stream._rows`).
        """
        converters = self.driver_converters if driver_rows else self.converters
        key_list = list(keys)
        layout = Layout(
            actor_type=self.type,
            fields=[
                (key, position, converters[key])
                for key, position in zip(key_list, self._layout(key_list)[1], strict=True)
            ],
            parent_type=self.spec.parent_type if self.parent is not None else None,
            deleted=self.deleted is not None,
            gone=None if self.spec.deleted is None else self.spec.deleted.value,
            tombstone=self.tombstone is not None,
            flag=bit_flag(self.deleted),
        )
        return row_reader(layout)


def _within(max_length: int | None, column: sa.Column[Any]) -> bool:
    if max_length is None:
        return True
    length = getattr(column.type, "length", None)
    return isinstance(length, int) and length <= max_length


def _python_type(column: sa.Column[Any]) -> type | None:
    try:
        found: type = column.type.python_type
    except NotImplementedError:
        return None
    return found


class _TombstoneQuery:
    """The tombstone table of an actor type: deleted keys with their deletion stamp."""

    def __init__(self, schema: Schema, spec: ActorSpec) -> None:
        tomb = spec.tombstone
        assert tomb is not None
        self.table = schema.tables[tomb.table]
        self.key = self.table.c[tomb.key]
        self.stamp = self.table.c[tomb.modified]
        self.filter = [
            self.table.c[ref.column] == ActorQuery.bind(self.table.c[ref.column], value)
            for ref, value in tomb.filter
        ]
