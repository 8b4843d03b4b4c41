"""What the API and CLI show of runs, the sync log, health, conflicts and dead letters
(R-SYNC-5, R-SYNC-6, R-SYNC-9, R-SEM-9, R-UI-1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from erpsync.connections.models import Connection
from erpsync.sync import counts as run_counts
from erpsync.sync.conflicts import OpenConflict
from erpsync.sync.health import Health
from erpsync.sync.models import SyncLogEntry, SyncRun


class SyncRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    connection_id: int
    kind: str
    dry_run: bool
    state: str
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None = None
    counts: dict[str, Any] = Field(
        description="What the run did, per direction; the counts of each direction add up "
        "to what it read (`read`, `crm_read`):\n" + run_counts.describe()
    )
    progress: dict[str, Any]
    error: str | None


class SyncLogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    run_id: int | None
    logged_at: datetime
    action: str
    actor_type: str | None
    erp_key: str | None
    crm_kind: str | None
    crm_id: int | None
    field: str | None
    old_value: str | None
    new_value: str | None


class SyncLogPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[SyncLogRead]


def run_read(run: SyncRun) -> SyncRunRead:
    read = SyncRunRead.model_validate(run)
    duration = (run.progress or {}).get("duration_s")
    read.duration_s = float(duration) if isinstance(duration, int | float) else None
    return read


def log_read(entry: SyncLogEntry) -> SyncLogRead:
    return SyncLogRead.model_validate(entry)


class HealthRead(BaseModel):
    """R-SEM-9: ok | lagging | failing | paused, with what it is based on."""

    state: Literal["ok", "lagging", "failing", "paused"]
    reason: str | None
    lag_seconds: float | None
    dead_letters: int
    conflicts: int
    sync_enabled: bool
    sync_interval: int
    last_run: SyncRunRead | None
    last_success_at: datetime | None


class ConflictRead(BaseModel):
    id: int
    actor_type: str
    erp_key: str
    crm_kind: str
    crm_id: int
    field: str = Field(description="The ERP field.")
    crm_field: str | None
    erp_value: Any
    crm_value: Any
    shadow_value: Any
    created_at: datetime


class ConflictPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ConflictRead]


class ConflictResolve(BaseModel):
    choice: Literal["erp", "crm", "value"]
    value: str | bool | None = Field(
        default=None, description="With choice `value`: the value to keep (a list item code)."
    )


class DeadLetterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    stream: str
    record_key: str
    category: str
    reason: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime


class DeadLetterPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[DeadLetterRead]


class DeadLetterChoice(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(
        default=None, max_length=1000, description="The dead letters; omitted: all open ones."
    )


class Discarded(BaseModel):
    discarded: int


def health_read(connection: Connection, found: Health) -> HealthRead:
    success = found.last_success
    return HealthRead(
        state=found.state,
        reason=found.reason,
        lag_seconds=None if found.lag_seconds is None else round(found.lag_seconds, 1),
        dead_letters=found.dead_letters,
        conflicts=found.conflicts,
        sync_enabled=connection.sync_enabled,
        sync_interval=connection.sync_interval,
        last_run=run_read(found.last_run) if found.last_run else None,
        last_success_at=success.finished_at if success else None,
    )


def conflict_read(item: OpenConflict) -> ConflictRead:
    c = item.conflict
    return ConflictRead(
        id=c.id,
        actor_type=item.actor_type,
        erp_key=item.erp_key,
        crm_kind=item.crm_kind,
        crm_id=item.crm_id,
        field=c.field,
        crm_field=item.crm_field,
        erp_value=c.erp_value,
        crm_value=c.crm_value,
        shadow_value=c.shadow_value,
        created_at=c.created_at,
    )
