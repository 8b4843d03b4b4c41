"""Writing actors: create and save, each in its own transaction, with the mapping's rules.

A `ReadOnly` field (and the key) is refused unless it is sent back unchanged (a
round trip of what was read); fixed values of the mapping are written on create;
the row's own stamp column is set on every real change so the change stream sees it;
a save that changes nothing writes nothing and says `changed=False`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from erpsync.connectors.sql.convert import to_column
from erpsync.connectors.sql.query import ActorQuery
from erpsync.sdk import Actor, ActorRef, Field, Value, data_error
from erpsync.sdk.values import normalise


def read(
    connection: Connection,
    query: ActorQuery,
    keys: Sequence[str],
    field_keys: Sequence[str] | None = None,
) -> list[Actor]:
    """The actors with these keys, in the order asked; unknown keys are left out."""
    wanted = query.key_values(keys)
    if not wanted:
        return []
    statement, names = query.select(field_keys)
    reader = query.row_reader(names)
    found = {
        actor.key: actor
        for actor in map(reader, connection.execute(statement.where(query.key.in_(wanted))))
    }
    return [found[key] for key in dict.fromkeys(keys) if key in found]


def _refuse(query: ActorQuery, field: Field, what: str, key: str | None) -> None:
    raise data_error(f"{query.type} {field.display_name}: {what}", key=key, field=field.key)


def _columns(
    query: ActorQuery, values: Mapping[str, Value], current: Actor | None, key: str | None
) -> dict[str, Any]:
    """The columns to write for `values` (only changed ones when `current` is given)."""
    row: dict[str, Any] = {}
    for field_key, value in values.items():
        field = query.field_map.get(field_key)
        if field is None:
            known = ", ".join(query.field_map)
            raise data_error(
                f"{query.type} has no field {field_key!r} (fields: {known}).",
                key=key,
                field=field_key,
            )
        old = None if current is None else current.values.get(field_key)
        if normalise(field.type, value) == normalise(field.type, old) and current is not None:
            continue
        if field.read_only:
            if value is None and current is None:
                continue
            _refuse(query, field, "is read-only and cannot be written.", key)
        if field.mandatory and normalise(field.type, value) is None:
            _refuse(query, field, "is mandatory.", key)
        column = query.columns[field_key]
        try:
            row[column.name] = to_column(column, value)
        except (TypeError, ValueError) as exc:
            _refuse(query, field, f"{value!r} does not fit the column ({exc}).", key)
    if current is None:
        for field in query.fields:
            if field.mandatory and normalise(field.type, values.get(field.key)) is None:
                _refuse(query, field, "is mandatory.", key)
    return row


def _parent(query: ActorQuery, parent: ActorRef, key: str | None) -> tuple[str, Any]:
    spec = query.spec
    if query.parent is None or spec.parent_type is None:
        raise data_error(f"A {query.type} has no parent in this ERP.", key=key)
    if parent.type is not spec.parent_type:
        raise data_error(
            f"A {query.type} belongs to a {spec.parent_type}, not a {parent.type}.", key=key
        )
    try:
        return query.parent.name, to_column(query.parent, parent.key)
    except (TypeError, ValueError):
        raise data_error(f"{parent.type} key {parent.key!r} cannot exist.", key=key) from None


def _stamp(query: ActorQuery, row: dict[str, Any]) -> None:
    """Set the row's own last-modified column, unless the values set it already."""
    first = query.spec.modified[0] if query.spec.modified else None
    if first is None or first.table is not None or first.column in row:
        return
    column = query.main.c[first.column]
    now = datetime.now(UTC)
    row[first.column] = to_column(
        column, now if isinstance(column.type, sa.DateTime) else now.date()
    )


def create(
    connection: Connection,
    query: ActorQuery,
    values: Mapping[str, Value],
    parent: ActorRef | None,
) -> str:
    """Insert one row; return the key the database gave it (caller commits)."""
    row = _columns(query, values, None, None)
    for column, value in query.spec.create:
        row[column] = to_column(query.main.c[column], value)
    if parent is not None:
        name, value = _parent(query, parent, None)
        row[name] = value
    _stamp(query, row)
    statement = sa.insert(query.main).values(row)
    if query.key.primary_key:
        result = connection.execute(statement)
        key = result.inserted_primary_key[0] if result.inserted_primary_key else None
    else:
        key = connection.execute(statement.returning(query.key)).scalar_one()
    if key is None:
        raise data_error(f"The database gave the new {query.type} no key.")
    return str(key)


def save_one(connection: Connection, query: ActorQuery, actor: Actor) -> tuple[bool, Actor]:
    """Write the changed values of one existing actor (caller commits)."""
    found = read(connection, query, [actor.key])
    if not found or found[0].deleted:
        state = "does not exist" if not found else "is deleted"
        raise data_error(f"{query.type} {actor.key} {state} in the ERP.", key=actor.key)
    current = found[0]
    row = _columns(query, actor.values, current, actor.key)
    if actor.parent_key is not None and actor.parent_type is not None:
        moved = (actor.parent_type, actor.parent_key) != (current.parent_type, current.parent_key)
        if moved:
            name, value = _parent(query, ActorRef(actor.parent_type, actor.parent_key), actor.key)
            row[name] = value
    if not row:
        return False, current
    _stamp(query, row)
    key = to_column(query.key, actor.key)
    connection.execute(sa.update(query.main).where(query.key == key).values(row))
    return True, read(connection, query, [actor.key])[0]
