"""API of CRM projects: search, create, read, update, soft-delete (R-UI-1)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from erpsync.api.crm_params import (
    DEFAULT_LIMIT,
    CodeFilter,
    CompanyFilter,
    Limit,
    Offset,
    SearchText,
    paged,
)
from erpsync.api.deps import CurrentUser, DatabaseDep, RecordId
from erpsync.crm import service
from erpsync.crm.schemas import Paged, ProjectCreate, ProjectRead, ProjectUpdate

router = APIRouter(prefix="/projects", tags=["projects"])


@router.get("", response_model=Paged[ProjectRead])
def search_projects(
    user: CurrentUser,
    database: DatabaseDep,
    q: SearchText = "",
    company_id: CompanyFilter = None,
    status: CodeFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Paged[ProjectRead]:
    """Live projects whose name or number contains `q`."""
    with database.read_session() as session:
        page = service.search_projects(
            session, q, company_id=company_id, status=status, limit=limit, offset=offset
        )
        return paged(page, ProjectRead.model_validate)


@router.post("", response_model=ProjectRead, status_code=status.HTTP_201_CREATED)
def create_project(data: ProjectCreate, user: CurrentUser, database: DatabaseDep) -> ProjectRead:
    with database.session() as session:
        return ProjectRead.model_validate(service.create_project(session, data))


@router.get("/{project_id}", response_model=ProjectRead)
def get_project(project_id: RecordId, user: CurrentUser, database: DatabaseDep) -> ProjectRead:
    with database.read_session() as session:
        return ProjectRead.model_validate(service.get_project(session, project_id))


@router.patch("/{project_id}", response_model=ProjectRead)
def update_project(
    project_id: RecordId, data: ProjectUpdate, user: CurrentUser, database: DatabaseDep
) -> ProjectRead:
    with database.session() as session:
        return ProjectRead.model_validate(service.update_project(session, project_id, data))


@router.delete("/{project_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_project(project_id: RecordId, user: CurrentUser, database: DatabaseDep) -> Response:
    with database.session() as session:
        service.delete_project(session, project_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
