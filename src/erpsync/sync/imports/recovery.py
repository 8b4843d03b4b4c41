"""Imports nobody runs any more (R-IMP-4, R-SYNC-10): `interrupted` tells the page and
the API, `recover` makes them queued again so a job runner continues them.

A commit holds the connection's short lease and renews it while alive, so a `queued` or
`running` job whose lease ran out (or was taken over) has lost its executor: the
process was killed or the server restarted before it ran. `recover` resumes such a job
through `service.resume` (a new fencing token; the job continues after its last
committed row). With `orphaned=True` — a server starting with the embedded runner, whose
queue died with the old process — every queued job and every started preview counts as
lost too. A live job is never taken over.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.db import Database
from erpsync.errors import ErpSyncError
from erpsync.sync import lease
from erpsync.sync.imports import service
from erpsync.sync.imports.models import PREVIEWING, QUEUED, RUNNING, ImportJob
from erpsync.sync.imports.schemas import ImportRead

log = logging.getLogger(__name__)


def interrupted(session: Session, job: ImportJob, now: datetime) -> bool:
    """A queued or running commit whose executor stopped renewing its lease."""
    if job.state not in (QUEUED, RUNNING):
        return False
    return not lease.live(session, job.connection_id, job.lease_token, now)


def read(session: Session, job: ImportJob, now: datetime) -> ImportRead:
    """The job as the API and the pages show it, `interrupted` included."""
    shown = ImportRead.model_validate(job)
    shown.interrupted = interrupted(session, job, now)
    return shown


def recover(database: Database, now: datetime, *, orphaned: bool = False) -> list[int]:
    """Queue again the jobs whose executor is gone; returns their ids (to be enqueued)."""
    states = (PREVIEWING, QUEUED, RUNNING) if orphaned else (QUEUED, RUNNING)
    with database.read_session() as session:
        ids = list(
            session.scalars(
                select(ImportJob.id).where(ImportJob.state.in_(states)).order_by(ImportJob.id)
            )
        )
    found = []
    for job_id in ids:
        try:
            with database.session() as session:
                job = session.get(ImportJob, job_id)
                if job is None or not _lost(session, job, now, orphaned):
                    continue
                service.resume(session, job, now)
            found.append(job_id)
        except ErpSyncError as exc:  # sync switched on, the connection busy: left as it is
            log.info("import job %s was not resumed: %s", job_id, exc)
    return found


def _lost(session: Session, job: ImportJob, now: datetime, orphaned: bool) -> bool:
    if job.state == PREVIEWING:
        return orphaned  # a preview keeps no lease: only a restart tells it is lost
    if job.state == QUEUED and orphaned:
        return True
    return interrupted(session, job, now)
