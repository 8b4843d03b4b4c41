"""The parsed form of the SQL connector's mapping text: frozen dataclasses per actor
type, list and column, which `mapping.py` builds and `schema.py`, `query.py`,
`setup.py` and `pricing.py` read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from erpsync.sdk import Access, ActorType, FieldType

#: A filter or fixed value as written in the mapping (bound as a parameter later).
Scalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """A column of the actor's table (`table` None) or of one of its joined tables."""

    column: str
    table: str | None = None

    def __str__(self) -> str:
        return self.column if self.table is None else f"{self.table}.{self.column}"


@dataclass(frozen=True, slots=True)
class Join:
    """LEFT JOIN `table` ON main.`local` = table.`remote` (many-to-one)."""

    table: str
    local: str
    remote: str


@dataclass(frozen=True, slots=True)
class SoftDelete:
    column: str
    value: Scalar


@dataclass(frozen=True, slots=True)
class Tombstone:
    """Deletions recorded in another table: one row per deleted key, with its stamp."""

    table: str
    key: str
    modified: str
    filter: tuple[tuple[ColumnRef, Scalar], ...] = ()


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    column: ColumnRef
    name: str
    type: FieldType | None = None  # None: from the column's type
    access: Access = Access.NORMAL
    list_name: str | None = None
    searchable: bool = True
    max_length: int | None = None  # None: from the column's length


@dataclass(frozen=True, slots=True)
class ActorSpec:
    actor_type: ActorType
    table: str
    key: str
    fields: tuple[FieldSpec, ...]
    modified: tuple[ColumnRef, ...] = ()
    filter: tuple[tuple[ColumnRef, Scalar], ...] = ()
    create: tuple[tuple[str, Scalar], ...] = ()
    joins: tuple[Join, ...] = ()
    parent_column: str | None = None
    parent_type: ActorType | None = None
    deleted: SoftDelete | None = None
    tombstone: Tombstone | None = None

    def field(self, key: str) -> FieldSpec | None:
        return next((spec for spec in self.fields if spec.key == key), None)


@dataclass(frozen=True, slots=True)
class ListSpec:
    name: str
    table: str
    id: str
    code: str
    label: str
    deleted: SoftDelete | None = None
    filter: tuple[tuple[ColumnRef, Scalar], ...] = ()


@dataclass(frozen=True, slots=True)
class MappingSpec:
    actors: dict[ActorType, ActorSpec] = field(default_factory=dict)
    lists: dict[str, ListSpec] = field(default_factory=dict)

    def tables(self) -> set[str]:
        names = {spec.table for spec in self.lists.values()}
        for actor in self.actors.values():
            names.add(actor.table)
            names.update(join.table for join in actor.joins)
            if actor.tombstone is not None:
                names.add(actor.tombstone.table)
        return names
