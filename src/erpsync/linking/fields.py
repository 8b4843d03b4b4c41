"""The mapping of one actor type as linking needs it: every stored field mapping in rank
order with its ERP field, and the synced fields as the engine's `FieldRule`s (so Connect
and Create in ERP convert and shadow values exactly as sync does, R-SEM-2)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from erpsync.errors import ConfigError
from erpsync.linking import target as targets
from erpsync.mapping.transform import value_from_json
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorType, Field, Value
from erpsync.sync import rules
from erpsync.sync.rules import FieldRule


@dataclass(frozen=True)
class Mapped:
    """One stored field mapping with its ERP field's metadata."""

    erp: Field
    crm_field: str | None
    direction: str
    show_in_search: bool
    show_on_tab: bool
    default_mode: str | None
    default_json: str | None
    conflict_policy: str

    def default(self) -> Value:
        """The stored default as a typed ERP value (checked when it was stored)."""
        if self.default_json is None:
            return None
        return value_from_json(self.erp, json.loads(self.default_json))


@dataclass(frozen=True)
class TypeFields:
    actor_type: ActorType
    erp: dict[str, Field]  # every ERP field of the type
    mapped: tuple[Mapped, ...]  # stored mappings, rank order
    synced: tuple[FieldRule, ...]  # direction other than none, with a CRM field

    def rule(self, erp_key: str) -> FieldRule | None:
        return next((r for r in self.synced if r.erp_key == erp_key), None)


def load(
    session: Session, host: ConnectorHost, connection_id: int, actor_type: ActorType
) -> TypeFields:
    erp = {f.key: f for f in host.actor_fields(actor_type)}
    mapped: list[Mapped] = []
    for row in targets.mappings(session, connection_id, actor_type):
        field = erp.get(row.erp_field)
        if field is None:
            raise ConfigError(
                f"The mapping of {actor_type} names the ERP field '{row.erp_field}', which "
                "the connector no longer offers; ask an administrator to fix the mapping.",
                field="erp_field",
            )
        mapped.append(
            Mapped(
                field,
                row.crm_field,
                row.direction,
                row.show_in_search,
                row.show_on_tab,
                row.default_mode,
                row.default_value,
                row.conflict_policy,
            )
        )
    loaded = [tm for tm in rules.load(session, connection_id, host) if tm.actor_type == actor_type]
    synced = loaded[0].fields if loaded else ()
    return TypeFields(actor_type, erp, tuple(mapped), synced)
