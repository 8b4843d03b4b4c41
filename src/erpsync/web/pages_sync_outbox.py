"""Pages of a connection's outbox review queue and sync settings (R-SEM-5, R-SYNC-7,
R-SYNC-9, R-UI-2), for administrators, as tabs of the connection's sync pages.

The review page lists the CRM→ERP creates waiting for a decision with their reasons;
each row links the record to an ERP key typed in, creates it again, or discards the
entry. The settings page holds the delete policy (a select) and says how long the sync
log is kept. Every button is a form post with the CSRF token that calls one service and
comes back with a flash message, as on the other sync pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from erpsync.accounts.models import User
from erpsync.api.connections import KeysDep
from erpsync.api.deps import DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.db import Database
from erpsync.errors import ErpSyncError
from erpsync.sync import health, outbox_review, outbox_settle, policies
from erpsync.sync.context import utc_now
from erpsync.sync.models import OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_REVIEW
from erpsync.sync.outbox_schemas import entry_read
from erpsync.web.pages_auth import Csrf, PageAdmin
from erpsync.web.pages_crm import message
from erpsync.web.templating import flash, render

router = APIRouter(include_in_schema=False)
PATH = "/sync/connections/{connection_id}"
SHOWN = 200
#: The states a review page shows, and how it names them.
STATES = {
    OUTBOX_REVIEW: "Waiting for review",
    OUTBOX_PENDING: "Pending",
    OUTBOX_FAILED: "Refused by the ERP",
}
#: Where a CRM record of each kind is shown.
RECORD_PAGES = {"company": "/companies", "person": "/persons", "project": "/projects"}
#: The delete policies, as the settings page names them.
POLICIES = {
    "flag": "Flag the link as deleted in the ERP",
    "unlink": "Unlink the CRM record",
    "deactivate": "Deactivate the CRM record",
}


@dataclass
class OutboxRequest:
    """One button press on a connection's outbox or settings page."""

    request: Request
    connection_id: int
    admin: User
    database: Database

    def settle(self, act: Callable[[], str], where: str) -> Response:
        """Run `act`; flash its message, or the error naming what is wrong; back to `where`."""
        try:
            text = act()
        except ErpSyncError as exc:
            flash(self.request, exc.message, "error")
        else:
            flash(self.request, text)
        return RedirectResponse(f"/sync/connections/{self.connection_id}/{where}", status_code=303)

    def message(self, text: str, **values: object) -> str:
        """`text` in the language of the request."""
        return message(self.request, text, **values)


def outbox_request(
    request: Request, connection_id: RecordId, admin: PageAdmin, database: DatabaseDep
) -> OutboxRequest:
    return OutboxRequest(request, connection_id, admin, database)


OutboxRequestDep = Annotated[OutboxRequest, Depends(outbox_request)]


def _page(database: DatabaseDep, admin: PageAdmin, connection_id: int) -> dict[str, Any]:
    with database.read_session() as session:
        connection = connections.get(session, admin, connection_id)
        return {"connection": connection, "health": health.of(session, connection, utc_now())}


@router.get(PATH + "/outbox", response_class=HTMLResponse)
def outbox_page(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    state: Annotated[str, Query(max_length=20)] = OUTBOX_REVIEW,
) -> HTMLResponse:
    context = _page(database, admin, connection_id)
    shown = state if state in STATES else OUTBOX_REVIEW
    with database.read_session() as session:
        total, found = outbox_review.list_entries(session, connection_id, shown, SHOWN)
        entries = [entry_read(entry).model_dump() for entry in found]
    context.update(entries=entries, total=total, state=shown, states=STATES, tab="outbox")
    context["record_pages"] = RECORD_PAGES
    return render(request, "sync/outbox.html", context)


@router.post(PATH + "/outbox/{entry_id}/link", dependencies=[Csrf])
def link_entry(
    press: OutboxRequestDep,
    entry_id: RecordId,
    keys: KeysDep,
    erp_key: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    def act() -> str:
        done = outbox_settle.link(
            press.database, keys, press.admin, press.connection_id, entry_id, erp_key
        )
        return press.message("Entry {id} linked to {key}.", id=entry_id, key=done.erp_key)

    return press.settle(act, "outbox")


@router.post(PATH + "/outbox/{entry_id}/retry", dependencies=[Csrf])
def retry_entry(press: OutboxRequestDep, entry_id: RecordId, keys: KeysDep) -> Response:
    def act() -> str:
        done = outbox_settle.retry(press.database, keys, press.admin, press.connection_id, entry_id)
        text = "Entry {id} created in the ERP as {key} and linked."
        return press.message(text, id=entry_id, key=done.erp_key)

    return press.settle(act, "outbox")


@router.post(PATH + "/outbox/{entry_id}/discard", dependencies=[Csrf])
def discard_entry(press: OutboxRequestDep, entry_id: RecordId) -> Response:
    def act() -> str:
        outbox_settle.discard(press.database, press.admin, press.connection_id, entry_id)
        return press.message("Entry {id} discarded.", id=entry_id)

    return press.settle(act, "outbox")


@router.get(PATH + "/settings", response_class=HTMLResponse)
def settings_page(
    request: Request, connection_id: RecordId, admin: PageAdmin, database: DatabaseDep
) -> HTMLResponse:
    context = _page(database, admin, connection_id)
    with database.read_session() as session:
        policy = policies.delete_policy(session, connection_id)
    days = request.app.state.settings.sync_log_retention_days
    context.update(delete_policy=policy, policies=POLICIES, retention_days=days, tab="settings")
    return render(request, "sync/settings.html", context)


@router.post(PATH + "/settings", dependencies=[Csrf])
def save_settings(
    press: OutboxRequestDep, delete_policy: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    def act() -> str:
        with press.database.session() as session:
            name = connections.get(session, press.admin, press.connection_id).name
            policies.set_delete_policy(session, press.connection_id, delete_policy)
        label = press.message(POLICIES[delete_policy])
        return press.message("Sync settings of {name} saved: {policy}.", name=name, policy=label)

    return press.settle(act, "settings")
