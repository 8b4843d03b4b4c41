"""API of sync runs, the sync log and health (R-SYNC-1, R-SYNC-8, R-SYNC-9, R-SYNC-10,
R-SEM-9, R-UI-1); conflicts and dead letters are in `sync_queues`.

Starting a run is for administrators; reading runs and the log follows the connection's
scope (outside it: 404). A run executes as the job `sync.run` on the app's runner
(threads of this process, or Celery workers with a broker); a second "Sync now" while
one runs answers with the running one (200) instead of a new one (202).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from erpsync.api import sync_queues
from erpsync.api.deps import MAX_ID, AdminUser, CurrentUser, DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.jobs import hosting as jobs
from erpsync.jobs.sync_jobs import start_run
from erpsync.sync import health, runs
from erpsync.sync.context import utc_now
from erpsync.sync.schemas import (
    HealthRead,
    SyncLogPage,
    SyncRunRead,
    health_read,
    log_read,
    run_read,
)

router = APIRouter(tags=["sync"])


@router.post("/connections/{connection_id}/sync", response_model=SyncRunRead)
def sync_now(
    connection_id: RecordId,
    request: Request,
    response: Response,
    admin: AdminUser,
    database: DatabaseDep,
    dry_run: bool = False,
    resync: Literal["erp", "crm"] | None = None,
) -> SyncRunRead:
    """Sync now (or resync all from one side, or a dry run that only plans)."""
    runner = jobs.runner_for(request.app)
    read, started = start_run(
        database, runner, admin, connection_id, dry_run=dry_run, resync=resync
    )
    if started:
        response.status_code = status.HTTP_202_ACCEPTED
    return read


@router.get("/connections/{connection_id}/runs", response_model=list[SyncRunRead])
def list_runs(
    connection_id: RecordId,
    user: CurrentUser,
    database: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[SyncRunRead]:
    with database.read_session() as session:
        connections.get(session, user, connection_id)
        return [run_read(run) for run in runs.list_runs(session, connection_id, limit)]


@router.get("/runs/{run_id}", response_model=SyncRunRead)
def get_run(run_id: RecordId, user: CurrentUser, database: DatabaseDep) -> SyncRunRead:
    with database.read_session() as session:
        run = runs.get(session, run_id)
        connections.get(session, user, run.connection_id)
        return run_read(run)


@router.get("/connections/{connection_id}/log", response_model=SyncLogPage)
def sync_log(
    connection_id: RecordId,
    user: CurrentUser,
    database: DatabaseDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    run: Annotated[int | None, Query(ge=1, le=MAX_ID, description="One run.")] = None,
    record: Annotated[str | None, Query(max_length=200, description="An ERP key.")] = None,
    field: Annotated[str | None, Query(max_length=120, description="A CRM field.")] = None,
    action: Annotated[str | None, Query(max_length=20, description="to_crm, to_erp, …")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> SyncLogPage:
    """The sync log, newest first; `q` searches ERP key, field, values and action; the
    filters keep one run, record, field or action (direction)."""
    where = runs.LogFilter(run, record, field, action)
    with database.read_session() as session:
        connections.get(session, user, connection_id)
        total, rows = runs.log_page(session, connection_id, q, limit, offset, where)
        return SyncLogPage(
            total=total, limit=limit, offset=offset, items=[log_read(row) for row in rows]
        )


@router.get("/connections/{connection_id}/health", response_model=HealthRead)
def connection_health(
    connection_id: RecordId, user: CurrentUser, database: DatabaseDep
) -> HealthRead:
    """ok | lagging | failing | paused, with lag, dead letters and the last run (R-SEM-9)."""
    with database.read_session() as session:
        connection = connections.get(session, user, connection_id)
        return health_read(connection, health.of(session, connection, utc_now()))


@router.post("/connections/{connection_id}/resume", response_model=HealthRead)
def resume(connection_id: RecordId, admin: AdminUser, database: DatabaseDep) -> HealthRead:
    """Clear a pause once its cause is fixed; a cause still there pauses it again."""
    with database.session() as session:
        connection = runs.resume(session, connections.get(session, admin, connection_id))
        return health_read(connection, health.of(session, connection, utc_now()))


router.include_router(sync_queues.router)
