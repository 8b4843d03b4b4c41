"""ORM models of imports (R-IMP): one job per import, one row per actor it read.

A job is previewed first: every actor becomes an `ImportRow` with its group (`new`,
`matched`, `ambiguous`, `skipped`, `invalid`), the rule that matched, the candidates
of an ambiguous one, the reason of a skipped or invalid one and a fingerprint of its
values, so the commit can re-check it (R-SEM-10); a matched row also lists the fields
the next sync will write to the ERP (`erp_writes`, `sync.imports.outbound`). The commit
writes each selected row and stores what it became (`outcome`); `position` is the last
committed row (`seq`), so a resumed job continues after it without duplicates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from erpsync.db.base import Base, BigId, Timestamps, UtcDateTime
from erpsync.sync.models import Json

# Job states.
PREVIEWING = "previewing"
READY = "ready"
QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELLED = "cancelled"
ACTIVE_STATES = (PREVIEWING, QUEUED, RUNNING)
FINAL_STATES = (SUCCEEDED, FAILED, CANCELLED)

# Preview groups.
NEW = "new"
MATCHED = "matched"
AMBIGUOUS = "ambiguous"
SKIPPED = "skipped"
INVALID = "invalid"
GROUPS = (NEW, MATCHED, AMBIGUOUS, SKIPPED, INVALID)

# What a row became.
CREATED = "created"
MERGED = "merged"
REPLACED = "replaced"
ADDED = "added"
LEFT_OUT = "skipped"
CHANGED = "changed"
FAILED_ROW = "failed"
OUTCOMES = (CREATED, MERGED, REPLACED, ADDED, LEFT_OUT, INVALID, CHANGED, FAILED_ROW)

ACTIONS = ("merge", "replace", "skip", "add")


class ImportJob(Timestamps, Base):
    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_connection_created", "connection_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id"))
    actor_types: Mapped[list[str]] = mapped_column(Json, default=list)
    rules: Mapped[list[str]] = mapped_column(Json, default=list)
    action: Mapped[str] = mapped_column(String(10), default="merge")
    state: Mapped[str] = mapped_column(String(12), default=PREVIEWING)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    counts: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    outcomes: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    progress: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    lease_token: Mapped[int | None] = mapped_column(BigInteger, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    previewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    #: per actor type, the cursor after the preview's read and its fields (`stored.Cursor`)
    cursors: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None, nullable=True)


class ImportRow(Base):
    __tablename__ = "import_rows"
    __table_args__ = (
        Index("uq_import_rows_job_seq", "job_id", "seq", unique=True),
        Index("uq_import_rows_job_actor", "job_id", "actor_type", "erp_key", unique=True),
        Index("ix_import_rows_job_status", "job_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(BigInteger)
    actor_type: Mapped[str] = mapped_column(String(20))
    erp_key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str | None] = mapped_column(String(200), default=None)
    status: Mapped[str] = mapped_column(String(10))
    rule: Mapped[str | None] = mapped_column(String(10), default=None)
    crm_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    candidates: Mapped[list[int] | None] = mapped_column(Json, default=None, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    fingerprint: Mapped[str | None] = mapped_column(String(32), default=None)
    #: matched: the fields the next sync writes to the ERP ({field, erp_field, crm, erp})
    erp_writes: Mapped[list[dict[str, Any]] | None] = mapped_column(
        Json, default=None, nullable=True
    )
    erp_fields: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    selected: Mapped[bool] = mapped_column(Boolean, default=False)
    choice: Mapped[int | None] = mapped_column(BigInteger, default=None)  # 0 = a new record
    outcome: Mapped[str | None] = mapped_column(String(10), default=None)
    outcome_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    #: the actor as the preview read it (JSON, `stored.encode`); None: read it again
    erp_read: Mapped[str | None] = mapped_column(Text, default=None)
