"""The parent of a person or project: a party that is a customer or supplier by the
connection's rules (a party that is both is the customer)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from erpsync.connectors.tryton.parties import ALL, PARTY, Rule
from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.sdk import ActorRef, ActorType, data_error

PARENT_TYPES = (ActorType.CUSTOMER, ActorType.SUPPLIER)


class ParentParties:
    """Which actor type each party is as a parent, and checks of a given parent."""

    def __init__(self, client: TrytonClient, rules: Mapping[ActorType, Rule]) -> None:
        self.client = client
        self.rules = {t: rules[t] for t in PARENT_TYPES if t in rules}
        self.first = next(iter(self.rules), None)

    def types(self, party_ids: Iterable[int]) -> dict[int, ActorType]:
        """Party id → Customer or Supplier (deactivated parties too: still parents), from
        one read of the parties' categories."""
        ids = sorted(set(party_ids))
        if not ids:
            return {}
        every = next((t for t, rule in self.rules.items() if rule.members is None), None)
        if every is self.first:
            return dict.fromkeys(ids, every) if every is not None else {}
        rows = self.client.search_read(
            PARTY, [("id", "in", ids)], ["id", "categories"], context=ALL
        )
        found: dict[int, ActorType] = {}
        for row in rows:
            held = set(row.get("categories") or [])
            for actor_type, rule in self.rules.items():
                if rule.members is None or held & set(rule.members):
                    found[int(row["id"])] = actor_type
                    break
        return found

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

    @staticmethod
    def ref(
        types: Mapping[int, ActorType], party_id: int | None
    ) -> tuple[ActorType | None, str | None]:
        """(parent type, parent key) of a party id, or (None, None)."""
        if party_id is None or party_id not in types:
            return None, None
        return types[party_id], str(party_id)


def int_keys(keys: Sequence[str]) -> list[int]:
    return [int(key) for key in keys if key.isdigit() and len(key) < 18]
