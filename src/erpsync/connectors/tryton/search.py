"""Plain and advanced search over parties, as Tryton domains plus an exact check.

A flattened field is the *first* address's or contact mechanism's value, but a Tryton
domain such as `addresses.city ilike …` matches any of them. So each domain asks
Tryton for a superset, and every candidate is checked with the SDK's reference meaning
(`operators.matches`, `operators.search_rank`) before it is returned; candidates are
read page by page until `limit` actors matched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from erpsync.connectors.tryton.fields import PARTY_FIELDS, PARTY_SEARCHABLE, SEARCH_PATHS
from erpsync.connectors.tryton.parties import PARTY, PARTY_READ, Parties
from erpsync.sdk import Actor, FieldType, Operator, Restriction, matches, search_rank

FIELD_TYPES = {field.key: field.type for field in PARTY_FIELDS}
TEXT_KEYS = [key for key in PARTY_SEARCHABLE if FIELD_TYPES[key] is FieldType.TEXT]
PAGE = 100


def like(text: str) -> str:
    """Escape Tryton's LIKE wildcards (its escape character is the backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


PATTERNS: dict[Operator, Callable[[str], str]] = {
    Operator.EQUALS: lambda t: like(t),
    Operator.BEGINS: lambda t: like(t) + "%",
    Operator.CONTAINS: lambda t: "%" + like(t) + "%",
    Operator.ENDS: lambda t: "%" + like(t),
}


def leaf(key: str, operator: str, value: Any) -> tuple[Any, ...]:
    """A domain leaf on a flattened field (contact mechanisms by their type)."""
    if key in SEARCH_PATHS:
        return (SEARCH_PATHS[key], operator, value)
    return ("contact_mechanisms", "where", [("type", "=", key), ("value", operator, value)])


def restriction_domain(restriction: Restriction) -> list[Any]:
    """A Tryton domain holding every party that satisfies `restriction` (maybe more)."""
    key, op, args = restriction.field, restriction.operator, restriction.values
    if op in PATTERNS:
        return [leaf(key, "ilike", PATTERNS[op](str(args[0])))]
    if op is Operator.ONE_OF:
        return [leaf(key, "in", [int(a) for a in args if isinstance(a, str) and a.isdigit()])]
    if op is Operator.NOT_ONE_OF:
        ids = [int(a) for a in args if isinstance(a, str) and a.isdigit()]
        return [leaf(key, "not in", ids)] if ids else [leaf(key, "!=", None)]
    return []  # parties have no number, date or checkbox fields; the exact check decides


def text_domain(text: str, begins: bool) -> list[Any]:
    pattern = like(text) + "%" if begins else "%" + like(text) + "%"
    return [["OR", *[leaf(key, "ilike", pattern) for key in TEXT_KEYS]]]


class PartySearch:
    def __init__(self, parties: Parties) -> None:
        self.parties = parties

    def advanced(
        self, restrictions: Sequence[Restriction], field_keys: Sequence[str] | None, limit: int
    ) -> list[Actor]:
        domain: list[Any] = []
        for restriction in restrictions:
            domain.extend(restriction_domain(restriction))
        asked = {r.field for r in restrictions}

        def accept(actor: Actor) -> bool:
            return all(matches(r, actor.values.get(r.field)) for r in restrictions)

        found = self._collect(domain, sorted(asked), accept, limit, set())
        return self._narrow(found, field_keys)

    def text(self, text: str, field_keys: Sequence[str] | None, limit: int) -> list[Actor]:
        def rank_is(rank: int) -> Callable[[Actor], bool]:
            return lambda a: search_rank(text, [a.values.get(k) for k in TEXT_KEYS]) == rank

        seen: set[str] = set()
        first = self._collect(text_domain(text, True), TEXT_KEYS, rank_is(0), limit, seen)
        rest = self._collect(
            text_domain(text, False), TEXT_KEYS, rank_is(1), limit - len(first), seen
        )
        return self._narrow(first + rest, field_keys)

    def _collect(
        self,
        domain: list[Any],
        check_keys: Sequence[str],
        accept: Callable[[Actor], bool],
        limit: int,
        seen: set[str],
    ) -> list[Actor]:
        """Live candidates in id order, checked exactly, until `limit` are accepted."""
        found: list[Actor] = []
        offset = 0
        rule = list(self.parties.rule.domain)
        while len(found) < limit:
            rows = self.parties.client.search_read(
                PARTY,
                [*rule, *domain],
                PARTY_READ,
                offset=offset,
                limit=PAGE,
                order=[("id", "ASC")],
            )
            for actor in self.parties.actors(rows, check_keys):
                if actor.key not in seen and accept(actor):
                    seen.add(actor.key)
                    found.append(actor)
                    if len(found) >= limit:
                        break
            if len(rows) < PAGE:
                break
            offset += PAGE
        return found

    def _narrow(self, found: list[Actor], field_keys: Sequence[str] | None) -> list[Actor]:
        """The accepted actors read again with the asked fields, in the same order."""
        if not found:
            return []
        by_key = {a.key: a for a in self.parties.get([a.key for a in found], field_keys)}
        return [by_key[a.key] for a in found if a.key in by_key]
