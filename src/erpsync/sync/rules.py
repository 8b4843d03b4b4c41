"""What the engine syncs for one connection: the mapped actor types with their field rules.

A small loader of the stored field mappings, list mappings and create policies (R-MAP-1,
R-MAP-3, R-MAP-8) into `TypeMapping`s, each field a `FieldRule` carrying the transform
`Rule` (`erpsync.mapping.transform`) so every value converts as elsewhere. Types come
parents first (R-SEM-1): companies, then persons, then projects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.crm.models import ListItem
from erpsync.errors import ConfigError
from erpsync.mapping.crm_fields import COMPANY, crm_field, entity_of
from erpsync.mapping.models import CreatePolicy, FieldMapping, ListItemMapping, ListMapping
from erpsync.mapping.transform import (
    ListPairs,
    Rule,
    TransformError,
    default_conversion,
    value_from_json,
)
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorType, Field, FieldType, Value
from erpsync.sync.decide import Direction, Policy

#: Parents before children (R-SEM-1).
ORDER = (
    ActorType.CUSTOMER,
    ActorType.SUPPLIER,
    ActorType.PARTNER,
    ActorType.PERSON,
    ActorType.PROJECT,
)
#: The CRM field existing companies are matched on before one is created (R-MAP-8).
MATCH_FIELD = "number"


@dataclass(frozen=True, slots=True)
class FieldRule:
    """One mapped field: ERP key, CRM key, direction, conflict policy, conversion."""

    erp_key: str
    crm_key: str
    direction: Direction
    policy: Policy
    rule: Rule

    @property
    def to_crm(self) -> bool:
        return self.direction in (Direction.TO_CRM, Direction.BOTH)

    @property
    def to_erp(self) -> bool:
        return self.direction in (Direction.TO_ERP, Direction.BOTH)


@dataclass(frozen=True, slots=True)
class TypeMapping:
    """Everything the engine needs of one actor type of one connection."""

    actor_type: ActorType
    kind: str  # the CRM entity: company | person | project
    fields: tuple[FieldRule, ...]
    create: bool  # ERP→CRM create policy is `create`
    match: FieldRule | None  # the field mapped to the CRM number, for matching
    #: CRM→ERP create policy is `create` for CRM records matching `crm_filter` (R-MAP-8)
    erp_create: bool = False
    crm_filter: dict[str, list[str]] = field(default_factory=dict)
    #: ERP values of `set` defaults, sent with every create (R-MAP-4)
    defaults: dict[str, Value] = field(default_factory=dict)

    @property
    def field_keys(self) -> list[str]:
        keys = [rule.erp_key for rule in self.fields]
        if self.match is not None and self.match.erp_key not in keys:
            keys.append(self.match.erp_key)
        return keys

    @property
    def writes_erp(self) -> bool:
        return any(rule.to_erp for rule in self.fields)

    @property
    def has_parent(self) -> bool:
        return self.kind != COMPANY


def _list_pairs(session: Session, connection_id: int) -> dict[str, ListPairs]:
    """ERP list name → its item pairs (ERP item id → CRM item code)."""
    rows = session.execute(
        select(ListMapping.erp_list, ListItemMapping.erp_item, ListItem.code)
        .join(ListItemMapping, ListItemMapping.list_mapping_id == ListMapping.id)
        .join(ListItem, ListItem.id == ListItemMapping.crm_item_id)
        .where(ListMapping.connection_id == connection_id)
    ).all()
    pairs: dict[str, dict[str, str]] = {}
    for erp_list, erp_item, code in rows:
        pairs.setdefault(erp_list, {})[erp_item] = code
    return {name: ListPairs(items) for name, items in pairs.items()}


def _field_rule(
    mapping: FieldMapping, erp_fields: dict[str, Field], lists: dict[str, ListPairs]
) -> FieldRule:
    erp = erp_fields.get(mapping.erp_field)
    if erp is None:
        raise ConfigError(
            f"The mapping of {mapping.actor_type} names the ERP field '{mapping.erp_field}', "
            "which the connector no longer offers; fix the field mapping.",
            field="erp_field",
        )
    assert mapping.crm_field is not None  # filtered by the query
    pairs = lists.get(erp.list_name or "") if erp.type is FieldType.LIST else None
    crm = crm_field(mapping.actor_type, mapping.crm_field)
    # A mapping stored without a conversion gets the one the mapping service would pick.
    conversion = mapping.conversion or default_conversion(erp.type, crm.type)
    rule = Rule(erp, crm, conversion, pairs)
    return FieldRule(
        mapping.erp_field,
        mapping.crm_field,
        Direction(mapping.direction),
        Policy(mapping.conflict_policy),
        rule,
    )


def load(session: Session, connection_id: int, host: ConnectorHost) -> list[TypeMapping]:
    """The mapped actor types of a connection, parents first; fields with a CRM field."""
    stored = session.scalars(
        select(FieldMapping)
        .where(FieldMapping.connection_id == connection_id, FieldMapping.crm_field.is_not(None))
        .order_by(FieldMapping.rank, FieldMapping.id)
    ).all()
    with_defaults = session.scalars(
        select(FieldMapping).where(
            FieldMapping.connection_id == connection_id, FieldMapping.default_mode == "set"
        )
    ).all()
    policies = {
        policy.actor_type: policy
        for policy in session.scalars(
            select(CreatePolicy).where(CreatePolicy.connection_id == connection_id)
        )
    }
    lists = _list_pairs(session, connection_id)
    result: list[TypeMapping] = []
    for actor_type in ORDER:
        mine = [m for m in stored if m.actor_type == actor_type.value]
        if not any(m.direction != Direction.NONE for m in mine):
            continue
        erp_fields = {field.key: field for field in host.actor_fields(actor_type)}
        rules = [_field_rule(m, erp_fields, lists) for m in mine]
        synced = tuple(rule for rule in rules if rule.direction is not Direction.NONE)
        match = next((rule for rule in rules if rule.crm_key == MATCH_FIELD), None)
        kind = entity_of(actor_type)
        policy = policies.get(actor_type.value)
        result.append(
            TypeMapping(
                actor_type,
                kind,
                synced,
                policy is not None and policy.erp_to_crm == "create",
                match if kind == COMPANY else None,
                policy is not None and policy.crm_to_erp == "create",
                json.loads(policy.crm_filter or "{}") if policy is not None else {},
                _set_defaults(
                    [m for m in with_defaults if m.actor_type == actor_type.value], erp_fields
                ),
            )
        )
    return result


def _set_defaults(mappings: list[FieldMapping], erp_fields: dict[str, Field]) -> dict[str, Value]:
    """The `set` defaults of an actor type as typed ERP values (checked when stored)."""
    found: dict[str, Value] = {}
    for mapping in mappings:
        erp = erp_fields.get(mapping.erp_field)
        if mapping.default_mode == "set" and mapping.default_value is not None and erp:
            try:
                found[mapping.erp_field] = value_from_json(erp, json.loads(mapping.default_value))
            except (ValueError, TransformError) as exc:
                raise ConfigError(
                    f"The default of {mapping.actor_type} field '{mapping.erp_field}' is not a "
                    f"value the ERP field takes ({exc}); fix the field mapping.",
                    field="default_value",
                ) from None
    return found
