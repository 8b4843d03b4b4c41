"""API of list mappings (R-MAP-3) and of the priority between connections (R-MAP-6).

A list mapping pairs ERP items with CRM items one to one; its report flags unmapped
and duplicate items and the items new on either side since the last look (`seen`
marks now as looked at). Reads follow the connection's scope; writes are for
administrators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status
from sqlalchemy.orm import Session

from erpsync.api.connections import KeysDep
from erpsync.api.deps import AdminUser, CurrentUser, DatabaseDep, RecordId
from erpsync.api.mapping import AdminWrite, T, read_meta
from erpsync.connections import service as connections
from erpsync.mapping import lists, priority
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.schemas import ListAutomatch, ListMappingPut, ListReport, PriorityIn

router = APIRouter(tags=["mapping"])

ErpListPath = Annotated[str, Path(min_length=1, max_length=120, description="ERP list name")]
LISTS = "/connections/{connection_id}/lists"


@router.get(LISTS, response_model=list[ListReport])
def list_lists(
    connection_id: RecordId, user: CurrentUser, database: DatabaseDep, keys: KeysDep
) -> list[ListReport]:
    """Every ERP list with its mapping (if any) and flags."""
    meta = read_meta(database, keys, user, connection_id)
    with database.read_session() as session:
        connections.get(session, user, connection_id)
        return [lists.report(session, meta, connection_id, name) for name in meta.lists]


@router.get(LISTS + "/{erp_list}", response_model=ListReport)
def get_list(
    connection_id: RecordId,
    erp_list: ErpListPath,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> ListReport:
    meta = read_meta(database, keys, user, connection_id, [erp_list])
    with database.read_session() as session:
        connections.get(session, user, connection_id)
        return lists.report(session, meta, connection_id, erp_list)


@dataclass(kw_only=True)
class ListWrite(AdminWrite):
    """An administrator's write to one ERP list's mapping."""

    erp_list: str

    def run_list(self, act: Callable[[Session, ErpMeta], T]) -> T:
        """`act` with the ERP's metadata holding this list's items."""
        return self.run(act, [self.erp_list])


def list_write(
    connection_id: RecordId,
    erp_list: ErpListPath,
    admin: AdminUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> ListWrite:
    return ListWrite(
        connection_id=connection_id, erp_list=erp_list, admin=admin, database=database, keys=keys
    )


ListWriteDep = Annotated[ListWrite, Depends(list_write)]


@router.put(LISTS + "/{erp_list}", response_model=ListReport)
def put_list(write: ListWriteDep, data: ListMappingPut) -> ListReport:
    """Replace the list's item pairs (every item must exist; one to one, or nothing changes)."""
    return write.run_list(
        lambda session, meta: lists.put(session, meta, write.connection_id, write.erp_list, data)
    )


@router.delete(LISTS + "/{erp_list}", status_code=status.HTTP_204_NO_CONTENT)
def delete_list(
    connection_id: RecordId, erp_list: ErpListPath, admin: AdminUser, database: DatabaseDep
) -> Response:
    with database.session() as session:
        connections.get(session, admin, connection_id)
        lists.remove(session, connection_id, erp_list)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(LISTS + "/{erp_list}/automatch", response_model=ListReport)
def automatch_list(write: ListWriteDep, data: ListAutomatch) -> ListReport:
    """Pair items by code, then by name; `apply` keeps existing pairs and adds these."""
    return write.run_list(
        lambda session, meta: lists.propose(
            session, meta, write.connection_id, write.erp_list, data.crm_list, data.apply
        )
    )


@router.post(LISTS + "/{erp_list}/seen", response_model=ListReport)
def mark_list_seen(write: ListWriteDep) -> ListReport:
    """The report as it is now; afterwards only later items count as new."""
    return write.run_list(
        lambda session, meta: lists.report(
            session, meta, write.connection_id, write.erp_list, look=True
        )
    )


@router.get("/mapping/priorities", response_model=list[priority.PriorityRow])
def list_priorities(user: CurrentUser, database: DatabaseDep) -> list[priority.PriorityRow]:
    """Live connections in priority order (1 = highest), what each writes, and ties."""
    with database.read_session() as session:
        return priority.overview(session, user)


@router.put("/mapping/priorities", response_model=list[priority.PriorityRow])
def put_priorities(
    data: PriorityIn, admin: AdminUser, database: DatabaseDep
) -> list[priority.PriorityRow]:
    """Set the priorities of several connections together (all valid, or none changes)."""
    with database.session() as session:
        return priority.set_priorities(session, admin, data.priorities)
