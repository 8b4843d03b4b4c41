"""Create policies (R-MAP-8): per connection and actor type, whether the engine creates
records across — ERP→CRM `ignore|create`, CRM→ERP `ignore|create` for the CRM records
matching a filter — and the fixed entity of each actor type (R-SEM-1) shown with it.

A filter is `{crm list field: [item codes]}` on the actor type's CRM entity, e.g.
`{"category": ["customer"]}`; an empty filter means every record. Every key and code is
checked before anything is written; errors name `crm_filter.<field>`.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.crm import lists as crm_lists
from erpsync.errors import ValidationError
from erpsync.mapping.crm_fields import entity_of, fields_of
from erpsync.mapping.models import CreatePolicy
from erpsync.mapping.schemas import CreatePolicyIn, CreatePolicyRead
from erpsync.sdk.model import FieldType


def _read(actor_type: str, row: CreatePolicy | None) -> CreatePolicyRead:
    entity = entity_of(actor_type)
    if row is None:
        return CreatePolicyRead(actor_type=actor_type, entity=entity)
    return CreatePolicyRead(
        actor_type=actor_type,
        entity=entity,
        erp_to_crm=row.erp_to_crm,
        crm_to_erp=row.crm_to_erp,
        crm_filter=json.loads(row.crm_filter or "{}"),
    )


def get(session: Session, connection_id: int, actor_type: str) -> CreatePolicyRead:
    """The stored policy, or the default (`ignore` both ways) when none is stored."""
    return _read(actor_type, session.get(CreatePolicy, (connection_id, actor_type)))


def all_of(session: Session, connection_id: int, actor_types: list[str]) -> list[CreatePolicyRead]:
    rows = {
        row.actor_type: row
        for row in session.scalars(
            select(CreatePolicy).where(CreatePolicy.connection_id == connection_id)
        )
    }
    return [_read(actor_type, rows.get(actor_type)) for actor_type in actor_types]


def check_filter(session: Session, actor_type: str, crm_filter: dict[str, list[str]]) -> None:
    """Every key a list field of the entity, every code an item of its CRM list."""
    choices = {f.key: f for f in fields_of(actor_type) if f.type is FieldType.LIST}
    for key, codes in crm_filter.items():
        where = f"crm_filter.{key}"
        spec = choices.get(key)
        if spec is None or spec.list_name is None:
            names = ", ".join(choices) or "none"
            raise ValidationError(
                f"{where}: the CRM {entity_of(actor_type)} has no list field '{key}'; "
                f"the list fields are: {names}.",
                field=where,
                value=key,
            )
        known = {item.code.lower() for item in crm_lists.list_items(session, spec.list_name)}
        for code in codes:
            if code.lower() not in known:
                raise ValidationError(
                    f"{where}: the CRM list '{spec.list_name}' has no item '{code}'.",
                    field=where,
                    value=code,
                )


def put(
    session: Session, connection_id: int, actor_type: str, data: CreatePolicyIn
) -> CreatePolicyRead:
    """Store the policy of one actor type (all checked first; bad input changes nothing)."""
    entity_of(actor_type)
    crm_filter = {key: codes for key, codes in data.crm_filter.items() if codes}
    check_filter(session, actor_type, crm_filter)
    row = session.get(CreatePolicy, (connection_id, actor_type))
    if row is None:
        row = CreatePolicy(connection_id=connection_id, actor_type=actor_type)
        session.add(row)
    row.erp_to_crm = data.erp_to_crm
    row.crm_to_erp = data.crm_to_erp
    row.crm_filter = json.dumps(crm_filter, sort_keys=True)
    session.flush()
    return _read(actor_type, row)
