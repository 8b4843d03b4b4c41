"""API of CRM companies: search, create, read, update, soft-delete (R-UI-1)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from erpsync.api.crm_params import DEFAULT_LIMIT, CodeFilter, Limit, Offset, SearchText, paged
from erpsync.api.deps import CurrentUser, DatabaseDep, RecordId
from erpsync.crm import service
from erpsync.crm.schemas import CompanyCreate, CompanyRead, CompanyUpdate, Paged

router = APIRouter(prefix="/companies", tags=["companies"])


@router.get("", response_model=Paged[CompanyRead])
def search_companies(
    user: CurrentUser,
    database: DatabaseDep,
    q: SearchText = "",
    category: CodeFilter = None,
    country: CodeFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Paged[CompanyRead]:
    """Live companies whose name, number, org no, email or city contains `q`."""
    with database.read_session() as session:
        page = service.search_companies(
            session, q, category=category, country=country, limit=limit, offset=offset
        )
        return paged(page, CompanyRead.model_validate)


@router.post("", response_model=CompanyRead, status_code=status.HTTP_201_CREATED)
def create_company(data: CompanyCreate, user: CurrentUser, database: DatabaseDep) -> CompanyRead:
    with database.session() as session:
        return CompanyRead.model_validate(service.create_company(session, data))


@router.get("/{company_id}", response_model=CompanyRead)
def get_company(company_id: RecordId, user: CurrentUser, database: DatabaseDep) -> CompanyRead:
    with database.read_session() as session:
        return CompanyRead.model_validate(service.get_company(session, company_id))


@router.patch("/{company_id}", response_model=CompanyRead)
def update_company(
    company_id: RecordId, data: CompanyUpdate, user: CurrentUser, database: DatabaseDep
) -> CompanyRead:
    """Change the given fields; null clears an optional field."""
    with database.session() as session:
        return CompanyRead.model_validate(service.update_company(session, company_id, data))


@router.delete("/{company_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_company(company_id: RecordId, user: CurrentUser, database: DatabaseDep) -> Response:
    """Soft-delete the company and its persons; it answers 404 from then on."""
    with database.session() as session:
        service.delete_company(session, company_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
