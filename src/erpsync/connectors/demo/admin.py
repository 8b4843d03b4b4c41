"""`DemoErp`: the demo ERP's own "user interface" — show, set, insert, delete by hand.

The CLI (`erpsync demo erp set customer 10023 phone=…`) and the conformance kit's
sample-data hooks use it, so their changes are ordinary ERP writes that the
connector then sees in its change stream.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

from erpsync.connectors.demo import writes
from erpsync.connectors.demo.fields import SPECS, TableSpec
from erpsync.connectors.demo.schema import check_schema, connect, write
from erpsync.connectors.demo.store import Reader
from erpsync.sdk import Actor, ActorRef, ActorType, FieldType, Value, data_error
from erpsync.sdk.values import parse_text


def actor_type_named(name: str) -> ActorType:
    """`customer`, `Customer` or `customers` → ActorType.CUSTOMER; ValueError otherwise."""
    wanted = name.strip().lower().removesuffix("s")
    for actor_type in SPECS:
        if actor_type.value.lower() == wanted:
            return actor_type
    known = ", ".join(t.value.lower() for t in SPECS)
    raise ValueError(f"unknown actor type {name!r} (known: {known})")


class LateCommit:
    """A row written in a transaction that is still open; `commit()` makes it visible."""

    def __init__(self, db: sqlite3.Connection, actor: Actor) -> None:
        self.db = db
        self.actor = actor

    @property
    def key(self) -> str:
        return self.actor.key

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.close()

    def rollback(self) -> None:
        self.db.execute("ROLLBACK")
        self.db.close()


class DemoErp:
    """Hand edits of one demo ERP database file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db = connect(self.path)
        check_schema(self.db)

    def __enter__(self) -> DemoErp:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def show(self, actor_type: ActorType, key: str) -> Actor | None:
        found = Reader(self.db, SPECS[actor_type], None).get([key])
        return found[0] if found else None

    def set(
        self, actor_type: ActorType, key: str, values: Mapping[str, Value]
    ) -> tuple[bool, Actor]:
        return writes.set_values(self.db, SPECS[actor_type], key, values)

    def parse(self, actor_type: ActorType, assignments: Sequence[str]) -> dict[str, Value]:
        """`field=value` texts → typed values; List fields accept an item's id or code."""
        spec = SPECS[actor_type]
        values: dict[str, Value] = {}
        for assignment in assignments:
            field_key, sep, text = assignment.partition("=")
            field = spec.field_map.get(field_key.strip())
            if not sep or field is None:
                known = ", ".join(spec.field_map)
                raise data_error(
                    f"Write field=value with a field of {actor_type}: {known}.",
                    field=field_key.strip(),
                )
            try:
                value = parse_text(field.type, text)
            except ValueError as exc:
                raise data_error(f"{field.key}: {exc}", field=field.key) from None
            if field.type is FieldType.LIST and isinstance(value, str):
                value = self._list_item_id(spec, field.list_name or "", value)
            values[field.key] = value
        return values

    def _list_item_id(self, spec: TableSpec, list_name: str, given: str) -> str:
        row = self.db.execute(
            "SELECT id FROM list_item WHERE list_name = ? AND (id = ? OR lower(code) = lower(?))"
            " ORDER BY id = ? DESC",
            (list_name, given, given, given),
        ).fetchone()
        return str(row[0]) if row else given

    def delete(self, actor_type: ActorType, key: str) -> bool:
        return writes.delete(self.db, SPECS[actor_type], key)

    def insert(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None = None
    ) -> Actor:
        return writes.create(self.db, SPECS[actor_type], values, parent)

    def insert_many(
        self,
        actor_type: ActorType,
        rows: Sequence[Mapping[str, Value]],
        parent: ActorRef | None = None,
    ) -> list[Actor]:
        """Several actors in one transaction (one commit, consecutive versions)."""
        with write(self.db):
            return [writes.insert(self.db, SPECS[actor_type], row, parent) for row in rows]

    def begin_late_commit(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None = None
    ) -> LateCommit:
        """Write an actor in a transaction left open: readers do not see it until
        `commit()`. Its version is taken now, before anything written after it."""
        db = connect(self.path)
        db.execute("BEGIN IMMEDIATE")
        try:
            actor = writes.insert(db, SPECS[actor_type], values, parent)
        except BaseException:
            db.execute("ROLLBACK")
            db.close()
            raise
        return LateCommit(db, actor)

    def counts(self) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT kind, COUNT(*) FROM company WHERE deleted = 0 GROUP BY kind"
        ).fetchall()
        counts = {str(kind): int(count) for kind, count in rows}
        for table in ("person", "project"):
            (count,) = self.db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE deleted = 0"  # noqa: S608 - fixed names
            ).fetchone()
            counts[table] = int(count)
        return counts
