"""The list-mapping pages (R-MAP-3) of a connection — its ERP lists, and per list the ERP
items paired one to one with CRM items, auto-match, and the flags unmapped / duplicate /
new — and the priority page across connections (R-MAP-6). Administrators only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from erpsync.api.connections import KeysDep
from erpsync.api.deps import DatabaseDep, RecordId
from erpsync.crm import lists as crm_lists
from erpsync.crm.models import LIST_NAMES
from erpsync.db import Database
from erpsync.errors import ErpSyncError, NotFound
from erpsync.mapping import lists, priority, service
from erpsync.mapping.crm_fields import crm_field
from erpsync.mapping.schemas import ListMappingPut, ListReport
from erpsync.web.pages_auth import Csrf, PageAdmin
from erpsync.web.pages_crm import FormData, message
from erpsync.web.pages_mapping import Loaded, load
from erpsync.web.templating import flash, render

router = APIRouter(include_in_schema=False)
_ITEM_INDEX = re.compile(r"^items\[(\d+)\]\.(\w+)$")


def _lists_url(connection_id: int, erp_list: str | None = None) -> str:
    base = f"/sync/connections/{connection_id}/lists"
    return f"{base}/{erp_list}" if erp_list else base


def _suggested(session: Session, loaded: Loaded, erp_list: str) -> str | None:
    """The CRM list of a CRM field that an ERP field of this list is mapped to."""
    for actor_type in loaded.meta.actor_types:
        fields = {f.key: f for f in loaded.meta.fields_of(actor_type)}
        for row in service.stored(session, loaded.id, actor_type.value):
            erp = fields.get(row.erp_field)
            if erp is not None and erp.list_name == erp_list and row.crm_field:
                return crm_field(actor_type, row.crm_field).list_name
    return None


@router.get("/sync/connections/{connection_id}/lists", response_class=HTMLResponse)
def lists_page(
    request: Request,
    connection_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    keys: KeysDep,
) -> HTMLResponse:
    loaded = load(database, keys, admin, connection_id)
    with database.read_session() as session:
        reports = [lists.report(session, loaded.meta, loaded.id, n) for n in loaded.meta.lists]
    return render(request, "mapping/lists.html", {"connection": loaded, "reports": reports})


def _list_page(
    request: Request,
    database: Database,
    loaded: Loaded,
    erp_list: str,
    crm_list: str | None,
    chosen: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    if erp_list not in loaded.meta.lists:
        raise NotFound(f"This ERP has no list '{erp_list}'.")
    with database.read_session() as session:
        report: ListReport = lists.report(session, loaded.meta, loaded.id, erp_list)
        target = crm_list or report.crm_list or _suggested(session, loaded, erp_list)
        target = target if target in LIST_NAMES else LIST_NAMES[0]
        crm_items = crm_lists.list_items(session, target)
    if chosen is None:
        same = report.crm_list == target
        chosen = {p.erp_item: p.crm_item for p in report.items} if same else {}
    counts: dict[str, int] = {}
    for code in chosen.values():
        if code:
            counts[code.lower()] = counts.get(code.lower(), 0) + 1
    context: dict[str, Any] = {
        "connection": loaded,
        "erp_list": erp_list,
        "crm_list": target,
        "crm_lists": LIST_NAMES,
        "erp_items": [i for i in loaded.meta.items.get(erp_list, []) if not i.deleted],
        "crm_items": crm_items,
        "chosen": chosen,
        "duplicated": {code for code, n in counts.items() if n > 1},
        "report": report,
        "new_erp": {i.id for i in report.new_erp},
        "errors": errors or {},
    }
    return render(request, "mapping/list.html", context, status=422 if errors else 200)


@dataclass
class ListRequest:
    """One request to a list's page: the connection with its ERP metadata, and the list."""

    request: Request
    database: Database
    loaded: Loaded
    erp_list: str

    def page(
        self,
        crm_list: str | None = None,
        chosen: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
    ) -> HTMLResponse:
        """The list's page (with the pairs `chosen` and `errors` as entered, when given)."""
        return _list_page(
            self.request, self.database, self.loaded, self.erp_list, crm_list, chosen, errors
        )

    def done(self, text: str) -> Response:
        """Flash `text` and go back to the list's page."""
        flash(self.request, text)
        return RedirectResponse(_lists_url(self.loaded.id, self.erp_list), status_code=303)


def list_request(
    request: Request,
    connection_id: RecordId,
    erp_list: str,
    admin: PageAdmin,
    database: DatabaseDep,
    keys: KeysDep,
) -> ListRequest:
    return ListRequest(request, database, load(database, keys, admin, connection_id), erp_list)


ListRequestDep = Annotated[ListRequest, Depends(list_request)]


@router.get("/sync/connections/{connection_id}/lists/{erp_list}", response_class=HTMLResponse)
def list_page(
    page: ListRequestDep, crm_list: str | None = Query(default=None, max_length=40)
) -> HTMLResponse:
    return page.page(crm_list)


@router.post("/sync/connections/{connection_id}/lists/{erp_list}", dependencies=[Csrf])
def save_list(page: ListRequestDep, form: FormData) -> Response:
    """Replace the list's pairs with the chosen ones (all valid, or nothing changes)."""
    crm_list = form.get("crm_list", "")
    chosen = {
        name.removeprefix("item."): code.strip()
        for name, code in form.items()
        if name.startswith("item.")
    }
    pairs = [{"erp_item": erp, "crm_item": code} for erp, code in chosen.items() if code]
    try:
        data = ListMappingPut.model_validate({"crm_list": crm_list, "items": pairs})
        with page.database.session() as session:
            lists.put(session, page.loaded.meta, page.loaded.id, page.erp_list, data)
    except ErpSyncError as exc:
        return page.page(crm_list, chosen, _placed(exc, pairs))
    return page.done(message(page.request, "List {name} saved.", name=page.erp_list))


def _placed(exc: ErpSyncError, pairs: list[dict[str, str]]) -> dict[str, str]:
    """`items[i].crm_item` → the row of that ERP item; anything else on the form."""
    found = _ITEM_INDEX.match(exc.field or "")
    text = exc.message.removeprefix(f"{exc.field}: ")
    if found and int(found.group(1)) < len(pairs):
        return {"item." + pairs[int(found.group(1))]["erp_item"]: text}
    if exc.field in ("crm_list", "list_name"):
        return {"crm_list": text}
    return {"form": exc.message}


@router.post("/sync/connections/{connection_id}/lists/{erp_list}/automatch", dependencies=[Csrf])
def automatch_list(page: ListRequestDep, form: FormData) -> Response:
    """Keep the pairs there are and add matches by code, then name; notes shown."""
    loaded = page.loaded
    try:
        with page.database.session() as session:
            result = lists.propose(
                session, loaded.meta, loaded.id, page.erp_list, form.get("crm_list", ""), apply=True
            )
    except ErpSyncError as exc:
        return page.page(errors=_placed(exc, []))
    text = message(page.request, "{count} items matched.", count=len(result.items))
    return page.done(" ".join([text, *result.duplicates]))


def _priorities(
    request: Request,
    rows: list[priority.PriorityRow],
    values: dict[int, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    values = values or {row.id: str(row.priority) for row in rows}
    context = {"rows": rows, "values": values, "errors": errors or {}}
    return render(request, "mapping/priorities.html", context, status=422 if errors else 200)


@router.get("/sync/priorities", response_class=HTMLResponse)
def priorities_page(request: Request, admin: PageAdmin, database: DatabaseDep) -> HTMLResponse:
    with database.read_session() as session:
        rows = priority.overview(session, admin)
    return _priorities(request, rows)


@router.post("/sync/priorities", dependencies=[Csrf])
def save_priorities(
    request: Request, admin: PageAdmin, database: DatabaseDep, form: FormData
) -> Response:
    """Every priority together; a bad one is shown next to its connection, none saved."""
    raw: dict[int, str] = {}
    for name, text in form.items():
        key = name.removeprefix("priority.")
        if name.startswith("priority.") and key.isdigit() and len(key) < 19:
            raw[int(key)] = text
    try:
        with database.session() as session:
            priority.set_priorities(session, admin, priority.parse(raw))
    except ErpSyncError as exc:
        with database.read_session() as session:
            rows = priority.overview(session, admin)
        field = exc.field or "form"
        errors = {field: exc.message.removeprefix(f"{field}: ")}
        return _priorities(request, rows, raw, errors)
    flash(request, message(request, "Priorities saved."))
    return RedirectResponse("/sync/priorities", status_code=303)
