"""Health of a connection's sync (R-SEM-9): `ok`, `lagging`, `failing` or `paused`.

- `paused`: a `config` error or a changed ERP identity stopped the connection
  (`paused_reason`); nothing runs until an administrator resumes it.
- `failing`: the last run failed, or it quarantined records that are still dead letters.
- `lagging`: the oldest change that may not be synced yet is older than three intervals.
  Every change made before the start of the last successful run was read by it, so the
  lag is the time since that start (or since sync was switched on, before any).
- `ok`: none of these. A connection with sync off has no lag and is `ok` unless paused.

The Sync screen shows a banner for the last three; `/metrics` exports the lag and the
dead letters; `erpsync sync status` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erpsync.connections.models import Connection
from erpsync.sync.models import OUTBOX_REVIEW, Conflict, DeadLetter, OutboxEntry, SyncRun

OK, LAGGING, FAILING, PAUSED = "ok", "lagging", "failing", "paused"
STATES = (OK, LAGGING, FAILING, PAUSED)
LAG_INTERVALS = 3


@dataclass(frozen=True, slots=True)
class Health:
    state: str
    reason: str | None
    lag_seconds: float | None
    dead_letters: int
    conflicts: int
    last_run: SyncRun | None
    last_success: SyncRun | None
    outbox_review: int = 0  # CRM→ERP creates waiting for an administrator (R-SEM-5)

    @property
    def alert(self) -> bool:
        return self.state != OK


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite gives naive UTC back
    return moment


def _last(session: Session, connection_id: int, *states: str) -> SyncRun | None:
    stmt = select(SyncRun).where(SyncRun.connection_id == connection_id, SyncRun.dry_run.is_(False))
    if states:
        stmt = stmt.where(SyncRun.state.in_(states))
    return session.scalar(stmt.order_by(SyncRun.id.desc()).limit(1))


def _open_count(session: Session, model: type[DeadLetter] | type[Conflict], cid: int) -> int:
    stmt = select(func.count()).where(model.connection_id == cid, model.resolved_at.is_(None))
    return int(session.scalar(stmt) or 0)


def of(session: Session, connection: Connection, now: datetime) -> Health:
    """The health of one connection now."""
    finished = _last(session, connection.id, "succeeded", "failed")
    success = _last(session, connection.id, "succeeded")
    last = _last(session, connection.id)
    dead = _open_count(session, DeadLetter, connection.id)
    conflicts = _open_count(session, Conflict, connection.id)
    lag = None
    if connection.sync_enabled:
        since = _aware(success.started_at if success else None)
        since = since or _aware(finished.queued_at if finished else None)
        since = since or _aware(last.queued_at if last else None)
        since = since or _aware(connection.updated_at)
        lag = max(0.0, (now - since).total_seconds()) if since else None
    state, reason = OK, None
    if connection.paused_reason:
        state, reason = PAUSED, connection.paused_reason
    elif finished is not None and finished.state == "failed":
        state, reason = FAILING, finished.error
    elif finished is not None and (finished.counts or {}).get("dead_letters") and dead:
        state, reason = FAILING, f"{dead} record(s) are dead letters."
    elif lag is not None and lag > LAG_INTERVALS * connection.sync_interval:
        state, reason = LAGGING, f"Changes may wait for {int(lag // 60)} min."
    review = session.scalar(
        select(func.count()).where(
            OutboxEntry.connection_id == connection.id, OutboxEntry.state == OUTBOX_REVIEW
        )
    )
    return Health(state, reason, lag, dead, conflicts, last, success, int(review or 0))


def of_all(session: Session, connections: list[Connection], now: datetime) -> dict[int, Health]:
    return {connection.id: of(session, connection, now) for connection in connections}
