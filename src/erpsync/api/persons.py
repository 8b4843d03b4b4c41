"""API of CRM persons: search, create, read, update, soft-delete (R-UI-1)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from erpsync.api.crm_params import DEFAULT_LIMIT, CompanyFilter, Limit, Offset, SearchText, paged
from erpsync.api.deps import CurrentUser, DatabaseDep, RecordId
from erpsync.crm import service
from erpsync.crm.schemas import Paged, PersonCreate, PersonRead, PersonUpdate

router = APIRouter(prefix="/persons", tags=["persons"])


@router.get("", response_model=Paged[PersonRead])
def search_persons(
    user: CurrentUser,
    database: DatabaseDep,
    q: SearchText = "",
    company_id: CompanyFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Paged[PersonRead]:
    """Live persons whose first name, last name or email contains `q`."""
    with database.read_session() as session:
        page = service.search_persons(session, q, company_id=company_id, limit=limit, offset=offset)
        return paged(page, PersonRead.model_validate)


@router.post("", response_model=PersonRead, status_code=status.HTTP_201_CREATED)
def create_person(data: PersonCreate, user: CurrentUser, database: DatabaseDep) -> PersonRead:
    with database.session() as session:
        return PersonRead.model_validate(service.create_person(session, data))


@router.get("/{person_id}", response_model=PersonRead)
def get_person(person_id: RecordId, user: CurrentUser, database: DatabaseDep) -> PersonRead:
    with database.read_session() as session:
        return PersonRead.model_validate(service.get_person(session, person_id))


@router.patch("/{person_id}", response_model=PersonRead)
def update_person(
    person_id: RecordId, data: PersonUpdate, user: CurrentUser, database: DatabaseDep
) -> PersonRead:
    """Change the given fields; a new `company_id` moves the person."""
    with database.session() as session:
        return PersonRead.model_validate(service.update_person(session, person_id, data))


@router.delete("/{person_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_person(person_id: RecordId, user: CurrentUser, database: DatabaseDep) -> Response:
    with database.session() as session:
        service.delete_person(session, person_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
