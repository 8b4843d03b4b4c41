"""Pydantic models of connections at the edge (API, CLI, pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from erpsync.edge import UpdateModel

Scope = Literal["everyone", "grants"]
ConfigValue = str | int | float | bool | None


class GrantIn(BaseModel):
    """A user (by login) or a group (by name) in the connection's scope."""

    user: str | None = None
    group: str | None = None
    can_connect: bool = True
    can_create_in_erp: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> GrantIn:
        if (self.user is None) == (self.group is None):
            raise ValueError("a grant names exactly one of user or group")
        return self


class GrantRead(GrantIn):
    pass


class ConnectionTest(BaseModel):
    """Values to test: the connector (or remote URL + secret) and configuration values.

    `connection_id` lets a blank secret be tested with the stored one.
    """

    connector: str = Field(min_length=1, max_length=80)
    config: dict[str, ConfigValue] = Field(default_factory=dict)
    remote_url: HttpUrl | None = None
    remote_secret: str | None = Field(default=None, max_length=500)
    connection_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class TestResult(BaseModel):
    ok: bool
    state: str
    message: str = Field(description="The connector's explanation for the user.")
    test_token: str | None = Field(
        default=None, description="Proof of this passing test; send it with the save."
    )


class ConnectionCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    connector: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=4000)
    scope: Scope = "everyone"
    grants: list[GrantIn] = Field(default_factory=list)
    config: dict[str, ConfigValue] = Field(default_factory=dict)
    remote_url: HttpUrl | None = None
    remote_secret: str | None = Field(default=None, max_length=500)
    priority: int = Field(default=1, ge=1, le=1000)
    test_token: str | None = None


class ConnectionUpdate(UpdateModel):
    not_null = frozenset({"name", "connector", "description", "scope", "grants", "priority"})

    name: str | None = Field(default=None, min_length=1, max_length=120)
    connector: str | None = Field(default=None, min_length=1, max_length=80)
    description: str | None = Field(default=None, max_length=4000)
    scope: Scope | None = None
    grants: list[GrantIn] | None = None
    config: dict[str, ConfigValue] | None = None
    remote_url: HttpUrl | None = None
    remote_secret: str | None = Field(default=None, max_length=500)
    priority: int | None = Field(default=None, ge=1, le=1000)
    sync_enabled: bool | None = None
    test_token: str | None = None


class ConnectionRights(BaseModel):
    """What the reader may do through the connection besides seeing it (R-CONN-6)."""

    can_connect: bool
    can_create_in_erp: bool


class ConnectionSummary(BaseModel):
    """A connection as a user in its scope sees it: no configuration, scope or grants."""

    id: int
    name: str
    connector: str
    description: str
    active: bool = Field(description="Active: the ERP tab and price lists are shown.")
    sync_enabled: bool = Field(description="Sync on: runs keep the CRM and the ERP in step.")
    rights: ConnectionRights = Field(description="The reader's own rights.")


class ConnectionRead(ConnectionSummary):
    """The whole connection, for administrators."""

    model_config = ConfigDict(from_attributes=True)

    scope: Scope
    grants: list[GrantRead]
    config: dict[str, Any] = Field(
        description='Values by key; secrets appear only as {"set": true|false}.'
    )
    remote_url: str | None
    remote_secret: dict[str, bool] | None
    priority: int
    last_test_at: datetime | None
    last_test_ok: bool | None
    deleted: bool
    created_at: datetime
    updated_at: datetime


class ActivationResult(BaseModel):
    """The answer to an activation. A refusal (any reason) leaves the connection as it was:
    an inactive one stays inactive, an active one stays active (its ERP tab stays shown)
    although it does not pass the checklist now."""

    active: bool = Field(description="Whether the connection is active after the call.")
    reasons: list[str] = Field(description="Every reason activation was refused, if it was.")

    @property
    def refused(self) -> bool:
        return bool(self.reasons)

    @property
    def refusal(self) -> str:
        """What a refusal says first, before its reasons."""
        if self.active:
            return "The connection stays active, but it does not pass the activation checklist now."
        return "The connection cannot be activated yet."
