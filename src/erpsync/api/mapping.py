"""API of field mappings per connection and actor type (R-MAP-1, -2, -4, -5, -8, R-SEM-1).

Reads follow the connection's scope like the connections API (outside it: 404); every
write is for administrators. The ERP's metadata is read before the write transaction
opens, so no database lock is held while the ERP answers. Bad input answers 422
naming the field, and changes nothing (the service checks the whole set first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Path
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erpsync.accounts.models import User
from erpsync.api.connections import KeysDep
from erpsync.api.deps import AdminUser, CurrentUser, DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.db import Database
from erpsync.mapping import automap, erp, policy, service
from erpsync.mapping.crm_fields import entity_of
from erpsync.mapping.entries import check_entries
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.models import FieldMapping
from erpsync.mapping.schemas import (
    AutomapIn,
    CreatePolicyIn,
    CreatePolicyRead,
    DefaultIn,
    EntityRow,
    FieldMappingPatch,
    FieldMappingsPut,
    FieldRow,
    Move,
    Proposal,
)

router = APIRouter(tags=["mapping"])

ActorTypePath = Annotated[str, Path(min_length=1, max_length=20, description="e.g. Customer")]
ErpFieldPath = Annotated[str, Path(min_length=1, max_length=120, description="ERP field key")]
BASE = "/connections/{connection_id}/mapping"
FIELDS = BASE + "/{actor_type}/fields"
T = TypeVar("T")


def read_meta(
    database: Database,
    keys: connections.Keys,
    user: User,
    connection_id: int,
    list_names: list[str] | None = None,
) -> ErpMeta:
    """The ERP's actor types, fields and lists (items of `list_names`; all when None)."""
    with database.read_session() as session:
        found = connections.get(session, user, connection_id)
        return erp.read(keys, found, list_names)


@router.get(BASE, response_model=list[EntityRow])
def list_entities(
    connection_id: RecordId, user: CurrentUser, database: DatabaseDep, keys: KeysDep
) -> list[EntityRow]:
    """Each ERP actor type with its fixed CRM entity (R-SEM-1), mapped fields, create policy."""
    meta = read_meta(database, keys, user, connection_id, [])
    with database.read_session() as session:
        connections.get(session, user, connection_id)
        counts = dict(
            session.execute(
                select(FieldMapping.actor_type, func.count())
                .where(
                    FieldMapping.connection_id == connection_id,
                    FieldMapping.crm_field.is_not(None),
                    FieldMapping.direction != "none",
                )
                .group_by(FieldMapping.actor_type)
            ).all()
        )
        policies = policy.all_of(session, connection_id, [t.value for t in meta.actor_types])
    return [
        EntityRow(
            actor_type=found.actor_type,
            entity=entity_of(found.actor_type),
            mapped_fields=counts.get(found.actor_type, 0),
            policy=found,
        )
        for found in policies
    ]


@router.get(FIELDS, response_model=list[FieldRow])
def list_fields(
    connection_id: RecordId,
    actor_type: ActorTypePath,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> list[FieldRow]:
    """Every ERP field of the actor type: mapped ones in rank order, then the others."""
    meta = read_meta(database, keys, user, connection_id, [])
    with database.read_session() as session:
        connections.get(session, user, connection_id)
        return service.view(session, meta, connection_id, actor_type)


@dataclass(kw_only=True)
class AdminWrite:
    """An administrator's write to a connection's mappings."""

    connection_id: int
    admin: User
    database: Database
    keys: connections.Keys

    def run(self, act: Callable[[Session, ErpMeta], T], list_names: list[str] | None = None) -> T:
        """Read the ERP's metadata first, then `act` in one write transaction."""
        meta = read_meta(self.database, self.keys, self.admin, self.connection_id, list_names)
        with self.database.session() as session:
            connections.get(session, self.admin, self.connection_id)
            return act(session, meta)


@dataclass(kw_only=True)
class TypeWrite(AdminWrite):
    """An administrator's write to one actor type's mapping."""

    actor_type: str


@dataclass(kw_only=True)
class FieldWrite(TypeWrite):
    """An administrator's write to one ERP field's mapping."""

    erp_field: str

    def on_field(self, act: Callable[..., T], *args: object) -> T:
        """`act(session, meta, connection_id, actor_type, erp_field, *args)` in one write."""
        return self.run(
            lambda session, meta: act(
                session, meta, self.connection_id, self.actor_type, self.erp_field, *args
            )
        )


def type_write(
    connection_id: RecordId,
    actor_type: ActorTypePath,
    admin: AdminUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> TypeWrite:
    return TypeWrite(
        connection_id=connection_id,
        actor_type=actor_type,
        admin=admin,
        database=database,
        keys=keys,
    )


def field_write(
    connection_id: RecordId,
    actor_type: ActorTypePath,
    erp_field: ErpFieldPath,
    admin: AdminUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> FieldWrite:
    return FieldWrite(
        connection_id=connection_id,
        actor_type=actor_type,
        erp_field=erp_field,
        admin=admin,
        database=database,
        keys=keys,
    )


TypeWriteDep = Annotated[TypeWrite, Depends(type_write)]
FieldWriteDep = Annotated[FieldWrite, Depends(field_write)]


@router.put(FIELDS, response_model=list[FieldRow])
def put_fields(write: TypeWriteDep, data: FieldMappingsPut) -> list[FieldRow]:
    """Replace every mapping of the actor type (all valid, or nothing changes)."""

    def act(session: Session, meta: ErpMeta) -> list[FieldRow]:
        targets = service.list_targets(session, write.connection_id)
        check_entries(meta, write.actor_type, data.fields, targets, lambda i: f"fields.{i}")
        return service.put_all(session, meta, write.connection_id, write.actor_type, data.fields)

    return write.run(act)


@router.patch(FIELDS + "/{erp_field}", response_model=list[FieldRow])
def patch_field(write: FieldWriteDep, data: FieldMappingPatch) -> list[FieldRow]:
    """Add or change one ERP field's mapping; keys left out stay as they are."""
    return write.on_field(service.patch, data)


@router.delete(FIELDS + "/{erp_field}", response_model=list[FieldRow])
def delete_field(write: FieldWriteDep) -> list[FieldRow]:
    """Remove one ERP field's mapping; the others keep their order."""
    return write.on_field(service.remove)


@router.put(FIELDS + "/{erp_field}/default", response_model=list[FieldRow])
def put_default(write: FieldWriteDep, data: DefaultIn) -> list[FieldRow]:
    """The value used on create in the ERP: `set`, `ask` or `mandatory` (R-MAP-4)."""
    change = FieldMappingPatch(default_value=data.value, default_mode=data.mode)
    return write.on_field(service.patch, change)


@router.post(FIELDS + "/{erp_field}/move", response_model=list[FieldRow])
def move_field(write: FieldWriteDep, data: Move) -> list[FieldRow]:
    """Up (`step: -1`), down (`step: 1`) or to a 1-based `position`; ranks stay 1…n."""
    return write.on_field(service.move, data)


@router.post(BASE + "/{actor_type}/automap", response_model=list[Proposal])
def automap_fields(write: TypeWriteDep, data: AutomapIn) -> list[Proposal]:
    """Pairs proposed by meaning, each with its reason; `apply` stores the chosen ones
    (`fields`, all when left out) with direction `none` until the administrator picks."""
    return write.run(
        lambda session, meta: automap.automap(
            session, meta, write.connection_id, write.actor_type, data.apply, data.fields
        )
    )


@router.get(BASE + "/{actor_type}/policy", response_model=CreatePolicyRead)
def get_policy(
    connection_id: RecordId,
    actor_type: ActorTypePath,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> CreatePolicyRead:
    meta = read_meta(database, keys, user, connection_id, [])
    meta.type_of(actor_type)
    with database.read_session() as session:
        connections.get(session, user, connection_id)
        return policy.get(session, connection_id, actor_type)


@router.put(BASE + "/{actor_type}/policy", response_model=CreatePolicyRead)
def put_policy(
    connection_id: RecordId,
    actor_type: ActorTypePath,
    data: CreatePolicyIn,
    admin: AdminUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> CreatePolicyRead:
    """ERP→CRM `ignore|create`; CRM→ERP `ignore|create` for records matching the filter."""
    meta = read_meta(database, keys, admin, connection_id, [])
    meta.type_of(actor_type)
    with database.session() as session:
        connections.get(session, admin, connection_id)
        return policy.put(session, connection_id, actor_type, data)
