"""Sync log retention (R-SYNC-9): entries older than the retention (default 90 days)
are deleted in transactions of at most 1,000 rows (R-SEM-8), oldest first, so a purge
of millions of rows never holds the database for long and can be stopped at any time.
Runs, conflicts and dead letters are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from erpsync.db import Database
from erpsync.errors import ValidationError
from erpsync.sync.context import utc_now
from erpsync.sync.models import SyncLogEntry

DEFAULT_DAYS = 90
CHUNK = 1000


def cutoff(days: int, now: datetime | None = None) -> datetime:
    if days < 1:
        raise ValidationError(
            f"days: keep the sync log at least 1 day (got {days}).", field="days", value=days
        )
    return (now or utc_now()) - timedelta(days=days)


def count_older(database: Database, before: datetime, connection_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(SyncLogEntry).where(SyncLogEntry.logged_at < before)
    if connection_id is not None:
        stmt = stmt.where(SyncLogEntry.connection_id == connection_id)
    with database.read_session() as session:
        return int(session.scalar(stmt) or 0)


def purge(
    database: Database,
    days: int = DEFAULT_DAYS,
    *,
    connection_id: int | None = None,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Delete log entries older than `days`; returns how many. `progress` gets the
    number deleted after each transaction."""
    before = cutoff(days, now)
    deleted = 0
    while True:
        with database.session() as session:
            stmt = select(SyncLogEntry.id).where(SyncLogEntry.logged_at < before)
            if connection_id is not None:
                stmt = stmt.where(SyncLogEntry.connection_id == connection_id)
            ids = list(session.scalars(stmt.order_by(SyncLogEntry.id).limit(CHUNK)))
            if ids:
                session.execute(delete(SyncLogEntry).where(SyncLogEntry.id.in_(ids)))
        deleted += len(ids)
        if progress is not None and ids:
            progress(len(ids))
        if len(ids) < CHUNK:
            return deleted
