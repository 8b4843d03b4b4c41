"""The binder: links between CRM records and actors, found, made and changed in bulk.

A link is live unless `unlinked`; live links are unique per (connection, actor type,
ERP key) and per (connection, actor type, CRM record) (partial unique indexes).

**The shadow** (R-SEM-2) maps each mapped ERP field key to the field's value as last
synced, in the *CRM form*: the value `transform.to_crm` gives (text, list item code,
checkbox, or None). That form is plain JSON, needs no type to read back, and is what
both sides are compared in: the ERP value through `to_crm`, the CRM value as stored.
Import, Connect and Create in ERP write shadows the same way (`shadow_value`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, select, update
from sqlalchemy.orm import Session, aliased

from erpsync.db import bulk, bulk_update
from erpsync.db.base import utcnow
from erpsync.mapping.crm_fields import COMPANY
from erpsync.mapping.transform import CrmValue, Rule, to_crm
from erpsync.sdk.model import Value
from erpsync.sync.models import (
    LINK_ACTIVE,
    LINK_DELETED_IN_ERP,
    LINK_UNLINKED,
    LINK_WAITING_PARENT,
    Link,
)

LINKS: Table = Link.__table__  # type: ignore[assignment]
#: States whose CRM company can parent a person or project.
PARENT_STATES = (LINK_ACTIVE, LINK_DELETED_IN_ERP)


def shadow_value(rule: Rule, erp_value: Value) -> CrmValue:
    """The shadow of one field for an ERP value (what Connect and import store)."""
    return to_crm(rule, erp_value)


@dataclass(slots=True)
class LinkRow:
    """A link as the engine handles it; `dirty` marks it for `save`."""

    actor_type: str
    erp_key: str
    crm_kind: str
    crm_id: int
    state: str = LINK_ACTIVE
    parent_type: str | None = None
    parent_key: str | None = None
    shadow: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    dirty: bool = False


def _row(raw: Any) -> LinkRow:
    return LinkRow(
        raw.actor_type,
        raw.erp_key,
        raw.crm_kind,
        int(raw.crm_id),
        raw.state,
        raw.parent_type,
        raw.parent_key,
        dict(raw.shadow or {}),
        int(raw.id),
    )


def _live() -> Any:
    return LINKS.c.state != LINK_UNLINKED


def by_erp_keys(
    session: Session, connection_id: int, actor_type: str, keys: Iterable[str]
) -> dict[str, LinkRow]:
    """Live links of these actors, one query."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = session.execute(
        select(*_READ).where(
            LINKS.c.connection_id == connection_id,
            LINKS.c.actor_type == actor_type,
            bulk.among(session, LINKS.c.erp_key, wanted),
            _live(),
        )
    ).all()
    return {raw.erp_key: _row(raw) for raw in rows}


#: What `_row` reads of a link (not its timestamps).
_READ = [LINKS.c[name] for name in ("id", "actor_type", "erp_key", "crm_kind", "crm_id")]
_READ += [LINKS.c[name] for name in ("state", "parent_type", "parent_key", "shadow")]


def by_crm_ids(
    session: Session, connection_id: int, kind: str, ids: Iterable[int], actor_types: Sequence[str]
) -> list[LinkRow]:
    """Active links of these CRM records of these actor types, one query."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    rows = session.execute(
        select(LINKS)
        .where(
            LINKS.c.connection_id == connection_id,
            LINKS.c.crm_kind == kind,
            bulk.among(session, LINKS.c.crm_id, wanted),
            LINKS.c.actor_type.in_(list(actor_types)),
            LINKS.c.state == LINK_ACTIVE,
        )
        .order_by(LINKS.c.id)
    ).all()
    return [_row(raw) for raw in rows]


def live_keys(session: Session, connection_id: int, actor_type: str) -> set[str]:
    """ERP keys of the actors of a type with an active or waiting link (one query)."""
    return set(
        session.scalars(
            select(LINKS.c.erp_key).where(
                LINKS.c.connection_id == connection_id,
                LINKS.c.actor_type == actor_type,
                LINKS.c.state.in_((LINK_ACTIVE, LINK_WAITING_PARENT)),
            )
        )
    )


def linked_records(
    session: Session, connection_id: int, actor_type: str, kind: str, ids: Iterable[int]
) -> set[int]:
    """Which of these CRM records already have a live link of this actor type."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(LINKS.c.crm_id).where(
                LINKS.c.connection_id == connection_id,
                LINKS.c.actor_type == actor_type,
                LINKS.c.crm_kind == kind,
                bulk.among(session, LINKS.c.crm_id, wanted),
                _live(),
            )
        )
    )


def parent_companies(
    session: Session, connection_id: int, refs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """(actor type, ERP key) of parents → the CRM company they are linked to."""
    wanted = set(refs)
    if not wanted:
        return {}
    found: dict[tuple[str, str], int] = {}
    for actor_type in sorted({t for t, _ in wanted}):
        keys = sorted(k for t, k in wanted if t == actor_type)
        rows = session.execute(
            select(LINKS.c.erp_key, LINKS.c.crm_id).where(
                LINKS.c.connection_id == connection_id,
                LINKS.c.actor_type == actor_type,
                LINKS.c.crm_kind == COMPANY,
                bulk.among(session, LINKS.c.erp_key, keys),
                LINKS.c.state.in_(PARENT_STATES),
            )
        ).all()
        found.update({(actor_type, key): int(crm_id) for key, crm_id in rows})
    return found


def insert_links(session: Session, connection_id: int, rows: Sequence[LinkRow]) -> None:
    """Insert new links (bulk) and fill in their ids."""
    if not rows:
        return
    now = utcnow()
    values = [
        (
            r.actor_type,
            r.erp_key,
            r.crm_kind,
            r.crm_id,
            r.state,
            r.parent_type,
            r.parent_key,
            r.shadow,
        )
        for r in rows
    ]
    fixed = {"connection_id": connection_id, "created_at": now, "updated_at": now}
    for row, link_id in zip(
        rows, bulk.insert_tuples(session, LINKS, _INSERTED, values, fixed, True), strict=True
    ):
        row.id = int(link_id)
        row.dirty = False


_INSERTED = ["actor_type", "erp_key", "crm_kind", "crm_id", "state"]
_INSERTED += ["parent_type", "parent_key", "shadow"]


def save_links(session: Session, rows: Iterable[LinkRow]) -> None:
    """Write state, parent and shadow of the dirty links (one statement, R-SEM-2)."""
    values = [
        (row.id, row.state, row.parent_type, row.parent_key, row.shadow)
        for row in rows
        if row.dirty and row.id is not None
    ]
    stamp = {"updated_at": utcnow()}
    bulk_update.update_by_id(session, LINKS, _SAVED, values, stamp)


_SAVED = ["state", "parent_type", "parent_key", "shadow"]


def adoptable(
    session: Session, connection_id: int, actor_type: str, limit: int
) -> list[tuple[int, str, int, int]]:
    """Waiting children whose parent is linked now: (link id, ERP key, CRM id, parent's)."""
    parent = aliased(Link)
    rows = session.execute(
        select(Link.id, Link.erp_key, Link.crm_id, parent.crm_id)
        .join(
            parent,
            and_(
                parent.connection_id == Link.connection_id,
                parent.actor_type == Link.parent_type,
                parent.erp_key == Link.parent_key,
                parent.crm_kind == COMPANY,
                parent.state.in_(PARENT_STATES),
            ),
        )
        .where(
            Link.connection_id == connection_id,
            Link.actor_type == actor_type,
            Link.state == LINK_WAITING_PARENT,
        )
        .order_by(Link.id)
        .limit(limit)
    ).all()
    return [(int(a), str(key), int(b), int(c)) for a, key, b, c in rows]


def set_state(session: Session, link_ids: Sequence[int], state: str) -> None:
    if link_ids:
        session.execute(
            update(LINKS)
            .where(bulk.among(session, LINKS.c.id, list(link_ids)))
            .values(state=state, updated_at=utcnow())
        )


def unlink(session: Session, link_ids: Sequence[int]) -> None:
    """Links kept for history (R-SYNC-7); the live-unique indexes no longer count them."""
    if link_ids:
        now = utcnow()
        session.execute(
            update(LINKS)
            .where(bulk.among(session, LINKS.c.id, list(link_ids)))
            .values(state=LINK_UNLINKED, unlinked_at=now, updated_at=now)
        )
