"""API of the outbox review queue (R-SEM-5) and the delete policy (R-SYNC-7), for
administrators, under the connection's scope (outside it: 404).

The review queue lists the CRM→ERP creates a crash left undecidable (or that are still
pending, or failed) with the reason each waits; an administrator links one to an ERP
actor they chose, retries the create, or discards it. The delete policy says what an
actor deleted in the ERP does in the CRM: `flag`, `unlink` or `deactivate`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from erpsync.api.connections import KeysDep
from erpsync.api.deps import AdminUser, DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.db import Database
from erpsync.sync import outbox_review, outbox_settle, policies
from erpsync.sync.models import OutboxEntry
from erpsync.sync.outbox_schemas import (
    DeletePolicyRead,
    DeletePolicySet,
    OutboxLink,
    OutboxPage,
    Settled,
    entry_read,
)

router = APIRouter(tags=["sync"])
BASE = "/connections/{connection_id}"


def _settled(
    database: Database, entry_id: int, erp_key: str | None = None, link_id: int | None = None
) -> Settled:
    with database.read_session() as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        return Settled(entry=entry_read(entry), erp_key=erp_key, link_id=link_id)


@router.get(BASE + "/outbox", response_model=OutboxPage)
def list_outbox(
    connection_id: RecordId,
    admin: AdminUser,
    database: DatabaseDep,
    state: Annotated[str, Query(max_length=20, description="review, pending or failed")] = (
        "review"
    ),
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> OutboxPage:
    """Outbox entries of one state (review by default), oldest first, with their reasons."""
    with database.read_session() as session:
        connections.get(session, admin, connection_id)
        total, entries = outbox_review.list_entries(session, connection_id, state, limit)
        return OutboxPage(state=state, total=total, items=[entry_read(e) for e in entries])


@router.post(BASE + "/outbox/{entry_id}/link", response_model=Settled)
def link_entry(
    connection_id: RecordId,
    entry_id: RecordId,
    data: OutboxLink,
    admin: AdminUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> Settled:
    """Link the entry's CRM record to an ERP actor you chose (it must exist, unlinked)."""
    done = outbox_settle.link(database, keys, admin, connection_id, entry_id, data.erp_key)
    return _settled(database, entry_id, done.erp_key, done.link_id)


@router.post(BASE + "/outbox/{entry_id}/retry", response_model=Settled)
def retry_entry(
    connection_id: RecordId,
    entry_id: RecordId,
    admin: AdminUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> Settled:
    """Create the actor again (check the ERP first that it does not exist), then link it."""
    done = outbox_settle.retry(database, keys, admin, connection_id, entry_id)
    return _settled(database, entry_id, done.erp_key, done.link_id)


@router.post(BASE + "/outbox/{entry_id}/discard", response_model=Settled)
def discard_entry(
    connection_id: RecordId, entry_id: RecordId, admin: AdminUser, database: DatabaseDep
) -> Settled:
    """Drop the entry; the CRM record stays unlinked and may be created again later."""
    outbox_settle.discard(database, admin, connection_id, entry_id)
    return _settled(database, entry_id)


@router.get(BASE + "/delete-policy", response_model=DeletePolicyRead)
def get_delete_policy(
    connection_id: RecordId, admin: AdminUser, database: DatabaseDep
) -> DeletePolicyRead:
    """What an actor deleted in the ERP does in the CRM (default `flag`)."""
    with database.read_session() as session:
        connections.get(session, admin, connection_id)
        return DeletePolicyRead(
            connection_id=connection_id,
            delete_policy=policies.delete_policy(session, connection_id),
        )


@router.put(BASE + "/delete-policy", response_model=DeletePolicyRead)
def set_delete_policy(
    connection_id: RecordId, data: DeletePolicySet, admin: AdminUser, database: DatabaseDep
) -> DeletePolicyRead:
    """Set the delete policy; the next run applies it to the deletions it reads."""
    with database.session() as session:
        connections.get(session, admin, connection_id)
        policy = policies.set_delete_policy(session, connection_id, data.delete_policy)
        return DeletePolicyRead(connection_id=connection_id, delete_policy=policy)
