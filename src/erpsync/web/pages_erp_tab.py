"""The ERP tab on company, person and project pages (R-TAB-1…4, R-UI-2), and its
dialogs: search the ERP and connect (with the side-by-side comparison), create in ERP,
disconnect.

Thin: the linking service decides scope, rights, values and errors; this module reads
forms and renders. Every page works without JavaScript (plain forms and links).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticError

from erpsync.accounts.models import User
from erpsync.api.connections import KeysDep
from erpsync.api.deps import DatabaseDep, RecordId
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.errors import ErpSyncError, NotFound, PermissionDenied, ValidationError
from erpsync.linking import connect, create, search, tab
from erpsync.linking.schemas import ConnectIn, CreateIn, RestrictionIn, SearchIn
from erpsync.linking.target import LinkTarget, live_record
from erpsync.mapping.crm_fields import COMPANY, PERSON, PROJECT
from erpsync.web.pages_auth import Csrf, PageUser
from erpsync.web.pages_crm import FormData, message
from erpsync.web.templating import flash, render

router = APIRouter(include_in_schema=False)

KINDS = {"companies": COMPANY, "persons": PERSON, "projects": PROJECT}
KIND_LABELS = {COMPANY: "Company", PERSON: "Person", PROJECT: "Project"}
Kind = Literal["companies", "persons", "projects"]
BASE = "/{kind}/{record_id}/erp/{connection_id}"
RESTRICTION_ROWS = 3
#: Errors a dialog shows in place; 404 and 403 become the error page.
SHOWN = (ValidationError, ErpSyncError)


@dataclass
class TabPage:
    """What every ERP page of a record is asked for: the record, connection and user."""

    request: Request
    kind: Kind
    record_id: int
    connection_id: int
    user: User
    database: Database
    keys: Keys

    @property
    def entity(self) -> str:
        return KINDS[self.kind]

    @property
    def link(self) -> LinkTarget:
        """What Connect, Create in ERP and Disconnect act on."""
        return LinkTarget(*self.record)

    @property
    def record(self) -> tuple[Database, Keys, User, str, int, int]:
        """The first arguments of every linking service call for this record and connection."""
        return (
            self.database,
            self.keys,
            self.user,
            self.entity,
            self.record_id,
            self.connection_id,
        )

    @property
    def tab_url(self) -> str:
        return f"/{self.kind}/{self.record_id}/erp/{self.connection_id}"


def _tab_page(
    request: Request,
    kind: Kind,
    record_id: RecordId,
    connection_id: RecordId,
    user: PageUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> TabPage:
    return TabPage(request, kind, record_id, connection_id, user, database, keys)


TabPageDep = Annotated[TabPage, Depends(_tab_page)]


def _context(page: TabPage) -> dict[str, Any]:
    """What every ERP page of a record shows: the record's heading and its tab strip."""
    entity = page.entity
    with page.database.read_session() as session:
        record = live_record(session, entity, page.record_id)
        tabs = tab.connections(session, page.user, entity)
    if entity == PERSON:
        title = f"{getattr(record, 'first_name', '')} {getattr(record, 'last_name', '')}".strip()
    else:
        title = str(getattr(record, "name", ""))
    return {
        "kind": page.kind,
        "kind_label": KIND_LABELS[entity],
        "title": title,
        "record_url": f"/{page.kind}/{page.record_id}",
        "tab_url": page.tab_url,
        "erp_tabs": tabs,
        "tab": f"erp-{page.connection_id}",
    }


def _back_to_tab(page: TabPage, text: str) -> Response:
    """Flash the outcome and go back to the ERP tab."""
    flash(page.request, text)
    return RedirectResponse(page.tab_url, status_code=303)


@router.get(BASE, response_class=HTMLResponse)
def erp_tab_page(page: TabPageDep) -> HTMLResponse:
    found = tab.tab(*page.record)
    context = _context(page)
    context["erp"] = found
    return render(page.request, "erp/tab.html", context)


def _restrictions(request: Request) -> tuple[list[RestrictionIn], list[dict[str, str]]]:
    rows: list[dict[str, str]] = []
    found: list[RestrictionIn] = []
    for i in range(RESTRICTION_ROWS):
        row = {
            name: request.query_params.get(f"r{i}_{name}", "").strip()
            for name in ("field", "operator", "value")
        }
        rows.append(row)
        if row["field"] and row["operator"]:
            values = [v.strip() for v in row["value"].split(";") if v.strip()]
            found.append(
                RestrictionIn.model_validate(
                    {"field": row["field"], "operator": row["operator"], "values": values}
                )
            )
    return found, rows


@router.get(BASE + "/connect", response_class=HTMLResponse)
def search_page(page: TabPageDep, actor_type: str = "", q: str = "") -> HTMLResponse:
    request = page.request
    context = _context(page)
    context.update(actor_type=actor_type, q=q, result=None, error=None, searched=False)
    context["rows"] = [{"field": "", "operator": "", "value": ""}] * RESTRICTION_ROWS
    try:
        restrictions, rows = _restrictions(request)
        context["rows"] = rows
        query = SearchIn(actor_type=actor_type, text=q, restrictions=restrictions)
        searching = bool(q.strip() or restrictions or "go" in request.query_params)
        context["result"] = search.search(*page.record, query, describe_only=not searching)
        context["searched"] = searching
    except (NotFound, PermissionDenied):
        raise
    except PydanticError as exc:
        context["error"] = "; ".join(str(e["msg"]) for e in exc.errors())
    except SHOWN as exc:
        context["error"] = exc.message
    return render(request, "erp/search.html", context, 422 if context["error"] else 200)


def _compare_context(page: TabPage, actor_type: str, erp_key: str) -> dict[str, Any]:
    context = _context(page)
    context["compare"] = connect.compare(page.link, actor_type, erp_key)
    return context


@router.get(BASE + "/compare", response_class=HTMLResponse)
def compare_page(page: TabPageDep, actor_type: str, erp_key: str) -> HTMLResponse:
    context = _compare_context(page, actor_type, erp_key)
    context.update(error=None, chosen={})
    return render(page.request, "erp/compare.html", context)


@router.post(BASE + "/compare", dependencies=[Csrf])
def connect_submit(page: TabPageDep, form: FormData) -> Response:
    choices = {k[2:]: v for k, v in form.items() if k.startswith("c_") and v in ("erp", "crm")}
    data = ConnectIn.model_validate(
        {
            "actor_type": form.get("actor_type", ""),
            "erp_key": form.get("erp_key", ""),
            "choices": choices,
        }
    )
    try:
        connect.connect(page.link, data)
    except (NotFound, PermissionDenied):
        raise
    except SHOWN as exc:
        context = _compare_context(page, data.actor_type, data.erp_key)
        context.update(error=exc.message, chosen=choices)
        return render(page.request, "erp/compare.html", context, status=422)
    text = message(
        page.request, "Connected to {actor} {key}.", actor=data.actor_type, key=data.erp_key
    )
    return _back_to_tab(page, text)


def _create_context(page: TabPage, actor_type: str) -> dict[str, Any]:
    context = _context(page)
    context["form"] = create.create_form(page.link, actor_type)
    context.update(values={}, errors={}, error=None)
    return context


@router.get(BASE + "/create", response_class=HTMLResponse)
def create_page(page: TabPageDep, actor_type: str) -> HTMLResponse:
    return render(page.request, "erp/create.html", _create_context(page, actor_type))


@router.post(BASE + "/create", dependencies=[Csrf])
def create_submit(page: TabPageDep, form: FormData) -> Response:
    actor_type = form.get("actor_type", "")
    values = {k[2:]: v for k, v in form.items() if k.startswith("v_")}
    try:
        data = CreateIn(actor_type=actor_type, values=values)
        created = create.create(page.link, data)
    except (NotFound, PermissionDenied):
        raise
    except SHOWN as exc:
        context = _create_context(page, actor_type)
        field = (exc.field or "").removeprefix("values.")
        context.update(values=values, error=exc.message)
        context["errors"] = {field: exc.message.split(": ", 1)[-1]} if field else {}
        return render(page.request, "erp/create.html", context, status=422)
    text = message(
        page.request,
        "Created {actor} {key} in the ERP and linked it.",
        actor=actor_type,
        key=created.erp_key,
    )
    return _back_to_tab(page, text)


@router.post(BASE + "/disconnect", dependencies=[Csrf])
def disconnect_submit(page: TabPageDep, form: FormData) -> Response:
    actor_type = form.get("actor_type", "")
    connect.disconnect(page.link, actor_type)
    text = message(page.request, "Disconnected; both records stay.")
    return _back_to_tab(page, text)
