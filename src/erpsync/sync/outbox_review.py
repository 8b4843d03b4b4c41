"""The outbox review queue (R-SEM-5): creates a crash left undecidable, settled by an
administrator — link to a chosen actor, retry the create, or discard the entry.

Every action works on an open entry only (`pending` or `review`) and names the entry
in its error otherwise; linking checks the chosen actor exists in the ERP first.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erpsync.db import Database
from erpsync.db.base import utcnow
from erpsync.errors import Conflict, NotFound, ValidationError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorType
from erpsync.sync import outbox
from erpsync.sync.models import (
    OUTBOX_DISCARDED,
    OUTBOX_FAILED,
    OUTBOX_PENDING,
    OUTBOX_REVIEW,
    OutboxEntry,
)
from erpsync.sync.retry import Backoff, message_of

STATES = (OUTBOX_PENDING, OUTBOX_REVIEW, OUTBOX_FAILED)


def list_entries(
    session: Session, connection_id: int, state: str = OUTBOX_REVIEW, limit: int = 100
) -> tuple[int, list[OutboxEntry]]:
    """Entries of one connection in one state (review by default), oldest first."""
    if state not in STATES:
        raise ValidationError(
            f"state: choose one of {', '.join(STATES)}.", field="state", value=state
        )
    where = (OutboxEntry.connection_id == connection_id, OutboxEntry.state == state)
    total = session.scalar(select(func.count()).select_from(OutboxEntry).where(*where)) or 0
    rows = session.scalars(select(OutboxEntry).where(*where).order_by(OutboxEntry.id).limit(limit))
    return int(total), list(rows)


def _open(session: Session, connection_id: int, entry_id: int) -> OutboxEntry:
    entry = session.get(OutboxEntry, entry_id)
    if entry is None or entry.connection_id != connection_id:
        raise NotFound(f"No outbox entry {entry_id} in this connection.")
    if entry.state not in (OUTBOX_PENDING, OUTBOX_REVIEW):
        raise Conflict(
            f"The outbox entry {entry_id} is {entry.state}; only pending or review entries "
            "can be settled.",
            field="entry_id",
        )
    return entry


def _resolved(database: Database, entry_id: int, user_id: int | None) -> None:
    with database.session() as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        entry.resolved_at, entry.resolved_by_id = utcnow(), user_id


def discard(session: Session, connection_id: int, entry_id: int, user_id: int | None) -> None:
    """Drop the entry: the CRM record stays unlinked and may be created again later."""
    entry = _open(session, connection_id, entry_id)
    entry.state, entry.resolved_at, entry.resolved_by_id = OUTBOX_DISCARDED, utcnow(), user_id
    entry.note = (entry.note or "") + " Discarded by an administrator."


def link_to(
    database: Database,
    host: ConnectorHost,
    connection_id: int,
    entry_id: int,
    erp_key: str,
    user_id: int | None,
) -> outbox.Created:
    """Settle the entry by linking its CRM record to an actor the administrator chose."""
    with database.read_session() as session:
        entry = _open(session, connection_id, entry_id)
        actor_type = ActorType(entry.actor_type)
    key = erp_key.strip()
    if not key:
        raise ValidationError("erp_key: give the key of the ERP actor to link.", field="erp_key")
    found = host.get_actors(actor_type, [key])
    if not found or found[0].deleted:
        raise ValidationError(
            f"erp_key: the ERP has no live {actor_type} with the key '{key}'.",
            field="erp_key",
            value=key,
        )
    mappings = outbox.load_mappings(database, host, connection_id)
    created = outbox.finish(database, entry_id, found[0], mappings)
    _resolved(database, entry_id, user_id)
    return created


def retry(
    database: Database,
    host: ConnectorHost,
    connection_id: int,
    entry_id: int,
    user_id: int | None,
    backoff: Backoff | None = None,
) -> outbox.Created:
    """Call the ERP's create again with the entry's key (the administrator checked that
    the actor does not exist), then link it."""
    with database.session() as session:
        entry = _open(session, connection_id, entry_id)
        entry.attempts += 1
        session.flush()
        session.expunge(entry)
    try:
        actor = outbox.call_create(host, entry, backoff or Backoff())
    except Exception as exc:
        if outbox.refused(exc):
            outbox.mark(database, entry_id, OUTBOX_FAILED, message_of(exc))
        raise
    mappings = outbox.load_mappings(database, host, connection_id)
    created = outbox.finish(database, entry_id, actor, mappings)
    _resolved(database, entry_id, user_id)
    return created
