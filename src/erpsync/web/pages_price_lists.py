"""The Price lists page of a connection (R-CONN-6, R-UI-2): administrators tick the ERP
price lists the connection exposes to its users; none ticked = all exposed.

Thin: `pricing.exposure` asks the ERP, checks the choice and stores it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from erpsync.accounts.models import User
from erpsync.api.connections import KeysDep
from erpsync.api.deps import DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.errors import ErpSyncError, NotFound
from erpsync.pricing import exposure
from erpsync.pricing.service import offers_pricing
from erpsync.web.pages_auth import Csrf, PageAdmin
from erpsync.web.pages_crm import FormData, message
from erpsync.web.templating import flash, render

router = APIRouter(include_in_schema=False)
CHOICE = "list."


def _url(connection_id: int) -> str:
    return f"/sync/connections/{connection_id}/price-lists"


def _page(
    request: Request,
    database: Database,
    keys: Keys,
    admin: User,
    connection_id: int,
    ticked: set[str] | None = None,
    error: str | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {"error": error, "overview": None}
    with database.read_session() as session:
        connection = connections.get(session, admin, connection_id)
        context["connection"] = connection
        if not offers_pricing(connection):
            context["no_pricing"] = True
            return render(request, "products/price_lists.html", context)
        try:
            found = exposure.overview(session, keys, admin, connection_id)
        except NotFound:
            raise
        except ErpSyncError as exc:
            context["erp_error"] = exc.message
            return render(request, "products/price_lists.html", context, status=503)
    context["overview"] = found
    context["ticked"] = found.chosen if ticked is None else ticked
    return render(request, "products/price_lists.html", context, status=422 if error else 200)


@router.get("/sync/connections/{connection_id}/price-lists", response_class=HTMLResponse)
def price_lists_page(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    keys: KeysDep,
) -> HTMLResponse:
    return _page(request, database, keys, admin, connection_id)


@router.post("/sync/connections/{connection_id}/price-lists", dependencies=[Csrf])
def save_price_lists(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    keys: KeysDep,
    form: FormData,
) -> Response:
    """Store the ticked lists (all of them known to the ERP, or nothing changes)."""
    ticked = {name.removeprefix(CHOICE) for name in form if name.startswith(CHOICE)}
    try:
        with database.session() as session:
            chosen = exposure.set_allowed(session, keys, admin, connection_id, sorted(ticked))
    except NotFound:
        raise
    except ErpSyncError as exc:
        text = exc.message.removeprefix(f"{exc.field}: ") if exc.field else exc.message
        return _page(request, database, keys, admin, connection_id, ticked, text)
    if chosen:
        text = message(request, "Users see only the {count} ticked price lists.", count=len(chosen))
    else:
        text = message(request, "Users see every price list of this connection.")
    flash(request, text)
    return RedirectResponse(_url(connection_id), status_code=303)
