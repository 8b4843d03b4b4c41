"""List mapping (R-MAP-3): ERP items ↔ CRM items one to one, auto-match by code then
name, and a report flagging unmapped, duplicate and new items on either side."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.crm import lists as crm_lists
from erpsync.crm.models import ListItem as CrmItem
from erpsync.errors import NotFound, ValidationError
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.models import ListItemMapping, ListMapping
from erpsync.mapping.schemas import ItemPair, ListItemView, ListMappingPut, ListReport
from erpsync.mapping.transform import ListPairs
from erpsync.sdk.model import ListItem


def _get(session: Session, connection_id: int, erp_list: str) -> ListMapping | None:
    return session.scalar(
        select(ListMapping).where(
            ListMapping.connection_id == connection_id, ListMapping.erp_list == erp_list
        )
    )


def _crm_items(session: Session, crm_list: str) -> list[CrmItem]:
    return crm_lists.list_items(session, crm_list)


def _pairs_by_code(session: Session, mapping: ListMapping) -> list[ItemPair]:
    ids = [item.crm_item_id for item in mapping.items]
    codes = dict(session.execute(select(CrmItem.id, CrmItem.code).where(CrmItem.id.in_(ids))).all())
    return [ItemPair(erp_item=i.erp_item, crm_item=codes[i.crm_item_id]) for i in mapping.items]


def pairs(session: Session, connection_id: int, erp_list: str) -> ListPairs:
    """The item pairs the transform uses (ERP item id → CRM item code)."""
    mapping = _get(session, connection_id, erp_list)
    if mapping is None:
        return ListPairs()
    return ListPairs({p.erp_item: p.crm_item for p in _pairs_by_code(session, mapping)})


def put(
    session: Session, meta: ErpMeta, connection_id: int, erp_list: str, data: ListMappingPut
) -> ListReport:
    """Replace the list mapping; every item must exist and pair one to one."""
    meta.check_list(erp_list)
    crm_lists.check_list_name(data.crm_list)
    erp_ids = {item.id for item in meta.items.get(erp_list, [])}
    crm_by_code = {item.code.lower(): item for item in _crm_items(session, data.crm_list)}
    seen_erp: set[str] = set()
    seen_crm: set[int] = set()
    rows = []
    for index, pair in enumerate(data.items):
        where = f"items[{index}]"
        if pair.erp_item not in erp_ids:
            raise ValidationError(
                f"{where}.erp_item: the ERP list '{erp_list}' has no item '{pair.erp_item}'",
                field=f"{where}.erp_item",
            )
        crm = crm_by_code.get(pair.crm_item.lower())
        if crm is None:
            raise ValidationError(
                f"{where}.crm_item: the CRM list '{data.crm_list}' has no item '{pair.crm_item}'",
                field=f"{where}.crm_item",
            )
        if pair.erp_item in seen_erp or crm.id in seen_crm:
            side, value = (
                ("erp_item", pair.erp_item)
                if pair.erp_item in seen_erp
                else (
                    "crm_item",
                    crm.code,
                )
            )
            raise ValidationError(
                f"{where}.{side}: duplicate — '{value}' is already paired; "
                "list items map one to one",
                field=f"{where}.{side}",
            )
        seen_erp.add(pair.erp_item)
        seen_crm.add(crm.id)
        rows.append(ListItemMapping(erp_item=pair.erp_item, crm_item_id=crm.id))
    mapping = _get(session, connection_id, erp_list)
    if mapping is None:
        mapping = ListMapping(
            connection_id=connection_id, erp_list=erp_list, crm_list=data.crm_list
        )
        session.add(mapping)
    mapping.crm_list = data.crm_list
    mapping.items = []
    session.flush()
    mapping.items = rows
    session.flush()
    return report(session, meta, connection_id, erp_list, look=True)


def remove(session: Session, connection_id: int, erp_list: str) -> None:
    mapping = _get(session, connection_id, erp_list)
    if mapping is None:
        raise NotFound(f"The ERP list '{erp_list}' is not mapped.", field="erp_list")
    session.delete(mapping)
    session.flush()


def automatch(
    erp_items: list[ListItem], crm_items: list[CrmItem]
) -> tuple[list[ItemPair], list[str]]:
    """Pairs by code, then by name (case-insensitive); returns pairs and duplicate notes."""
    pairs: list[ItemPair] = []
    notes: list[str] = []
    used_crm: set[int] = set()
    live = [item for item in erp_items if not item.deleted]
    for attribute in ("code", "name"):
        index: dict[str, list[CrmItem]] = {}
        for crm in crm_items:
            index.setdefault(getattr(crm, attribute).strip().lower(), []).append(crm)
        for erp in live:
            if any(p.erp_item == erp.id for p in pairs):
                continue
            found = [
                c
                for c in index.get(getattr(erp, attribute).strip().lower(), [])
                if c.id not in used_crm
            ]
            if len(found) > 1:
                notes.append(
                    f"ERP item '{erp.code}' matches several CRM items by {attribute}: "
                    + ", ".join(c.code for c in found)
                )
            if found:
                used_crm.add(found[0].id)
                pairs.append(ItemPair(erp_item=erp.id, crm_item=found[0].code))
    return pairs, notes


def propose(
    session: Session, meta: ErpMeta, connection_id: int, erp_list: str, crm_list: str, apply: bool
) -> ListReport:
    """Auto-match a list; `apply` keeps existing pairs and adds the proposals."""
    meta.check_list(erp_list)
    crm_lists.check_list_name(crm_list)
    existing = _get(session, connection_id, erp_list)
    kept = _pairs_by_code(session, existing) if existing and existing.crm_list == crm_list else []
    taken_erp = {p.erp_item for p in kept}
    taken_crm = {p.crm_item.lower() for p in kept}
    crm_items = [c for c in _crm_items(session, crm_list) if c.code.lower() not in taken_crm]
    erp_items = [e for e in meta.items.get(erp_list, []) if e.id not in taken_erp]
    found, notes = automatch(erp_items, crm_items)
    data = ListMappingPut(crm_list=crm_list, items=kept + found)
    if apply:
        result = put(session, meta, connection_id, erp_list, data)
        result.duplicates.extend(notes)
        return result
    result = _report(session, meta, erp_list, crm_list, data.items, None)
    result.duplicates.extend(notes)
    return result


def report(
    session: Session, meta: ErpMeta, connection_id: int, erp_list: str, look: bool = False
) -> ListReport:
    """The list mapping with its flags; `look` remembers the items seen now."""
    mapping = _get(session, connection_id, erp_list)
    if mapping is None:
        meta.check_list(erp_list)
        return ListReport(
            erp_list=erp_list,
            crm_list=None,
            items=[],
            unmapped_erp=[_erp_view(i) for i in meta.items.get(erp_list, []) if not i.deleted],
        )
    result = _report(
        session, meta, erp_list, mapping.crm_list, _pairs_by_code(session, mapping), mapping
    )
    if look:
        mapping.seen_erp = json.dumps(sorted(i.id for i in meta.items.get(erp_list, [])))
        mapping.seen_crm = json.dumps(sorted(i.code for i in _crm_items(session, mapping.crm_list)))
        session.flush()
    return result


def _erp_view(item: ListItem) -> ListItemView:
    return ListItemView(id=item.id, code=item.code, name=item.name)


def _crm_view(item: CrmItem) -> ListItemView:
    return ListItemView(id=str(item.id), code=item.code, name=item.name)


def _report(
    session: Session,
    meta: ErpMeta,
    erp_list: str,
    crm_list: str,
    items: list[ItemPair],
    mapping: ListMapping | None,
) -> ListReport:
    erp_items = [i for i in meta.items.get(erp_list, []) if not i.deleted]
    crm_items = _crm_items(session, crm_list)
    paired_erp = {p.erp_item for p in items}
    paired_crm = {p.crm_item.lower() for p in items}
    result = ListReport(
        erp_list=erp_list,
        crm_list=crm_list,
        items=items,
        unmapped_erp=[_erp_view(i) for i in erp_items if i.id not in paired_erp],
        unmapped_crm=[_crm_view(i) for i in crm_items if i.code.lower() not in paired_crm],
    )
    if mapping is not None:
        seen_erp = set(json.loads(mapping.seen_erp))
        seen_crm = set(json.loads(mapping.seen_crm))
        if seen_erp or seen_crm:
            result.new_erp = [_erp_view(i) for i in erp_items if i.id not in seen_erp]
            result.new_crm = [_crm_view(i) for i in crm_items if i.code not in seen_crm]
    return result
