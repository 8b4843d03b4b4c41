"""The mapping's part of the activation checklist (R-CONN-5, R-MAP-6).

Registered into `connections.activation` when this module is imported (the mapping
API, CLI and `erpsync.app` import it): at least one actor type mapped; every Mandatory
ERP field of a mapped actor type written by a mapping or given a default; every mapped
list field's list mapped; no equal priority with another active connection writing
the same CRM field.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.connections import activation, catalog
from erpsync.connections.hosts import Endpoint
from erpsync.connections.models import Connection
from erpsync.mapping.crm_fields import entity_of
from erpsync.mapping.models import WRITES_CRM, WRITES_ERP, FieldMapping, ListMapping
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import ActorType, Field, FieldType


def _rows(session: Session, connection_id: int) -> list[FieldMapping]:
    return list(
        session.scalars(
            select(FieldMapping)
            .where(FieldMapping.connection_id == connection_id)
            .order_by(FieldMapping.actor_type, FieldMapping.rank)
        )
    )


def mapped_types(rows: list[FieldMapping]) -> list[str]:
    """Actor types with at least one field mapped in some direction."""
    return sorted({r.actor_type for r in rows if r.crm_field and r.direction != "none"})


def at_least_one_actor_type(
    session: Session, connection: Connection, endpoint: Endpoint
) -> list[str]:
    if mapped_types(_rows(session, connection.id)):
        return []
    return [
        "No actor type is mapped yet: map at least one ERP field to a CRM field with a direction."
    ]


def _erp_fields(endpoint: Endpoint, types: list[str]) -> dict[str, list[Field]] | str:
    try:
        with endpoint.opened() as host:
            return {t: host.actor_fields(ActorType(t)) for t in types}
    except ConnectorError as exc:
        return f"The ERP's fields cannot be read now: {exc.user_explanation}"


def fields_covered(session: Session, connection: Connection, endpoint: Endpoint) -> list[str]:
    """Mandatory fields need a mapping to the ERP or a default; list fields a list mapping."""
    rows = _rows(session, connection.id)
    types = mapped_types(rows)
    installed = connection.is_remote or catalog.is_installed(connection.connector_key)
    if not types or not installed:
        return []
    fields = _erp_fields(endpoint, types)
    if isinstance(fields, str):
        return [fields]
    lists = {
        m.erp_list: m
        for m in session.scalars(
            select(ListMapping).where(ListMapping.connection_id == connection.id)
        )
    }
    reasons: list[str] = []
    for actor_type in types:
        by_key = {r.erp_field: r for r in rows if r.actor_type == actor_type}
        for erp in fields[actor_type]:
            row = by_key.get(erp.key)
            if erp.mandatory and not erp.read_only and not _gives_value(row):
                reasons.append(
                    f"{actor_type}: the Mandatory ERP field '{erp.display_name}' ({erp.key}) "
                    "needs a mapping to the ERP or a default value."
                )
            if (
                erp.type is FieldType.LIST
                and row is not None
                and row.crm_field
                and row.direction != "none"
            ):
                mapping = lists.get(erp.list_name or "")
                if mapping is None or not mapping.items:
                    reasons.append(
                        f"{actor_type}: the list field '{erp.display_name}' ({erp.key}) is mapped, "
                        f"but its ERP list '{erp.list_name}' is not."
                    )
    return reasons


def _gives_value(row: FieldMapping | None) -> bool:
    if row is None:
        return False
    writes = row.crm_field is not None and row.direction in WRITES_ERP
    return writes or row.default_value is not None or row.default_mode == "mandatory"


def writes(session: Session, connection_id: int) -> set[tuple[str, str]]:
    """The CRM (entity, field) pairs a connection writes (`to_crm` / `both`)."""
    return {
        (entity_of(r.actor_type), r.crm_field)
        for r in _rows(session, connection_id)
        if r.crm_field and r.direction in WRITES_CRM
    }


def priority_ties(session: Session, connection: Connection, endpoint: Endpoint) -> list[str]:
    """R-MAP-6: equal priorities on overlapping CRM fields of active connections."""
    mine = writes(session, connection.id)
    others = session.scalars(
        select(Connection)
        .where(
            Connection.id != connection.id,
            Connection.active.is_(True),
            Connection.deleted_at.is_(None),
            Connection.priority == connection.priority,
        )
        .order_by(Connection.name)
    )
    reasons = []
    for other in others:
        shared = sorted(mine & writes(session, other.id))
        if shared:
            names = ", ".join(f"{entity}.{field}" for entity, field in shared)
            reasons.append(
                f"'{connection.name}' and '{other.name}' both have priority {connection.priority} "
                f"and both write {names}: give one of them another priority."
            )
    return reasons


def register() -> None:
    for check in (at_least_one_actor_type, fields_covered, priority_ties):
        activation.register(check)


register()
