"""Checks of a new import before anything is stored (R-IMP-1, R-IMP-2, R-UI-1): the actor
types exist and have fields mapped to the CRM, enough to make a new record, and each
duplicate rule has its CRM field mapped for one of them. Errors name the field
(`actor_types.0`, `rules.1`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.crm import matchkeys
from erpsync.errors import ValidationError
from erpsync.mapping.crm_fields import CATALOGUE, PERSON, entity_of
from erpsync.mapping.models import FieldMapping
from erpsync.sdk.model import ActorType
from erpsync.sync.rules import ORDER


def mapped(session: Session, connection_id: int) -> dict[str, dict[str, str]]:
    """Actor type → CRM field → direction, of the connection's field mappings."""
    found: dict[str, dict[str, str]] = {}
    for mapping in session.scalars(
        select(FieldMapping).where(
            FieldMapping.connection_id == connection_id, FieldMapping.crm_field.is_not(None)
        )
    ):
        found.setdefault(mapping.actor_type, {})[mapping.crm_field or ""] = mapping.direction
    return found


def check_types(mapped: dict[str, dict[str, str]], actor_types: list[str]) -> list[str]:
    known = [t.value for t in ActorType]
    chosen: list[str] = []
    for index, name in enumerate(actor_types):
        where = f"actor_types.{index}"
        if name not in known:
            raise ValidationError(
                f"{where}: unknown actor type '{name}'; the types are: {', '.join(known)}.",
                field=where,
            )
        reading = {f for f, d in mapped.get(name, {}).items() if d in ("to_crm", "both")}
        if not reading:
            raise ValidationError(
                f"{where}: {name} has no field mapped to the CRM (to_crm or both) on this "
                "connection; map it first.",
                field=where,
            )
        kind = entity_of(name)
        needed = (
            [] if kind != PERSON or reading & {"first_name", "last_name"} else ["first_name"]
        ) + [f.key for f in CATALOGUE[kind] if f.required and f.key not in reading]
        if needed:
            raise ValidationError(
                f"{where}: a new CRM {kind} needs {', '.join(needed)}, which no field of "
                f"{name} fills (map it to_crm or both).",
                field=where,
            )
        if name not in chosen:
            chosen.append(name)
    return [t.value for t in ORDER if t.value in chosen]


def check_rules(
    mapped: dict[str, dict[str, str]], actor_types: list[str], rules: list[str]
) -> None:
    if len(set(rules)) != len(rules):
        raise ValidationError("rules: each rule once, in the order they are tried.", field="rules")
    for index, rule in enumerate(rules):
        usable = False
        for name in actor_types:
            needs = matchkeys.RULE_FIELDS[entity_of(name)].get(rule)
            fields = {f for f, d in mapped.get(name, {}).items() if d != "none"}
            usable = usable or (needs is not None and set(needs) <= fields)
        if not usable:
            raise ValidationError(
                f"rules.{index}: the rule '{rule}' needs its CRM field mapped for one of "
                f"{', '.join(actor_types)} (number → number, vat → org_no, name → name, "
                "email → email, domain → web).",
                field=f"rules.{index}",
            )
