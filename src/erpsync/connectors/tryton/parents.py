"""The parent of a person or project: a party that is a customer or supplier by the
connection's rules (a party that is both is the customer)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from erpsync.connectors.tryton.parties import PARTY, Rule
from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.sdk import ActorRef, ActorType, data_error

PARENT_TYPES = (ActorType.CUSTOMER, ActorType.SUPPLIER)


class ParentParties:
    """Which actor type each party is as a parent, and checks of a given parent."""

    def __init__(self, client: TrytonClient, rules: Mapping[ActorType, Rule]) -> None:
        self.client = client
        self.rules = {t: rules[t] for t in PARENT_TYPES if t in rules}

    def type_of(self, categories: Iterable[int]) -> ActorType | None:
        """Customer or Supplier for a party in these categories (None: neither)."""
        held = set(categories)
        for actor_type, rule in self.rules.items():
            if rule.members is None or held & set(rule.members):
                return actor_type
        return None

    def parent_of(self, party: Mapping[str, Any] | None) -> tuple[ActorType | None, str | None]:
        """(parent type, parent key) of a party read as {"id", "categories"} (nested)."""
        if not party:
            return None, None
        actor_type = self.type_of(party.get("categories") or [])
        return (None, None) if actor_type is None else (actor_type, str(party["id"]))

    def party_id(self, parent: ActorRef, child: str) -> int:
        """The Tryton party of a live `parent`, or a data error naming it."""
        rule = self.rules.get(parent.type)
        key = parent.key
        if rule is not None and key.isdigit() and len(key) < 18:
            rows = self.client.search_read(PARTY, [("id", "=", int(key)), *rule.domain], ["id"])
            if rows:
                return int(rows[0]["id"])
        offered = " or ".join(t.lower() for t in self.rules) or "customer"
        raise data_error(
            f"A Tryton {child}'s parent must be a live {offered}; Tryton has no "
            f"{parent.type.lower()} party with id {key!r}.",
            field="parent",
        )


def int_keys(keys: Sequence[str]) -> list[int]:
    return [int(key) for key in keys if key.isdigit() and len(key) < 18]
