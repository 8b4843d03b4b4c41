"""Pydantic models of mappings at the edge (API, CLI, pages, export)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Direction = Literal["none", "to_crm", "to_erp", "both"]
DefaultMode = Literal["set", "ask", "mandatory"]
ConflictPolicy = Literal["erp_wins", "crm_wins", "manual"]
ErpToCrm = Literal["ignore", "create"]
CrmToErp = Literal["ignore", "create"]
Key = Field(min_length=1, max_length=120)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldMappingIn(_Input):
    """One ERP field's mapping. `default_value` is JSON of the ERP field's type
    (numbers and dates may be text); `rank` omitted keeps or appends."""

    erp_field: str = Key
    crm_field: str | None = Field(default=None, max_length=60)
    direction: Direction = "none"
    show_in_search: bool = False
    show_on_tab: bool = False
    rank: int | None = Field(default=None, ge=0, le=1_000_000)
    default_value: Any = None
    default_mode: DefaultMode | None = None
    conflict_policy: ConflictPolicy = "erp_wins"
    conversion: str | None = Field(default=None, max_length=40)


class FieldMappingPatch(_Input):
    """A partial edit of one ERP field's mapping; omitted keys stay."""

    crm_field: str | None = Field(default=None, max_length=60)
    direction: Direction | None = None
    show_in_search: bool | None = None
    show_on_tab: bool | None = None
    default_value: Any = None
    default_mode: DefaultMode | None = None
    conflict_policy: ConflictPolicy | None = None
    conversion: str | None = Field(default=None, max_length=40)


class FieldMappingsPut(_Input):
    fields: list[FieldMappingIn] = Field(max_length=500)


class FieldRow(BaseModel):
    """One ERP field with its mapping (or none yet), in rank order."""

    erp_field: str
    display_name: str
    type: str
    access: str
    list_name: str | None
    mapped: bool
    crm_field: str | None = None
    direction: Direction = "none"
    show_in_search: bool = False
    show_on_tab: bool = False
    rank: int = 0
    default_value: Any = None
    default_mode: DefaultMode | None = None
    conflict_policy: ConflictPolicy = "erp_wins"
    conversion: str | None = None


class Move(_Input):
    """Move a field: `step` -1 (up) / +1 (down), or to a 1-based `position`."""

    step: int | None = Field(default=None, ge=-1000, le=1000)
    position: int | None = Field(default=None, ge=1, le=1000)


class Proposal(BaseModel):
    erp_field: str
    crm_field: str
    conversion: str | None
    reason: str


class ItemPair(_Input):
    erp_item: str = Key
    crm_item: str = Field(min_length=1, max_length=40, description="CRM item code.")


class ListMappingPut(_Input):
    crm_list: str = Field(min_length=1, max_length=40)
    items: list[ItemPair] = Field(default_factory=list, max_length=5000)


class ListItemView(BaseModel):
    id: str
    code: str
    name: str


class ListReport(BaseModel):
    """A list mapping with its flags (R-MAP-3)."""

    erp_list: str
    crm_list: str | None
    items: list[ItemPair]
    unmapped_erp: list[ListItemView] = []
    unmapped_crm: list[ListItemView] = []
    duplicates: list[str] = []
    new_erp: list[ListItemView] = []
    new_crm: list[ListItemView] = []


class CreatePolicyIn(_Input):
    erp_to_crm: ErpToCrm = "ignore"
    crm_to_erp: CrmToErp = "ignore"
    crm_filter: dict[str, list[str]] = Field(default_factory=dict)


class CreatePolicyRead(CreatePolicyIn):
    actor_type: str
    entity: str


class EntityRow(BaseModel):
    """An ERP actor type, its fixed CRM entity (R-SEM-1), mapped fields and create policy."""

    actor_type: str
    entity: str
    mapped_fields: int
    policy: CreatePolicyRead


class DefaultIn(_Input):
    """A default for an ERP field used on create in the ERP (R-MAP-4); `mode` null clears."""

    mode: DefaultMode | None = None
    value: Any = None


class AutomapIn(_Input):
    """Automap: propose only, or apply the proposals for `fields` (all when omitted)."""

    apply: bool = False
    fields: list[str] | None = Field(default=None, max_length=500)


class ListAutomatch(_Input):
    crm_list: str = Field(min_length=1, max_length=40)
    apply: bool = False


class PriorityIn(_Input):
    """Priorities by connection id (1 = highest); all valid, or none changes."""

    priorities: dict[int, int] = Field(min_length=1, max_length=1000)
