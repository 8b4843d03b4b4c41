"""API of imports from an ERP (R-IMP-1…4, R-UI-1), for administrators.

`POST /connections/{id}/imports` starts the preview as the job `import.run` (202);
`GET /imports/{id}` shows its state, counts and progress (pages poll it);
`GET /imports/{id}/rows` lists the preview's groups (`to_erp=true`: the matched rows whose
CRM values the next sync writes to the ERP, counted in `counts.to_erp_records` and
`counts.to_erp_fields`) and, after the commit, what each row became;
`PATCH /imports/{id}/rows` selects rows and chooses for ambiguous ones; `POST …/commit`,
`…/cancel` and `…/resume` drive the job. Refusals are problems naming the field: 409
while sync is on or the job is not in the state the action needs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from erpsync.api.deps import AdminUser, DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.jobs import hosting as jobs
from erpsync.jobs.import_jobs import submit
from erpsync.sync.context import utc_now
from erpsync.sync.imports import recovery, service
from erpsync.sync.imports.schemas import (
    GroupName,
    ImportCreate,
    ImportRead,
    ImportRowPage,
    ImportRowRead,
    RowsUpdate,
)

router = APIRouter(tags=["imports"])
OutcomeName = Annotated[str | None, Query(max_length=10, pattern="^[a-z_]+$")]


@router.post(
    "/connections/{connection_id}/imports",
    response_model=ImportRead,
    status_code=status.HTTP_202_ACCEPTED,
)
def start_import(
    connection_id: RecordId,
    data: ImportCreate,
    request: Request,
    admin: AdminUser,
    database: DatabaseDep,
) -> ImportRead:
    """Preview an import of the connection's actors: read, classify and store every row."""
    with database.session() as session:
        connection = connections.get(session, admin, connection_id)
        read = ImportRead.model_validate(service.create(session, connection, data, admin.id))
    submit(jobs.runner_for(request.app), read.id)
    return read


@router.get("/connections/{connection_id}/imports", response_model=list[ImportRead])
def list_imports(
    connection_id: RecordId,
    admin: AdminUser,
    database: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[ImportRead]:
    with database.read_session() as session:
        connections.get(session, admin, connection_id)
        found = service.list_jobs(session, connection_id, limit)
        now = utc_now()
        return [recovery.read(session, job, now) for job in found]


@router.get("/imports/{job_id}", response_model=ImportRead)
def get_import(job_id: RecordId, admin: AdminUser, database: DatabaseDep) -> ImportRead:
    with database.read_session() as session:
        return recovery.read(session, service.get(session, job_id), utc_now())


@router.get("/imports/{job_id}/rows", response_model=ImportRowPage)
def import_rows(
    job_id: RecordId,
    admin: AdminUser,
    database: DatabaseDep,
    group: GroupName | None = None,
    outcome: OutcomeName = None,
    to_erp: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> ImportRowPage:
    """The preview's rows of one group, or the rows with one outcome, in import order;
    `to_erp=true`: the matched rows whose CRM values the next sync writes to the ERP
    (each lists them in `erp_writes`)."""
    with database.read_session() as session:
        service.get(session, job_id)
        total, rows = service.rows_page(
            session,
            job_id,
            status=group,
            outcome=outcome,
            to_erp=to_erp,
            limit=limit,
            offset=offset,
        )
        items = [ImportRowRead.model_validate(row) for row in rows]
    return ImportRowPage(total=total, limit=limit, offset=offset, items=items)


@router.patch("/imports/{job_id}/rows", response_model=ImportRead)
def select_rows(
    job_id: RecordId, data: RowsUpdate, admin: AdminUser, database: DatabaseDep
) -> ImportRead:
    """Select or deselect rows or whole groups; choose the record of an ambiguous row."""
    with database.session() as session:
        job = service.update_rows(session, service.get(session, job_id), data)
        return ImportRead.model_validate(job)


@router.post(
    "/imports/{job_id}/commit", response_model=ImportRead, status_code=status.HTTP_202_ACCEPTED
)
def commit_import(
    job_id: RecordId, request: Request, admin: AdminUser, database: DatabaseDep
) -> ImportRead:
    """Import the selected rows (re-checked against the preview) as a job."""
    with database.session() as session:
        job = service.request_commit(session, service.get(session, job_id), utc_now())
        read = ImportRead.model_validate(job)
    submit(jobs.runner_for(request.app), read.id)
    return read


@router.post("/imports/{job_id}/cancel", response_model=ImportRead)
def cancel_import(job_id: RecordId, admin: AdminUser, database: DatabaseDep) -> ImportRead:
    """Stop the job between batches (what is committed stays)."""
    with database.session() as session:
        return ImportRead.model_validate(service.cancel(session, service.get(session, job_id)))


@router.post(
    "/imports/{job_id}/resume", response_model=ImportRead, status_code=status.HTTP_202_ACCEPTED
)
def resume_import(
    job_id: RecordId, request: Request, admin: AdminUser, database: DatabaseDep
) -> ImportRead:
    """Continue a job that stopped (crash or failure) after its last committed row."""
    with database.session() as session:
        job = service.resume(session, service.get(session, job_id), utc_now())
        read = ImportRead.model_validate(job)
    submit(jobs.runner_for(request.app), read.id)
    return read
