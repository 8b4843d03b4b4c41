"""CRM lists: their items, resolving a code to an item, and the standard lists.

A list item has a code (what the API and mappings use) and a name (what people read).
Codes match case-insensitively, so `se` finds Sweden; an item marked deleted stays on
the records that use it but can no longer be chosen.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erpsync.crm.models import LIST_NAMES, ListItem
from erpsync.crm.schemas import ListItemCreate, ListItemUpdate
from erpsync.errors import Conflict, NotFound, ValidationError

STANDARD_LISTS = Path(__file__).with_name("standard_lists.json")


def check_list_name(list_name: str) -> str:
    if list_name not in LIST_NAMES:
        raise NotFound(
            f"No CRM list named '{list_name}'; the lists are: {', '.join(LIST_NAMES)}.",
            field="list_name",
        )
    return list_name


def list_items(session: Session, list_name: str, include_deleted: bool = False) -> list[ListItem]:
    """The items of one list in display order (rank, then name)."""
    stmt = select(ListItem).where(ListItem.list_name == check_list_name(list_name))
    if not include_deleted:
        stmt = stmt.where(ListItem.deleted.is_(False))
    return list(session.scalars(stmt.order_by(ListItem.rank, ListItem.name, ListItem.id)))


def _item_by_code(session: Session, list_name: str, code: str) -> ListItem | None:
    return session.scalar(
        select(ListItem)
        .where(ListItem.list_name == list_name, func.lower(ListItem.code) == code.lower())
        .order_by(ListItem.id)
        .limit(1)
    )


def resolve(session: Session, field: str, list_name: str, code: str | None) -> ListItem | None:
    """The live item with `code` in `list_name`; an unknown code names the field and value."""
    if code is None:
        return None
    item = _item_by_code(session, list_name, code)
    if item is None or item.deleted:
        why = "it is marked deleted" if item is not None else f"see the CRM list '{list_name}'"
        raise ValidationError(
            f"{field}: no {list_name.replace('_', ' ')} with code '{code}' ({why})",
            field=field,
            value=code,
        )
    return item


def get_item(session: Session, list_name: str, item_id: int) -> ListItem:
    item = session.get(ListItem, item_id)
    if item is None or item.list_name != check_list_name(list_name):
        raise NotFound(f"No item with id {item_id} in the CRM list '{list_name}'.")
    return item


def create_item(session: Session, list_name: str, data: ListItemCreate) -> ListItem:
    check_list_name(list_name)
    if _item_by_code(session, list_name, data.code) is not None:
        raise Conflict(
            f"code: the CRM list '{list_name}' already has an item with code '{data.code}'",
            field="code",
        )
    item = ListItem(
        list_name=list_name, code=data.code, name=data.name, rank=data.rank, deleted=False
    )
    session.add(item)
    session.flush()
    return item


def update_item(session: Session, list_name: str, item_id: int, data: ListItemUpdate) -> ListItem:
    """Rename, re-rank, mark deleted or restore an item."""
    item = get_item(session, list_name, item_id)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(item, key, value)
    session.flush()
    return item


@cache
def standard_lists() -> dict[str, list[tuple[str, str]]]:
    """(code, name) pairs of the standard lists, from the data file shipped with erpsync."""
    data = json.loads(STANDARD_LISTS.read_text(encoding="utf-8"))
    return {
        name: [(code, label) for code, label in pairs]
        for name, pairs in data.items()
        if name in LIST_NAMES
    }


def ensure_items(session: Session, list_name: str, pairs: list[tuple[str, str]]) -> int:
    """Add the (code, name) pairs missing from a list, ranked in the given order.

    Existing items are left alone, also when renamed or marked deleted: the
    administrator's choice wins over the seed. Returns the number of items added.
    """
    existing = {
        code.lower()
        for code in session.scalars(select(ListItem.code).where(ListItem.list_name == list_name))
    }
    # Countries and currencies sort by name; short lists keep the order of the seed.
    ranked = len(pairs) <= 20
    added = [
        ListItem(
            list_name=list_name, code=code, name=name, rank=rank if ranked else 0, deleted=False
        )
        for rank, (code, name) in enumerate(pairs, start=1)
        if code.lower() not in existing
    ]
    session.add_all(added)
    session.flush()
    return len(added)


def ensure_standard_lists(session: Session) -> int:
    """Seed ISO countries, common currencies, categories and project statuses; idempotent.

    Returns the number of items added (0 when everything was in place).
    """
    return sum(
        ensure_items(session, list_name, pairs) for list_name, pairs in standard_lists().items()
    )
