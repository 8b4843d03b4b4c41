"""Sync runs nobody runs any more (R-SYNC-10): found by their lease, queued again.

A `queued` run holds the lease it was requested with (10 min) until a job claims it; a
`running` one renews its short lease at every batch and by a heartbeat. So a queued run
whose lease ran out was never picked up, and a running one whose lease ran out lost its
process. `recover` gives each one executor again, reusing the request and claim rules:

- a queued run keeps its own token (renewed) and is enqueued again; the claim
  (`queued → running`, once) makes a second delivery harmless;
- a running run is replaced by a new run through `runs.request`, which takes the
  expired lease over with a new fencing token and marks the dead run failed; the new run
  resumes from the stored cursors.

With `orphaned=True` (a server starting with the embedded runner, whose in-memory queue
died with the old process) every queued run counts as lost. A run that cannot be
started again (sync switched off, paused) is marked failed with the reason.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.connections.models import Connection
from erpsync.db import Database
from erpsync.errors import ErpSyncError
from erpsync.sync import lease, runs
from erpsync.sync.models import SyncRun

log = logging.getLogger(__name__)
LOST = "The run stopped renewing its lease (worker gone?) and could not be started again: "


def recover(database: Database, now: datetime, *, orphaned: bool = False) -> list[int]:
    """Runs to enqueue again: queued ones with no executor, replacements of dead ones."""
    with database.read_session() as session:
        ids = list(
            session.scalars(
                select(SyncRun.id).where(SyncRun.state.in_(runs.ACTIVE_STATES)).order_by(SyncRun.id)
            )
        )
    found = []
    for run_id in ids:
        with database.session() as session:
            run = session.get(SyncRun, run_id)
            if run is None or run.state not in runs.ACTIVE_STATES:
                continue
            alive = lease.live(session, run.connection_id, run.lease_token, now)
            if run.state == "queued" and (orphaned or not alive):
                again = _requeue(session, run, now)
            elif run.state == "running" and not alive:
                again = _replace(session, run, now)
            else:
                continue
        if again is not None:
            found.append(again)
    return found


def _requeue(session: Session, run: SyncRun, now: datetime) -> int | None:
    if run.lease_token is not None and lease.renew(
        session, run.connection_id, run.lease_token, now, lease.DEFAULT_TTL
    ):
        return run.id
    return _replace(session, run, now)  # its lease was taken: only a new run can go on


def _replace(session: Session, run: SyncRun, now: datetime) -> int | None:
    connection = session.get(Connection, run.connection_id)
    assert connection is not None
    retry = (run.progress or {}).get("retry") if run.kind == runs.RETRY else None
    try:
        with session.begin_nested():
            requested = runs.request(
                session, connection, now, dry_run=run.dry_run, retry=retry or None
            )
    except ErpSyncError as exc:
        _fail(run, now, LOST + exc.message)
        return None
    if not requested.started:  # a live run of the connection goes on: this one is over
        if requested.run.id != run.id:
            _fail(run, now, "The run stopped renewing its lease; another run took over.")
        return None
    return requested.run.id


def _fail(run: SyncRun, now: datetime, error: str) -> None:
    if run.state in runs.ACTIVE_STATES:
        run.state, run.finished_at, run.error = "failed", now, error
