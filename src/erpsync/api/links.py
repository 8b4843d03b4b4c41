"""API of the ERP tab and linking (R-TAB-1…4) on CRM companies, persons and projects.

Under the connection's scope (R-CONN-6): outside it the tab does not exist (404);
Connect, search and Disconnect need `can_connect`, Create in ERP `can_create_in_erp`
(403). Bad input is 422 naming the field; a link made meanwhile is 409; an ERP that
cannot be reached is 503 (the tab itself answers 200 with the last fetched values).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status

from erpsync.api.connections import KeysDep
from erpsync.api.deps import CurrentUser, DatabaseDep, RecordId
from erpsync.linking import connect, create, search, tab
from erpsync.linking.schemas import (
    CompareRead,
    ConnectIn,
    CreateFormRead,
    CreateIn,
    DisconnectIn,
    ErpTabRead,
    LinkRead,
    SearchIn,
    SearchRead,
    TabConnection,
)
from erpsync.linking.target import LinkTarget, live_record
from erpsync.mapping.crm_fields import COMPANY, PERSON, PROJECT

router = APIRouter(tags=["ERP tab and linking"])

KINDS = {"companies": COMPANY, "persons": PERSON, "projects": PROJECT}
RecordKind = Annotated[
    Literal["companies", "persons", "projects"], Path(description="The CRM record kind.")
]
ActorTypeQuery = Annotated[str, Query(min_length=1, max_length=20)]
ErpKeyQuery = Annotated[str, Query(min_length=1, max_length=200)]
BASE = "/{kind}/{record_id}/erp/{connection_id}"


@router.get("/{kind}/{record_id}/erp", response_model=list[TabConnection])
def list_tabs(
    kind: RecordKind, record_id: RecordId, user: CurrentUser, database: DatabaseDep
) -> list[TabConnection]:
    """The connections that show an ERP tab on this record (none outside your scope)."""
    with database.read_session() as session:
        live_record(session, KINDS[kind], record_id)
        return tab.connections(session, user, KINDS[kind])


@router.get(BASE, response_model=ErpTabRead)
def get_tab(
    kind: RecordKind,
    record_id: RecordId,
    connection_id: RecordId,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> ErpTabRead:
    """Per mapped actor type: the linked actor's "show on ERP tab" fields, live, in rank
    order (stale ones marked, with a message, when the ERP cannot be reached)."""
    return tab.tab(database, keys, user, KINDS[kind], record_id, connection_id)


@router.post(BASE + "/search", response_model=SearchRead)
def search_erp(
    kind: RecordKind,
    record_id: RecordId,
    connection_id: RecordId,
    data: SearchIn,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> SearchRead:
    """Search the ERP for an actor to connect: free text and/or typed restrictions."""
    return search.search(database, keys, user, KINDS[kind], record_id, connection_id, data)


@router.get(BASE + "/compare", response_model=CompareRead)
def compare_values(
    kind: RecordKind,
    record_id: RecordId,
    connection_id: RecordId,
    actor_type: ActorTypeQuery,
    erp_key: ErpKeyQuery,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> CompareRead:
    """CRM and ERP values side by side, and which side may win per field."""
    link = LinkTarget(database, keys, user, KINDS[kind], record_id, connection_id)
    return connect.compare(link, actor_type, erp_key)


@router.post(BASE + "/connect", response_model=LinkRead, status_code=status.HTTP_201_CREATED)
def connect_record(
    kind: RecordKind,
    record_id: RecordId,
    connection_id: RecordId,
    data: ConnectIn,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> LinkRead:
    """Link the record to an actor; per differing field the chosen side's value wins."""
    link = LinkTarget(database, keys, user, KINDS[kind], record_id, connection_id)
    return connect.connect(link, data)


@router.get(BASE + "/create-form", response_model=CreateFormRead)
def create_form(
    kind: RecordKind,
    record_id: RecordId,
    connection_id: RecordId,
    actor_type: ActorTypeQuery,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> CreateFormRead:
    """The fields Create in ERP asks for (`set` defaults are applied, not shown)."""
    link = LinkTarget(database, keys, user, KINDS[kind], record_id, connection_id)
    return create.create_form(link, actor_type)


@router.post(BASE + "/create", response_model=LinkRead, status_code=status.HTTP_201_CREATED)
def create_in_erp(
    kind: RecordKind,
    record_id: RecordId,
    connection_id: RecordId,
    data: CreateIn,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> LinkRead:
    """Create the record in the ERP and link it; a refusal leaves nothing behind."""
    link = LinkTarget(database, keys, user, KINDS[kind], record_id, connection_id)
    return create.create(link, data)


@router.post(BASE + "/disconnect", status_code=status.HTTP_204_NO_CONTENT)
def disconnect_record(
    kind: RecordKind,
    record_id: RecordId,
    connection_id: RecordId,
    data: DisconnectIn,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> Response:
    """Remove the link only: both records stay; the sync log records it."""
    link = LinkTarget(database, keys, user, KINDS[kind], record_id, connection_id)
    connect.disconnect(link, data.actor_type)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
