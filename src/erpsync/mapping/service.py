"""Field mapping rules (R-MAP-1, R-MAP-4, R-MAP-5): validate, save, move, show.

Every write validates the whole resulting set of an actor type's mappings first and
writes only when all of it is valid, so bad input changes nothing. Errors name the
field (`erp_field`, `crm_field`, `direction`, `conversion`, `default_value`…) and the
ERP field they are about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from erpsync.errors import ValidationError
from erpsync.mapping import transform
from erpsync.mapping.crm_fields import CrmField, crm_field
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.models import WRITES_CRM, WRITES_ERP, FieldMapping, ListMapping
from erpsync.mapping.schemas import FieldMappingIn, FieldMappingPatch, FieldRow, Move
from erpsync.sdk.model import Field, FieldType


@dataclass(frozen=True)
class Checked:
    """A validated mapping, ready to store."""

    spec: FieldMappingIn
    erp: Field
    crm: CrmField | None
    conversion: str | None
    default_json: str | None
    default_mode: str | None


def _error(erp_key: str, field: str, why: str, value: Any = None) -> ValidationError:
    return ValidationError(f"{field}: {why} (ERP field '{erp_key}')", field=field, value=value)


def _conversion(spec: FieldMappingIn, erp: Field, crm: CrmField) -> str | None:
    conversion = spec.conversion
    if conversion is None and not transform.direct(erp.type, crm.type):
        named = transform.conversions_for(erp.type, crm.type)
        conversion = named[0] if len(named) == 1 else None  # one choice: take it
    why = transform.incompatibility(erp, crm, conversion)
    if why is not None:
        raise _error(erp.key, "conversion" if spec.conversion else "crm_field", why, conversion)
    return conversion


def _default(meta: ErpMeta, spec: FieldMappingIn, erp: Field) -> tuple[str | None, str | None]:
    value, mode = spec.default_value, spec.default_mode
    if value is None or value == "":
        if mode in ("set", "ask"):
            raise _error(erp.key, "default_value", f"a default in mode '{mode}' needs a value")
        return None, mode
    if erp.read_only:
        raise _error(
            erp.key,
            "default_value",
            "a ReadOnly field is never written, so it takes no default",
            value,
        )
    try:
        typed = transform.value_from_json(erp, value)
    except transform.TransformError as exc:
        why = exc.message.removeprefix(f"{erp.key}: ")
        raise _error(erp.key, "default_value", why, value) from None
    if erp.type is FieldType.LIST and erp.list_name in meta.items:
        ids = {item.id for item in meta.items[erp.list_name] if not item.deleted}
        if typed not in ids:
            raise _error(
                erp.key,
                "default_value",
                f"'{value}' is not an item id of the ERP list '{erp.list_name}'",
                value,
            )
    return transform.dumps(typed), mode or "set"


def check(meta: ErpMeta, actor_type: str, spec: FieldMappingIn, lists: dict[str, str]) -> Checked:
    """One mapping's rules; `lists` maps the connection's ERP lists to their CRM lists."""
    erp = meta.field(actor_type, spec.erp_field)
    crm = crm_field(actor_type, spec.crm_field) if spec.crm_field else None
    if crm is None and spec.direction != "none":
        raise _error(erp.key, "direction", f"'{spec.direction}' needs a CRM field")
    if erp.read_only and spec.direction in WRITES_ERP:
        raise _error(
            erp.key,
            "direction",
            f"the field is ReadOnly in the ERP, so it cannot be '{spec.direction}'",
        )
    if crm is None and spec.conversion:
        raise _error(erp.key, "conversion", "a conversion needs a CRM field", spec.conversion)
    conversion = _conversion(spec, erp, crm) if crm is not None else None
    target = lists.get(erp.list_name or "")
    if crm is not None and crm.list_name and target and target != crm.list_name:
        raise _error(
            erp.key,
            "crm_field",
            f"the ERP list '{erp.list_name}' is mapped to the CRM list '{target}', "
            f"not '{crm.list_name}'",
            spec.crm_field,
        )
    default_json, mode = _default(meta, spec, erp)
    return Checked(spec, erp, crm, conversion, default_json, mode)


def check_all(
    meta: ErpMeta, actor_type: str, specs: list[FieldMappingIn], lists: dict[str, str]
) -> list[Checked]:
    """Every rule over the whole set of an actor type's mappings."""
    checked = [check(meta, actor_type, spec, lists) for spec in specs]
    seen_erp: set[str] = set()
    writers: dict[str, str] = {}
    for item in checked:
        if item.erp.key in seen_erp:
            raise _error(item.erp.key, "erp_field", "the field is listed twice", item.erp.key)
        seen_erp.add(item.erp.key)
        if item.crm is not None and item.spec.direction in WRITES_CRM:
            other = writers.setdefault(item.crm.key, item.erp.key)
            if other != item.erp.key:
                raise _error(
                    item.erp.key,
                    "crm_field",
                    f"the CRM field '{item.crm.key}' is already written by the ERP field "
                    f"'{other}'; a CRM field takes one ERP field per connection and actor type",
                    item.crm.key,
                )
    return checked


def list_targets(session: Session, connection_id: int) -> dict[str, str]:
    rows = session.execute(
        select(ListMapping.erp_list, ListMapping.crm_list).where(
            ListMapping.connection_id == connection_id
        )
    )
    return {erp: crm for erp, crm in rows}


def stored(session: Session, connection_id: int, actor_type: str) -> list[FieldMapping]:
    return list(
        session.scalars(
            select(FieldMapping)
            .where(
                FieldMapping.connection_id == connection_id, FieldMapping.actor_type == actor_type
            )
            .order_by(FieldMapping.rank, FieldMapping.id)
        )
    )


def as_spec(row: FieldMapping) -> FieldMappingIn:
    return FieldMappingIn(
        erp_field=row.erp_field,
        crm_field=row.crm_field,
        direction=row.direction,
        show_in_search=row.show_in_search,
        show_on_tab=row.show_on_tab,
        rank=row.rank,
        default_value=json.loads(row.default_value) if row.default_value is not None else None,
        default_mode=row.default_mode,
        conflict_policy=row.conflict_policy,
        conversion=row.conversion,
    )


def _write(session: Session, connection_id: int, actor_type: str, checked: list[Checked]) -> None:
    """Replace the actor type's rows with `checked`, ranked 1…n in the given order."""
    session.execute(
        delete(FieldMapping).where(
            FieldMapping.connection_id == connection_id, FieldMapping.actor_type == actor_type
        )
    )
    session.flush()
    for rank, item in enumerate(checked, start=1):
        spec = item.spec
        session.add(
            FieldMapping(
                connection_id=connection_id,
                actor_type=actor_type,
                erp_field=item.erp.key,
                crm_field=item.crm.key if item.crm else None,
                direction=spec.direction,
                show_in_search=spec.show_in_search,
                show_on_tab=spec.show_on_tab,
                rank=rank,
                default_value=item.default_json,
                default_mode=item.default_mode,
                conflict_policy=spec.conflict_policy,
                conversion=item.conversion,
            )
        )
    session.flush()


def _ordered(specs: list[FieldMappingIn]) -> list[FieldMappingIn]:
    """Stable order: explicit ranks first by rank, then the others as given."""
    indexed = list(enumerate(specs))
    indexed.sort(key=lambda pair: (pair[1].rank is None, pair[1].rank or 0, pair[0]))
    return [spec for _, spec in indexed]


def put_all(
    session: Session,
    meta: ErpMeta,
    connection_id: int,
    actor_type: str,
    specs: list[FieldMappingIn],
) -> list[FieldRow]:
    """Replace every mapping of one actor type (all valid, or nothing changes)."""
    meta.type_of(actor_type)
    checked = check_all(meta, actor_type, _ordered(specs), list_targets(session, connection_id))
    _write(session, connection_id, actor_type, checked)
    return view(session, meta, connection_id, actor_type)


def patch(
    session: Session,
    meta: ErpMeta,
    connection_id: int,
    actor_type: str,
    erp_field: str,
    data: FieldMappingPatch,
) -> list[FieldRow]:
    """Add or change one ERP field's mapping; a new one goes last in rank."""
    meta.field(actor_type, erp_field)
    specs = [as_spec(row) for row in stored(session, connection_id, actor_type)]
    changes = data.model_dump(exclude_unset=True)
    for index, spec in enumerate(specs):
        if spec.erp_field == erp_field:
            specs[index] = spec.model_copy(update=changes)
            break
    else:
        specs.append(FieldMappingIn(erp_field=erp_field, **changes))
    specs = [spec.model_copy(update={"rank": None}) for spec in specs]
    checked = check_all(meta, actor_type, specs, list_targets(session, connection_id))
    _write(session, connection_id, actor_type, checked)
    return view(session, meta, connection_id, actor_type)


def remove(
    session: Session, meta: ErpMeta, connection_id: int, actor_type: str, erp_field: str
) -> list[FieldRow]:
    specs = [as_spec(r) for r in stored(session, connection_id, actor_type)]
    kept = [s.model_copy(update={"rank": None}) for s in specs if s.erp_field != erp_field]
    if len(kept) == len(specs):
        raise _error(erp_field, "erp_field", "the field has no mapping", erp_field)
    _write(
        session,
        connection_id,
        actor_type,
        check_all(meta, actor_type, kept, list_targets(session, connection_id)),
    )
    return view(session, meta, connection_id, actor_type)


def move(
    session: Session, meta: ErpMeta, connection_id: int, actor_type: str, erp_field: str, data: Move
) -> list[FieldRow]:
    """Up/down by `step` or to `position` (1-based); ranks stay 1…n integers (R-MAP-5)."""
    specs = [
        as_spec(r).model_copy(update={"rank": None})
        for r in stored(session, connection_id, actor_type)
    ]
    keys = [s.erp_field for s in specs]
    if erp_field not in keys:
        raise _error(erp_field, "erp_field", "the field has no mapping to move", erp_field)
    if (data.step is None) == (data.position is None):
        raise ValidationError("step: give either step or position", field="step")
    at = keys.index(erp_field)
    target = at + data.step if data.step is not None else (data.position or 1) - 1
    target = max(0, min(len(specs) - 1, target))
    specs.insert(target, specs.pop(at))
    checked = check_all(meta, actor_type, specs, list_targets(session, connection_id))
    _write(session, connection_id, actor_type, checked)
    return view(session, meta, connection_id, actor_type)


def view(session: Session, meta: ErpMeta, connection_id: int, actor_type: str) -> list[FieldRow]:
    """Every ERP field of the actor type: mapped ones in rank order, then the rest."""
    rows = {row.erp_field: row for row in stored(session, connection_id, actor_type)}
    fields = meta.fields_of(actor_type)
    result: list[FieldRow] = []
    for key, row in rows.items():
        found = next((f for f in fields if f.key == key), None)
        result.append(_row(found or Field(key, key), as_spec(row), True))
    for erp in sorted(fields, key=lambda f: f.rank):
        if erp.key not in rows:
            result.append(_row(erp, FieldMappingIn(erp_field=erp.key, rank=0), False))
    return result


def _row(erp: Field, spec: FieldMappingIn, mapped: bool) -> FieldRow:
    data = spec.model_dump()
    data["rank"] = spec.rank or 0
    data.pop("erp_field")
    return FieldRow(
        erp_field=erp.key,
        display_name=erp.display_name,
        type=erp.type.value,
        access=erp.access.value,
        list_name=erp.list_name,
        mapped=mapped,
        **data,
    )
