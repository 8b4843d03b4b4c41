"""The mapping page of a connection (R-MAP-1, -2, -4, -5, -8, R-SEM-1, R-UI-2): per actor
type its ERP fields in rank order with CRM field, direction, search/tab switches,
default + mode, conflict policy and conversion; automap with reasons; rank up/down (and
drag, `mapping.js`); the create policy; and activation with each reason linked to the
page that fixes it. Administrators only; every rule is the mapping service's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticValidationError

from erpsync.accounts.models import User
from erpsync.api.connections import KeysDep
from erpsync.api.deps import DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.errors import ErpSyncError, NotFound, ValidationError
from erpsync.mapping import automap, erp, policy, service, transform
from erpsync.mapping.crm_fields import entity_of, fields_of
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.models import CONFLICT_POLICIES, DEFAULT_MODES, DIRECTIONS
from erpsync.mapping.schemas import CreatePolicyIn, Proposal
from erpsync.sdk.model import ActorType, FieldType
from erpsync.web.mapping_forms import (
    RowView,
    fix_link,
    moved,
    place_error,
    rows_from_form,
    rows_from_view,
    specs_of,
)
from erpsync.web.pages_auth import Csrf, PageAdmin
from erpsync.web.pages_crm import FormData, message
from erpsync.web.templating import flash, render

router = APIRouter(include_in_schema=False)


@dataclass
class Loaded:
    """The connection and what its ERP says, read once per request."""

    id: int
    name: str
    meta: ErpMeta


def load(database: Database, keys: Keys, admin: User, connection_id: int) -> Loaded:
    """The live connection (404 when deleted) and its ERP metadata with list items."""
    with database.read_session() as session:
        connection: Connection = connections.get(session, admin, connection_id)
        if connection.deleted_at is not None:
            raise NotFound(f"No connection with id {connection_id}.")
        return Loaded(connection.id, connection.name, erp.read(keys, connection))


def _url(connection_id: int, actor_type: str) -> str:
    return f"/sync/connections/{connection_id}/mapping/{actor_type}"


def _reasons(connection_id: int, reasons: list[str]) -> list[dict[str, str | None]]:
    return [{"text": text, "link": fix_link(connection_id, text)} for text in reasons]


def _page(
    request: Request,
    database: Database,
    loaded: Loaded,
    actor_type: str,
    rows: list[RowView] | None = None,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    meta = loaded.meta
    meta.type_of(actor_type)
    with database.read_session() as session:
        if rows is None:
            rows = rows_from_view(service.view(session, meta, loaded.id, actor_type))
        policies = policy.all_of(session, loaded.id, [t.value for t in meta.actor_types])
    crm = fields_of(actor_type)
    context: dict[str, Any] = {
        "connection": loaded,
        "actor_types": [(t.value, entity_of(t)) for t in meta.actor_types],
        "actor_type": actor_type,
        "entity": entity_of(actor_type),
        "rows": rows,
        "crm_fields": crm,
        "filter_fields": [f for f in crm if f.type is FieldType.LIST],
        "directions": DIRECTIONS,
        "modes": DEFAULT_MODES,
        "policies": CONFLICT_POLICIES,
        "conversions": transform.CONVERSION_LABELS,
        "items": meta.items,
        "policy": next(p for p in policies if p.actor_type == actor_type),
        "policies_by_type": {p.actor_type: p for p in policies},
        "errors": {},
        "proposals": None,
        "reasons": None,
        "still_active": False,
    }
    context.update(extra)
    return render(request, "mapping/fields.html", context, status=status)


@router.get("/sync/connections/{connection_id}/mapping")
def mapping_home(connection_id: RecordId, admin: PageAdmin, database: DatabaseDep) -> Response:
    """The first actor type with a mapping, else Customer (what most ERPs offer first)."""
    with database.read_session() as session:
        connection = connections.get(session, admin, connection_id)
        if connection.deleted_at is not None:
            raise NotFound(f"No connection with id {connection_id}.")
        mapped = [t.value for t in ActorType if service.stored(session, connection_id, t.value)]
    return RedirectResponse(_url(connection_id, (mapped or ["Customer"])[0]), status_code=303)


@dataclass
class MappingRequest:
    """One request to an actor type's mapping page: who asks and what the ERP says."""

    request: Request
    actor_type: str
    admin: User
    database: Database
    keys: Keys
    loaded: Loaded

    def page(
        self, rows: list[RowView] | None = None, status: int = 200, **extra: Any
    ) -> HTMLResponse:
        """The page of this actor type (with `rows` as entered, when given)."""
        return _page(
            self.request, self.database, self.loaded, self.actor_type, rows, status, **extra
        )

    def done(self, text: str, **values: object) -> Response:
        """Flash the translated `text` and go back to the page."""
        flash(self.request, message(self.request, text, **values))
        return RedirectResponse(_url(self.loaded.id, self.actor_type), status_code=303)


def mapping_request(
    request: Request,
    connection_id: RecordId,
    actor_type: str,
    admin: PageAdmin,
    database: DatabaseDep,
    keys: KeysDep,
) -> MappingRequest:
    loaded = load(database, keys, admin, connection_id)
    return MappingRequest(request, actor_type, admin, database, keys, loaded)


MappingRequestDep = Annotated[MappingRequest, Depends(mapping_request)]


@router.get("/sync/connections/{connection_id}/mapping/{actor_type}", response_class=HTMLResponse)
def mapping_page(page: MappingRequestDep) -> HTMLResponse:
    if page.actor_type not in {t.value for t in page.loaded.meta.actor_types}:
        raise NotFound(f"This ERP has no actor type '{page.actor_type}'.")
    return page.page()


@router.post("/sync/connections/{connection_id}/mapping/{actor_type}", dependencies=[Csrf])
def save_mapping(form: FormData, page: MappingRequestDep) -> Response:
    """Save every row (and move one, for the up/down buttons); all valid or nothing."""
    meta, actor_type = page.loaded.meta, page.actor_type
    meta.type_of(actor_type)
    try:
        rows = rows_from_form(meta, actor_type, form)
    except ValidationError as exc:
        return page.page(status=422, errors={"form": exc.message})
    if form.get("move"):
        rows = moved(rows, form["move"])
    specs = specs_of(meta, actor_type, rows)
    if any(row.errors for row in rows):
        return page.page(rows, 422)
    try:
        with page.database.session() as session:
            service.put_all(session, meta, page.loaded.id, actor_type, specs)
    except ErpSyncError as exc:
        unplaced = place_error(rows, exc)
        errors = {"form": unplaced} if unplaced else {}
        return page.page(rows, 422, errors=errors)
    return page.done("Mapping of {actor_type} saved.", actor_type=actor_type)


def _proposals(page: MappingRequest) -> list[Proposal]:
    """What automap proposes now; nothing is stored."""
    with page.database.read_session() as session:
        return automap.automap(
            session, page.loaded.meta, page.loaded.id, page.actor_type, apply=False
        )


@router.post("/sync/connections/{connection_id}/mapping/{actor_type}/automap", dependencies=[Csrf])
def propose_automap(page: MappingRequestDep) -> HTMLResponse:
    """The proposals with their reasons, to choose from; nothing is stored yet."""
    return page.page(proposals=_proposals(page))


@router.post(
    "/sync/connections/{connection_id}/mapping/{actor_type}/automap/apply", dependencies=[Csrf]
)
def apply_automap(form: FormData, page: MappingRequestDep) -> Response:
    """Apply the chosen proposals (direction `none` until the administrator sets one)."""
    loaded = page.loaded
    chosen = [name.removeprefix("pick.") for name in form if name.startswith("pick.")]
    if not chosen:
        text = message(page.request, "Choose at least one proposal.")
        return page.page(status=422, proposals=_proposals(page), errors={"automap": text})
    try:
        with page.database.session() as session:
            applied = automap.automap(
                session, loaded.meta, loaded.id, page.actor_type, apply=True, only=chosen
            )
    except ErpSyncError as exc:
        return page.page(status=422, errors={"automap": exc.message})
    return page.done("{count} proposals applied.", count=len(applied))


@router.post("/sync/connections/{connection_id}/mapping/{actor_type}/policy", dependencies=[Csrf])
def save_policy(form: FormData, page: MappingRequestDep) -> Response:
    """The create policy: ERP→CRM and CRM→ERP, the filter as item codes per list field."""
    crm_filter = {
        name.removeprefix("filter."): [code.strip() for code in text.split(",") if code.strip()]
        for name, text in form.items()
        if name.startswith("filter.")
    }
    try:
        data = CreatePolicyIn.model_validate(
            {
                "erp_to_crm": form.get("erp_to_crm", "ignore"),
                "crm_to_erp": form.get("crm_to_erp", "ignore"),
                "crm_filter": crm_filter,
            }
        )
        with page.database.session() as session:
            policy.put(session, page.loaded.id, page.actor_type, data)
    except PydanticValidationError as exc:
        errors = {
            "policy." + ".".join(str(p) for p in error["loc"]): error["msg"]
            for error in exc.errors()
        }
        return page.page(status=422, errors=errors)
    except ValidationError as exc:
        field = exc.field or "form"
        errors = {f"policy.{field}": exc.message.removeprefix(f"{field}: ")}
        return page.page(status=422, errors=errors)
    return page.done("Create policy of {actor_type} saved.", actor_type=page.actor_type)


@router.post("/sync/connections/{connection_id}/mapping/{actor_type}/activate", dependencies=[Csrf])
def activate(page: MappingRequestDep) -> Response:
    """Activate; a refusal lists every reason, each linked to the page that fixes it."""
    loaded = page.loaded
    with page.database.session() as session:
        result = connections.activate(session, page.keys, page.admin, loaded.id)
    if result.refused:
        reasons = _reasons(loaded.id, result.reasons)
        return page.page(status=409, reasons=reasons, still_active=result.active)
    return page.done("ERP connection {name} is active.", name=loaded.name)
