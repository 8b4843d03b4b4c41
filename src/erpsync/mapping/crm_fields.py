"""The CRM side of a mapping: the fixed entity of each actor type (R-SEM-1) and the
catalogue of mappable CRM fields per entity, with their types.

One place the service, the engine, import and the ERP tab read. CRM values are Text
(str), List (the CRM item *code*, as the CRM service speaks) or Checkbox (bool).
"""

from __future__ import annotations

from dataclasses import dataclass

from erpsync.crm.models import (
    LIST_BUSINESS,
    LIST_CATEGORY,
    LIST_COUNTRY,
    LIST_CURRENCY,
    LIST_PROJECT_STATUS,
)
from erpsync.errors import ValidationError
from erpsync.sdk.model import ActorType, FieldType

COMPANY = "company"
PERSON = "person"
PROJECT = "project"
ENTITIES = (COMPANY, PERSON, PROJECT)

#: R-SEM-1: fixed, not configurable.
ENTITY_OF: dict[ActorType, str] = {
    ActorType.CUSTOMER: COMPANY,
    ActorType.SUPPLIER: COMPANY,
    ActorType.PARTNER: COMPANY,
    ActorType.PERSON: PERSON,
    ActorType.PROJECT: PROJECT,
}


@dataclass(frozen=True, slots=True)
class CrmField:
    """One mappable field of a CRM entity."""

    key: str
    label: str
    type: FieldType = FieldType.TEXT
    list_name: str | None = None
    max_length: int | None = None
    required: bool = False


def _text(key: str, label: str, max_length: int, required: bool = False) -> CrmField:
    return CrmField(key, label, FieldType.TEXT, None, max_length, required)


def _list(key: str, label: str, list_name: str) -> CrmField:
    return CrmField(key, label, FieldType.LIST, list_name)


_ACTIVE = CrmField("active", "Active", FieldType.CHECKBOX)

CATALOGUE: dict[str, tuple[CrmField, ...]] = {
    COMPANY: (
        _text("name", "Name", 200, required=True),
        _text("number", "Number", 60),
        _text("org_no", "Organisation / VAT number", 60),
        _text("phone", "Phone", 60),
        _text("email", "E-mail", 254),
        _text("web", "Web site", 254),
        _text("street", "Street address", 200),
        _text("zip", "Postal code", 20),
        _text("city", "City", 120),
        _list("country", "Country", LIST_COUNTRY),
        _list("currency", "Currency", LIST_CURRENCY),
        _list("category", "Category", LIST_CATEGORY),
        _list("business", "Business", LIST_BUSINESS),
        _ACTIVE,
    ),
    PERSON: (
        _text("first_name", "First name", 120),
        _text("last_name", "Last name", 120),
        _text("title", "Title", 120),
        _text("email", "E-mail", 254),
        _text("phone", "Phone", 60),
        _text("mobile", "Mobile", 60),
        _ACTIVE,
    ),
    PROJECT: (
        _text("name", "Name", 200, required=True),
        _text("number", "Number", 60),
        _list("status", "Status", LIST_PROJECT_STATUS),
        _ACTIVE,
    ),
}


def entity_of(actor_type: ActorType | str) -> str:
    try:
        return ENTITY_OF[ActorType(actor_type)]
    except ValueError:
        names = ", ".join(t.value for t in ActorType)
        raise ValidationError(
            f"actor_type: unknown actor type '{actor_type}'; the types are: {names}.",
            field="actor_type",
        ) from None


def fields_of(actor_type: ActorType | str) -> tuple[CrmField, ...]:
    """The CRM fields an actor type's ERP fields can be mapped to."""
    return CATALOGUE[entity_of(actor_type)]


def crm_field(actor_type: ActorType | str, key: str) -> CrmField:
    """The CRM field `key` of the actor type's entity; an unknown key names the choices."""
    for candidate in fields_of(actor_type):
        if candidate.key == key:
            return candidate
    entity = entity_of(actor_type)
    choices = ", ".join(f.key for f in CATALOGUE[entity])
    raise ValidationError(
        f"crm_field: the CRM {entity} has no field '{key}'; the fields are: {choices}.",
        field="crm_field",
        value=key,
    )
