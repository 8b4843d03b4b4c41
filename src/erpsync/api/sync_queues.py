"""API of the conflict queue (R-SYNC-5) and the dead letters (R-SYNC-6).

Reading follows the connection's scope (outside it: 404); resolving, retrying and
discarding are for administrators. A retry starts a run of kind `retry` on the app's
job runner (202), or answers with the run already going (200).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from erpsync.api.deps import AdminUser, CurrentUser, DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.errors import NotFound
from erpsync.jobs import hosting as jobs
from erpsync.jobs.sync_jobs import start_run
from erpsync.sync import conflicts, deadletters
from erpsync.sync.context import utc_now
from erpsync.sync.schemas import (
    ConflictPage,
    ConflictRead,
    ConflictResolve,
    DeadLetterChoice,
    DeadLetterPage,
    DeadLetterRead,
    Discarded,
    SyncRunRead,
    conflict_read,
)

router = APIRouter(tags=["sync"])
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10**9)]


@router.get("/connections/{connection_id}/conflicts", response_model=ConflictPage)
def list_conflicts(
    connection_id: RecordId,
    user: CurrentUser,
    database: DatabaseDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ConflictPage:
    """Conflicts waiting for a choice, oldest first."""
    with database.read_session() as session:
        connections.get(session, user, connection_id)
        total, found = conflicts.page(session, connection_id, limit, offset)
        items = [conflict_read(item) for item in found]
    return ConflictPage(total=total, limit=limit, offset=offset, items=items)


@router.post(
    "/connections/{connection_id}/conflicts/{conflict_id}/resolve", response_model=ConflictRead
)
def resolve_conflict(
    connection_id: RecordId,
    conflict_id: RecordId,
    data: ConflictResolve,
    admin: AdminUser,
    database: DatabaseDep,
) -> ConflictRead:
    """Keep the ERP value, the CRM value or a typed value; the next run sends it on."""
    with database.session() as session:
        connections.get(session, admin, connection_id)
        resolved = conflicts.resolve(
            session, connection_id, conflict_id, data.choice, utc_now(), data.value, admin.id
        )
        return conflict_read(resolved)


@router.get("/connections/{connection_id}/dead-letters", response_model=DeadLetterPage)
def list_dead_letters(
    connection_id: RecordId,
    user: CurrentUser,
    database: DatabaseDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DeadLetterPage:
    """Open dead letters, newest first; `q` searches stream, record key and reason."""
    with database.read_session() as session:
        connections.get(session, user, connection_id)
        total, rows = deadletters.page(session, connection_id, q, limit, offset)
        items = [DeadLetterRead.model_validate(row) for row in rows]
    return DeadLetterPage(total=total, limit=limit, offset=offset, items=items)


@router.post("/connections/{connection_id}/dead-letters/retry", response_model=SyncRunRead)
def retry_dead_letters(
    connection_id: RecordId,
    data: DeadLetterChoice,
    request: Request,
    response: Response,
    admin: AdminUser,
    database: DatabaseDep,
) -> SyncRunRead:
    """Retry the chosen dead letters (all when `ids` is omitted) in a run."""
    with database.read_session() as session:
        connections.get(session, admin, connection_id)
        ids = deadletters.chosen(session, connection_id, data.ids)
    if not ids:
        raise NotFound("There are no open dead letters to retry.")
    runner = jobs.runner_for(request.app)
    read, started = start_run(database, runner, admin, connection_id, retry=ids)
    if started:
        response.status_code = status.HTTP_202_ACCEPTED
    return read


@router.post("/connections/{connection_id}/dead-letters/discard", response_model=Discarded)
def discard_dead_letters(
    connection_id: RecordId, data: DeadLetterChoice, admin: AdminUser, database: DatabaseDep
) -> Discarded:
    """Close the chosen dead letters (all when `ids` is omitted) without retrying."""
    with database.session() as session:
        connections.get(session, admin, connection_id)
        return Discarded(discarded=deadletters.discard(session, connection_id, data.ids, utc_now()))
