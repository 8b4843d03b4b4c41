"""Projects: `project.work` records of type *project* (module `project`), under their
party when it is a customer or supplier.

Tryton projects have no active flag and are deleted outright, which a change stream by
stamps cannot see. The statuses the connection names as closed make their projects
come as deleted actors instead. A project's company is the Tryton user's current
company (Tryton requires one to create a project).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from erpsync.connectors.tryton.fields import PROJECT_FIELDS
from erpsync.connectors.tryton.parents import ParentParties, int_keys
from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.connectors.tryton.stream import Source
from erpsync.sdk import Actor, ActorRef, ActorType, FieldType, Value, data_error, normalise

WORK = "project.work"
STATUS = "project.work.status"
#: A project row, with its party's categories (nested read) to tell its parent's type.
PROJECT_READ = ["id", "name", "number", "status", "comment", "party.categories", "progress"]
FIELD_TYPES = {field.key: field.type for field in PROJECT_FIELDS}
IS_PROJECT = ("type", "=", "project")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


class Projects:
    """Reads and writes the projects of one Tryton session."""

    model = WORK
    read_fields = PROJECT_READ

    def __init__(
        self,
        client: TrytonClient,
        parents: ParentParties,
        closed: Sequence[int],
        company: int | None,
    ) -> None:
        self.client = client
        self.parents = parents
        self.closed = set(closed)
        self.company = company

    def base_domain(self) -> list[Any]:
        live = [("status", "not in", sorted(self.closed))] if self.closed else []
        return [IS_PROJECT, *live]

    def leaf(self, key: str, operator: str, value: Any) -> tuple[Any, ...]:
        return (key, operator, value)

    def sources(self, first: bool) -> list[Source]:
        return [Source(WORK, [IS_PROJECT])]

    # --- reading -----------------------------------------------------------------------

    def rows(self, ids: Sequence[int], extra: Sequence[str] = ()) -> list[dict[str, Any]]:
        if not ids:
            return []
        domain = [("id", "in", list(ids)), IS_PROJECT]
        return self.client.search_read(WORK, domain, [*PROJECT_READ, *extra])

    def get(self, keys: Sequence[str], field_keys: Sequence[str] | None) -> list[Actor]:
        return self.actors(self.rows(int_keys(keys)), field_keys)

    def actors(
        self, rows: Sequence[Mapping[str, Any]], field_keys: Sequence[str] | None
    ) -> list[Actor]:
        keys = list(FIELD_TYPES) if field_keys is None else list(field_keys)
        found = []
        for row in rows:
            values: dict[str, Value] = {}
            for key in keys:
                if key == "status":
                    values[key] = None if row.get("status") is None else str(row["status"])
                else:
                    values[key] = _text(row.get(key))
            parent_type, parent_key = self.parents.parent_of(row.get("party."))
            deleted = row.get("status") in self.closed
            found.append(
                Actor(ActorType.PROJECT, str(row["id"]), values, parent_type, parent_key, deleted)
            )
        return found

    def children(self, parent_type: ActorType, parent_key: str) -> list[Actor]:
        if not parent_key.isdigit() or len(parent_key) >= 18:
            return []
        rows = self.client.search_read(
            WORK,
            [*self.base_domain(), ("party", "=", int(parent_key))],
            PROJECT_READ,
            order=[("id", "ASC")],
        )
        return [
            actor
            for actor in self.actors(rows, None)
            if (actor.parent_type, actor.parent_key) == (parent_type, parent_key)
        ]

    # --- writing ---------------------------------------------------------------------------

    def create(self, values: Mapping[str, Value], parent: ActorRef | None) -> Actor:
        _check_keys(values, None)
        if _text(values.get("name")) is None:
            raise data_error("A Tryton project needs a name.", field="name")
        if self.company is None:
            raise data_error(
                "The Tryton user has no current company: Tryton needs one for a project."
            )
        work: dict[str, Any] = {"type": "project", "name": values["name"]}
        if parent is not None:
            work["party"] = self.parents.party_id(parent, "project")
        if _text(values.get("comment")):
            work["comment"] = values["comment"]
        if values.get("status") not in (None, ""):
            work.update(self._status(values["status"], None))
        (new_id,) = self.client.model(WORK, "create", [work], context={"company": self.company})
        return self.get([str(new_id)], None)[0]

    def save(self, actor: Actor) -> tuple[bool, Actor]:
        """Write what differs (and the party when the parent differs) in one call;
        (changed, the actor as stored). A parent left out (None) keeps the party."""
        rows = self.rows(int_keys([actor.key]))
        if not rows:
            raise data_error(f"Tryton has no project with id {actor.key}.", key=actor.key)
        current = self.actors(rows, None)[0]
        _check_keys(actor.values, current)
        write: dict[str, Any] = {}
        for key, value in actor.values.items():
            if key == "number" or normalise(FIELD_TYPES[key], value) == normalise(
                FIELD_TYPES[key], current.values[key]
            ):
                continue
            if key == "name" and _text(value) is None:
                raise data_error("A Tryton project needs a name.", field="name", key=actor.key)
            if key == "status":
                write.update(self._status(value, rows[0].get("progress")))
            else:
                write[key] = _text(value)
        if actor.parent_type is not None and actor.parent_key is not None:
            wanted = (actor.parent_type, actor.parent_key)
            if wanted != (current.parent_type, current.parent_key):
                write["party"] = self.parents.party_id(ActorRef(*wanted), "project")
        if not write:
            return False, current
        self.client.model(WORK, "write", [int(actor.key)], write)
        return True, self.get([actor.key], None)[0]

    def _status(self, value: Value, progress: float | None) -> dict[str, Any]:
        """The status to write, with the progress it requires (as Tryton's own form
        raises it: a *Done* project is 100 % done)."""
        if value is None or value == "":
            raise data_error("A Tryton project needs a status.", field="status")
        rows = []
        if isinstance(value, str) and value.isdigit() and len(value) < 18:
            rows = self.client.search_read(
                STATUS, [("id", "=", int(value))], ["id", "progress", "types"]
            )
        if not rows or "project" not in (rows[0].get("types") or []):
            raise data_error(f"{value!r} is not a Tryton project status.", field="status")
        write: dict[str, Any] = {"status": rows[0]["id"]}
        needed = rows[0].get("progress")
        if needed is not None and (progress is None or progress < needed):
            write["progress"] = needed
        return write


def _check_keys(values: Mapping[str, Value], current: Actor | None) -> None:
    for key in values:
        if key not in FIELD_TYPES:
            raise data_error(f"Tryton projects have no field {key!r}.", field=key)
    number = values.get("number")
    held = None if current is None else current.values.get("number")
    if normalise(FieldType.TEXT, number) not in (None, normalise(FieldType.TEXT, held)):
        raise data_error("The project number is given by Tryton and cannot be set.", field="number")
