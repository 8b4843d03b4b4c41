"""The ERP tab on company, person and project pages (R-TAB-1…4, R-UI-2), and its
dialogs: search the ERP and connect (with the side-by-side comparison), create in ERP,
disconnect.

Thin: the linking service decides scope, rights, values and errors; this module reads
forms and renders. Every page works without JavaScript (plain forms and links).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticError

from erpsync.api.connections import KeysDep
from erpsync.api.deps import DatabaseDep, RecordId
from erpsync.errors import ErpSyncError, NotFound, PermissionDenied, ValidationError
from erpsync.linking import connect, create, search, tab
from erpsync.linking.schemas import ConnectIn, CreateIn, RestrictionIn, SearchIn
from erpsync.linking.target import live_record
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


def _context(
    request: Request, database: DatabaseDep, user: Any, kind: Kind, record_id: int, cid: int
) -> dict[str, Any]:
    """What every ERP page of a record shows: the record's heading and its tab strip."""
    entity = KINDS[kind]
    with database.read_session() as session:
        record = live_record(session, entity, record_id)
        tabs = tab.connections(session, user, entity)
    if entity == PERSON:
        title = f"{getattr(record, 'first_name', '')} {getattr(record, 'last_name', '')}".strip()
    else:
        title = str(getattr(record, "name", ""))
    return {
        "kind": kind,
        "kind_label": KIND_LABELS[entity],
        "title": title,
        "record_url": f"/{kind}/{record_id}",
        "tab_url": f"/{kind}/{record_id}/erp/{cid}",
        "erp_tabs": tabs,
        "tab": f"erp-{cid}",
    }


def _tab_url(kind: str, record_id: int, cid: int) -> str:
    return f"/{kind}/{record_id}/erp/{cid}"


@router.get(BASE, response_class=HTMLResponse)
def erp_tab_page(
    request: Request,
    kind: Kind,
    record_id: RecordId,
    connection_id: RecordId,
    user: PageUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> HTMLResponse:
    found = tab.tab(database, keys, user, KINDS[kind], record_id, connection_id)
    context = _context(request, database, user, kind, record_id, connection_id)
    context["erp"] = found
    return render(request, "erp/tab.html", context)


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
def search_page(
    request: Request,
    kind: Kind,
    record_id: RecordId,
    connection_id: RecordId,
    user: PageUser,
    database: DatabaseDep,
    keys: KeysDep,
    actor_type: str = "",
    q: str = "",
) -> HTMLResponse:
    context = _context(request, database, user, kind, record_id, connection_id)
    context.update(actor_type=actor_type, q=q, result=None, error=None, searched=False)
    context["rows"] = [{"field": "", "operator": "", "value": ""}] * RESTRICTION_ROWS
    try:
        restrictions, rows = _restrictions(request)
        context["rows"] = rows
        query = SearchIn(actor_type=actor_type, text=q, restrictions=restrictions)
        searching = bool(q.strip() or restrictions or "go" in request.query_params)
        context["result"] = search.search(
            database,
            keys,
            user,
            KINDS[kind],
            record_id,
            connection_id,
            query,
            describe_only=not searching,
        )
        context["searched"] = searching
    except (NotFound, PermissionDenied):
        raise
    except PydanticError as exc:
        context["error"] = "; ".join(str(e["msg"]) for e in exc.errors())
    except SHOWN as exc:
        context["error"] = exc.message
    return render(request, "erp/search.html", context, 422 if context["error"] else 200)


@router.get(BASE + "/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    kind: Kind,
    record_id: RecordId,
    connection_id: RecordId,
    user: PageUser,
    database: DatabaseDep,
    keys: KeysDep,
    actor_type: str,
    erp_key: str,
) -> HTMLResponse:
    context = _context(request, database, user, kind, record_id, connection_id)
    compared = connect.compare(
        database, keys, user, KINDS[kind], record_id, connection_id, actor_type, erp_key
    )
    context.update(compare=compared, error=None, chosen={})
    return render(request, "erp/compare.html", context)


@router.post(BASE + "/compare", dependencies=[Csrf])
def connect_submit(
    request: Request,
    kind: Kind,
    record_id: RecordId,
    connection_id: RecordId,
    user: PageUser,
    database: DatabaseDep,
    keys: KeysDep,
    form: FormData,
) -> Response:
    choices = {k[2:]: v for k, v in form.items() if k.startswith("c_") and v in ("erp", "crm")}
    data = ConnectIn.model_validate(
        {
            "actor_type": form.get("actor_type", ""),
            "erp_key": form.get("erp_key", ""),
            "choices": choices,
        }
    )
    try:
        connect.connect(database, keys, user, KINDS[kind], record_id, connection_id, data)
    except (NotFound, PermissionDenied):
        raise
    except SHOWN as exc:
        context = _context(request, database, user, kind, record_id, connection_id)
        compared = connect.compare(
            database,
            keys,
            user,
            KINDS[kind],
            record_id,
            connection_id,
            data.actor_type,
            data.erp_key,
        )
        context.update(compare=compared, error=exc.message, chosen=choices)
        return render(request, "erp/compare.html", context, status=422)
    flash(
        request,
        message(request, "Connected to {actor} {key}.", actor=data.actor_type, key=data.erp_key),
    )
    return RedirectResponse(_tab_url(kind, record_id, connection_id), status_code=303)


def _create_context(
    request: Request,
    database: DatabaseDep,
    user: Any,
    keys: KeysDep,
    kind: Kind,
    record_id: int,
    connection_id: int,
    actor_type: str,
) -> dict[str, Any]:
    context = _context(request, database, user, kind, record_id, connection_id)
    context["form"] = create.create_form(
        database, keys, user, KINDS[kind], record_id, connection_id, actor_type
    )
    context.update(values={}, errors={}, error=None)
    return context


@router.get(BASE + "/create", response_class=HTMLResponse)
def create_page(
    request: Request,
    kind: Kind,
    record_id: RecordId,
    connection_id: RecordId,
    user: PageUser,
    database: DatabaseDep,
    keys: KeysDep,
    actor_type: str,
) -> HTMLResponse:
    context = _create_context(
        request, database, user, keys, kind, record_id, connection_id, actor_type
    )
    return render(request, "erp/create.html", context)


@router.post(BASE + "/create", dependencies=[Csrf])
def create_submit(
    request: Request,
    kind: Kind,
    record_id: RecordId,
    connection_id: RecordId,
    user: PageUser,
    database: DatabaseDep,
    keys: KeysDep,
    form: FormData,
) -> Response:
    actor_type = form.get("actor_type", "")
    values = {k[2:]: v for k, v in form.items() if k.startswith("v_")}
    try:
        data = CreateIn(actor_type=actor_type, values=values)
        created = create.create(database, keys, user, KINDS[kind], record_id, connection_id, data)
    except (NotFound, PermissionDenied):
        raise
    except SHOWN as exc:
        context = _create_context(
            request, database, user, keys, kind, record_id, connection_id, actor_type
        )
        field = (exc.field or "").removeprefix("values.")
        context.update(values=values, error=exc.message)
        context["errors"] = {field: exc.message.split(": ", 1)[-1]} if field else {}
        return render(request, "erp/create.html", context, status=422)
    flash(
        request,
        message(
            request,
            "Created {actor} {key} in the ERP and linked it.",
            actor=actor_type,
            key=created.erp_key,
        ),
    )
    return RedirectResponse(_tab_url(kind, record_id, connection_id), status_code=303)


@router.post(BASE + "/disconnect", dependencies=[Csrf])
def disconnect_submit(
    request: Request,
    kind: Kind,
    record_id: RecordId,
    connection_id: RecordId,
    user: PageUser,
    database: DatabaseDep,
    form: FormData,
) -> Response:
    actor_type = form.get("actor_type", "")
    connect.disconnect(database, user, KINDS[kind], record_id, connection_id, actor_type)
    flash(request, message(request, "Disconnected; both records stay."))
    return RedirectResponse(_tab_url(kind, record_id, connection_id), status_code=303)
