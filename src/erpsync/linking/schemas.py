"""Pydantic models of the ERP tab and linking at the edge (API, pages, CLI).

ERP values go out as JSON: text, true/false, numbers and dates as exact text, List
values as the item's name (`value`) with its id (`item`). Values coming in (search
restrictions, Create in ERP) are JSON or text of the ERP field's type, checked there.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from erpsync.crm.schemas import Timestamp
from erpsync.sdk.model import Operator

Side = Literal["erp", "crm"]
ShownValue = str | bool | int | float | None
ActorTypeName = Field(min_length=1, max_length=20)
ErpKey = Field(min_length=1, max_length=200)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TabField(BaseModel):
    key: str
    label: str
    value: ShownValue = None
    item: str | None = None  # the ERP list item id of a List value


class TabSection(BaseModel):
    """One mapped actor type on the tab: the linked actor's fields, or how to link one."""

    actor_type: str
    linked: bool
    erp_key: str | None = None
    link_state: str | None = None
    fields: list[TabField] = Field(default_factory=list)
    fetched_at: Timestamp | None = None
    stale: bool = False  # the ERP could not be reached: these are the last fetched values
    message: str | None = None


class ErpTabRead(BaseModel):
    connection_id: int
    connection_name: str
    can_connect: bool
    can_create_in_erp: bool
    sections: list[TabSection]


class TabConnection(BaseModel):
    """A connection that shows an ERP tab on records of this kind."""

    connection_id: int
    connection_name: str


class RestrictionIn(_Input):
    field: str = Field(min_length=1, max_length=120)
    operator: Operator
    values: list[Any] = Field(default_factory=list, max_length=50)


class SearchIn(_Input):
    actor_type: str = ActorTypeName
    text: str = Field(default="", max_length=200)
    restrictions: list[RestrictionIn] = Field(default_factory=list, max_length=20)
    limit: int = Field(default=25, ge=1, le=200)


class SearchColumn(BaseModel):
    key: str
    label: str
    type: str
    operators: list[str]


class SearchHit(BaseModel):
    erp_key: str
    values: dict[str, ShownValue]
    linked_to: int | None = None  # the CRM record this actor is already linked to


class SearchRead(BaseModel):
    actor_type: str
    columns: list[SearchColumn]  # the search-window fields, in rank order
    searchable: list[SearchColumn]  # fields advanced restrictions may use
    hits: list[SearchHit]


class CompareRow(BaseModel):
    """One mapped field: both sides in CRM form; `choices` are the sides allowed to win."""

    erp_field: str
    label: str
    crm_field: str
    crm_value: str | bool | None
    erp_value: str | bool | None
    differs: bool
    choices: list[Side]
    default: Side
    #: How a List field's values read: the ERP item's name (as search and the tab show
    #: it); None where the value is not a list item or the ERP does not name it.
    crm_text: str | None = None
    erp_text: str | None = None


class CompareRead(BaseModel):
    actor_type: str
    erp_key: str
    rows: list[CompareRow]


class ConnectIn(_Input):
    actor_type: str = ActorTypeName
    erp_key: str = ErpKey
    #: ERP field key → the side whose value wins; fields left out take the default.
    choices: dict[str, Side] = Field(default_factory=dict, max_length=500)


class CreateField(BaseModel):
    """One field of the Create in ERP form (`set` defaults are applied, never shown)."""

    erp_field: str
    label: str
    type: str
    mode: Literal["ask", "mandatory", "from_crm"]
    value: ShownValue = None
    required: bool
    options: list[tuple[str, str]] = Field(default_factory=list)  # (item id, name) of lists


class CreateFormRead(BaseModel):
    actor_type: str
    parent: str | None = None  # "Customer 10005" when the new actor goes under a parent
    fields: list[CreateField]


class CreateIn(_Input):
    actor_type: str = ActorTypeName
    #: Values of `ask` and `mandatory` fields by ERP field key (JSON or text).
    values: dict[str, Any] = Field(default_factory=dict, max_length=500)


class DisconnectIn(_Input):
    actor_type: str = ActorTypeName


class LinkRead(BaseModel):
    connection_id: int
    actor_type: str
    erp_key: str
    crm_kind: str
    crm_id: int
    state: str
    crm_changed: list[str] = Field(default_factory=list)  # CRM fields written
    erp_changed: list[str] = Field(default_factory=list)  # ERP fields saved
