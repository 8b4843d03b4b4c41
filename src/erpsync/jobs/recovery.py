"""Jobs that lost their executor are enqueued again (R-SYNC-10, R-IMP-4).

Called by the scheduler at every tick (embedded or `erpsync scheduler`) and, with the
embedded runner, once when the server starts (`orphaned=True`: the old process's queue is
gone, so every queued job is lost). Sync runs (`sync.recovery`) resume from their
cursors, imports (`sync.imports.recovery`) after their last committed row. Each lost job
is enqueued at most once per call, and the claim and lease rules keep a job from ever
running twice at once: a live one, renewing its lease, is never touched.
"""

from __future__ import annotations

import logging
from datetime import datetime

from erpsync.db import Database
from erpsync.jobs.import_jobs import IMPORT_RUN
from erpsync.jobs.runners import Runner
from erpsync.jobs.sync_jobs import SYNC_RUN
from erpsync.sync import recovery as run_recovery
from erpsync.sync.imports import recovery as import_recovery

log = logging.getLogger(__name__)


def recover(
    database: Database, runner: Runner, now: datetime, *, orphaned: bool = False
) -> dict[str, list[int]]:
    """Enqueue the lost sync runs and imports again; returns the ids per job name."""
    found = {
        SYNC_RUN: run_recovery.recover(database, now, orphaned=orphaned),
        IMPORT_RUN: import_recovery.recover(database, now, orphaned=orphaned),
    }
    for name, ids in found.items():
        key = "run_id" if name == SYNC_RUN else "job_id"
        for job_id in ids:
            log.warning("re-enqueued %s %s=%s: nobody was running it", name, key, job_id)
            runner.submit(name, {key: job_id})
    return found
