"""API of sync runs and the sync log (R-SYNC-1, R-SYNC-8, R-SYNC-9, R-SYNC-10, R-UI-1).

Starting a run is for administrators; reading runs and the log follows the connection's
scope (outside it: 404). A run executes as the job `sync.run` on the app's runner
(threads of this process, or Celery workers with a broker); a second "Sync now" while
one runs answers with the running one (200) instead of a new one (202).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from erpsync.api.deps import AdminUser, CurrentUser, DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.jobs import hosting as jobs
from erpsync.jobs.sync_jobs import start_run
from erpsync.sync import runs
from erpsync.sync.schemas import SyncLogPage, SyncRunRead, log_read, run_read

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
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> SyncLogPage:
    """The sync log, newest first; `q` searches ERP key, field, values and action."""
    with database.read_session() as session:
        connections.get(session, user, connection_id)
        total, rows = runs.log_page(session, connection_id, q, limit, offset)
        return SyncLogPage(
            total=total, limit=limit, offset=offset, items=[log_read(row) for row in rows]
        )
