"""The daily purge of the sync log (R-SYNC-9): the job `sync.purge` deletes entries older
than `ERPSYNC_SYNC_LOG_RETENTION_DAYS` (default 90; 0 keeps the log forever), and
`DailyPurge` has the scheduler enqueue it once a day — at its first tick, then a day
after the last one.

The purge runs in transactions of at most 1,000 rows (`sync.retention`), so it never
holds the database for long; running it twice does no harm, which is why a restarted
scheduler may simply purge again at its first tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from erpsync.jobs.registry import JobArgs, JobEnv, job
from erpsync.jobs.runners import Runner
from erpsync.sync import retention

SYNC_PURGE = "sync.purge"
EVERY = timedelta(days=1)


@job(SYNC_PURGE)
def sync_purge(env: JobEnv, args: JobArgs) -> dict[str, Any]:
    days = env.settings.sync_log_retention_days
    if days <= 0:
        return {"days": 0, "deleted": 0, "skipped": True}
    return {"days": days, "deleted": retention.purge(env.database, days)}


@dataclass
class DailyPurge:
    """When the scheduler last enqueued the purge; `tick` enqueues it when a day passed."""

    last: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.last is None or now - self.last >= EVERY

    def tick(self, runner: Runner, now: datetime) -> bool:
        """Enqueue the purge if it is due; True when it was enqueued."""
        if not self.due(now):
            return False
        runner.submit(SYNC_PURGE, {})
        self.last = now
        return True
