"""Pages of CRM projects: list with search and paging, detail with tabs, new, edit, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from erpsync.api.deps import MAX_ID, DatabaseDep, RecordId
from erpsync.crm import service
from erpsync.crm.models import LIST_PROJECT_STATUS
from erpsync.crm.schemas import ProjectCreate, ProjectRead, ProjectUpdate
from erpsync.crm.service import MAX_OFFSET
from erpsync.linking import tab as erp_tab
from erpsync.mapping.crm_fields import PROJECT
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


def _fields(database: DatabaseDep, values: dict[str, str]) -> list[FormField]:
    with database.read_session() as session:
        statuses = list_options(session, LIST_PROJECT_STATUS, values.get("status", ""))
        companies = [(str(id_), name) for id_, name in service.company_choices(session)]
    return [
        FormField("name", "Name", required=True),
        FormField("number", "Number"),
        FormField("status", "Status", "select", options=statuses),
        FormField("company_id", "Company", "select", options=companies),
        FormField("active", "Active", "checkbox"),
    ]


def _form_page(
    request: Request,
    database: DatabaseDep,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    project_id: int | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "fields": _fields(database, values),
        "values": values,
        "errors": errors or {},
        "heading": "Edit project" if project_id else "New project",
        "action": f"/projects/{project_id}/edit" if project_id else "/projects/new",
        "cancel_url": f"/projects/{project_id}" if project_id else "/projects",
    }
    return render(request, "crm/form.html", context, status=422 if errors else 200)


@router.get("/projects", response_class=HTMLResponse)
def projects_page(
    request: Request,
    user: PageUser,
    database: DatabaseDep,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    with database.read_session() as session:
        page = service.search_projects(session, q, limit=PAGE_SIZE, offset=offset)
    context = {"projects": page.items, "q": q, "pager": pager("/projects", q, page)}
    return render(request, "crm/projects.html", context)


@router.get("/projects/new", response_class=HTMLResponse)
def new_project_page(
    request: Request,
    user: PageUser,
    database: DatabaseDep,
    company_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    values = {"active": "on", "company_id": str(company_id or "")}
    return _form_page(request, database, values)


@router.post("/projects/new", dependencies=[Csrf])
def create_project(
    request: Request, user: PageUser, database: DatabaseDep, form: FormData
) -> Response:
    try:
        data = ProjectCreate.model_validate(form_values(form, _fields(database, form)))
        with database.session() as session:
            project_id = service.create_project(session, data).id
    except FORM_ERRORS as exc:
        return _form_page(request, database, form, field_errors(request, exc, form))
    flash(request, message(request, "Project saved."))
    return RedirectResponse(f"/projects/{project_id}", status_code=303)


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project_page(
    request: Request, project_id: RecordId, user: PageUser, database: DatabaseDep
) -> HTMLResponse:
    with database.read_session() as session:
        project = service.get_project(session, project_id)
        erp_tabs = erp_tab.connections(session, user, PROJECT)
    context = {"project": project, "tab": "details", "erp_tabs": erp_tabs}
    return render(request, "crm/project.html", context)


@router.get("/projects/{project_id}/edit", response_class=HTMLResponse)
def edit_project_page(
    request: Request, project_id: RecordId, user: PageUser, database: DatabaseDep
) -> HTMLResponse:
    with database.read_session() as session:
        project = ProjectRead.model_validate(service.get_project(session, project_id))
    return _form_page(request, database, record_values(project.model_dump()), None, project_id)


@router.post("/projects/{project_id}/edit", dependencies=[Csrf])
def update_project(
    request: Request, project_id: RecordId, user: PageUser, database: DatabaseDep, form: FormData
) -> Response:
    try:
        data = ProjectUpdate.model_validate(form_values(form, _fields(database, form)))
        with database.session() as session:
            service.update_project(session, project_id, data)
    except FORM_ERRORS as exc:
        errors = field_errors(request, exc, form)
        return _form_page(request, database, form, errors, project_id)
    flash(request, message(request, "Project saved."))
    return RedirectResponse(f"/projects/{project_id}", status_code=303)


@router.post("/projects/{project_id}/delete", dependencies=[Csrf])
def delete_project(
    request: Request, project_id: RecordId, user: PageUser, database: DatabaseDep
) -> Response:
    with database.session() as session:
        service.delete_project(session, project_id)
    flash(request, message(request, "Project deleted."))
    return RedirectResponse("/projects", status_code=303)
