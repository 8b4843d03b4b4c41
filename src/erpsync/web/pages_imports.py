"""The import wizard (R-IMP, R-UI-2), for administrators: choose connection and actor
types → duplicate rules and action → the stored preview (groups, selection, choices for
ambiguous rows) → the run with a progress bar → the summary and what each row became.

Thin: the import service decides everything; the preview and the run are the job
`import.run` on the app's runner. The page's small script (`import-wizard.js`) polls the
API for progress and sends selections, commit, cancel and resume to it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticError

from erpsync.api.deps import DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.errors import ErpSyncError
from erpsync.jobs import hosting as jobs
from erpsync.jobs.import_jobs import submit
from erpsync.sdk.model import ActorType
from erpsync.sync.context import utc_now
from erpsync.sync.imports import recovery, service
from erpsync.sync.imports.models import FINAL_STATES, GROUPS, ImportJob, ImportRow
from erpsync.sync.imports.schemas import ImportCreate
from erpsync.web.pages_auth import Csrf, PageAdmin
from erpsync.web.templating import render

router = APIRouter(include_in_schema=False)
RULES = ("number", "vat", "name", "email", "domain")
ACTIONS = ("merge", "replace", "skip", "add")
SHOWN = 200


def _connections(database: DatabaseDep, admin: Any) -> list[dict[str, Any]]:
    with database.read_session() as session:
        return [
            {"id": c.id, "name": c.name, "sync_enabled": c.sync_enabled, "active": c.active}
            for c in connections.list_visible(session, admin)
        ]


@router.get("/sync/imports", response_class=HTMLResponse)
def imports_page(request: Request, admin: PageAdmin, database: DatabaseDep) -> HTMLResponse:
    """Step 1: the connection and the actor types; below, the recent imports."""
    with database.read_session() as session:
        now = utc_now()
        recent = [recovery.read(session, job, now) for job in service.list_jobs(session, None, 20)]
    context = {
        "connections": _connections(database, admin),
        "names": {c["id"]: c["name"] for c in _connections(database, admin)},
        "types": [t.value for t in ActorType],
        "recent": recent,
    }
    return render(request, "imports/index.html", context)


def _step_two(
    request: Request,
    database: DatabaseDep,
    admin: Any,
    connection_id: int,
    types: list[str],
    error: str | None = None,
    chosen: dict[str, Any] | None = None,
) -> HTMLResponse:
    with database.read_session() as session:
        connection = connections.get(session, admin, connection_id)
        name, sync_on = connection.name, connection.sync_enabled
    context = {
        "connection_id": connection_id,
        "connection_name": name,
        "sync_on": sync_on,
        "types": types,
        "rules": RULES,
        "actions": ACTIONS,
        "error": error,
        "chosen": chosen or {"rules": ["number"], "action": "merge"},
    }
    return render(request, "imports/rules.html", context, 422 if error else 200)


@router.get("/sync/imports/new", response_class=HTMLResponse)
def rules_page(
    request: Request, admin: PageAdmin, database: DatabaseDep, connection: RecordId | None = None
) -> HTMLResponse:
    """Step 2: the duplicate rules in order and the action for matches."""
    types = request.query_params.getlist("types") or ["Customer"]
    if connection is None:
        return RedirectResponse("/sync/imports", status_code=303)  # type: ignore[return-value]
    return _step_two(request, database, admin, connection, types)


@router.post("/sync/imports", dependencies=[Csrf])
async def start_import(
    request: Request,
    admin: PageAdmin,
    database: DatabaseDep,
    connection: int = Form(...),
    action: str = Form("merge"),
) -> Response:
    form = await request.form()
    types = [str(v) for v in form.getlist("types")]
    rules = [str(v) for v in form.getlist("rules")]
    chosen = {"rules": rules, "action": action}
    try:
        data = ImportCreate.model_validate({"actor_types": types, "rules": rules, "action": action})
        with database.session() as session:
            found = connections.get(session, admin, connection)
            job_id = service.create(session, found, data, admin.id).id
    except ErpSyncError as exc:
        return _step_two(request, database, admin, connection, types, exc.message, chosen)
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = f"{where}: {first['msg']}"
        return _step_two(request, database, admin, connection, types, message, chosen)
    submit(jobs.runner_for(request.app), job_id)
    return RedirectResponse(f"/sync/imports/{job_id}", status_code=303)


@router.get("/sync/imports/{job_id}", response_class=HTMLResponse)
def import_page(
    request: Request, job_id: RecordId, admin: PageAdmin, database: DatabaseDep
) -> HTMLResponse:
    """Steps 3–5: the preview, the run with its progress bar, the summary."""
    with database.read_session() as session:
        job: ImportJob = service.get(session, job_id)
        read = recovery.read(session, job, utc_now())
        connection = connections.get(session, admin, job.connection_id)
        groups: dict[str, Any] = {}
        if read.state == "ready":
            for group in GROUPS:
                total, rows = service.rows_page(session, job_id, status=group, limit=SHOWN)
                groups[group] = {"total": total, "rows": rows}
        log_total, log = 0, list[ImportRow]()
        if read.state in FINAL_STATES:
            log_total, log = service.summary_rows(session, job, SHOWN)
    context = {
        "job": read,
        "connection_name": connection.name,
        "sync_on": connection.sync_enabled,
        "groups": groups,
        "log": log,
        "log_total": log_total,
        "shown": SHOWN,
    }
    return render(request, "imports/job.html", context)
