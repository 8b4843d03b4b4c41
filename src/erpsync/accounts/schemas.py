"""Pydantic models of accounts at the edge (API, CLI, pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from erpsync.edge import UpdateModel

Role = Literal["admin", "user"]


class UserCreate(BaseModel):
    login: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    name: str = Field(default="", max_length=200)
    email: EmailStr | None = None
    password: str = Field(min_length=8, max_length=200)
    role: Role = "user"
    language: Literal["en", "sv"] | None = None


class UserUpdate(UpdateModel):
    not_null = frozenset({"name", "password", "role", "active"})

    name: str | None = Field(default=None, max_length=200)
    email: EmailStr | None = None
    password: str | None = Field(default=None, min_length=8, max_length=200)
    role: Role | None = None
    active: bool | None = None
    language: Literal["en", "sv"] | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    login: str
    name: str
    email: str | None
    role: str
    active: bool
    language: str | None


class GroupCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=500)
    members: list[str] = Field(default_factory=list, description="Logins of the members.")


class GroupRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    members: list[str]


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    expires_at: datetime | None = None


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="The token itself; shown only this once.")
