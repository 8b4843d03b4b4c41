"""The sync engine's jobs: `sync.run` carries out a requested run (R-SYNC-10).

A run is requested (and its lease taken) before the job is enqueued; the job claims it
(queued → running, once) and executes it. A job delivered twice (a broker redelivers
after a worker died, or after its visibility timeout) finds the run claimed and does
nothing: a run is never executed twice at once. A running run renews its short lease
(`ERPSYNC_SYNC_LEASE_SECONDS`, 60 s) at every batch and by a heartbeat; a run whose
worker died keeps it at most that long, then the next run takes it over and resumes
from the stored cursors (a run whose lease was taken over cannot commit: fencing). A `retry`
run first re-applies its dead letters (`sync.deadletters`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.db import Database
from erpsync.jobs.registry import JobArgs, JobEnv, job
from erpsync.sync import deadletters, engine, runs
from erpsync.sync.context import utc_now
from erpsync.sync.models import SyncRun
from erpsync.sync.schemas import SyncRunRead, run_read

if TYPE_CHECKING:
    from erpsync.jobs.runners import Runner

SYNC_RUN = "sync.run"
log = logging.getLogger(__name__)


@job(SYNC_RUN)
def sync_run(env: JobEnv, args: JobArgs) -> dict[str, Any]:
    run_id = int(args["run_id"])
    if not claim(env.database, run_id):
        with env.database.read_session() as session:
            run = session.get(SyncRun, run_id)
            state = None if run is None else run.state
        return {"run_id": run_id, "state": state, "skipped": True}
    since, retried = utc_now(), None
    try:
        retried = deadletters.prepare(env.database, env.keys, run_id)
    except Exception:  # the run itself meets the same failure and records it
        log.warning("preparing the retry of run %s failed", run_id, exc_info=True)
    ttl = timedelta(seconds=env.settings.sync_lease_seconds)
    result = engine.execute(env.database, env.keys, run_id, lease_ttl=ttl)
    if result.state == "succeeded" and retried:
        deadletters.settle(env.database, retried, since)
    return {"run_id": result.run_id, "state": result.state, "counts": result.counts}


def claim(database: Database, run_id: int) -> bool:
    """Move a queued run to running; False when another delivery of the job has it."""
    with database.session() as session:
        done = session.execute(
            update(SyncRun)
            .where(SyncRun.id == run_id, SyncRun.state == "queued")
            .values(state="running", started_at=utc_now())
        )
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def start_run(
    database: Database,
    runner: Runner,
    user: User,
    connection_id: int,
    *,
    dry_run: bool = False,
    resync: str | None = None,
    retry: list[int] | None = None,
) -> tuple[SyncRunRead, bool]:
    """Sync now: request a run (scope and lease checked) and enqueue it; a run already
    going is returned instead, with `False`."""
    with database.session() as session:
        connection = connections.get(session, user, connection_id)
        requested = runs.request(
            session, connection, utc_now(), dry_run=dry_run, resync=resync, user_id=user.id,
            retry=retry,
        )  # fmt: skip
        read = run_read(requested.run)
    if requested.started:
        runner.submit(SYNC_RUN, {"run_id": read.id})
    return read, requested.started
