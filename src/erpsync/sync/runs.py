"""Sync runs as records: requesting one (with the lease), reading runs, the log, cursors.

`request` takes the connection's lease in the same transaction that creates the run,
so two "Sync now" at once make one run: the second gets the running one back
(R-SYNC-10). A lease whose holder stopped renewing it expires and is taken over; the
old run is marked failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from erpsync.connections.models import Connection
from erpsync.errors import ConfigError, Conflict, NotFound, ValidationError
from erpsync.sync import journal, lease
from erpsync.sync.models import SyncLogEntry, SyncRun

ACTIVE_STATES = ("queued", "running")
KINDS = {None: "sync", "erp": "resync_erp", "crm": "resync_crm"}
RETRY = "retry"


@dataclass(frozen=True, slots=True)
class Requested:
    run: SyncRun
    started: bool  # False: a run of this connection was already going; this is it


def kind_for(resync: str | None) -> str:
    if resync not in KINDS:
        raise ValidationError("resync: choose 'erp' or 'crm'.", field="resync", value=resync)
    return KINDS[resync]


def request(
    session: Session,
    connection: Connection,
    now: datetime,
    *,
    dry_run: bool = False,
    resync: str | None = None,
    user_id: int | None = None,
    retry: list[int] | None = None,
    ttl: timedelta = lease.DEFAULT_TTL,
) -> Requested:
    """A new queued run holding the lease, or the run that holds it now.

    `retry`: dead letters to retry first (kind `retry`, see `sync.deadletters`).
    `ttl`: how long the lease is held until the run starts and renews it itself."""
    kind = kind_for(resync) if not retry else RETRY
    if connection.deleted_at is not None:
        raise NotFound(f"No connection with id {connection.id}.")
    if connection.paused_reason:
        raise ConfigError(
            f"The connection '{connection.name}' is paused: {connection.paused_reason} "
            "Fix the cause, then resume it.",
        )
    if not connection.sync_enabled and not dry_run:
        raise ConfigError(f"Sync is off for the connection '{connection.name}'; switch it on.")
    taken = lease.take(session, connection.id, "run:new", now, ttl)
    if taken.token is None:
        running = _run_of(session, taken.holder) or latest_active(session, connection.id)
        if running is None:
            raise Conflict("Another run of this connection is starting; try again in a moment.")
        return Requested(running, False)
    if taken.holder:
        _fail_stale(session, taken.holder, now)
    run = SyncRun(
        connection_id=connection.id,
        kind=kind,
        dry_run=dry_run,
        state="queued",
        requested_by_id=user_id,
        queued_at=now,
        lease_token=taken.token,
        progress={"retry": list(retry)} if retry else {},
    )
    session.add(run)
    session.flush()
    session.execute(
        update(lease.LEASES)
        .where(lease.LEASES.c.connection_id == connection.id)
        .values(holder=f"run:{run.id}")
    )
    return Requested(run, True)


def _run_of(session: Session, holder: str | None) -> SyncRun | None:
    if not holder or not holder.startswith("run:") or not holder[4:].isdigit():
        return None
    return session.get(SyncRun, int(holder[4:]))


def _fail_stale(session: Session, holder: str, now: datetime) -> None:
    stale = _run_of(session, holder)
    if stale is not None and stale.state in ACTIVE_STATES:
        stale.state = "failed"
        stale.finished_at = now
        stale.error = "The run stopped renewing its lease (worker gone?); a new run took over."


def latest_active(session: Session, connection_id: int) -> SyncRun | None:
    return session.scalar(
        select(SyncRun)
        .where(SyncRun.connection_id == connection_id, SyncRun.state.in_(ACTIVE_STATES))
        .order_by(SyncRun.id.desc())
        .limit(1)
    )


def get(session: Session, run_id: int) -> SyncRun:
    run = session.get(SyncRun, run_id)
    if run is None:
        raise NotFound(f"No sync run with id {run_id}.")
    return run


def list_runs(session: Session, connection_id: int, limit: int = 20) -> list[SyncRun]:
    return list(
        session.scalars(
            select(SyncRun)
            .where(SyncRun.connection_id == connection_id)
            .order_by(SyncRun.id.desc())
            .limit(limit)
        )
    )


def last_run(session: Session, connection_id: int) -> SyncRun | None:
    found = list_runs(session, connection_id, 1)
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class LogFilter:
    """Narrowing of the sync log: a run, a record (ERP key), a field, an action."""

    run_id: int | None = None
    record: str | None = None
    field: str | None = None
    action: str | None = None


def log_page(
    session: Session,
    connection_id: int,
    q: str | None,
    limit: int,
    offset: int,
    where: LogFilter | None = None,
) -> tuple[int, list[SyncLogEntry]]:
    """The connection's sync log, newest first; `q` searches key, field and values;
    `where` keeps the entries of one run, record, field or action (direction)."""
    if not 1 <= limit <= 500 or offset < 0:
        raise ValidationError("limit: 1 to 500; offset: 0 or more.", field="limit")
    stmt = select(SyncLogEntry).where(SyncLogEntry.connection_id == connection_id)
    if where is not None:
        exact = {
            SyncLogEntry.run_id: where.run_id,
            SyncLogEntry.erp_key: where.record,
            SyncLogEntry.field: where.field,
            SyncLogEntry.action: where.action,
        }
        stmt = stmt.where(*(column == value for column, value in exact.items() if value))
    if q:
        pattern = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(
                *(
                    func.lower(column).like(pattern)
                    for column in (
                        SyncLogEntry.erp_key,
                        SyncLogEntry.field,
                        SyncLogEntry.old_value,
                        SyncLogEntry.new_value,
                        SyncLogEntry.action,
                    )
                )
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(SyncLogEntry.id.desc()).limit(limit).offset(offset)).all()
    return int(total), list(rows)


def reset(
    session: Session, connection_id: int, stream: str | None = None, to_start: bool = True
) -> list[str]:
    """Move cursors back to the start so the next run re-reads (R-SEM-9); the shadows
    make re-reading harmless. Returns the streams reset."""
    if not to_start:
        raise ValidationError("Only --to-start is supported for now.", field="to_start")
    names = [name for name, _, _ in journal.cursors(session, connection_id)]
    if stream is not None:
        if stream not in names:
            known = ", ".join(names) or "none yet"
            raise NotFound(f"No stream '{stream}' for this connection (streams: {known}).")
        names = [stream]
    for name in names:
        journal.set_cursor(session, connection_id, name, None)
    return names


def resume(session: Session, connection: Connection) -> Connection:
    """Clear a pause (R-SYNC-6, R-SEM-4) after the cause was fixed; a cause still there
    pauses the connection again at the next run."""
    connection.paused_reason = None
    session.flush()
    return connection
