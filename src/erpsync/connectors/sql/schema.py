"""The mapping checked against the reflected schema, and mapping proposals.

Identifiers reach SQL only as reflected `Table`/`Column` objects (quoted by the
dialect's preparer): a name of the mapping that the database does not have is a
`config` problem naming it and listing what exists, never a string pasted into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection, Engine

from erpsync.connectors.sql.spec import ActorSpec, ColumnRef, ListSpec, MappingSpec
from erpsync.sdk import Access, ActorType, Field, FieldType


@dataclass
class Schema:
    """The reflected tables the mapping uses."""

    tables: dict[str, sa.Table] = field(default_factory=dict)
    all_tables: list[str] = field(default_factory=list)

    def column(self, spec_table: str, ref: ColumnRef) -> sa.Column[Any]:
        return self.tables[ref.table or spec_table].c[ref.column]


def reflect(connection: Connection | Engine, mapping: MappingSpec) -> tuple[Schema, list[str]]:
    """Reflect the mapping's tables; return the schema and every problem found."""
    inspector = sa.inspect(connection)
    names = sorted(set(inspector.get_table_names()) | set(inspector.get_view_names()))
    schema = Schema(all_tables=names)
    problems: list[str] = []
    wanted = sorted(mapping.tables())
    listing = ", ".join(names) or "none"
    for table in wanted:
        if table not in names:
            problems.append(f"table {table!r} does not exist (tables: {listing})")
    present = [table for table in wanted if table in names]
    metadata = sa.MetaData()
    if present:
        metadata.reflect(connection, only=present, views=True)
    schema.tables = {name: metadata.tables[name] for name in present}
    for actor in mapping.actors.values():
        problems += _actor_problems(schema, actor)
    for spec in mapping.lists.values():
        problems += _list_problems(schema, spec)
    return schema, problems


def _missing(schema: Schema, table: str, column: str, where: str) -> str | None:
    found = schema.tables.get(table)
    if found is None or column in found.c:
        return None
    columns = ", ".join(found.c.keys())
    return f"{where}: column {column!r} does not exist in table {table!r} (columns: {columns})"


def _actor_problems(schema: Schema, actor: ActorSpec) -> list[str]:
    where = f"actors.{actor.actor_type}"
    main = actor.table
    refs: list[tuple[str, str, str]] = [(main, actor.key, f"{where}.key")]
    refs += [(join.table, join.remote, f"{where}.joins") for join in actor.joins]
    refs += [(main, join.local, f"{where}.joins") for join in actor.joins]
    refs += [(ref.table or main, ref.column, f"{where}.modified") for ref in actor.modified]
    refs += [(ref.table or main, ref.column, f"{where}.filter") for ref, _ in actor.filter]
    refs += [(main, column, f"{where}.create") for column, _ in actor.create]
    if actor.parent_column:
        refs.append((main, actor.parent_column, f"{where}.parent"))
    if actor.deleted:
        refs.append((main, actor.deleted.column, f"{where}.deleted"))
    tomb = actor.tombstone
    if tomb is not None:
        refs += [(tomb.table, tomb.key, f"{where}.deleted.key")]
        refs += [(tomb.table, tomb.modified, f"{where}.deleted.modified")]
        refs += [(tomb.table, ref.column, f"{where}.deleted.filter") for ref, _ in tomb.filter]
    refs += [
        (spec.column.table or main, spec.column.column, f"{where}.fields.{spec.key}")
        for spec in actor.fields
    ]
    problems = [p for t, c, w in refs if (p := _missing(schema, t, c, w))]
    if not problems and actor.modified and main in schema.tables:
        for ref in actor.modified:
            column = schema.column(main, ref)
            if not isinstance(column.type, sa.DateTime | sa.Date):
                problems.append(f"{where}.modified: column {ref} is not a date/time column")
    if not problems and tomb is not None and tomb.table in schema.tables:
        stamp = schema.tables[tomb.table].c[tomb.modified]
        if not isinstance(stamp.type, sa.DateTime | sa.Date):
            problems.append(
                f"{where}.deleted.modified: column {tomb.modified} is not a date/time column"
            )
    return problems


def _list_problems(schema: Schema, spec: ListSpec) -> list[str]:
    where = f"lists.{spec.name}"
    refs = [(spec.table, spec.id), (spec.table, spec.code), (spec.table, spec.label)]
    refs += [(spec.table, ref.column) for ref, _ in spec.filter]
    if spec.deleted:
        refs.append((spec.table, spec.deleted.column))
    return [p for t, c in refs if (p := _missing(schema, t, c, where))]


# --- field metadata from the mapping and the column types ------------------------------


def field_type_of(column_type: sa.types.TypeEngine[Any]) -> FieldType:
    """The natural field type of a column type."""
    if isinstance(column_type, sa.Boolean):
        return FieldType.CHECKBOX
    if isinstance(column_type, sa.Integer):
        if getattr(column_type, "display_width", None) == 1:  # MySQL's TINYINT(1) flag
            return FieldType.CHECKBOX
        return FieldType.INTEGER
    if isinstance(column_type, sa.Float | sa.Double):
        return FieldType.DOUBLE
    if isinstance(column_type, sa.Numeric):
        return FieldType.DECIMAL
    if isinstance(column_type, sa.DateTime):
        return FieldType.DATETIME
    if isinstance(column_type, sa.Date):
        return FieldType.DATE
    return FieldType.TEXT


def actor_fields(schema: Schema, actor: ActorSpec) -> list[Field]:
    fields = []
    for rank, spec in enumerate(actor.fields, start=1):
        column = schema.column(actor.table, spec.column)
        kind = spec.type or field_type_of(column.type)
        length = spec.max_length
        if length is None and kind is FieldType.TEXT:
            length = getattr(column.type, "length", None)
        access = spec.access
        if spec.column.table is None and spec.column.column == actor.key:
            access = Access.READ_ONLY  # the ERP gives the key
        fields.append(
            Field(
                spec.key,
                spec.name,
                kind,
                list_name=spec.list_name,
                max_length=length if kind is FieldType.TEXT else None,
                access=access,
                rank=rank * 10,
            )
        )
    return fields


# --- proposals -----------------------------------------------------------------------------

_STAMP_NAMES = ("updated_at", "modified_at", "modified", "last_modified", "changed_at", "mtime")
_ACTOR_GUESSES: dict[ActorType, tuple[str, ...]] = {
    ActorType.CUSTOMER: ("customer", "customers", "company", "companies", "party", "client"),
    ActorType.SUPPLIER: ("supplier", "suppliers", "vendor", "vendors"),
    ActorType.PERSON: ("contact", "contacts", "person", "persons", "people"),
    ActorType.PROJECT: ("project", "projects"),
}
_LIST_GUESSES = ("country", "countries", "currency", "currencies", "payment_term", "payment_terms")


def propose_mapping(engine: Engine | Connection) -> str:
    """A mapping text proposed from the reflected schema, for the administrator to edit.

    Tables are matched to actor types and lists by name; each table's primary key is
    its key, a date/time column named like `updated_at` its stamp, and every other
    column a field typed from its column type (NOT NULL → Mandatory).
    """
    inspector = sa.inspect(engine)
    names = sorted(set(inspector.get_table_names()) | set(inspector.get_view_names()))
    metadata = sa.MetaData()
    metadata.reflect(engine, only=names, views=True)
    actors: dict[str, Any] = {}
    for actor_type, guesses in _ACTOR_GUESSES.items():
        table = next((metadata.tables[n] for n in guesses if n in metadata.tables), None)
        if table is not None and table.name not in {a["table"] for a in actors.values()}:
            actors[str(actor_type)] = _propose_actor(table)
    lists = {name: _propose_list(metadata.tables[name]) for name in _LIST_GUESSES if name in names}
    if not actors and names:
        actors[str(ActorType.CUSTOMER)] = _propose_actor(metadata.tables[names[0]])
    text = yaml.safe_dump({"actors": actors, "lists": lists}, sort_keys=False, width=100)
    return "# Proposed from the database schema: check every table, filter and type.\n" + text


def _key_of(table: sa.Table) -> str:
    primary = list(table.primary_key.columns)
    return str(primary[0].name if primary else next(iter(table.c)).name)


def _propose_actor(table: sa.Table) -> dict[str, Any]:
    key = _key_of(table)
    # Reflected names are `quoted_name`s, which the YAML dumper refuses: plain str.
    proposal: dict[str, Any] = {"table": str(table.name), "key": key}
    stamp = next((str(c.name) for c in table.c if c.name in _STAMP_NAMES), None)
    if stamp:
        proposal["modified"] = stamp
    fields = []
    for column in table.c:
        item: dict[str, Any] = {"key": str(column.name), "column": str(column.name)}
        item["type"] = str(field_type_of(column.type))
        if column.name in (key, stamp):
            item["access"] = "ReadOnly"
        elif not column.nullable and column.server_default is None:
            item["access"] = "Mandatory"
        fields.append(item)
    proposal["fields"] = fields
    return proposal


def _propose_list(table: sa.Table) -> dict[str, str]:
    columns = [str(column.name) for column in table.c]
    ident = _key_of(table)
    code = next((c for c in ("code", "iso_code", "short_name") if c in columns), ident)
    name = next((c for c in ("name", "description", "label", "title") if c in columns), code)
    return {"table": str(table.name), "id": ident, "code": code, "name": name}
