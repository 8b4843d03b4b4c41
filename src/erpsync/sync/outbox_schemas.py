"""What the API shows and takes for the outbox review queue (R-SEM-5) and a connection's
delete policy (R-SYNC-7)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from erpsync.sync import outbox
from erpsync.sync.models import DELETE_POLICIES, OutboxEntry


class OutboxEntryRead(BaseModel):
    """An entry as an administrator reviews it; `reason` says why it waits."""

    id: int
    connection_id: int
    actor_type: str
    crm_kind: str
    crm_id: int
    state: str
    erp_key: str | None
    reason: str | None
    attempts: int
    values: dict[str, str | None]
    created_at: datetime
    updated_at: datetime


class OutboxPage(BaseModel):
    state: str
    total: int
    items: list[OutboxEntryRead]


class OutboxLink(BaseModel):
    erp_key: str = Field(min_length=1, max_length=200, description="The ERP actor to link to.")


class Settled(BaseModel):
    """What settling an entry did: the entry and, when linked, the ERP key and link."""

    entry: OutboxEntryRead
    erp_key: str | None = None
    link_id: int | None = None


class DeletePolicyRead(BaseModel):
    connection_id: int
    delete_policy: str
    choices: list[str] = Field(default_factory=lambda: list(DELETE_POLICIES))


class DeletePolicySet(BaseModel):
    delete_policy: Literal["flag", "unlink", "deactivate"] = Field(
        description="flag the link, unlink, or deactivate the CRM record; nothing is deleted."
    )


def entry_read(entry: OutboxEntry) -> OutboxEntryRead:
    shown = outbox.describe(entry)
    return OutboxEntryRead(
        id=entry.id,
        connection_id=entry.connection_id,
        actor_type=entry.actor_type,
        crm_kind=entry.crm_kind,
        crm_id=entry.crm_id,
        state=entry.state,
        erp_key=entry.erp_key,
        reason=entry.note,
        attempts=entry.attempts,
        values=shown["values"],
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )
