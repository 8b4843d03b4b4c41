"""Persons: parties with the configured relation (e.g. *Employee of*, module
`party_relationship`) to a customer or supplier party, which is their parent.

A person's fields are its party's name and its first email and phone contact
mechanisms. A party whose relation was removed or has ended, or that was deactivated,
is a deleted person. Relations are read through `party.relation.all`, the view holding
each relation from both sides (a relation entered on the company as *Employer of*
shows there as the person's *Employee of*). Writes go in one `party.party` write (one
Tryton transaction): name, mechanisms and a moved relation together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from erpsync.connectors.tryton.fields import PERSON_FIELDS
from erpsync.connectors.tryton.parents import ParentParties, int_keys
from erpsync.connectors.tryton.parties import ALL, MECHANISM, PARTY, PARTY_READ, Parties, Rule
from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.connectors.tryton.search import mechanism_leaf
from erpsync.connectors.tryton.stream import Source
from erpsync.sdk import Actor, ActorRef, ActorType, Value, data_error, normalise

RELATION = "party.relation.all"
#: A person's party row with its relations and their parties' categories (nested read).
PERSON_READ = [
    *PARTY_READ,
    "relations.type",
    "relations.to",
    "relations.active",
    "relations.to.categories",
]
FIELD_TYPES = {field.key: field.type for field in PERSON_FIELDS}
MECHANISM_KEYS = ("email", "phone")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


class Persons:
    """Reads and writes the persons of one Tryton session."""

    model = PARTY
    read_fields = PERSON_READ

    def __init__(self, client: TrytonClient, relation_type: int, parents: ParentParties) -> None:
        self.client = client
        self.relation_type = relation_type
        self.parents = parents
        self.parties = Parties(client, Rule(ActorType.PERSON, (), ()))

    # --- domains -----------------------------------------------------------------------

    def _related(self, *more: Any) -> tuple[Any, ...]:
        return ("relations", "where", [("type", "=", self.relation_type), *more])

    def base_domain(self) -> list[Any]:
        return [self._related(("active", "=", True))]

    def leaf(self, key: str, operator: str, value: Any) -> tuple[Any, ...]:
        return (key, operator, value) if key == "name" else mechanism_leaf(key, operator, value)

    def sources(self, first: bool) -> list[Source]:
        """Parties (a first read: only those with the relation; later reads: every
        changed party, since one whose relation was removed is a deleted person), the
        relations, and the persons' contact mechanisms."""
        return [
            Source(PARTY, [self._related()] if first else []),
            Source(RELATION, [("type", "=", self.relation_type)], "from_", window=True),
            Source(MECHANISM, [("party", "where", [self._related()])], "party"),
        ]

    # --- reading -----------------------------------------------------------------------

    def rows(self, ids: Sequence[int], extra: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Party rows by id, whether or not they are persons (those come as deleted)."""
        if not ids:
            return []
        return self.client.search_read(
            PARTY, [("id", "in", list(ids))], [*PERSON_READ, *extra], context=ALL
        )

    def get(self, keys: Sequence[str], field_keys: Sequence[str] | None) -> list[Actor]:
        return self.actors(self.rows(int_keys(keys)), field_keys)

    def employer(self, row: Mapping[str, Any]) -> dict[str, Any] | None:
        """A person row's first active relation of the type (id order), nested read."""
        relations = sorted(row.get("relations.") or [], key=lambda r: int(r["id"]))
        return next(
            (r for r in relations if r.get("type") == self.relation_type and r.get("active")),
            None,
        )

    def actors(
        self, rows: Sequence[Mapping[str, Any]], field_keys: Sequence[str] | None
    ) -> list[Actor]:
        keys = list(FIELD_TYPES) if field_keys is None else list(field_keys)
        ids = [int(row["id"]) for row in rows]
        kinds = [k for k in keys if k in MECHANISM_KEYS]
        mechanisms = self.parties.mechanisms(ids, kinds) if kinds and ids else {}
        found = []
        for row in rows:
            relation = self.employer(row)
            parent = None if relation is None else relation.get("to.")
            parent_type, parent_key = self.parents.parent_of(parent)
            held = mechanisms.get(row["id"], {})
            values: dict[str, Value] = {
                key: _text(row.get("name"))
                if key == "name"
                else _text(held.get(key, {}).get("value"))
                for key in keys
            }
            found.append(
                Actor(
                    ActorType.PERSON,
                    str(row["id"]),
                    values,
                    parent_type,
                    parent_key,
                    deleted=relation is None or not row["active"],
                )
            )
        return found

    def children(self, parent_type: ActorType, parent_key: str) -> list[Actor]:
        if not parent_key.isdigit() or len(parent_key) >= 18:
            return []
        domain = [self._related(("to", "=", int(parent_key)), ("active", "=", True))]
        rows = self.client.search_read(PARTY, domain, PERSON_READ, order=[("id", "ASC")])
        return [
            actor
            for actor in self.actors(rows, None)
            if (actor.parent_type, actor.parent_key) == (parent_type, parent_key)
            and not actor.deleted
        ]

    # --- writing ---------------------------------------------------------------------------

    def create(self, values: Mapping[str, Value], parent: ActorRef | None) -> Actor:
        _check_keys(values)
        name = _text(values.get("name"))
        if name is None:
            raise data_error("A Tryton person needs a name.", field="name")
        if parent is None:
            raise data_error(
                "A Tryton person needs its parent: the customer or supplier it works for.",
                field="parent",
            )
        employer = self.parents.party_id(parent, "person")
        party: dict[str, Any] = {
            "name": name,
            "relations": [["create", [{"to": employer, "type": self.relation_type}]]],
        }
        mechanisms = [
            {"type": k, "value": values[k]} for k in MECHANISM_KEYS if _text(values.get(k))
        ]
        if mechanisms:
            party["contact_mechanisms"] = [["create", mechanisms]]
        (new_id,) = self.client.model(PARTY, "create", [party])
        return self.get([str(new_id)], None)[0]

    def save(self, actor: Actor) -> tuple[bool, Actor]:
        """Write what differs, and move the relation when the parent differs; (changed,
        the actor as stored). A parent left out (None) leaves the relation as it is."""
        rows = self.rows(int_keys([actor.key]))
        current = self.actors(rows, None)[0] if rows else None
        if current is None or current.deleted:
            raise data_error(f"Tryton has no live person with id {actor.key}.", key=actor.key)
        _check_keys(actor.values)
        changed = {
            key: value
            for key, value in actor.values.items()
            if normalise(FIELD_TYPES[key], value)
            != normalise(FIELD_TYPES[key], current.values[key])
        }
        write: dict[str, Any] = {}
        if "name" in changed:
            if _text(changed["name"]) is None:
                raise data_error("A Tryton person needs a name.", field="name", key=actor.key)
            write["name"] = changed["name"]
        party_id = int(actor.key)
        actions = self._mechanism_actions(party_id, changed)
        if actions:
            write["contact_mechanisms"] = actions
        if actor.parent_type is not None and actor.parent_key is not None:
            wanted = (actor.parent_type, actor.parent_key)
            if wanted != (current.parent_type, current.parent_key):
                employer = self.parents.party_id(ActorRef(*wanted), "person")
                relation = self.employer(rows[0]) or {}
                write["relations"] = [["write", [relation["id"]], {"to": employer}]]
        if not write:
            return False, current
        self.client.model(PARTY, "write", [party_id], write)
        return True, self.get([actor.key], None)[0]

    def _mechanism_actions(self, party_id: int, changed: Mapping[str, Value]) -> list[Any]:
        kinds = [k for k in MECHANISM_KEYS if k in changed]
        if not kinds:
            return []
        current = self.parties.mechanisms([party_id], kinds).get(party_id, {})
        actions: list[Any] = []
        for kind in kinds:
            value, existing = _text(changed[kind]), current.get(kind)
            if existing is not None and value is None:
                actions.append(["delete", [existing["id"]]])
            elif existing is not None:
                actions.append(["write", [existing["id"]], {"value": value}])
            elif value is not None:
                actions.append(["create", [{"type": kind, "value": value}]])
        return actions


def _check_keys(values: Mapping[str, Value]) -> None:
    for key in values:
        if key not in FIELD_TYPES:
            raise data_error(f"Tryton persons have no field {key!r}.", field=key)
