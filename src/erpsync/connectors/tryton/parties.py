"""Parties as customers and suppliers: reading them flattened (party + first address +
first contact mechanism of each type) in a few batched calls, searching them, and
writing each flattened field back to the Tryton record that holds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from erpsync.connectors.tryton.fields import PARTY_FIELDS, PLACES, SEARCH_PATHS
from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.connectors.tryton.search import mechanism_leaf
from erpsync.connectors.tryton.stream import Source
from erpsync.sdk import Actor, ActorType, FieldType, Value, data_error, normalise

PARTY = "party.party"
ADDRESS = "party.address"
MECHANISM = "party.contact_mechanism"
#: Deactivated parties must be seen too: they are deletions.
ALL = {"active_test": False}
FIELD_TYPES = {field.key: field.type for field in PARTY_FIELDS}
ADDRESS_KEYS = [key for key, place in PLACES.items() if place.source == "address"]
MECHANISM_KEYS = [key for key, place in PLACES.items() if place.source == "mechanism"]
PARTY_TYPES = (ActorType.CUSTOMER, ActorType.SUPPLIER)
#: What a party row must hold to become an actor (asked in the stream's own query too).
PARTY_READ = ["id", "name", "code", "active"]


@dataclass(frozen=True, slots=True)
class Rule:
    """Which parties are actors of one type, and the categories a new one gets."""

    actor_type: ActorType
    domain: tuple[Any, ...]
    new_categories: tuple[int, ...]
    #: A party in any of these categories is of the type; None: every party is.
    members: tuple[int, ...] | None = None


def _int_keys(keys: Iterable[str]) -> list[int]:
    return [int(key) for key in keys if key.isdigit() and len(key) < 18]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


class Parties:
    """Reads and writes the parties of one actor type through one Tryton session."""

    model = PARTY
    read_fields = PARTY_READ

    def __init__(self, client: TrytonClient, rule: Rule) -> None:
        self.client = client
        self.rule = rule

    def base_domain(self) -> list[Any]:
        return list(self.rule.domain)

    def sources(self, first: bool) -> list[Source]:
        """The party, and the address and mechanism rows whose edits change it."""
        rule = list(self.rule.domain)
        owned = [(f"party.{leaf[0]}", *leaf[1:]) for leaf in rule]
        return [
            Source(PARTY, rule),
            Source(ADDRESS, owned, "party"),
            Source(MECHANISM, owned, "party"),
        ]

    def leaf(self, key: str, operator: str, value: Any) -> tuple[Any, ...]:
        if key in SEARCH_PATHS:
            return (SEARCH_PATHS[key], operator, value)
        return mechanism_leaf(key, operator, value)

    # --- reading -----------------------------------------------------------------------

    def rows(self, ids: Sequence[int], extra: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Party rows of this type (deactivated ones too), holding PARTY_READ + `extra`."""
        if not ids:
            return []
        domain = [("id", "in", list(ids)), *self.rule.domain]
        return self.client.search_read(PARTY, domain, [*PARTY_READ, *extra], context=ALL)

    def get(self, keys: Sequence[str], field_keys: Sequence[str] | None) -> list[Actor]:
        return self.actors(self.rows(_int_keys(keys)), field_keys)

    def actors(
        self, rows: Sequence[Mapping[str, Any]], field_keys: Sequence[str] | None
    ) -> list[Actor]:
        """Actors of party rows (holding PARTY_READ), with a batched read of the first
        address and contact mechanisms when the asked fields need them."""
        keys = list(PLACES) if field_keys is None else list(field_keys)
        ids = [row["id"] for row in rows]
        addresses = self.addresses(ids) if set(keys) & set(ADDRESS_KEYS) else {}
        wanted = [PLACES[k].name for k in keys if k in MECHANISM_KEYS]
        mechanisms = self.mechanisms(ids, wanted) if wanted else {}
        found = []
        for row in rows:
            address = addresses.get(row["id"], {})
            mechanism = mechanisms.get(row["id"], {})
            values: dict[str, Value] = {}
            for key in keys:
                place = PLACES[key]
                if place.source == "party":
                    values[key] = _text(row.get(place.name))
                elif place.source == "address":
                    values[key] = _address_value(key, address.get(place.name))
                else:
                    values[key] = _text(mechanism.get(place.name, {}).get("value"))
            found.append(
                Actor(self.rule.actor_type, str(row["id"]), values, deleted=not row["active"])
            )
        return found

    def addresses(self, party_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The first active address of each party (Tryton's own order: sequence, id)."""
        rows = self.client.search_read(
            ADDRESS, [("party", "in", list(party_ids))], ["id", "party", *ADDRESS_KEYS]
        )
        first: dict[int, dict[str, Any]] = {}
        for row in rows:
            first.setdefault(row["party"], row)
        return first

    def mechanisms(
        self, party_ids: Sequence[int], types: Sequence[str]
    ) -> dict[int, dict[str, dict[str, Any]]]:
        """The first active contact mechanism of each asked type, per party."""
        rows = self.client.search_read(
            MECHANISM,
            [("party", "in", list(party_ids)), ("type", "in", list(types))],
            ["id", "party", "type", "value"],
        )
        first: dict[int, dict[str, dict[str, Any]]] = {}
        for row in rows:
            first.setdefault(row["party"], {}).setdefault(row["type"], row)
        return first

    # --- writing ---------------------------------------------------------------------------

    def create(self, values: Mapping[str, Value]) -> Actor:
        _check_keys(values, None)
        name = _text(values.get("name"))
        if name is None:
            raise data_error("A Tryton party needs a name.", field="name")
        party: dict[str, Any] = {"name": name}
        if self.rule.new_categories:
            party["categories"] = [["add", list(self.rule.new_categories)]]
        address = {PLACES[k].name: _to_tryton(k, values[k]) for k in ADDRESS_KEYS if values.get(k)}
        if address:
            party["addresses"] = [["create", [address]]]
        mechanisms = [
            {"type": PLACES[k].name, "value": values[k]}
            for k in MECHANISM_KEYS
            if _text(values.get(k))
        ]
        if mechanisms:
            party["contact_mechanisms"] = [["create", mechanisms]]
        (new_id,) = self.client.model(PARTY, "create", [party])
        return self.get([str(new_id)], None)[0]

    def save(self, actor: Actor) -> tuple[bool, Actor]:
        """Write what differs from Tryton; (changed, the actor as stored)."""
        rows = self.rows(_int_keys([actor.key]))
        if not rows:
            raise data_error(
                f"Tryton has no {self.rule.actor_type.lower()} party with id {actor.key}.",
                key=actor.key,
            )
        current = self.actors(rows, None)[0]
        _check_keys(actor.values, current)
        changed = {
            key: value
            for key, value in actor.values.items()
            if key != "code"  # read-only: _check_keys refused a different one
            and normalise(FIELD_TYPES[key], value)
            != normalise(FIELD_TYPES[key], current.values[key])
        }
        if not changed:
            return False, current
        party_id = rows[0]["id"]
        self._write_party(party_id, changed)
        self._write_address(party_id, changed)
        self.write_mechanisms(party_id, changed)
        return True, self.get([actor.key], None)[0]

    def _write_party(self, party_id: int, changed: Mapping[str, Value]) -> None:
        if "name" in changed:
            if _text(changed["name"]) is None:
                raise data_error("A Tryton party needs a name.", field="name")
            self.client.model(PARTY, "write", [party_id], {"name": changed["name"]})

    def _write_address(self, party_id: int, changed: Mapping[str, Value]) -> None:
        values = {PLACES[k].name: _to_tryton(k, changed[k]) for k in ADDRESS_KEYS if k in changed}
        if not values:
            return
        address = self.addresses([party_id]).get(party_id)
        if address is not None:
            self.client.model(ADDRESS, "write", [address["id"]], values)
        elif any(v is not None for v in values.values()):
            self.client.model(ADDRESS, "create", [{"party": party_id, **values}])

    def write_mechanisms(self, party_id: int, changed: Mapping[str, Value]) -> None:
        """Each changed mechanism value to the party's first one of its type (an empty
        value deletes it, a new one is created)."""
        keys = [k for k in MECHANISM_KEYS if k in changed]
        if not keys:
            return
        current = self.mechanisms([party_id], [PLACES[k].name for k in keys]).get(party_id, {})
        for key in keys:
            kind, value = PLACES[key].name, _text(changed[key])
            existing = current.get(kind)
            if existing is not None and value is None:
                self.client.model(MECHANISM, "delete", [existing["id"]])
            elif existing is not None:
                self.client.model(MECHANISM, "write", [existing["id"]], {"value": value})
            elif value is not None:
                self.client.model(
                    MECHANISM, "create", [{"party": party_id, "type": kind, "value": value}]
                )


def _address_value(key: str, value: Any) -> Value:
    if key == "country":
        return None if value is None else str(value)
    return _text(value)


def _to_tryton(key: str, value: Value) -> Any:
    if key == "country":
        if value is None or value == "":
            return None
        if not isinstance(value, str) or not value.isdigit():
            raise data_error(f"{value!r} is not a Tryton country id.", field=key)
        return int(value)
    return value if value != "" else None


def _check_keys(values: Mapping[str, Value], current: Actor | None) -> None:
    for key, value in values.items():
        if key not in PLACES:
            raise data_error(f"Tryton parties have no field {key!r}.", field=key)
        if key != "code":
            continue
        held = None if current is None else current.values[key]
        if normalise(FieldType.TEXT, value) not in (None, normalise(FieldType.TEXT, held)):
            raise data_error("The party code is given by Tryton and cannot be set.", field=key)
