"""API of the CRM lists (country, currency, category, business, project_status).

Anyone signed in reads them; only administrators add, rename or delete items.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from erpsync.api.deps import AdminUser, CurrentUser, DatabaseDep, RecordId
from erpsync.crm import lists
from erpsync.crm.schemas import ListItemCreate, ListItemRead, ListItemUpdate

router = APIRouter(prefix="/lists", tags=["lists"])

ListName = Annotated[
    str, Path(max_length=40, description="country, currency, category, business or project_status")
]


@router.get("/{list_name}", response_model=list[ListItemRead])
def list_items(
    list_name: ListName,
    user: CurrentUser,
    database: DatabaseDep,
    include_deleted: Annotated[bool, Query(description="Also items marked deleted.")] = False,
) -> list[ListItemRead]:
    """The items of a CRM list in display order."""
    with database.read_session() as session:
        items = lists.list_items(session, list_name, include_deleted)
        return [ListItemRead.model_validate(item) for item in items]


@router.post("/{list_name}", response_model=ListItemRead, status_code=status.HTTP_201_CREATED)
def create_item(
    list_name: ListName, data: ListItemCreate, admin: AdminUser, database: DatabaseDep
) -> ListItemRead:
    with database.session() as session:
        return ListItemRead.model_validate(lists.create_item(session, list_name, data))


@router.patch("/{list_name}/{item_id}", response_model=ListItemRead)
def update_item(
    list_name: ListName,
    item_id: RecordId,
    data: ListItemUpdate,
    admin: AdminUser,
    database: DatabaseDep,
) -> ListItemRead:
    """Rename, re-rank, mark deleted (`"deleted": true`) or restore an item."""
    with database.session() as session:
        return ListItemRead.model_validate(lists.update_item(session, list_name, item_id, data))
