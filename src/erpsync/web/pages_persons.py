"""Pages of CRM persons: list with search and paging, detail with tabs, new, edit, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from erpsync.api.deps import MAX_ID, DatabaseDep, RecordId
from erpsync.crm import service
from erpsync.crm.schemas import PersonCreate, PersonRead, PersonUpdate
from erpsync.crm.service import MAX_OFFSET
from erpsync.linking import tab as erp_tab
from erpsync.mapping.crm_fields import PERSON
from erpsync.web.pages_auth import Csrf, PageUser
from erpsync.web.pages_crm import (
    FORM_ERRORS,
    PAGE_SIZE,
    FormData,
    FormField,
    field_errors,
    form_values,
    message,
    pager,
    record_values,
)
from erpsync.web.templating import flash, render

router = APIRouter(include_in_schema=False)

TEXT_FIELDS = [
    FormField("first_name", "First name"),
    FormField("last_name", "Last name"),
    FormField("title", "Title"),
    FormField("email", "Email", "email"),
    FormField("phone", "Phone", "tel"),
    FormField("mobile", "Mobile", "tel"),
]


def _fields(database: DatabaseDep) -> list[FormField]:
    with database.read_session() as session:
        companies = [(str(id_), name) for id_, name in service.company_choices(session)]
    company = FormField("company_id", "Company", "select", required=True, options=companies)
    return [company, *TEXT_FIELDS, FormField("active", "Active", "checkbox")]


def _form_page(
    request: Request,
    database: DatabaseDep,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    person_id: int | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "fields": _fields(database),
        "values": values,
        "errors": errors or {},
        "heading": "Edit person" if person_id else "New person",
        "action": f"/persons/{person_id}/edit" if person_id else "/persons/new",
        "cancel_url": f"/persons/{person_id}" if person_id else "/persons",
    }
    return render(request, "crm/form.html", context, status=422 if errors else 200)


@router.get("/persons", response_class=HTMLResponse)
def persons_page(
    request: Request,
    user: PageUser,
    database: DatabaseDep,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    with database.read_session() as session:
        page = service.search_persons(session, q, limit=PAGE_SIZE, offset=offset)
    context = {"persons": page.items, "q": q, "pager": pager("/persons", q, page)}
    return render(request, "crm/persons.html", context)


@router.get("/persons/new", response_class=HTMLResponse)
def new_person_page(
    request: Request,
    user: PageUser,
    database: DatabaseDep,
    company_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    values = {"active": "on", "company_id": str(company_id or "")}
    return _form_page(request, database, values)


@router.post("/persons/new", dependencies=[Csrf])
def create_person(
    request: Request, user: PageUser, database: DatabaseDep, form: FormData
) -> Response:
    try:
        data = PersonCreate.model_validate(form_values(form, _fields(database)))
        with database.session() as session:
            person_id = service.create_person(session, data).id
    except FORM_ERRORS as exc:
        return _form_page(request, database, form, field_errors(request, exc, form))
    flash(request, message(request, "Person saved."))
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request, person_id: RecordId, user: PageUser, database: DatabaseDep
) -> HTMLResponse:
    with database.read_session() as session:
        person = service.get_person(session, person_id)
        erp_tabs = erp_tab.connections(session, user, PERSON)
    context = {"person": person, "tab": "details", "erp_tabs": erp_tabs}
    return render(request, "crm/person.html", context)


@router.get("/persons/{person_id}/edit", response_class=HTMLResponse)
def edit_person_page(
    request: Request, person_id: RecordId, user: PageUser, database: DatabaseDep
) -> HTMLResponse:
    with database.read_session() as session:
        person = PersonRead.model_validate(service.get_person(session, person_id))
    return _form_page(request, database, record_values(person.model_dump()), None, person_id)


@router.post("/persons/{person_id}/edit", dependencies=[Csrf])
def update_person(
    request: Request, person_id: RecordId, user: PageUser, database: DatabaseDep, form: FormData
) -> Response:
    try:
        data = PersonUpdate.model_validate(form_values(form, _fields(database)))
        with database.session() as session:
            service.update_person(session, person_id, data)
    except FORM_ERRORS as exc:
        errors = field_errors(request, exc, form)
        return _form_page(request, database, form, errors, person_id)
    flash(request, message(request, "Person saved."))
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


@router.post("/persons/{person_id}/delete", dependencies=[Csrf])
def delete_person(
    request: Request, person_id: RecordId, user: PageUser, database: DatabaseDep
) -> Response:
    with database.session() as session:
        company_id = service.delete_person(session, person_id).company_id
    flash(request, message(request, "Person deleted."))
    return RedirectResponse(f"/companies/{company_id}" if company_id else "/persons", 303)
