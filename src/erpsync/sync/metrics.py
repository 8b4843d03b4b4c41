"""Sync metrics on `/metrics` (R-SEM-9, R-NF-3), read from the database at each scrape.

Runs execute in the server or on Celery workers, so the numbers come from the stored
runs, not from counters of this process: runs by state, records by count (read,
created, updated, …) and failed runs by error category, per connection; and as gauges
the open dead letters and conflicts, the lag and the health of each connection.
Finished runs are added up once (a watermark of run ids), so a scrape reads only the
runs that finished since the last one.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import select

from erpsync.connections.models import Connection
from erpsync.db import Database
from erpsync.sync import health
from erpsync.sync.context import utc_now
from erpsync.sync.models import SyncRun

FINISHED = ("succeeded", "failed")


class SyncCollector(Collector):
    def __init__(self, database: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.clock = clock
        self._lock = threading.Lock()
        self._watermark = 0
        self._runs: dict[tuple[int, str], int] = defaultdict(int)
        self._records: dict[tuple[int, str], int] = defaultdict(int)
        self._errors: dict[tuple[int, str], int] = defaultdict(int)

    def _add_finished(self) -> None:
        """Add the runs finished since the watermark, up to the first one still going."""
        with self.database.read_session() as session:
            rows = session.execute(
                select(SyncRun.id, SyncRun.connection_id, SyncRun.state, SyncRun.counts,
                       SyncRun.error, SyncRun.dry_run)
                .where(SyncRun.id > self._watermark)
                .order_by(SyncRun.id)
            ).all()  # fmt: skip
        for run_id, cid, state, counts, error, dry_run in rows:
            if state not in FINISHED:
                break
            self._watermark = run_id
            self._runs[(cid, state)] += 1
            if state == "failed":
                self._errors[(cid, (error or "system").split(":", 1)[0])] += 1
            if not dry_run:
                for key, value in (counts or {}).items():
                    if isinstance(value, int):
                        self._records[(cid, key)] += value

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            self._add_finished()
            with self.database.read_session() as session:
                found = list(
                    session.scalars(select(Connection).where(Connection.deleted_at.is_(None)))
                )
                healths = health.of_all(session, found, self.clock())
                going = [
                    (cid, state)
                    for cid, state in session.execute(
                        select(SyncRun.connection_id, SyncRun.state).where(
                            SyncRun.state.in_(("queued", "running"))
                        )
                    )
                ]
            names = {c.id: c.name for c in found}
            yield from self._counters(names, going)
            yield from self._gauges(names, healths)

    def _counters(self, names: dict[int, str], going: list[tuple[int, str]]) -> Iterator[Metric]:
        labels = ["connection_id", "connection"]
        runs = CounterMetricFamily(
            "erpsync_sync_runs", "Sync runs finished, by state.", labels=[*labels, "state"]
        )
        for (cid, state), value in sorted(self._runs.items()):
            if cid in names:
                runs.add_metric([str(cid), names[cid], state], value)
        records = CounterMetricFamily(
            "erpsync_sync_records",
            "Records of finished runs: read, created, updated, unchanged, conflicts, …",
            labels=[*labels, "count"],
        )
        for (cid, key), value in sorted(self._records.items()):
            if cid in names:
                records.add_metric([str(cid), names[cid], key], value)
        errors = CounterMetricFamily(
            "erpsync_sync_errors", "Failed runs, by error category.", labels=[*labels, "category"]
        )
        for (cid, category), value in sorted(self._errors.items()):
            if cid in names:
                errors.add_metric([str(cid), names[cid], category], value)
        active = GaugeMetricFamily(
            "erpsync_sync_runs_active", "Runs queued or running now.", labels=labels
        )
        counted: dict[int, int] = defaultdict(int)
        for cid, _ in going:
            counted[cid] += 1
        for cid, name in sorted(names.items()):
            active.add_metric([str(cid), name], counted[cid])
        yield from (runs, records, errors, active)

    def _gauges(self, names: dict[int, str], healths: dict[int, health.Health]) -> Iterator[Metric]:
        labels = ["connection_id", "connection"]
        lag = GaugeMetricFamily(
            "erpsync_connection_lag_seconds",
            "Age of the oldest change that may not be synced yet (sync on only).",
            labels=labels,
        )
        dead = GaugeMetricFamily("erpsync_dead_letters", "Open dead letters.", labels=labels)
        conflicts = GaugeMetricFamily(
            "erpsync_sync_conflicts", "Conflicts waiting for a choice.", labels=labels
        )
        state = GaugeMetricFamily(
            "erpsync_connection_health",
            "1 for the connection's health state (ok, lagging, failing, paused).",
            labels=[*labels, "state"],
        )
        for cid, found in sorted(healths.items()):
            values = [str(cid), names[cid]]
            if found.lag_seconds is not None:
                lag.add_metric(values, found.lag_seconds)
            dead.add_metric(values, found.dead_letters)
            conflicts.add_metric(values, found.conflicts)
            for name in health.STATES:
                state.add_metric([*values, name], 1.0 if found.state == name else 0.0)
        yield from (lag, dead, conflicts, state)
