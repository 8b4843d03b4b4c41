"""Checks of a CRM record the engine is about to write from an actor (R-SYNC-6, R-MAP-8,
R-NF-2): the record's required fields and text lengths, read from the CRM tables
themselves, so a record the database would refuse is refused *before* the batch writes.

A refused record is a `data` failure naming the actor, the CRM field and what to do
(map an ERP field, fill the ERP value, shorten it); the engine quarantines it as a dead
letter and the rest of the batch goes on. Retrying the dead letter after the mapping or
the ERP value is fixed writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Table

from erpsync.errors import DataError
from erpsync.mapping.crm_fields import PERSON
from erpsync.sync.crmrows import TABLES
from erpsync.sync.rules import TypeMapping

#: Columns the engine fills itself, never from a mapping.
_OWN = frozenset({"id", "change_pos", "created_at", "updated_at", "active", "deleted_at"})
#: A CRM person needs one of these (the CRM service's rule, kept by the engine too).
PERSON_NAMES = ("first_name", "last_name")


@dataclass(frozen=True, slots=True)
class Limits:
    """What the CRM table of one kind demands of a written record."""

    required: tuple[str, ...]  # NOT NULL text columns with no default
    lengths: dict[str, int]  # text column → its maximum length


def _limits(table: Table) -> Limits:
    required: list[str] = []
    lengths: dict[str, int] = {}
    for column in table.columns:
        if column.key in _OWN or not isinstance(column.type, String):
            continue
        if column.type.length is not None:
            lengths[column.key] = column.type.length
        if not column.nullable and column.default is None and column.server_default is None:
            required.append(column.key)
    return Limits(tuple(required), lengths)


LIMITS: dict[str, Limits] = {kind: _limits(table) for kind, table in TABLES.items()}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(tm: TypeMapping, erp_key: str, values: dict[str, Any], created: bool) -> None:
    """Refuse (DataError) CRM values the record of actor `erp_key` cannot hold.

    `values` are the CRM field values to write; a created record is checked whole
    (required fields present and not blank), an updated one for the fields it sets."""
    limits = LIMITS[tm.kind]
    for key in limits.required:
        if (created or key in values) and _blank(values.get(key)):
            raise DataError(_needs(tm, erp_key, key), field=key)
    if created and tm.kind == PERSON and all(_blank(values.get(k)) for k in PERSON_NAMES):
        raise DataError(_needs(tm, erp_key, " or ".join(PERSON_NAMES)), field=PERSON_NAMES[-1])
    for key, value in values.items():
        limit = limits.lengths.get(key)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            raise DataError(_too_long(tm, erp_key, key, len(value), limit), field=key, value=value)


def _record(tm: TypeMapping, erp_key: str) -> str:
    return f"{tm.actor_type.value} {erp_key}"


def _source(tm: TypeMapping, crm_key: str) -> str | None:
    """The ERP field written to `crm_key` (to_crm or both), if one is."""
    return next((r.erp_key for r in tm.fields if r.crm_key == crm_key and r.to_crm), None)


def _needs(tm: TypeMapping, erp_key: str, crm_key: str) -> str:
    what = f"{_record(tm, erp_key)}: the CRM {tm.kind} needs a {crm_key.replace('_', ' ')}"
    sources = [s for s in (_source(tm, k) for k in crm_key.split(" or ")) if s]
    if not sources:
        return (
            f"{what}; map an ERP field to {crm_key} (direction to_crm or both), "
            "then retry this dead letter"
        )
    fields = " or ".join(f"'{s}'" for s in sources)
    return f"{what}, but the ERP field {fields} is empty; fill it in the ERP, then retry"


def _too_long(tm: TypeMapping, erp_key: str, crm_key: str, length: int, limit: int) -> str:
    source = _source(tm, crm_key)
    origin = f" (from the ERP field '{source}')" if source else ""
    return (
        f"{_record(tm, erp_key)}: {crm_key} is {length} characters{origin}, the CRM "
        f"{tm.kind} takes at most {limit}; shorten it in the ERP, then retry"
    )
