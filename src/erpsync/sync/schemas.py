"""What the API and CLI show of runs and the sync log (R-SYNC-9, R-UI-1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

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
    counts: dict[str, Any]
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
