"""Pages of CRM companies: list with search and paging, detail with tabs, new, edit, delete.

The detail page extends `crm/record.html`, whose `tabs` block is where the ERP tab joins
the "Details" tab.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from erpsync.api.deps import DatabaseDep, RecordId
from erpsync.crm import service
from erpsync.crm.models import LIST_BUSINESS, LIST_CATEGORY, LIST_COUNTRY, LIST_CURRENCY
from erpsync.crm.schemas import CompanyCreate, CompanyRead, CompanyUpdate
from erpsync.crm.service import MAX_OFFSET
from erpsync.linking import tab as erp_tab
from erpsync.mapping.crm_fields import COMPANY
from erpsync.web.pages_auth import Csrf, PageUser
from erpsync.web.pages_crm import (
    FORM_ERRORS,
    PAGE_SIZE,
    FormData,
    FormField,
    field_errors,
    form_values,
    list_options,
    message,
    pager,
    record_values,
)
from erpsync.web.templating import flash, render

router = APIRouter(include_in_schema=False)

TEXT_FIELDS = [
    FormField("name", "Name", required=True),
    FormField("number", "Number"),
    FormField("org_no", "Org. no."),
    FormField("phone", "Phone", "tel"),
    FormField("email", "Email", "email"),
    FormField("web", "Web"),
    FormField("street", "Street"),
    FormField("zip", "Zip code"),
    FormField("city", "City"),
]
LIST_FIELDS = {
    "country": (LIST_COUNTRY, "Country"),
    "currency": (LIST_CURRENCY, "Currency"),
    "category": (LIST_CATEGORY, "Category"),
    "business": (LIST_BUSINESS, "Business"),
}


def _fields(database: DatabaseDep, values: dict[str, str]) -> list[FormField]:
    with database.read_session() as session:
        selects = [
            FormField(
                name,
                label,
                "select",
                options=list_options(session, list_name, values.get(name, "")),
            )
            for name, (list_name, label) in LIST_FIELDS.items()
        ]
    return [*TEXT_FIELDS, *selects, FormField("active", "Active", "checkbox")]


def _form_page(
    request: Request,
    database: DatabaseDep,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    company_id: int | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "fields": _fields(database, values),
        "values": values,
        "errors": errors or {},
        "heading": "Edit company" if company_id else "New company",
        "action": f"/companies/{company_id}/edit" if company_id else "/companies/new",
        "cancel_url": f"/companies/{company_id}" if company_id else "/companies",
    }
    return render(request, "crm/form.html", context, status=422 if errors else 200)


@router.get("/companies", response_class=HTMLResponse)
def companies_page(
    request: Request,
    user: PageUser,
    database: DatabaseDep,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    with database.read_session() as session:
        page = service.search_companies(session, q, limit=PAGE_SIZE, offset=offset)
    context = {"companies": page.items, "q": q, "pager": pager("/companies", q, page)}
    return render(request, "crm/companies.html", context)


@router.get("/companies/new", response_class=HTMLResponse)
def new_company_page(request: Request, user: PageUser, database: DatabaseDep) -> HTMLResponse:
    return _form_page(request, database, {"active": "on"})


@router.post("/companies/new", dependencies=[Csrf])
def create_company(
    request: Request, user: PageUser, database: DatabaseDep, form: FormData
) -> Response:
    fields = _fields(database, form)
    try:
        data = CompanyCreate.model_validate(form_values(form, fields))
        with database.session() as session:
            company_id = service.create_company(session, data).id
    except FORM_ERRORS as exc:
        return _form_page(request, database, form, field_errors(request, exc, form))
    flash(request, message(request, "Company saved."))
    return RedirectResponse(f"/companies/{company_id}", status_code=303)


@router.get("/companies/{company_id}", response_class=HTMLResponse)
def company_page(
    request: Request, company_id: RecordId, user: PageUser, database: DatabaseDep
) -> HTMLResponse:
    with database.read_session() as session:
        company = service.get_company(session, company_id)
        persons = service.search_persons(session, company_id=company_id, limit=500).items
        projects = service.search_projects(session, company_id=company_id, limit=500).items
        erp_tabs = erp_tab.connections(session, user, COMPANY)
    context = {
        "company": company,
        "persons": persons,
        "projects": projects,
        "tab": "details",
        "erp_tabs": erp_tabs,
    }
    return render(request, "crm/company.html", context)


@router.get("/companies/{company_id}/edit", response_class=HTMLResponse)
def edit_company_page(
    request: Request, company_id: RecordId, user: PageUser, database: DatabaseDep
) -> HTMLResponse:
    with database.read_session() as session:
        company = CompanyRead.model_validate(service.get_company(session, company_id))
    return _form_page(request, database, record_values(company.model_dump()), None, company_id)


@router.post("/companies/{company_id}/edit", dependencies=[Csrf])
def update_company(
    request: Request, company_id: RecordId, user: PageUser, database: DatabaseDep, form: FormData
) -> Response:
    fields = _fields(database, form)
    try:
        data = CompanyUpdate.model_validate(form_values(form, fields))
        with database.session() as session:
            service.update_company(session, company_id, data)
    except FORM_ERRORS as exc:
        errors = field_errors(request, exc, form)
        return _form_page(request, database, form, errors, company_id)
    flash(request, message(request, "Company saved."))
    return RedirectResponse(f"/companies/{company_id}", status_code=303)


@router.post("/companies/{company_id}/delete", dependencies=[Csrf])
def delete_company(
    request: Request, company_id: RecordId, user: PageUser, database: DatabaseDep
) -> Response:
    with database.session() as session:
        service.delete_company(session, company_id)
    flash(request, message(request, "Company deleted."))
    return RedirectResponse("/companies", status_code=303)
