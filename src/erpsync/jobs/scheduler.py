"""The scheduler: enqueues a sync run for every connection whose interval has passed
(R-SYNC-1, R-SYNC-10).

`tick` finds the due connections (sync on, not paused, no run going, the last run
requested at least one interval ago) and requests a run for each through `runs.request`,
which takes the connection's lease: two schedulers, or a scheduler and a **Sync now**,
never start two runs of one connection. In the server the scheduler is a thread
(`SchedulerThread`); with Celery it is the `erpsync scheduler` process. The thread also
enqueues the sync log purge once a day (`purge_jobs.DailyPurge`, R-SYNC-9). Each tick
first enqueues again the jobs that lost their executor (`jobs.recovery`, R-IMP-4).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from erpsync.connections.models import Connection
from erpsync.db import Database
from erpsync.errors import ErpSyncError
from erpsync.jobs import recovery
from erpsync.jobs.purge_jobs import DailyPurge
from erpsync.jobs.runners import Runner
from erpsync.jobs.sync_jobs import SYNC_RUN
from erpsync.sync import runs
from erpsync.sync.models import SyncRun

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite gives naive UTC back
    return moment


def due(database: Database, now: datetime) -> list[int]:
    """Connections whose next scheduled run is due, oldest last run first."""
    last = (
        select(SyncRun.connection_id, func.max(SyncRun.queued_at).label("last"))
        .where(SyncRun.dry_run.is_(False))
        .group_by(SyncRun.connection_id)
        .subquery()
    )
    with database.read_session() as session:
        rows = session.execute(
            select(Connection.id, Connection.sync_interval, last.c.last)
            .outerjoin(last, last.c.connection_id == Connection.id)
            .where(
                Connection.sync_enabled.is_(True),
                Connection.deleted_at.is_(None),
                Connection.paused_reason.is_(None),
            )
        ).all()
    found = []
    for connection_id, interval, previous in rows:
        previous = _aware(previous)
        if previous is None or previous + timedelta(seconds=interval) <= now:
            found.append((previous or datetime.min.replace(tzinfo=UTC), connection_id))
    return [connection_id for _, connection_id in sorted(found)]


def tick(database: Database, runner: Runner, now: datetime) -> list[int]:
    """Re-enqueue lost jobs, then request and enqueue the due runs; returns the ids of
    the due runs started."""
    try:
        recovery.recover(database, runner, now)
    except Exception:  # the due runs still go out
        log.exception("looking for lost jobs failed")
    started = []
    for connection_id in due(database, now):
        try:
            with database.session() as session:
                connection = session.get(Connection, connection_id)
                if connection is None:
                    continue
                requested = runs.request(session, connection, now)
                run_id, is_new = requested.run.id, requested.started
        except ErpSyncError as exc:  # paused or switched off meanwhile
            log.info("scheduled run of connection %s not started: %s", connection_id, exc)
            continue
        if is_new:
            runner.submit(SYNC_RUN, {"run_id": run_id})
            started.append(run_id)
    return started


class SchedulerThread:
    """Calls `tick` every `period` seconds until stopped (the embedded scheduler)."""

    def __init__(
        self, database: Database, runner: Runner, period: float = 10.0, clock: Clock = _utc_now
    ) -> None:
        self.database = database
        self.runner = runner
        self.period = period
        self.clock = clock
        self.purge = DailyPurge()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="erpsync-scheduler", daemon=True)

    def start(self) -> SchedulerThread:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                tick(self.database, self.runner, self.clock())
                self.purge.tick(self.runner, self.clock())
            except Exception:  # a database hiccup must not end scheduling
                log.exception("the scheduler's tick failed")
            self._stop.wait(self.period)
