"""How many records a sync run is expected to read, for progress bars (R-SYNC-9, R-UI-3).

The CRM → ERP pass is counted exactly: the linked actors of CRM records written after
each kind's stored `crm:<kind>` position, as that pass reads them. The ERP → CRM pass
can only be estimated, since the SDK has no count of a change stream: a full read
(a resync, or a stream without a cursor yet) reads at least every live link, or as many
as the last run read; an incremental read about as many as the last run read. No
estimate is `None`. Progress shows the totals as estimates and grows them when passed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from erpsync.mapping.crm_fields import entity_of
from erpsync.mapping.models import FieldMapping
from erpsync.sync import crm_to_erp, crmrows, journal
from erpsync.sync.models import LINK_ACTIVE, LINK_UNLINKED, Link, SyncRun

TO_ERP = frozenset({"to_erp", "both"})
ERP_PREFIX = "erp:"  # the ERP → CRM streams (`erp_to_crm.stream_name`)


@dataclass(frozen=True, slots=True)
class Estimate:
    """Records a run is expected to read per direction (`erp`: None when unknown)."""

    erp: int | None
    crm: int


def _mapped(session: Session, connection_id: int) -> dict[str, set[str]]:
    """Synced actor types → their directions."""
    rows = session.execute(
        select(FieldMapping.actor_type, FieldMapping.direction).where(
            FieldMapping.connection_id == connection_id,
            FieldMapping.crm_field.is_not(None),
            FieldMapping.direction != "none",
        )
    ).all()
    found: dict[str, set[str]] = {}
    for actor_type, direction in rows:
        found.setdefault(actor_type, set()).add(direction)
    return found


def _last_read(session: Session, connection_id: int, dry_runs: bool) -> int | None:
    """What the last succeeded run (not a retry) read from the ERP."""
    stmt = select(SyncRun.counts).where(
        SyncRun.connection_id == connection_id,
        SyncRun.state == "succeeded",
        SyncRun.kind != "retry",
    )
    if not dry_runs:
        stmt = stmt.where(SyncRun.dry_run.is_(False))
    counts = session.scalar(stmt.order_by(SyncRun.id.desc()).limit(1))
    return None if counts is None else int(counts.get("read", 0))


def erp_reads(session: Session, connection_id: int, resync: bool) -> int | None:
    """The actors the ERP → CRM pass is expected to read."""
    types = sorted(_mapped(session, connection_id))
    if not types:
        return 0
    stored = {stream for stream, position, _ in journal.cursors(session, connection_id) if position}
    full = resync or any(f"{ERP_PREFIX}{actor_type}" not in stored for actor_type in types)
    if not full:
        return _last_read(session, connection_id, dry_runs=False)
    live = session.scalar(
        select(func.count())
        .select_from(Link)
        .where(
            Link.connection_id == connection_id,
            Link.actor_type.in_(types),
            Link.state != LINK_UNLINKED,
        )
    )
    last = _last_read(session, connection_id, dry_runs=True) or 0
    return max(int(live or 0), last) or None


def crm_reads(session: Session, connection_id: int, from_start: Collection[str] = ()) -> int:
    """The linked actors of CRM records written after each kind's stored position (or
    after none, for the kinds in `from_start`), as the CRM → ERP pass reads them."""
    kinds: dict[str, list[str]] = {}
    for actor_type, directions in _mapped(session, connection_id).items():
        if directions & TO_ERP:
            kinds.setdefault(entity_of(actor_type), []).append(actor_type)
    total = 0
    for kind, types in kinds.items():
        stored = journal.get_cursor(session, connection_id, crm_to_erp.stream_name(kind))
        position = 0 if kind in from_start or not stored else int(stored)
        table = crmrows.TABLES[kind]
        total += int(
            session.scalar(
                select(func.count())
                .select_from(Link)
                .join(table, and_(table.c.id == Link.crm_id, table.c.change_pos > position))
                .where(
                    Link.connection_id == connection_id,
                    Link.crm_kind == kind,
                    Link.actor_type.in_(types),
                    Link.state == LINK_ACTIVE,
                )
            )
            or 0
        )
    return total


def of_run(session: Session, connection_id: int, resync: str | None) -> Estimate:
    """Both directions' estimates before a run starts."""
    crm_start = crmrows.TABLES.keys() if resync == "crm" else ()
    return Estimate(
        erp_reads(session, connection_id, resync == "erp"),
        crm_reads(session, connection_id, crm_start),
    )
