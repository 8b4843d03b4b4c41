"""Priority between connections in the engine (R-MAP-6): when several active connections
write the same CRM field of the same record, priority 1 wins over 2, and so on.

`Outranking.load` finds, once per run, the live active connections with a higher
priority (a lower number) and the CRM fields each writes (`to_crm`/`both`);
`Outranking.for_records` tells, per batch and in one query, which (record, field)
pairs of the batch such a connection holds through a live link. The ERP → CRM pass
skips its write there and logs it `overridden`; the field's shadow takes this ERP's
value, so the same value is not reported again and a `both` field carries the
winner's value back to this ERP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.connections.models import Connection
from erpsync.mapping.checks import writes
from erpsync.sync.models import LINK_UNLINKED, Link


@dataclass
class Outranking:
    """The CRM fields higher-priority connections write, per connection."""

    fields: dict[int, set[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, connection_id: int) -> Outranking:
        mine = session.get(Connection, connection_id)
        if mine is None:
            return cls()
        higher = session.scalars(
            select(Connection.id).where(
                Connection.id != connection_id,
                Connection.active.is_(True),
                Connection.deleted_at.is_(None),
                Connection.priority < mine.priority,
            )
        ).all()
        found = {other: writes(session, other) for other in higher}
        return cls({other: pairs for other, pairs in found.items() if pairs})

    def for_records(self, session: Session, kind: str, ids: Iterable[int]) -> set[tuple[int, str]]:
        """(CRM id, CRM field) pairs of these records a higher connection writes."""
        wanted = sorted(set(ids))
        connections = [
            cid for cid, pairs in self.fields.items() if any(k == kind for k, _ in pairs)
        ]
        if not wanted or not connections:
            return set()
        rows = session.execute(
            select(Link.connection_id, Link.crm_id).where(
                Link.connection_id.in_(connections),
                Link.crm_kind == kind,
                Link.crm_id.in_(wanted),
                Link.state != LINK_UNLINKED,
            )
        ).all()
        return {
            (int(crm_id), name)
            for connection_id, crm_id in rows
            for entity, name in self.fields[connection_id]
            if entity == kind
        }
