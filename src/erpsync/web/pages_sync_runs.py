"""Pages of a connection's sync (R-SYNC-1, R-SYNC-5, R-SYNC-6, R-SYNC-9, R-SEM-9, R-UI-2):
the Sync screen's buttons (sync on/off, Sync now, Resync all, resume), the runs, the
sync log (search, filters, paging), the conflict queue and the dead letters.

Every button is a plain form post with the CSRF token that calls one service and comes
back with a flash message; runs go to the app's job runner like the API's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from erpsync.accounts.models import User
from erpsync.api.deps import MAX_ID, DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.crm.service import Page
from erpsync.errors import ErpSyncError
from erpsync.jobs import hosting as jobs
from erpsync.jobs.sync_jobs import start_run
from erpsync.sync import conflicts, deadletters, health, runs
from erpsync.sync.context import utc_now
from erpsync.sync.schemas import conflict_read, run_read
from erpsync.web.pages_auth import Csrf, PageAdmin
from erpsync.web.pages_crm import message, pager
from erpsync.web.templating import flash, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
#: Sync log actions and how the pages name them.
ACTIONS = {
    "to_crm": "ERP → CRM",
    "to_erp": "CRM → ERP",
    "created": "created",
    "conflict": "conflict",
    "resolved": "resolved",
    "overridden": "overridden",
    "deleted": "deleted in the ERP",
    "moved": "moved",
    "deactivated": "deactivated",
    "connected": "connected on the ERP tab",
    "disconnected": "disconnected on the ERP tab",
    "created_in_erp": "created in the ERP",
    "linked": "linked by an import",
    "unlinked": "link removed",
}


def _back(connection_id: int, where: str = "") -> RedirectResponse:
    return RedirectResponse(f"/sync/connections/{connection_id}{where}" if where else "/sync", 303)


def _started(request: Request, admin: User, connection_id: int, **how: Any) -> None:
    """Start a run and say so; a run already going is named instead."""
    try:
        read, started = start_run(
            request.app.state.db, jobs.runner_for(request.app), admin, connection_id, **how
        )
    except ErpSyncError as exc:
        flash(request, exc.message, "error")
        return
    text = "Run {id} started." if started else "Run {id} is already going; it continues."
    flash(request, message(request, text, id=read.id))


@router.post("/sync/connections/{connection_id}/sync-now", dependencies=[Csrf])
def sync_now(request: Request, connection_id: RecordId, admin: PageAdmin) -> Response:
    _started(request, admin, connection_id)
    return _back(connection_id)


@router.post("/sync/connections/{connection_id}/resync", dependencies=[Csrf])
def resync(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    side: Annotated[str, Form()] = "",
) -> Response:
    if side not in ("erp", "crm"):
        flash(request, message(request, "Choose to resync from the ERP or from the CRM."), "error")
    else:
        _started(request, admin, connection_id, resync=side)
    return _back(connection_id)


@router.post("/sync/connections/{connection_id}/sync-enabled", dependencies=[Csrf])
def switch(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    enabled: Annotated[str, Form()] = "",
) -> Response:
    """Sync on or off (R-SYNC-1); separate from Active (R-SEM-6)."""
    on = enabled == "on"
    with database.session() as session:
        connection = connections.get(session, admin, connection_id)
        connection.sync_enabled = on
        connection.updated_by_id = admin.id
        name = connection.name
    text = "Sync of {name} is on." if on else "Sync of {name} is off."
    flash(request, message(request, text, name=name))
    return _back(connection_id)


@router.post("/sync/connections/{connection_id}/resume", dependencies=[Csrf])
def resume(
    request: Request, connection_id: RecordId, admin: PageAdmin, database: DatabaseDep
) -> Response:
    with database.session() as session:
        name = runs.resume(session, connections.get(session, admin, connection_id)).name
    flash(request, message(request, "{name} resumed; the next run checks the cause.", name=name))
    return _back(connection_id)


def _header(database: DatabaseDep, admin: User, connection_id: int) -> dict[str, Any]:
    with database.read_session() as session:
        connection = connections.get(session, admin, connection_id)
        found = health.of(session, connection, utc_now())
        return {"connection": connection, "health": found}


@router.get("/sync/connections/{connection_id}/runs", response_class=HTMLResponse)
def runs_page(
    request: Request, connection_id: RecordId, admin: PageAdmin, database: DatabaseDep
) -> HTMLResponse:
    context = _header(database, admin, connection_id)
    with database.read_session() as session:
        context["runs"] = [run_read(run) for run in runs.list_runs(session, connection_id, 100)]
    return render(request, "sync/runs.html", {**context, "tab": "runs"})


@router.get("/sync/connections/{connection_id}/log", response_class=HTMLResponse)
def log_page(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    q: Annotated[str, Query(max_length=200)] = "",
    run: Annotated[str, Query(max_length=20)] = "",
    record: Annotated[str, Query(max_length=200)] = "",
    field: Annotated[str, Query(max_length=120)] = "",
    action: Annotated[str, Query(max_length=20)] = "",
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> HTMLResponse:
    """The sync log: search, filters by run, record, field and direction, paging."""
    context = _header(database, admin, connection_id)
    run_id = int(run) if run.isdigit() and 0 < int(run) <= MAX_ID else None
    where = runs.LogFilter(run_id, record.strip() or None, field.strip() or None, action or None)
    with database.read_session() as session:
        total, rows = runs.log_page(session, connection_id, q.strip(), PAGE_SIZE, offset, where)
    filters = {"run": run, "record": record, "field": field, "action": action}
    path = f"/sync/connections/{connection_id}/log"
    page = Page[Any](items=rows, total=total, limit=PAGE_SIZE, offset=offset)
    context.update(
        entries=rows, q=q, filters=filters, actions=ACTIONS, tab="log",
        pager=pager(path, q, page, **filters),
    )  # fmt: skip
    return render(request, "sync/log.html", context)


@router.get("/sync/connections/{connection_id}/conflicts", response_class=HTMLResponse)
def conflicts_page(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> HTMLResponse:
    context = _header(database, admin, connection_id)
    with database.read_session() as session:
        total, found = conflicts.page(session, connection_id, PAGE_SIZE, offset)
    items = [conflict_read(item) for item in found]
    page = Page[Any](items=items, total=total, limit=PAGE_SIZE, offset=offset)
    path = f"/sync/connections/{connection_id}/conflicts"
    context.update(items=items, tab="conflicts", pager=pager(path, "", page))
    return render(request, "sync/conflicts.html", context)


@router.post(
    "/sync/connections/{connection_id}/conflicts/{conflict_id}/resolve", dependencies=[Csrf]
)
def resolve_conflict(
    request: Request,
    connection_id: RecordId,
    conflict_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    choice: Annotated[str, Form()] = "",
    value: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    try:
        with database.session() as session:
            connections.get(session, admin, connection_id)
            done = conflicts.resolve(
                session, connection_id, conflict_id, choice, utc_now(), value, admin.id
            )
    except ErpSyncError as exc:
        flash(request, exc.message, "error")
    else:
        text = "Conflict on {record} {field} resolved; the next run sends it on."
        flash(request, message(request, text, record=done.erp_key, field=done.crm_field or ""))
    return _back(connection_id, "/conflicts")


@router.get("/sync/connections/{connection_id}/dead-letters", response_class=HTMLResponse)
def dead_letters_page(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> HTMLResponse:
    context = _header(database, admin, connection_id)
    with database.read_session() as session:
        total, rows = deadletters.page(session, connection_id, q.strip(), PAGE_SIZE, offset)
    page = Page[Any](items=rows, total=total, limit=PAGE_SIZE, offset=offset)
    path = f"/sync/connections/{connection_id}/dead-letters"
    context.update(letters=rows, q=q, tab="dead-letters", pager=pager(path, q, page))
    return render(request, "sync/dead_letters.html", context)


def _ids(raw: str) -> list[int] | None:
    """`all` or one id from a button's value."""
    return None if raw == "all" else [int(raw)] if raw.isdigit() and int(raw) <= MAX_ID else []


@router.post("/sync/connections/{connection_id}/dead-letters/retry", dependencies=[Csrf])
def retry_dead_letters(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    ids: Annotated[str, Form(max_length=30)] = "all",
) -> Response:
    try:
        with database.read_session() as session:
            connections.get(session, admin, connection_id)
            chosen = deadletters.chosen(session, connection_id, _ids(ids))
    except ErpSyncError as exc:
        flash(request, exc.message, "error")
        return _back(connection_id, "/dead-letters")
    if not chosen:
        flash(request, message(request, "There are no open dead letters to retry."), "error")
    else:
        _started(request, admin, connection_id, retry=chosen)
    return _back(connection_id, "/dead-letters")


@router.post("/sync/connections/{connection_id}/dead-letters/discard", dependencies=[Csrf])
def discard_dead_letters(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    ids: Annotated[str, Form(max_length=30)] = "all",
) -> Response:
    try:
        with database.session() as session:
            connections.get(session, admin, connection_id)
            count = deadletters.discard(session, connection_id, _ids(ids), utc_now())
    except ErpSyncError as exc:
        flash(request, exc.message, "error")
    else:
        flash(request, message(request, "{count} dead letter(s) discarded.", count=count))
    return _back(connection_id, "/dead-letters")
