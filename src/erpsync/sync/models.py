"""ORM models of the sync engine's storage (see docs/ARCHITECTURE.md, "Sync storage").

Links bind a CRM record to an actor with the shadow of every mapped field (R-SEM-2);
cursors hold each stream's position; runs, the sync log, conflicts, dead letters, the
outbox (R-SEM-5) and leases (R-SYNC-10) make every step visible and resumable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from erpsync.db.base import Base, BigId, Timestamps, UtcDateTime, utcnow

Json = JSON().with_variant(JSONB(), "postgresql")

LINK_ACTIVE = "active"
LINK_WAITING_PARENT = "waiting_parent"
LINK_DELETED_IN_ERP = "deleted_in_erp"
LINK_UNLINKED = "unlinked"
LINK_STATES = (LINK_ACTIVE, LINK_WAITING_PARENT, LINK_DELETED_IN_ERP, LINK_UNLINKED)
LIVE = text("state <> 'unlinked'")


class Link(Timestamps, Base):
    """One CRM record bound to one actor of one connection, with its shadow."""

    __tablename__ = "links"
    __table_args__ = (
        Index(
            "uq_links_live_actor",
            "connection_id",
            "actor_type",
            "erp_key",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
        Index(
            "uq_links_live_record",
            "connection_id",
            "actor_type",
            "crm_kind",
            "crm_id",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
        Index("ix_links_record", "crm_kind", "crm_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id"))
    actor_type: Mapped[str] = mapped_column(String(20))
    erp_key: Mapped[str] = mapped_column(String(200))
    crm_kind: Mapped[str] = mapped_column(String(10))  # company | person | project
    crm_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(20), default=LINK_ACTIVE)
    parent_type: Mapped[str | None] = mapped_column(String(20), default=None)
    parent_key: Mapped[str | None] = mapped_column(String(200), default=None)
    shadow: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    unlinked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class SyncCursor(Base):
    """The position of one stream: `erp:<ActorType>` (the connector's cursor) or
    `crm:<kind>` (a CRM change position), per connection."""

    __tablename__ = "sync_cursors"

    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id"), primary_key=True)
    stream: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[str | None] = mapped_column(Text, default=None)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class SyncRun(Base):
    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_connection_started", "connection_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id"))
    kind: Mapped[str] = mapped_column(String(20))  # sync | resync_erp | resync_crm | import
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    counts: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    progress: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    lease_token: Mapped[int | None] = mapped_column(BigInteger, default=None)


class SyncLogEntry(Base):
    """One changed field (or one `created` record) of one run (R-SYNC-9)."""

    __tablename__ = "sync_log"
    __table_args__ = (
        Index("ix_sync_log_connection_time", "connection_id", "logged_at"),
        Index("ix_sync_log_record", "crm_kind", "crm_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id"), default=None, index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id"))
    logged_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # to_crm|to_erp|created|conflict|overridden…
    actor_type: Mapped[str | None] = mapped_column(String(20), default=None)
    erp_key: Mapped[str | None] = mapped_column(String(200), default=None)
    crm_kind: Mapped[str | None] = mapped_column(String(10), default=None)
    crm_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    field: Mapped[str | None] = mapped_column(String(120), default=None)
    old_value: Mapped[str | None] = mapped_column(Text, default=None)
    new_value: Mapped[str | None] = mapped_column(Text, default=None)


class Conflict(Base):
    """A field both sides changed to different values, waiting for a choice (R-SYNC-5)."""

    __tablename__ = "sync_conflicts"
    __table_args__ = (
        Index(
            "uq_sync_conflicts_open",
            "link_id",
            "field",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("links.id"))
    field: Mapped[str] = mapped_column(String(120))
    erp_value: Mapped[Any] = mapped_column(Json, default=None, nullable=True)
    crm_value: Mapped[Any] = mapped_column(Json, default=None, nullable=True)
    shadow_value: Mapped[Any] = mapped_column(Json, default=None, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    resolution: Mapped[str | None] = mapped_column(String(20), default=None)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class DeadLetter(Base):
    """A record quarantined with its reason (category `data`, R-SYNC-6)."""

    __tablename__ = "dead_letters"
    __table_args__ = (
        Index(
            "uq_dead_letters_open",
            "connection_id",
            "stream",
            "record_key",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id"))
    stream: Mapped[str] = mapped_column(String(40))
    record_key: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[Any] = mapped_column(Json, default=None, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


OUTBOX_PENDING = "pending"
OUTBOX_DONE = "done"
OUTBOX_FAILED = "failed"
OUTBOX_REVIEW = "review"
OUTBOX_DISCARDED = "discarded"
#: Entries that still stand for "this record is being created": one per record at a time.
OUTBOX_OPEN = text("state IN ('pending', 'review')")


class OutboxEntry(Timestamps, Base):
    """A CRM→ERP create, committed before the ERP call (R-SEM-5); see `sync.outbox`.

    States: `pending` (committed, the ERP may or may not have the actor), `done` (linked),
    `failed` (the ERP refused; nothing created), `review` (undecidable after a crash),
    `discarded` (an administrator dropped it)."""

    __tablename__ = "sync_outbox"
    __table_args__ = (
        Index(
            "uq_sync_outbox_open",
            "connection_id",
            "actor_type",
            "crm_kind",
            "crm_id",
            unique=True,
            sqlite_where=OUTBOX_OPEN,
            postgresql_where=OUTBOX_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    actor_type: Mapped[str] = mapped_column(String(20))
    crm_kind: Mapped[str] = mapped_column(String(10))
    crm_id: Mapped[int] = mapped_column(BigInteger)
    values: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending|done|review
    erp_key: Mapped[str | None] = mapped_column(String(200), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    parent_type: Mapped[str | None] = mapped_column(String(20), default=None)
    parent_key: Mapped[str | None] = mapped_column(String(200), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


DELETE_FLAG = "flag"
DELETE_UNLINK = "unlink"
DELETE_DEACTIVATE = "deactivate"
DELETE_POLICIES = (DELETE_FLAG, DELETE_UNLINK, DELETE_DEACTIVATE)


class SyncPolicy(Base):
    """How the engine treats one connection's ERP deletions (R-SYNC-7).

    `flag`: the link becomes `deleted_in_erp`; `unlink`: it becomes `unlinked` as well;
    `deactivate`: the link is flagged and the CRM record set inactive. Nothing is ever
    deleted in the CRM. A connection without a row uses `flag`."""

    __tablename__ = "sync_policies"
    __table_args__ = (
        CheckConstraint("delete_policy IN ('flag', 'unlink', 'deactivate')", name="delete_policy"),
    )

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    delete_policy: Mapped[str] = mapped_column(String(12), default=DELETE_FLAG)


class Lease(Base):
    """At most one run per connection across all workers; the token fences commits."""

    __tablename__ = "sync_leases"

    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id"), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120), default=None)
    token: Mapped[int] = mapped_column(BigInteger, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
