"""Writing the demo ERP: create, update (idempotent), soft delete, with the ERP's own
rules (mandatory fields, read-only fields, list items that exist, parents that exist).

Used by the connector and by the hand-editing CLI alike, so a change made by hand
travels exactly like one made by another ERP user. Each write runs in one `IMMEDIATE`
transaction and bumps `row_version` only for rows that really changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from erpsync.connectors.demo.fields import TYPE_TO_KIND, TableSpec
from erpsync.connectors.demo.schema import next_versions, now_text, to_column, write
from erpsync.connectors.demo.store import Reader, numeric_key
from erpsync.sdk import Actor, ActorRef, ConnectorError, FieldType, Value, data_error
from erpsync.sdk.values import normalise, value_check


def _parent_columns(spec: TableSpec, parent: ActorRef | None) -> dict[str, object]:
    if spec.table == "person":
        assert parent is not None
        return {"parent_kind": TYPE_TO_KIND[parent.type], "parent_number": int(parent.key)}
    if spec.table == "project":
        return {"customer_number": None if parent is None else int(parent.key)}
    return {}


def check_parent(db: sqlite3.Connection, spec: TableSpec, parent: ActorRef | None) -> None:
    if parent is None:
        if spec.table == "person":
            raise data_error("A person needs a parent company (customer, supplier or partner).")
        return
    if parent.type not in spec.parent_types:
        allowed = ", ".join(spec.parent_types) or "none"
        raise data_error(
            f"A {spec.actor_type} cannot belong to a {parent.type} (allowed: {allowed})."
        )
    number = numeric_key(parent.key)
    kind = TYPE_TO_KIND[parent.type]
    row = None
    if number is not None:
        row = db.execute(
            "SELECT deleted FROM company WHERE kind = ? AND number = ?", (kind, number)
        ).fetchone()
    if row is None or row[0]:
        raise data_error(f"The parent {parent.type} {parent.key} does not exist in the demo ERP.")


def check_values(
    db: sqlite3.Connection,
    spec: TableSpec,
    values: Mapping[str, Value],
    current: Mapping[str, Value] | None,
    key: str | None = None,
) -> None:
    """Raise a `data` error for the first value the ERP refuses.

    `current` None means creating. A read-only field may be sent back unchanged (a
    round trip of what was read), never with another value.
    """
    fields = spec.field_map
    for field_key, value in values.items():
        field = fields.get(field_key)
        if field is None:
            raise data_error(
                f"{spec.actor_type} has no field {field_key!r}.", key=key, field=field_key
            )
        if problem := value_check(field)(value):
            raise data_error(f"{field.display_name}: {problem}.", key=key, field=field_key)
        if field.read_only:
            same = current is not None and normalise(field.type, value) == normalise(
                field.type, current.get(field_key)
            )
            if value is not None and not same:
                raise data_error(f"{field.display_name} is read-only.", key=key, field=field_key)
            continue
        if field.mandatory and normalise(field.type, value) is None:
            raise data_error(f"{field.display_name} is mandatory.", key=key, field=field_key)
        if field.type is FieldType.LIST and value is not None:
            _check_list_item(
                db, field.list_name or "", str(value), field.display_name, key, field_key
            )
    if current is None:
        for field in spec.fields:
            if field.mandatory and normalise(field.type, values.get(field.key)) is None:
                raise data_error(f"{field.display_name} is mandatory.", key=key, field=field.key)


def _check_list_item(
    db: sqlite3.Connection, list_name: str, item: str, label: str, key: str | None, field: str
) -> None:
    row = db.execute(
        "SELECT 1 FROM list_item WHERE list_name = ? AND id = ? AND deleted = 0", (list_name, item)
    ).fetchone()
    if row is None:
        raise data_error(
            f"{label}: {item!r} is not an item of the list {list_name}.", key=key, field=field
        )


def create(
    db: sqlite3.Connection,
    spec: TableSpec,
    values: Mapping[str, Value],
    parent: ActorRef | None = None,
    idempotency_key: str | None = None,
) -> Actor:
    """Insert a new actor with the next number; with an idempotency key already used,
    return the actor that key created instead (R-SEM-5)."""
    with write(db):
        return insert(db, spec, values, parent, idempotency_key)


def insert(
    db: sqlite3.Connection,
    spec: TableSpec,
    values: Mapping[str, Value],
    parent: ActorRef | None = None,
    idempotency_key: str | None = None,
) -> Actor:
    """`create` inside the caller's write transaction."""
    reader = Reader(db, spec, None)
    if idempotency_key is not None:
        found = reader.rows("ext_ref = ?", [idempotency_key])
        if found:
            return found[0]
    check_values(db, spec, values, None)
    check_parent(db, spec, parent)
    kind_filter = "WHERE kind = ?" if spec.kind else ""
    (number,) = db.execute(
        f"SELECT COALESCE(MAX(number), ?) + 1 FROM {spec.table} {kind_filter}",  # noqa: S608 - table from the spec
        [spec.first_number - 1, *([spec.kind] if spec.kind else [])],
    ).fetchone()
    row: dict[str, object] = {"number": number, **_parent_columns(spec, parent)}
    if spec.kind:
        row["kind"] = spec.kind
    for field in spec.fields:
        if not field.read_only and field.key in values:
            row[field.key] = to_column(field.type, values[field.key])
    row.update(modified_at=now_text(), row_version=next_versions(db), ext_ref=idempotency_key)
    _insert(db, spec.table, row)
    return reader.rows("number = ?", [number])[0]


def _insert(db: sqlite3.Connection, table: str, row: dict[str, object]) -> None:
    names = ", ".join(row)
    marks = ", ".join("?" * len(row))
    db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))  # noqa: S608 - names from the spec


def update(
    db: sqlite3.Connection,
    spec: TableSpec,
    key: str,
    values: Mapping[str, Value],
    parent: ActorRef | None = None,
) -> tuple[bool, Actor]:
    """Write changed values of one live actor inside the caller's transaction.

    Returns (changed, actor as stored). Equal values (after normalising) change
    nothing and take no new row version: saving twice is harmless.
    """
    reader = Reader(db, spec, None)
    number = numeric_key(key)
    found = reader.rows("number = ?", [number]) if number is not None else []
    if not found:
        raise data_error(f"{spec.actor_type} {key} does not exist in the demo ERP.", key=key)
    current = found[0]
    if current.deleted:
        raise data_error(f"{spec.actor_type} {key} is deleted in the demo ERP.", key=key)
    check_values(db, spec, values, current.values, key)
    changes: dict[str, object] = {}
    for field in spec.fields:
        if field.read_only or field.key not in values:
            continue
        if normalise(field.type, values[field.key]) != normalise(
            field.type, current.values[field.key]
        ):
            changes[field.key] = to_column(field.type, values[field.key])
    moved = parent is not None and (parent.type, parent.key) != (
        current.parent_type,
        current.parent_key,
    )
    if moved:
        check_parent(db, spec, parent)
        changes.update(_parent_columns(spec, parent))
    if not changes:
        return False, current
    changes.update(modified_at=now_text(), row_version=next_versions(db))
    _update_row(db, spec, number, changes)
    return True, reader.rows("number = ?", [number])[0]


def _update_row(
    db: sqlite3.Connection, spec: TableSpec, number: object, changes: dict[str, object]
) -> None:
    assignments = ", ".join(f"{name} = ?" for name in changes)
    where = "number = ?" + (" AND kind = ?" if spec.kind else "")
    params = [*changes.values(), number, *([spec.kind] if spec.kind else [])]
    db.execute(f"UPDATE {spec.table} SET {assignments} WHERE {where}", params)  # noqa: S608 - names from the spec


def set_values(
    db: sqlite3.Connection, spec: TableSpec, key: str, values: Mapping[str, Value]
) -> tuple[bool, Actor]:
    """Update one actor in its own transaction (the CLI's `set`)."""
    with write(db):
        return update(db, spec, key, values)


def delete(db: sqlite3.Connection, spec: TableSpec, key: str) -> bool:
    """Soft delete: flag it and give it a new version so the change stream reports it.

    Returns False when it was already deleted.
    """
    number = numeric_key(key)
    with write(db):
        where = "number = ?" + (" AND kind = ?" if spec.kind else "")
        params = [number, *([spec.kind] if spec.kind else [])]
        row = db.execute(f"SELECT deleted FROM {spec.table} WHERE {where}", params).fetchone()  # noqa: S608
        if row is None:
            raise data_error(f"{spec.actor_type} {key} does not exist in the demo ERP.", key=key)
        if row[0]:
            return False
        _update_row(
            db,
            spec,
            number,
            {"deleted": 1, "modified_at": now_text(), "row_version": next_versions(db)},
        )
        return True


def parent_of(actor: Actor) -> ActorRef | None:
    if actor.parent_type is None or actor.parent_key is None:
        return None
    return ActorRef(actor.parent_type, actor.parent_key)


def save_one(db: sqlite3.Connection, spec: TableSpec, actor: Actor) -> tuple[bool, Actor]:
    """Save inside the caller's transaction; a savepoint keeps a refused record from
    undoing the others."""
    db.execute("SAVEPOINT save_one")
    try:
        outcome = update(db, spec, actor.key, actor.values, parent_of(actor))
    except ConnectorError:
        db.execute("ROLLBACK TO save_one")
        db.execute("RELEASE save_one")
        raise
    db.execute("RELEASE save_one")
    return outcome
