"""Pages of the Sync screen (R-CONN-1, R-CONN-2, R-UI-2): the list of ERP connections with
their sync health and last run, and the "New ERP connection" dialog, for administrators.
The sync buttons and a connection's runs, log, conflicts and dead letters are in
`pages_sync_runs`.

Reads go through the connections service; the dialog's test and save, and the Active
checkbox, go from `connection-dialog.js` to the API, which enforces every rule (test gate,
unique names, activation checklist). Delete and restore are plain form posts.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, HttpUrl

from erpsync.accounts.models import User
from erpsync.api.connections import KeysDep
from erpsync.api.deps import DatabaseDep, RecordId, check_csrf
from erpsync.api.problems import error_problem
from erpsync.connections import catalog, hosts, remote, service
from erpsync.connections.models import REMOTE_CONNECTOR, Connection
from erpsync.connections.schemas import ConnectionRead
from erpsync.connections.service import Keys
from erpsync.errors import ErpSyncError
from erpsync.sdk.errors import ConnectorError
from erpsync.sync import health
from erpsync.sync.context import utc_now
from erpsync.web import pages_sync_runs
from erpsync.web.i18n import translator
from erpsync.web.mapping_forms import FIX_LINKS
from erpsync.web.pages_auth import Csrf, PageAdmin
from erpsync.web.templating import flash, language_of, render

router = APIRouter(include_in_schema=False)


class RemoteTarget(BaseModel):
    """Where the dialog's remote connector runs; a blank secret on an edit is the stored one."""

    remote_url: HttpUrl | None = None
    remote_secret: str | None = Field(default=None, max_length=500)
    connection_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


def _message(request: Request, text: str, **values: object) -> str:
    return translator(language_of(request))(text, **values)


def _connectors() -> list[dict[str, Any]]:
    return [info.as_dict() for info in catalog.installed()]


def _fields(connector: str) -> tuple[list[dict[str, Any]], str | None]:
    """The connector's configuration fields, or the reason they cannot be read."""
    if connector == REMOTE_CONNECTOR:
        return [], None  # read from the service once its URL and secret are given
    try:
        return [catalog.field_dict(field) for field in catalog.config_fields(connector)], None
    except ErpSyncError as exc:
        return [], exc.message


def _stored_fields(keys: Keys, connection: Connection) -> tuple[list[dict[str, Any]], str | None]:
    """An edited connection's fields; List fields offer the items its ERP lists now."""
    try:
        host = hosts.host_for(keys, connection)
        fields = [catalog.field_dict(field) for field in host.config_fields()]
    except (ErpSyncError, ConnectorError) as exc:
        return [], getattr(exc, "message", None) or getattr(exc, "user_explanation", str(exc))
    wanted = {f["list_name"] for f in fields if f["type"] == "List" and f["list_name"]}
    if wanted:
        try:
            host.open(str(connection.id), service.stored_values(keys, connection))
            try:
                items = {name: host.list_items(name) for name in sorted(wanted)}
            finally:
                host.close()
        except ConnectorError:
            items = {}  # the ERP cannot answer now: the fields stay text inputs
        for field in fields:
            found = items.get(field["list_name"] or "", [])
            field["options"] = [
                {"key": item.id, "name": f"{item.code} – {item.name}"}
                for item in found
                if not item.deleted
            ]
    return fields, None


@router.get("/sync", response_class=HTMLResponse)
def sync_page(request: Request, admin: PageAdmin, database: DatabaseDep) -> HTMLResponse:
    with database.read_session() as session:
        found = service.list_visible(session, admin, include_deleted=True)
        connections = [service.to_read(session, connection) for connection in found]
        live = [connection for connection in found if connection.deleted_at is None]
        healths = health.of_all(session, live, utc_now())
    names = {info["key"]: info["name"] for info in _connectors()}
    names[REMOTE_CONNECTOR] = _message(request, "Remote connector")
    context = {
        "live": [c for c in connections if not c.deleted],
        "deleted": [c for c in connections if c.deleted],
        "connector_names": names,
        "healths": healths,
        "fix_links": FIX_LINKS,
    }
    return render(request, "sync/index.html", context)


def _dialog(
    request: Request,
    connection: ConnectionRead | None,
    stored: tuple[list[dict[str, Any]], str | None] | None = None,
) -> HTMLResponse:
    connectors = [info for info in _connectors() if info.get("load_error") is None]
    chosen = connection.connector if connection else (connectors[0]["key"] if connectors else "")
    fields, fields_error = stored or (_fields(chosen) if chosen else ([], None))
    state = {
        "id": connection.id if connection else None,
        "connector": chosen,
        "config": connection.config if connection else {},
        "scope": connection.scope if connection else "everyone",
        "grants": [g.model_dump() for g in connection.grants] if connection else [],
        "fields": fields,
        "fields_error": fields_error,
        "priority": connection.priority if connection else 1,
        "remote_url": connection.remote_url if connection else None,
        "remote_secret_set": bool(connection and connection.remote_secret),
    }
    context = {
        "connection": connection,
        "connectors": connectors,
        "chosen": chosen,
        "state": state,
        "heading": "Edit ERP connection" if connection else "New ERP connection",
    }
    return render(request, "sync/dialog.html", context)


@router.get("/sync/connections/new", response_class=HTMLResponse)
def new_connection_page(request: Request, admin: PageAdmin) -> HTMLResponse:
    return _dialog(request, None)


@router.get("/sync/connections/{connection_id}/edit", response_class=HTMLResponse)
def edit_connection_page(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    keys: KeysDep,
) -> HTMLResponse:
    with database.read_session() as session:
        found = service.get(session, admin, connection_id)
        connection = service.to_read(session, found)
        stored = _stored_fields(keys, found)
    return _dialog(request, connection, stored)


@router.post("/sync/connections/remote-fields")
def remote_fields(
    request: Request, admin: PageAdmin, database: DatabaseDep, keys: KeysDep, body: RemoteTarget
) -> JSONResponse:
    """The remote service's configuration fields, for the dialog (CSRF header as the API)."""
    check_csrf(request, request.headers.get("X-CSRF-Token"))
    try:
        with database.read_session() as session:
            previous = (
                service.get(session, admin, body.connection_id) if body.connection_id else None
            )
            url, secret = remote.target(keys.box, body.remote_url, body.remote_secret, previous)
            timeout = previous.timeout if previous else catalog.DEFAULT_TIMEOUT
        fields = remote.fields(url, secret, timeout)
    except ErpSyncError as exc:
        return error_problem(exc)  # the dialog's script reads problem details, as from the API
    return JSONResponse([catalog.field_dict(field) for field in fields])


def _name(database: DatabaseDep, admin: User, connection_id: int) -> str:
    with database.read_session() as session:
        return service.get(session, admin, connection_id).name


@router.get("/sync/connections/{connection_id}/saved")
def connection_saved(
    request: Request, connection_id: RecordId, admin: PageAdmin, database: DatabaseDep
) -> Response:
    """Where the dialog goes after its API save: the flash message, then the Sync screen."""
    name = _name(database, admin, connection_id)
    flash(request, _message(request, "ERP connection {name} saved.", name=name))
    return RedirectResponse("/sync", status_code=303)


@router.post("/sync/connections/{connection_id}/delete", dependencies=[Csrf])
def delete_connection(
    request: Request, connection_id: RecordId, admin: PageAdmin, database: DatabaseDep
) -> Response:
    with database.session() as session:
        name = service.delete(session, admin, connection_id).name
    flash(request, _message(request, "ERP connection {name} deleted.", name=name))
    return RedirectResponse("/sync", status_code=303)


@router.post("/sync/connections/{connection_id}/restore", dependencies=[Csrf])
def restore_connection(
    request: Request, connection_id: RecordId, admin: PageAdmin, database: DatabaseDep
) -> Response:
    try:
        with database.session() as session:
            name = service.restore(session, admin, connection_id).name
    except ErpSyncError as exc:
        flash(request, exc.message, "error")
        return RedirectResponse("/sync", status_code=303)
    flash(request, _message(request, "ERP connection {name} restored.", name=name))
    return RedirectResponse("/sync", status_code=303)


router.include_router(pages_sync_runs.router)
