"""ORM models of ERP connections, their configuration values and scope grants (R-CONN-1…7)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from erpsync.db.base import Base, BigId, Timestamps, UtcDateTime

SCOPE_EVERYONE = "everyone"
SCOPE_GRANTS = "grants"
SCOPES = (SCOPE_EVERYONE, SCOPE_GRANTS)
REMOTE_CONNECTOR = "remote"


class Connection(Timestamps, Base):
    __tablename__ = "connections"
    __table_args__ = (
        # Names are unique among live connections; a deleted one frees its name.
        Index(
            "uq_connections_live_name",
            func.lower(text("name")),
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        CheckConstraint("scope IN ('everyone', 'grants')", name="scope"),
        CheckConstraint("priority >= 1", name="priority"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    connector_key: Mapped[str] = mapped_column(String(80))
    remote_url: Mapped[str | None] = mapped_column(String(500), default=None)
    remote_secret: Mapped[str | None] = mapped_column(Text, default=None)  # encrypted
    description: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(10), default=SCOPE_EVERYONE)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    sync_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    sync_interval: Mapped[int] = mapped_column(Integer, default=300)
    timeout: Mapped[float] = mapped_column(Float, default=30.0)
    last_test_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    last_test_ok: Mapped[bool | None] = mapped_column(Boolean, default=None)
    last_test_message: Mapped[str | None] = mapped_column(Text, default=None)
    erp_instance_id: Mapped[str | None] = mapped_column(String(200), default=None)
    paused_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    values: Mapped[list[ConnectionValue]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ConnectionValue.key"
    )
    grants: Mapped[list[ScopeGrant]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ScopeGrant.id"
    )

    @property
    def is_remote(self) -> bool:
        return self.connector_key == REMOTE_CONNECTOR


class ConnectionValue(Base):
    """One configuration value, stored as JSON text; secrets encrypted (R-CONN-4)."""

    __tablename__ = "connection_values"

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text, default=None)
    secret: Mapped[bool] = mapped_column(Boolean, default=False)


class ScopeGrant(Base):
    """Access of one user or one group to a connection with scope `grants` (R-CONN-6)."""

    __tablename__ = "connection_grants"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (group_id IS NULL)", name="user_or_group"),
        UniqueConstraint("connection_id", "user_id", "group_id", name="uq_connection_grants"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), default=None
    )
    can_connect: Mapped[bool] = mapped_column(Boolean, default=True)
    can_create_in_erp: Mapped[bool] = mapped_column(Boolean, default=False)


class UsedTestToken(Base):
    """Nonces of test tokens already spent on a save: a token works once (R-CONN-3)."""

    __tablename__ = "connection_test_tokens"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
