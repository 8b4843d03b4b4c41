"""Priority between connections (R-MAP-6): the overview across connections, with the CRM
fields each writes and the ties that block activation, and setting several at once.

1 is the highest priority; the word *rank* is kept for field order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.errors import ValidationError
from erpsync.mapping.checks import writes

MAX_PRIORITY = 1000


@dataclass
class PriorityRow:
    """One live connection with its priority, what it writes and whom it ties with."""

    id: int
    name: str
    connector: str
    active: bool
    priority: int
    writes: list[str]
    ties: list[str] = field(default_factory=list)


def overview(session: Session, user: User) -> list[PriorityRow]:
    """Live connections in priority order; `ties` names the connections with the same
    priority that write a CRM field this one writes too."""
    found = connections.list_visible(session, user)
    written = {c.id: writes(session, c.id) for c in found}
    rows = []
    for connection in found:
        ties = [
            other.name
            for other in found
            if other.id != connection.id
            and other.priority == connection.priority
            and written[connection.id] & written[other.id]
        ]
        rows.append(
            PriorityRow(
                id=connection.id,
                name=connection.name,
                connector=connection.connector_key,
                active=connection.active,
                priority=connection.priority,
                writes=sorted(f"{entity}.{name}" for entity, name in written[connection.id]),
                ties=ties,
            )
        )
    return rows


def parse(raw: dict[int, str]) -> dict[int, int]:
    """Priorities typed in a form: whole numbers 1…1000, errors name `priority.<id>`."""
    result: dict[int, int] = {}
    for connection_id, text in raw.items():
        where = f"priority.{connection_id}"
        value = text.strip()
        if not value.isdigit() or not 1 <= int(value) <= MAX_PRIORITY:
            raise ValidationError(
                f"{where}: '{text}' is not a priority; give a whole number from 1 "
                f"(highest) to {MAX_PRIORITY}.",
                field=where,
                value=text,
            )
        result[connection_id] = int(value)
    return result


def set_priorities(session: Session, user: User, priorities: dict[int, int]) -> list[PriorityRow]:
    """Set the priorities of several connections together (all valid, or none changes)."""
    chosen = [connections.get(session, user, connection_id) for connection_id in priorities]
    for connection in chosen:
        value = priorities[connection.id]
        if not 1 <= value <= MAX_PRIORITY:
            raise ValidationError(
                f"priority.{connection.id}: {value} is not between 1 and {MAX_PRIORITY}.",
                field=f"priority.{connection.id}",
                value=value,
            )
    for connection in chosen:
        if connection.priority != priorities[connection.id]:
            connection.priority = priorities[connection.id]
            connection.updated_by_id = user.id
    session.flush()
    return overview(session, user)
