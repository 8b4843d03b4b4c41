"""Import of a connection document (R-MAP-7): create or update the connection by name.

Everything happens in the caller's one transaction, and every error names the path in
the document (`connection.grants[1].group`, `lists.countries.items[3].crm_item`,
`mapping.Customer.fields[2].direction`, `secrets.access_key`), so a bad document
changes nothing. Secrets are given apart from the document; a missing one is named (`needs`), the
shared secret of a remote connection (R-CONN-7) too.
The configuration passes the connector's test before it is saved (R-CONN-3); the
mapping is checked against the ERP's own metadata; `active: true` goes through the
activation checklist, whose reasons come back when it refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.orm import Session

from erpsync.accounts import service as accounts
from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate, ConnectionTest, ConnectionUpdate
from erpsync.errors import ErpSyncError, ValidationError
from erpsync.exchange import needs
from erpsync.exchange.document import ActorTypeDoc, ConnectionDocument
from erpsync.exchange.needs import REMOTE_SECRET, existing
from erpsync.exchange.needs import missing_secrets as missing_secrets
from erpsync.mapping import erp, lists, policy, service
from erpsync.mapping.crm_fields import entity_of
from erpsync.mapping.entries import check_entries
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.models import CreatePolicy, FieldMapping, ListMapping
from erpsync.mapping.schemas import FieldMappingIn, ListMappingPut
from erpsync.sync import policies as sync_policies

#: Service field names → their names in the document's field entries.
FIELD_NAMES = {"default_value": "default.value", "default_mode": "default.mode"}


@dataclass
class ImportResult:
    connection: Connection
    created: bool
    active: bool
    reasons: list[str] = field(default_factory=list)


def at(path: str, exc: ErpSyncError, name: str | None = None) -> ValidationError:
    """The error re-raised at `path` of the document (its own field appended)."""
    inner = name if name is not None else exc.field
    where = f"{path}.{inner}" if inner else path
    why = exc.message
    if exc.field and why.startswith(f"{exc.field}: "):
        why = why[len(exc.field) + 2 :]
    return ValidationError(f"{where}: {why}", field=where)


def _check_grants(session: Session, document: ConnectionDocument) -> None:
    for index, grant in enumerate(document.connection.grants):
        where = f"connection.grants[{index}]"
        try:
            if grant.user:
                accounts.user_by_login(session, grant.user)
            if grant.group:
                accounts.group_by_name(session, grant.group)
        except ErpSyncError as exc:
            name = "user" if grant.user else "group"
            raise ValidationError(
                f"{where}.{name}: {exc.message} Add it here first, or remove the grant.",
                field=f"{where}.{name}",
            ) from None


def _located(exc: ErpSyncError, given: dict[str, str]) -> ValidationError:
    """A connection service's error at its place in the document or the secrets."""
    where = exc.field or "config"
    if where == "remote_url":
        return at("connection", exc)
    if where == REMOTE_SECRET:
        return at("secrets", exc)
    key = where.removeprefix("config.")
    return at("secrets" if key in given else "connection.config", exc, key)


def _tested_save(
    session: Session,
    keys: connections.Keys,
    user: User,
    document: ConnectionDocument,
    given: dict[str, str],
) -> tuple[Connection, bool]:
    """Test the values with the connector, then create or update (the test gate)."""
    doc = document.connection
    found = existing(session, doc.name)
    config = {**doc.config, **{k: v for k, v in given.items() if k != REMOTE_SECRET}}
    target = {}
    if doc.remote_url is not None:
        target = {"remote_url": doc.remote_url, "remote_secret": given.get(REMOTE_SECRET)}
    probe = ConnectionTest.model_validate(
        {
            "connector": doc.connector,
            "config": config,
            "connection_id": found.id if found else None,
            **target,
        }
    )
    try:
        result = connections.test(session, keys, user, probe)
    except ErpSyncError as exc:
        raise _located(exc, given) from None
    if not result.ok:
        raise ValidationError(
            f"connection.config: the connector's test of the imported values failed: "
            f"{result.message}",
            field="connection.config",
            test_message=result.message,
        )
    common = {
        "name": doc.name,
        "connector": doc.connector,
        "description": doc.description,
        "scope": doc.scope,
        "grants": [grant.model_dump() for grant in doc.grants],
        "config": config,
        "priority": doc.priority,
        "test_token": result.test_token,
        **target,
    }
    if found is None:
        saved = connections.create(session, keys, user, ConnectionCreate.model_validate(common))
    else:
        update = ConnectionUpdate.model_validate(common)
        saved = connections.update(session, keys, user, found.id, update)
    saved.sync_enabled = doc.sync.enabled
    saved.sync_interval = doc.sync.interval
    saved.timeout = doc.sync.timeout
    sync_policies.set_delete_policy(session, saved.id, doc.sync.delete_policy)
    session.flush()
    return saved, found is None


def _put_lists(
    session: Session, meta: ErpMeta, connection_id: int, doc: ConnectionDocument
) -> None:
    session.execute(delete(ListMapping).where(ListMapping.connection_id == connection_id))
    session.flush()
    for erp_list, entry in doc.lists.items():
        data = ListMappingPut(crm_list=entry.crm_list, items=entry.items)
        try:
            lists.put(session, meta, connection_id, erp_list, data)
        except ErpSyncError as exc:
            name = {"erp_list": "", "list_name": "crm_list"}.get(exc.field or "", exc.field)
            raise at(f"lists.{erp_list}", exc, name) from None


def _specs(entry: ActorTypeDoc) -> list[FieldMappingIn]:
    return [
        FieldMappingIn(
            erp_field=item.erp_field,
            crm_field=item.crm_field,
            direction=item.direction,
            show_in_search=item.show_in_search,
            show_on_tab=item.show_on_tab,
            rank=item.rank,
            default_value=item.default.value if item.default else None,
            default_mode=item.default.mode if item.default else None,
            conflict_policy=item.conflict_policy,
            conversion=item.conversion,
        )
        for item in entry.fields
    ]


def _put_mapping(
    session: Session, meta: ErpMeta, connection_id: int, doc: ConnectionDocument
) -> None:
    for actor_type, entry in doc.mapping.items():
        where = f"mapping.{actor_type}"
        try:
            meta.type_of(actor_type)
        except ErpSyncError as exc:
            raise at(where, exc, "") from None
        if entry.entity is not None and entry.entity != entity_of(actor_type):
            raise ValidationError(
                f"{where}.entity: {actor_type} always maps to the CRM "
                f"{entity_of(actor_type)}, not '{entry.entity}'",
                field=f"{where}.entity",
            )
    session.execute(delete(FieldMapping).where(FieldMapping.connection_id == connection_id))
    session.execute(delete(CreatePolicy).where(CreatePolicy.connection_id == connection_id))
    session.flush()
    targets = service.list_targets(session, connection_id)
    for actor_type, entry in doc.mapping.items():
        specs = _specs(entry)
        entry_at = f"mapping.{actor_type}.fields[{{}}]".format
        check_entries(meta, actor_type, specs, targets, entry_at, FIELD_NAMES)
        service.put_all(session, meta, connection_id, actor_type, specs)
        if entry.create_policy is not None:
            try:
                policy.put(session, connection_id, actor_type, entry.create_policy)
            except ErpSyncError as exc:
                raise at(f"mapping.{actor_type}.create_policy", exc) from None


def import_document(
    session: Session,
    keys: connections.Keys,
    user: User,
    document: ConnectionDocument,
    given: dict[str, str],
) -> ImportResult:
    """Create or update the connection named in the document, with all its mapping."""
    needs.check_secrets(keys, session, document, given)
    _check_grants(session, document)
    saved, created = _tested_save(session, keys, user, document, given)
    meta = erp.read(keys, saved)
    _put_lists(session, meta, saved.id, document)
    _put_mapping(session, meta, saved.id, document)
    reasons: list[str] = []
    if document.connection.active:
        reasons = connections.activate(session, keys, user, saved.id).reasons
    elif saved.active:
        connections.deactivate(session, user, saved.id)
    return ImportResult(saved, created, saved.active, reasons)
