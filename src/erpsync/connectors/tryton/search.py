"""Plain and advanced search over parties, persons and projects, as Tryton domains plus
an exact check.

A flattened field is the *first* address's or contact mechanism's value, but a Tryton
domain such as `addresses.city ilike …` matches any of them. So each domain asks
Tryton for a superset, and every candidate is checked with the SDK's reference meaning
(`operators.matches`, `operators.search_rank`) before it is returned; candidates are
read page by page until `limit` actors matched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.sdk import Actor, Field, FieldType, Operator, Restriction, matches, search_rank

PAGE = 100


class Searched(Protocol):
    """What a searched kind of record offers (parties, persons, projects)."""

    @property
    def client(self) -> TrytonClient: ...

    @property
    def model(self) -> str: ...

    @property
    def read_fields(self) -> Sequence[str]: ...

    def base_domain(self) -> list[Any]:
        """The live records of the actor type."""
        ...

    def leaf(self, key: str, operator: str, value: Any) -> tuple[Any, ...]:
        """A domain leaf on a flattened field (a superset of its matches)."""
        ...

    def actors(
        self, rows: Sequence[Mapping[str, Any]], field_keys: Sequence[str] | None
    ) -> list[Actor]: ...

    def get(self, keys: Sequence[str], field_keys: Sequence[str] | None) -> list[Actor]: ...


def like(text: str) -> str:
    """Escape Tryton's LIKE wildcards (its escape character is the backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


PATTERNS: dict[Operator, Callable[[str], str]] = {
    Operator.EQUALS: lambda t: like(t),
    Operator.BEGINS: lambda t: like(t) + "%",
    Operator.CONTAINS: lambda t: "%" + like(t) + "%",
    Operator.ENDS: lambda t: "%" + like(t),
}


def mechanism_leaf(kind: str, operator: str, value: Any) -> tuple[Any, ...]:
    """Parties with a contact mechanism of `kind` whose value satisfies the operator."""
    return ("contact_mechanisms", "where", [("type", "=", kind), ("value", operator, value)])


def restriction_domain(searched: Searched, restriction: Restriction) -> list[Any]:
    """A Tryton domain holding every record that satisfies `restriction` (maybe more)."""
    key, op, args = restriction.field, restriction.operator, restriction.values
    if op in PATTERNS:
        return [searched.leaf(key, "ilike", PATTERNS[op](str(args[0])))]
    if op is Operator.ONE_OF:
        ids = [int(a) for a in args if isinstance(a, str) and a.isdigit()]
        return [searched.leaf(key, "in", ids)]
    if op is Operator.NOT_ONE_OF:
        ids = [int(a) for a in args if isinstance(a, str) and a.isdigit()]
        return [searched.leaf(key, "not in", ids)] if ids else [searched.leaf(key, "!=", None)]
    return []  # no number, date or checkbox fields here; the exact check decides


class RecordSearch:
    def __init__(
        self, searched: Searched, fields: Sequence[Field], searchable: Sequence[str]
    ) -> None:
        self.searched = searched
        types = {field.key: field.type for field in fields}
        self.text_keys = [key for key in searchable if types[key] is FieldType.TEXT]

    def text_domain(self, text: str, begins: bool) -> list[Any]:
        pattern = like(text) + "%" if begins else "%" + like(text) + "%"
        return [["OR", *[self.searched.leaf(key, "ilike", pattern) for key in self.text_keys]]]

    def advanced(
        self, restrictions: Sequence[Restriction], field_keys: Sequence[str] | None, limit: int
    ) -> list[Actor]:
        domain: list[Any] = []
        for restriction in restrictions:
            domain.extend(restriction_domain(self.searched, restriction))
        asked = {r.field for r in restrictions}

        def accept(actor: Actor) -> bool:
            return all(matches(r, actor.values.get(r.field)) for r in restrictions)

        found = self._collect(domain, sorted(asked), accept, limit, set())
        if field_keys is not None and set(field_keys) <= asked:
            # Read already: keep only the asked fields.
            for actor in found:
                actor.values = {key: actor.values.get(key) for key in field_keys}
            return found
        return self._narrow(found, field_keys)

    def text(self, text: str, field_keys: Sequence[str] | None, limit: int) -> list[Actor]:
        keys = self.text_keys

        def rank_is(rank: int) -> Callable[[Actor], bool]:
            return lambda a: search_rank(text, [a.values.get(k) for k in keys]) == rank

        seen: set[str] = set()
        first = self._collect(self.text_domain(text, True), keys, rank_is(0), limit, seen)
        rest = self._collect(
            self.text_domain(text, False), keys, rank_is(1), limit - len(first), seen
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
        searched = self.searched
        base = searched.base_domain()
        while len(found) < limit:
            rows = searched.client.search_read(
                searched.model,
                [*base, *domain],
                searched.read_fields,
                offset=offset,
                limit=PAGE,
                order=[("id", "ASC")],
            )
            for actor in searched.actors(rows, check_keys):
                if actor.key not in seen and not actor.deleted and accept(actor):
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
        by_key = {a.key: a for a in self.searched.get([a.key for a in found], field_keys)}
        return [by_key[a.key] for a in found if a.key in by_key]
