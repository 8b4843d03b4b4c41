"""One sync run of one connection (R-SYNC-1…9): the passes, the identity check, errors.

`execute(run_id)` opens the connector once for the run (R-SEM-7), checks the ERP's
identity (R-SEM-4), reads each mapped actor type's change stream into the CRM, parents
first (`erp_stream`), then pushes CRM changes per CRM kind (`crm_to_erp`). Failures go
by category (R-SYNC-6): `data` never reaches here (records become dead letters);
`transient` is retried inside the passes and fails the run when retries run out;
`config` pauses the connection and fails the run; anything else fails the run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from erpsync.connections import hosts
from erpsync.connections.hosts import Endpoint
from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.errors import Category, ConfigError, NotFound
from erpsync.mapping.crm_fields import ENTITIES
from erpsync.sdk.host import ConnectorHost
from erpsync.sync import crm_creates, crm_to_erp, erp_stream, lease, policies, rules
from erpsync.sync.context import RunContext, utc_now
from erpsync.sync.crmrows import ListCodes
from erpsync.sync.heartbeat import Heartbeat
from erpsync.sync.models import SyncRun
from erpsync.sync.priority import Outranking
from erpsync.sync.retry import Backoff, category_of, message_of

log = logging.getLogger(__name__)
Progress = Callable[[RunContext, str], None]


@dataclass
class RunResult:
    run_id: int
    state: str
    counts: dict[str, int] = field(default_factory=dict)
    plan: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


@dataclass
class _Job:
    run_id: int
    connection_id: int
    token: int | None
    dry_run: bool
    resync: str | None
    endpoint: Endpoint


def _start(database: Database, keys: Keys, run_id: int, now: datetime) -> _Job:
    with database.session() as session:
        run = session.get(SyncRun, run_id)
        if run is None:
            raise NotFound(f"No sync run with id {run_id}.")
        connection = session.get(Connection, run.connection_id)
        assert connection is not None
        run.state, run.started_at = "running", now
        resync = {"resync_erp": "erp", "resync_crm": "crm"}.get(run.kind)
        return _Job(
            run.id,
            connection.id,
            run.lease_token,
            run.dry_run,
            resync,
            hosts.endpoint(keys, connection),
        )


def check_identity(ctx: RunContext) -> None:
    """R-SEM-4: remember the ERP behind the connection; another one stops everything."""
    found = ctx.backoff.call(ctx.host.instance_id)
    with ctx.database.session() as session:
        connection = session.get(Connection, ctx.connection_id)
        assert connection is not None
        if connection.erp_instance_id is None:
            if not ctx.dry_run:
                connection.erp_instance_id = found
        elif connection.erp_instance_id != found:
            raise ConfigError(
                "The connection now reaches a different ERP database "
                f"(identity {found}, was {connection.erp_instance_id}); nothing was synced. "
                "Point it back at its ERP, or reset the connection's links before resuming."
            )


def _passes(ctx: RunContext, mappings: list[rules.TypeMapping], resync: str | None) -> None:
    for tm in mappings:
        erp_stream.run_type(ctx, tm, resync == "erp")
    crm_creates.reconcile_pending(ctx, mappings)
    for tm in mappings:  # parents first, so a person finds its company's actor
        if tm.erp_create:
            crm_creates.run_type(ctx, tm, mappings, resync == "crm")
    for kind in ENTITIES:
        pushing = [tm for tm in mappings if tm.kind == kind and tm.writes_erp]
        if pushing:
            crm_to_erp.run_kind(ctx, kind, pushing, resync == "crm")


def execute(
    database: Database,
    keys: Keys,
    run_id: int,
    *,
    backoff: Backoff | None = None,
    clock: Callable[[], datetime] = utc_now,
    progress: Progress | None = None,
    host_factory: Callable[[str, float], ConnectorHost] | None = None,
    lease_ttl: timedelta = lease.RUN_TTL,
) -> RunResult:
    """Carry out a requested run; never raises for the run's own failures.

    The connector is the connection's own (`hosts.Endpoint`: installed or remote);
    `host_factory(connector_key, timeout)` replaces it where a test wraps the host.
    While it runs, the run holds its lease for `lease_ttl` at a time, renewed by every
    batch and by a heartbeat (`sync.heartbeat`)."""
    job = _start(database, keys, run_id, clock())
    began = time.monotonic()
    endpoint = job.endpoint
    host: ConnectorHost | None = None
    ctx: RunContext | None = None
    beat: Heartbeat | None = None
    failure: Exception | None = None
    try:
        if job.token is not None:
            beat = Heartbeat(database, job.connection_id, job.token, lease_ttl, clock).start()
        retry = backoff or Backoff()
        # A remote service is asked who it is here: unreachable is transient, retried.
        if host_factory is None:
            host = retry.call(endpoint.host)
        else:
            host = host_factory(endpoint.connector_key, endpoint.timeout)
        opening = host
        retry.call(lambda: opening.open(str(job.connection_id), endpoint.values))
        with database.read_session() as session:
            codes = ListCodes(session)
        ctx = RunContext(database, job.connection_id, job.run_id, job.token, host, codes)
        ctx.dry_run, ctx.backoff, ctx.clock = job.dry_run, retry, clock
        ctx.lease_ttl = lease_ttl
        ctx.progress = _progress_writer(progress)
        check_identity(ctx)
        with database.read_session() as session:
            mappings = rules.load(session, job.connection_id, host)
            ctx.delete_policy = policies.delete_policy(session, job.connection_id)
            ctx.outranking = Outranking.load(session, job.connection_id)
        _passes(ctx, mappings, job.resync)
    except Exception as exc:
        log.warning("sync run %s failed: %s", run_id, exc, exc_info=True)
        failure = exc
    finally:
        if beat is not None:
            beat.stop()  # before the lease is released in `_finish`
        try:
            if host is not None:
                host.close()
        except Exception:
            log.debug("closing the connector failed", exc_info=True)
    return _finish(database, job, ctx, began, clock(), failure)


def _progress_writer(callback: Progress | None) -> Progress:
    """Store progress on the run at most once a second; tell the caller every batch."""
    last = [0.0]

    def report(ctx: RunContext, stage: str) -> None:
        if callback is not None:
            callback(ctx, stage)
        if time.monotonic() - last[0] < 1.0 or ctx.run_id is None:
            return
        last[0] = time.monotonic()
        with ctx.database.session() as session:
            run = session.get(SyncRun, ctx.run_id)
            if run is not None:
                run.progress = {"stage": stage, "counts": dict(ctx.counts)}
                run.counts = dict(ctx.counts)

    return report


def _finish(
    database: Database,
    job: _Job,
    ctx: RunContext | None,
    began: float,
    now: datetime,
    error: BaseException | None,
) -> RunResult:
    counts = dict(ctx.counts) if ctx else {}
    plan = list(ctx.plan) if ctx else []
    state, text = "succeeded", None
    if error is not None:
        state, text = "failed", f"{category_of(error).value}: {message_of(error)}"
    with database.session() as session:
        run = session.get(SyncRun, job.run_id)
        assert run is not None
        run.state, run.finished_at, run.counts, run.error = state, now, counts, text
        run.progress = {
            "stage": "done",
            "duration_s": round(time.monotonic() - began, 3),
            **({"plan": plan, "plan_truncated": len(plan) >= 1000} if job.dry_run else {}),
        }
        if error is not None and category_of(error) is Category.CONFIG:
            connection = session.get(Connection, job.connection_id)
            if connection is not None and not job.dry_run:
                connection.paused_reason = message_of(error)
        if job.token is not None:
            lease.release(session, job.connection_id, job.token)
    return RunResult(job.run_id, state, counts, plan, text)
