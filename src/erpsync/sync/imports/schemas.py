"""What the API, the pages and the CLI say about imports (R-IMP, R-UI-1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RuleName = Literal["number", "vat", "name", "email", "domain"]
ActionName = Literal["merge", "replace", "skip", "add"]
GroupName = Literal["new", "matched", "ambiguous", "skipped", "invalid"]


class ImportCreate(BaseModel):
    """An import to preview: which actor types, the duplicate rules in order, the action."""

    model_config = ConfigDict(extra="forbid")

    actor_types: list[str] = Field(min_length=1, max_length=5)
    rules: list[RuleName] = Field(default_factory=lambda: ["number"], max_length=5)  # type: ignore[arg-type]
    action: ActionName = "merge"


class ImportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    connection_id: int
    actor_types: list[str]
    rules: list[str]
    action: str
    state: str
    interrupted: bool = False  # queued/running, but its lease ran out: nobody runs it
    cancel_requested: bool
    counts: dict[str, Any]
    outcomes: dict[str, Any]
    progress: dict[str, Any]
    error: str | None
    created_at: datetime
    previewed_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


class ImportRowRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    seq: int
    actor_type: str
    erp_key: str
    label: str | None
    status: str
    rule: str | None
    crm_id: int | None
    candidates: list[int] | None
    reason: str | None
    #: matched: the fields whose CRM values the next sync writes to the ERP
    erp_writes: list[dict[str, Any]] | None = None
    selected: bool
    choice: int | None
    outcome: str | None
    outcome_id: int | None
    note: str | None


class ImportRowPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ImportRowRead]


class RowChange(BaseModel):
    """Select or deselect a row; for an ambiguous row, `choice` is the CRM record to match
    (one of its candidates) or 0 for a new record."""

    model_config = ConfigDict(extra="forbid")

    id: int = Field(ge=1, le=2**63 - 1)
    selected: bool | None = None
    choice: int | None = Field(default=None, ge=0, le=2**63 - 1)


class RowsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: list[RowChange] = Field(default_factory=list, max_length=5000)
    groups: dict[GroupName, bool] = Field(default_factory=dict)
