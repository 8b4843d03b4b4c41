"""What a run leaves behind besides data: sync log rows, conflicts, dead letters, cursors.

Everything here is written in the transaction of the batch it belongs to, in bulk, so
a batch is visible completely or not at all (R-SYNC-2, R-SYNC-9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from erpsync.db import bulk
from erpsync.db.base import utcnow
from erpsync.sync.models import Conflict, DeadLetter, SyncCursor, SyncLogEntry

LOG: Table = SyncLogEntry.__table__  # type: ignore[assignment]
CONFLICTS: Table = Conflict.__table__  # type: ignore[assignment]
DEAD: Table = DeadLetter.__table__  # type: ignore[assignment]
CURSORS: Table = SyncCursor.__table__  # type: ignore[assignment]


def text_of(value: object) -> str | None:
    """A value as the log shows it: None stays empty, checkboxes read true/false."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(slots=True)
class Entries:
    """The log rows, conflicts and dead letters of one batch, written by `write`."""

    log: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    dead: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: Entries) -> None:
        self.log += other.log
        self.conflicts += other.conflicts
        self.dead += other.dead


#: The columns of a log row (`log_row`); a batch adds connection, run and time.
LOG_FIELDS = ["action", "actor_type", "erp_key", "crm_kind", "crm_id"]
LOG_FIELDS += ["field", "old_value", "new_value"]


def log_row(
    action: str,
    actor_type: str,
    erp_key: str,
    crm_kind: str,
    crm_id: int | None,
    field: str | None = None,
    old: object = None,
    new: object = None,
) -> dict[str, Any]:
    return {
        "action": action,
        "actor_type": actor_type,
        "erp_key": erp_key,
        "crm_kind": crm_kind,
        "crm_id": crm_id,
        "field": field,
        "old_value": text_of(old),
        "new_value": text_of(new),
    }


def write(session: Session, connection_id: int, run_id: int | None, entries: Entries) -> None:
    now = utcnow()
    if entries.log:
        rows = [[row.get(name) for name in LOG_FIELDS] for row in entries.log]
        fixed = {"connection_id": connection_id, "run_id": run_id, "logged_at": now}
        bulk.insert_tuples(session, LOG, LOG_FIELDS, rows, fixed)
    _conflicts(session, connection_id, entries.conflicts, now)
    _dead_letters(session, connection_id, entries.dead, now)


def _conflicts(session: Session, connection_id: int, rows: list[dict[str, Any]], now: Any) -> None:
    """Open a conflict once per (link, field): a replay finds it already waiting."""
    if not rows:
        return
    link_ids = sorted({row["link_id"] for row in rows})
    found = session.execute(
        select(CONFLICTS.c.link_id, CONFLICTS.c.field).where(
            CONFLICTS.c.link_id.in_(link_ids), CONFLICTS.c.resolved_at.is_(None)
        )
    ).all()
    open_now: set[tuple[Any, Any]] = {(link_id, name) for link_id, name in found}
    new = []
    for row in rows:
        if (row["link_id"], row["field"]) not in open_now:
            open_now.add((row["link_id"], row["field"]))
            new.append({**row, "connection_id": connection_id, "created_at": now})
    if new:
        session.execute(insert(CONFLICTS), new)


def _dead_letters(
    session: Session, connection_id: int, rows: list[dict[str, Any]], now: Any
) -> None:
    """Quarantine records; one open dead letter per record, counting attempts."""
    if not rows:
        return
    for row in rows:
        existing = session.execute(
            select(DEAD.c.id, DEAD.c.attempts).where(
                DEAD.c.connection_id == connection_id,
                DEAD.c.stream == row["stream"],
                DEAD.c.record_key == row["record_key"],
                DEAD.c.resolved_at.is_(None),
            )
        ).first()
        if existing is None:
            values = {**row, "connection_id": connection_id, "created_at": now}
            session.execute(insert(DEAD).values(**values, last_attempt_at=now, attempts=1))
        else:
            session.execute(
                update(DEAD)
                .where(DEAD.c.id == existing.id)
                .values(
                    reason=row["reason"],
                    category=row["category"],
                    payload=row.get("payload"),
                    attempts=existing.attempts + 1,
                    last_attempt_at=now,
                )
            )


def dead_letter(
    stream: str, record_key: str, category: str, reason: str, payload: Any = None
) -> dict[str, Any]:
    return {
        "stream": stream,
        "record_key": record_key,
        "category": category,
        "reason": reason,
        "payload": payload,
    }


# --- cursors --------------------------------------------------------------------------


def get_cursor(session: Session, connection_id: int, stream: str) -> str | None:
    value = session.scalar(
        select(CURSORS.c.position).where(
            CURSORS.c.connection_id == connection_id, CURSORS.c.stream == stream
        )
    )
    return None if value is None else str(value)


def set_cursor(session: Session, connection_id: int, stream: str, position: str | None) -> None:
    """Store a stream's position; the lease keeps this from racing another run."""
    now = utcnow()
    done = session.execute(
        update(CURSORS)
        .where(CURSORS.c.connection_id == connection_id, CURSORS.c.stream == stream)
        .values(position=position, updated_at=now)
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        session.execute(
            insert(CURSORS).values(
                connection_id=connection_id, stream=stream, position=position, updated_at=now
            )
        )


def cursors(session: Session, connection_id: int) -> Sequence[tuple[str, str | None, Any]]:
    rows = session.execute(
        select(CURSORS.c.stream, CURSORS.c.position, CURSORS.c.updated_at)
        .where(CURSORS.c.connection_id == connection_id)
        .order_by(CURSORS.c.stream)
    ).all()
    return [(stream, position, updated) for stream, position, updated in rows]
