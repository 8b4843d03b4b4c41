"""Export of a connection's whole configuration as a document (R-MAP-7).

Connection (name, connector or a remote service's URL, description, scope by user and
group names, configuration values without secrets, the names of its secrets, priority,
active, sync settings, delete policy), field mappings with defaults and ranks, create
policies and list mappings. Reading it needs no ERP. The import is in `exchange.apply`.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.crm.models import ListItem as CrmItem
from erpsync.exchange.document import (
    ActorTypeDoc,
    ConnectionDoc,
    ConnectionDocument,
    DefaultDoc,
    FieldDoc,
    GrantDoc,
    ListDoc,
    SyncDoc,
)
from erpsync.exchange.needs import REMOTE_SECRET
from erpsync.mapping import service
from erpsync.mapping.crm_fields import entity_of
from erpsync.mapping.models import CreatePolicy, FieldMapping, ListMapping
from erpsync.mapping.schemas import CreatePolicyIn, ItemPair
from erpsync.sdk.model import ActorType
from erpsync.sync import policies as sync_policies

ACTOR_ORDER = [t.value for t in ActorType]


def _secret_names(found: Connection) -> list[str]:
    """The secrets that held a value, by name only; a remote one's shared secret too."""
    names = {item.key for item in found.values if item.secret and item.value}
    if found.is_remote and found.remote_secret:
        names.add(REMOTE_SECRET)
    return sorted(names)


def _connection_doc(session: Session, keys: connections.Keys, found: Connection) -> ConnectionDoc:
    stored = connections.stored_values(keys, found)
    secret = {item.key for item in found.values if item.secret}
    read = connections.to_read(session, found)
    return ConnectionDoc(
        name=found.name,
        connector=found.connector_key,
        remote_url=found.remote_url if found.is_remote else None,
        description=found.description,
        scope=found.scope,
        grants=[GrantDoc.model_validate(grant.model_dump()) for grant in read.grants],
        config={key: value for key, value in stored.items() if key not in secret},
        secrets=_secret_names(found),
        priority=found.priority,
        active=found.active,
        sync=SyncDoc(
            enabled=found.sync_enabled,
            interval=found.sync_interval,
            timeout=found.timeout,
            delete_policy=sync_policies.delete_policy(session, found.id),
        ),
    )


def _field_doc(row: FieldMapping) -> FieldDoc:
    spec = service.as_spec(row)
    default = None
    if row.default_mode is not None or row.default_value is not None:
        default = DefaultDoc(mode=spec.default_mode or "set", value=spec.default_value)
    return FieldDoc(
        erp_field=spec.erp_field,
        crm_field=spec.crm_field,
        direction=spec.direction,
        show_in_search=spec.show_in_search,
        show_on_tab=spec.show_on_tab,
        rank=row.rank,
        conflict_policy=spec.conflict_policy,
        conversion=spec.conversion,
        default=default,
    )


def _mapping_docs(session: Session, connection_id: int) -> dict[str, ActorTypeDoc]:
    rows = session.scalars(
        select(FieldMapping)
        .where(FieldMapping.connection_id == connection_id)
        .order_by(FieldMapping.rank, FieldMapping.id)
    ).all()
    policies = {
        p.actor_type: p
        for p in session.scalars(
            select(CreatePolicy).where(CreatePolicy.connection_id == connection_id)
        )
    }
    types = {row.actor_type for row in rows} | set(policies)
    ordered = sorted(types, key=lambda t: (ACTOR_ORDER.index(t) if t in ACTOR_ORDER else 99, t))
    result: dict[str, ActorTypeDoc] = {}
    for actor_type in ordered:
        policy = policies.get(actor_type)
        result[actor_type] = ActorTypeDoc(
            entity=entity_of(actor_type),
            create_policy=CreatePolicyIn(
                erp_to_crm=policy.erp_to_crm,
                crm_to_erp=policy.crm_to_erp,
                crm_filter=json.loads(policy.crm_filter or "{}"),
            )
            if policy is not None
            else None,
            fields=[_field_doc(row) for row in rows if row.actor_type == actor_type],
        )
    return result


def _list_docs(session: Session, connection_id: int) -> dict[str, ListDoc]:
    mappings = session.scalars(
        select(ListMapping)
        .where(ListMapping.connection_id == connection_id)
        .order_by(ListMapping.erp_list)
    ).all()
    ids = [item.crm_item_id for mapping in mappings for item in mapping.items]
    codes = dict(session.execute(select(CrmItem.id, CrmItem.code).where(CrmItem.id.in_(ids))).all())
    return {
        mapping.erp_list: ListDoc(
            crm_list=mapping.crm_list,
            items=[
                ItemPair(erp_item=item.erp_item, crm_item=codes[item.crm_item_id])
                for item in mapping.items
            ],
        )
        for mapping in mappings
    }


def export(
    session: Session, keys: connections.Keys, user: User, connection_id: int
) -> ConnectionDocument:
    """The whole configuration of a connection, without its secrets."""
    found = connections.get(session, user, connection_id)
    return ConnectionDocument(
        connection=_connection_doc(session, keys, found),
        mapping=_mapping_docs(session, found.id),
        lists=_list_docs(session, found.id),
    )
