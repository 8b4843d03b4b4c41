"""The conflict queue (R-SYNC-5): fields both sides changed, waiting for the administrator.

Resolving a conflict writes the chosen value to the CRM record (through the CRM service,
so it is checked like any edit), sets the field's shadow to the ERP value the conflict
saw and gives the record a new change position. The next run then finds the ERP
unchanged against the shadow and the CRM changed, and sends the CRM value to the ERP
where the mapping writes there; choosing the ERP side leaves nothing to send. A
`resolved` log entry records the choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erpsync.crm import schemas as crm_schemas
from erpsync.crm import service as crm
from erpsync.errors import Conflict as ConflictError
from erpsync.errors import NotFound, ValidationError
from erpsync.mapping.crm_fields import COMPANY, PERSON
from erpsync.mapping.models import FieldMapping
from erpsync.sync import crmrows, journal
from erpsync.sync.models import Conflict, Link

Choice = Literal["erp", "crm", "value"]
CHOICES = ("erp", "crm", "value")


@dataclass(frozen=True, slots=True)
class OpenConflict:
    """A conflict with what the page and the API show of its record."""

    conflict: Conflict
    actor_type: str
    erp_key: str
    crm_kind: str
    crm_id: int
    crm_field: str | None


def _crm_field(session: Session, connection_id: int, actor_type: str, erp_field: str) -> str | None:
    return session.scalar(
        select(FieldMapping.crm_field).where(
            FieldMapping.connection_id == connection_id,
            FieldMapping.actor_type == actor_type,
            FieldMapping.erp_field == erp_field,
        )
    )


def page(
    session: Session, connection_id: int, limit: int, offset: int
) -> tuple[int, list[OpenConflict]]:
    """Open conflicts of a connection, oldest first."""
    if not 1 <= limit <= 500 or offset < 0:
        raise ValidationError("limit: 1 to 500; offset: 0 or more.", field="limit")
    where = (Conflict.connection_id == connection_id, Conflict.resolved_at.is_(None))
    total = int(session.scalar(select(func.count()).select_from(Conflict).where(*where)) or 0)
    rows = session.execute(
        select(Conflict, Link)
        .join(Link, Link.id == Conflict.link_id)
        .where(*where)
        .order_by(Conflict.id)
        .limit(limit)
        .offset(offset)
    ).all()
    found = [
        OpenConflict(
            conflict,
            link.actor_type,
            link.erp_key,
            link.crm_kind,
            link.crm_id,
            _crm_field(session, connection_id, link.actor_type, conflict.field),
        )
        for conflict, link in rows
    ]
    return total, found


def _update(session: Session, kind: str, record_id: int, values: dict[str, Any]) -> None:
    if kind == COMPANY:
        crm.update_company(session, record_id, crm_schemas.CompanyUpdate.model_validate(values))
    elif kind == PERSON:
        crm.update_person(session, record_id, crm_schemas.PersonUpdate.model_validate(values))
    else:
        crm.update_project(session, record_id, crm_schemas.ProjectUpdate.model_validate(values))


def _write_crm(session: Session, kind: str, record_id: int, field: str, value: Any) -> None:
    try:
        _update(session, kind, record_id, {field: value})
    except PydanticValidationError as exc:
        message = exc.errors()[0]["msg"]
        raise ValidationError(f"value: not a valid {field}: {message}", field="value") from None


def _values(old: Any, new: Any) -> dict[str, str | None]:
    return {"old_value": journal.text_of(old), "new_value": journal.text_of(new)}


def resolve(
    session: Session,
    connection_id: int,
    conflict_id: int,
    choice: str,
    now: datetime,
    value: Any = None,
    user_id: int | None = None,
) -> OpenConflict:
    """Settle one open conflict with the ERP value, the CRM value or a typed value."""
    if choice not in CHOICES:
        raise ValidationError("choice: pick 'erp', 'crm' or 'value'.", field="choice")
    conflict = session.get(Conflict, conflict_id, with_for_update=True)
    if conflict is None or conflict.connection_id != connection_id:
        raise NotFound(f"No conflict with id {conflict_id} for this connection.")
    if conflict.resolved_at is not None:
        raise ConflictError(f"The conflict {conflict_id} was already resolved.")
    link = session.get(Link, conflict.link_id)
    assert link is not None
    crm_key = _crm_field(session, connection_id, link.actor_type, conflict.field)
    if crm_key is None:
        raise ConflictError(
            f"The field '{conflict.field}' is no longer mapped; discard the conflict by "
            "mapping it again or resolve it in both systems by hand."
        )
    chosen = {"erp": conflict.erp_value, "crm": conflict.crm_value, "value": value}[choice]
    if choice == "value" and isinstance(chosen, str):
        chosen = chosen.strip() or None
    if choice != "crm":
        _write_crm(session, link.crm_kind, link.crm_id, crm_key, chosen)
    link.shadow = {**(link.shadow or {}), conflict.field: conflict.erp_value}
    # A new change position, so the CRM → ERP pass looks at the record again.
    crmrows.update_rows(session, link.crm_kind, {link.crm_id: {}})
    conflict.resolved_at, conflict.resolution, conflict.resolved_by_id = now, choice, user_id
    entries = journal.Entries()
    row = journal.log_row(
        "resolved", link.actor_type, link.erp_key, link.crm_kind, link.crm_id, crm_key
    )
    entries.log.append({**row, **_values(conflict.crm_value, chosen)})
    journal.write(session, connection_id, None, entries)
    session.flush()
    return OpenConflict(
        conflict, link.actor_type, link.erp_key, link.crm_kind, link.crm_id, crm_key
    )
