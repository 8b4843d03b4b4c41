"""API of sync runs and the sync log (R-SYNC-1, R-SYNC-8, R-SYNC-9, R-SYNC-10, R-UI-1).

Starting a run is for administrators; reading runs and the log follows the connection's
scope (outside it: 404). A run executes on the server's embedded runner (threads of
this process); a second "Sync now" while one runs answers with the running one (200)
instead of a new one (202).
"""

from __future__ import annotations

import threading
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from erpsync.api.connections import KeysDep
from erpsync.api.deps import AdminUser, CurrentUser, DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.sync import runs
from erpsync.sync.context import utc_now
from erpsync.sync.runner import EmbeddedRunner, Runner
from erpsync.sync.schemas import SyncLogPage, SyncRunRead, log_read, run_read

router = APIRouter(tags=["sync"])
_runner_lock = threading.Lock()


def runner_of(request: Request, database: Database, keys: Keys) -> Runner:
    """The app's runner, made on first use (tests or a worker set may put another)."""
    with _runner_lock:
        runner: Runner | None = getattr(request.app.state, "sync_runner", None)
        if runner is None:
            runner = EmbeddedRunner(database, keys)
            request.app.state.sync_runner = runner
        return runner


@router.post("/connections/{connection_id}/sync", response_model=SyncRunRead)
def sync_now(
    connection_id: RecordId,
    request: Request,
    response: Response,
    admin: AdminUser,
    database: DatabaseDep,
    keys: KeysDep,
    dry_run: bool = False,
    resync: Literal["erp", "crm"] | None = None,
) -> SyncRunRead:
    """Sync now (or resync all from one side, or a dry run that only plans)."""
    with database.session() as session:
        connection = connections.get(session, admin, connection_id)
        requested = runs.request(
            session, connection, utc_now(), dry_run=dry_run, resync=resync, user_id=admin.id
        )
        read = run_read(requested.run)
    if requested.started:
        runner_of(request, database, keys).submit(read.id)
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
