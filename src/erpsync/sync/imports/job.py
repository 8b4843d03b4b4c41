"""The import job: one plain function, `run(database, keys, job_id)`, that any runner calls
(R-IMP-4, R-SYNC-10): the embedded runner of the server, the CLI inline, a worker.

It opens the connection's connector once (R-SEM-7), loads the mappings of the chosen
actor types (parents first, R-SEM-1) and carries out what the job's state asks for:
`previewing` → read and classify every actor (`preview`), `queued`/`running` → write
the selected rows (`commit`), continuing after the last committed row when it is a
resumed job. An executor claims the job first (once), so a job delivered twice runs
once. Failures end the job as `failed` with the reason; they never escape.

A commit holds the connection's short lease like a sync run (`lease_ttl`, the setting
`ERPSYNC_SYNC_LEASE_SECONDS`): every batch commit renews it and a heartbeat
(`sync.heartbeat`) renews it while the job waits on the connector, so a killed import
is interrupted within a minute (`jobs.recovery` then resumes it) while a live one is
never taken over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from erpsync.connections import hosts
from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.db.base import utcnow
from erpsync.errors import ConfigError, NotFound
from erpsync.sdk.host import ConnectorHost
from erpsync.sync import lease, rules
from erpsync.sync.context import utc_now
from erpsync.sync.crmrows import ListCodes
from erpsync.sync.heartbeat import Heartbeat
from erpsync.sync.imports.models import (
    CANCELLED,
    FAILED,
    PREVIEWING,
    QUEUED,
    RUNNING,
    ImportJob,
)
from erpsync.sync.retry import category_of, message_of

log = logging.getLogger(__name__)
HostFactory = Callable[[str, float], ConnectorHost]
Progress = Callable[[dict[str, Any]], None]
JOBS: Table = ImportJob.__table__  # type: ignore[assignment]


@dataclass
class JobContext:
    """What the preview and the commit of one job share."""

    database: Database
    job_id: int
    connection_id: int
    host: ConnectorHost
    mappings: list[rules.TypeMapping]
    rules: list[str]
    action: str
    codes: ListCodes
    token: int | None = None
    progress: Progress | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    lease_ttl: timedelta = lease.RUN_TTL
    clock: Callable[[], datetime] = utc_now

    def cancelled(self) -> bool:
        with self.database.read_session() as session:
            return bool(
                session.scalar(
                    select(ImportJob.cancel_requested).where(ImportJob.id == self.job_id)
                )
            )

    def report(self, progress: dict[str, Any]) -> None:
        if self.progress is not None:
            self.progress(progress)


def holder(job_id: int) -> str:
    """The lease holder name of an import job (R-SYNC-10: one writer per connection)."""
    return f"import:{job_id}"


def chosen_mappings(
    session: Session, connection_id: int, host: ConnectorHost, actor_types: list[str]
) -> list[rules.TypeMapping]:
    """The mappings of the chosen actor types, parents first; an unmapped one is refused."""
    mapped = {tm.actor_type.value: tm for tm in rules.load(session, connection_id, host)}
    missing = [name for name in actor_types if name not in mapped]
    if missing:
        raise ConfigError(
            f"actor_types: {', '.join(missing)} has no field mapped to the CRM on this "
            "connection; map it first.",
            field="actor_types",
        )
    return [tm for name, tm in mapped.items() if name in actor_types]


def run(
    database: Database,
    keys: Keys,
    job_id: int,
    *,
    host_factory: HostFactory | None = None,
    progress: Progress | None = None,
    lease_ttl: timedelta = lease.RUN_TTL,
    clock: Callable[[], datetime] = utc_now,
) -> str:
    """Carry out a job (preview or commit); returns the state it ended in.

    The connector is the connection's own (`hosts.Endpoint`: installed or remote);
    `host_factory(connector_key, timeout)` replaces it where a test wraps the host.
    A commit holds the lease `lease_ttl` at a time, renewed by batches and a heartbeat."""
    from erpsync.sync.imports import commit, preview

    with database.read_session() as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            raise NotFound(f"No import job with id {job_id}.")
        connection = session.get(Connection, job.connection_id)
        assert connection is not None
        state, token = job.state, job.lease_token
        endpoint = hosts.endpoint(keys, connection)
        actor_types, job_rules, action = list(job.actor_types), list(job.rules), job.action
    if not _claim(database, job_id, state, token):
        return state  # ended, or another executor has it (a job delivered twice)
    host: ConnectorHost | None = None
    beat: Heartbeat | None = None
    try:
        if state != PREVIEWING and token is not None:
            beat = Heartbeat(database, job.connection_id, token, lease_ttl, clock).start()
        if host_factory is None:
            host = endpoint.host()
        else:
            host = host_factory(endpoint.connector_key, endpoint.timeout)
        host.open(str(job.connection_id), endpoint.values)
        with database.read_session() as session:
            codes = ListCodes(session)
            mappings = chosen_mappings(session, job.connection_id, host, actor_types)
        ctx = JobContext(
            database, job_id, job.connection_id, host, mappings, job_rules, action, codes, token
        )
        ctx.progress, ctx.lease_ttl, ctx.clock = progress, lease_ttl, clock
        if state == PREVIEWING:
            return preview.run(ctx)
        return commit.run(ctx)
    except Exception as exc:
        log.warning("import job %s failed: %s", job_id, exc, exc_info=True)
        fail(database, job_id, token, f"{category_of(exc).value}: {message_of(exc)}")
        return FAILED
    finally:
        if beat is not None:
            beat.stop()
        try:
            if host is not None:
                host.close()
        except Exception:
            log.debug("closing the connector failed", exc_info=True)


def _claim(database: Database, job_id: int, state: str, token: int | None) -> bool:
    """Take the job for this executor, once: a preview not started yet, a queued commit."""
    if state == PREVIEWING:
        where = [JOBS.c.state == PREVIEWING, JOBS.c.started_at.is_(None)]
        values: dict[str, Any] = {"started_at": utcnow()}
    elif state == QUEUED:
        where = [JOBS.c.state == QUEUED, JOBS.c.lease_token == token]
        values = {"state": RUNNING}
    else:
        return False
    with database.session() as session:
        done = session.execute(update(JOBS).where(JOBS.c.id == job_id, *where).values(**values))
        return bool(done.rowcount)  # type: ignore[attr-defined]


def finish(database: Database, job_id: int, token: int | None, state: str, **values: Any) -> None:
    """End a job; a job whose lease was taken over (a resumed copy) is left to that copy."""
    with database.session() as session:
        where = [JOBS.c.id == job_id]
        if token is not None:
            where.append(JOBS.c.lease_token == token)
        session.execute(
            update(JOBS).where(*where).values(state=state, finished_at=utcnow(), **values)
        )
        job = session.get(ImportJob, job_id)
        if token is not None and job is not None:
            lease.release(session, job.connection_id, token)


def fail(database: Database, job_id: int, token: int | None, error: str) -> None:
    finish(database, job_id, token, FAILED, error=error)


def cancel(database: Database, job_id: int, token: int | None) -> str:
    finish(database, job_id, token, CANCELLED)
    return CANCELLED
