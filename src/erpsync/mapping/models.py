"""ORM models of field mappings, list mappings and create policies (R-MAP-1…8).

The entity mapping is fixed (R-SEM-1) and lives in `crm_fields.ENTITY_OF`, not here.
Default values are stored as JSON text of the ERP field's value (see `transform`).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from erpsync.db.base import Base, BigId, Timestamps

DIRECTIONS = ("none", "to_crm", "to_erp", "both")
WRITES_CRM = ("to_crm", "both")
WRITES_ERP = ("to_erp", "both")
DEFAULT_MODES = ("set", "ask", "mandatory")
CONFLICT_POLICIES = ("erp_wins", "crm_wins", "manual")
ERP_TO_CRM_POLICIES = ("ignore", "create")
CRM_TO_ERP_POLICIES = ("ignore", "create")


class FieldMapping(Timestamps, Base):
    """One ERP field of one actor type of a connection: its CRM field, direction, rank…"""

    __tablename__ = "field_mappings"
    __table_args__ = (
        UniqueConstraint("connection_id", "actor_type", "erp_field", name="uq_field_mappings"),
        # A CRM field is written by at most one ERP field per connection and actor type.
        Index(
            "uq_field_mappings_crm_writer",
            "connection_id",
            "actor_type",
            "crm_field",
            unique=True,
            sqlite_where=text("direction IN ('to_crm', 'both')"),
            postgresql_where=text("direction IN ('to_crm', 'both')"),
        ),
        CheckConstraint("direction IN ('none', 'to_crm', 'to_erp', 'both')", name="direction"),
        CheckConstraint(
            "default_mode IS NULL OR default_mode IN ('set', 'ask', 'mandatory')",
            name="default_mode",
        ),
        CheckConstraint(
            "conflict_policy IN ('erp_wins', 'crm_wins', 'manual')", name="conflict_policy"
        ),
        CheckConstraint("crm_field IS NOT NULL OR direction = 'none'", name="crm_field_direction"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    actor_type: Mapped[str] = mapped_column(String(20))
    erp_field: Mapped[str] = mapped_column(String(120))
    crm_field: Mapped[str | None] = mapped_column(String(60), default=None)
    direction: Mapped[str] = mapped_column(String(10), default="none")
    show_in_search: Mapped[bool] = mapped_column(Boolean, default=False)
    show_on_tab: Mapped[bool] = mapped_column(Boolean, default=False)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    default_value: Mapped[str | None] = mapped_column(Text, default=None)
    default_mode: Mapped[str | None] = mapped_column(String(10), default=None)
    conflict_policy: Mapped[str] = mapped_column(String(10), default="erp_wins")
    conversion: Mapped[str | None] = mapped_column(String(40), default=None)


class ListMapping(Timestamps, Base):
    """An ERP list mapped to a CRM list; its items pair one to one (R-MAP-3).

    `seen_erp` / `seen_crm` hold the item ids seen at the last look (JSON), so items
    new on either side since then can be reported.
    """

    __tablename__ = "list_mappings"
    __table_args__ = (UniqueConstraint("connection_id", "erp_list", name="uq_list_mappings"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    erp_list: Mapped[str] = mapped_column(String(120))
    crm_list: Mapped[str] = mapped_column(String(40))
    seen_erp: Mapped[str] = mapped_column(Text, default="[]")
    seen_crm: Mapped[str] = mapped_column(Text, default="[]")

    items: Mapped[list[ListItemMapping]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ListItemMapping.id"
    )


class ListItemMapping(Base):
    """One ERP item id ↔ one CRM item: unique on both sides within its list mapping."""

    __tablename__ = "list_item_mappings"
    __table_args__ = (
        UniqueConstraint("list_mapping_id", "erp_item", name="uq_list_item_mappings_erp"),
        UniqueConstraint("list_mapping_id", "crm_item_id", name="uq_list_item_mappings_crm"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    list_mapping_id: Mapped[int] = mapped_column(
        ForeignKey("list_mappings.id", ondelete="CASCADE"), index=True
    )
    erp_item: Mapped[str] = mapped_column(String(120))
    crm_item_id: Mapped[int] = mapped_column(
        ForeignKey("crm_list_items.id", ondelete="CASCADE"), index=True
    )


class CreatePolicy(Base):
    """Whether new records are created across per direction (R-MAP-8).

    `crm_filter` is JSON: `{"category": ["customer"]}` — CRM records whose list fields
    hold one of these codes are created in the ERP; an empty filter means all.
    """

    __tablename__ = "create_policies"
    __table_args__ = (
        CheckConstraint("erp_to_crm IN ('ignore', 'create')", name="erp_to_crm"),
        CheckConstraint("crm_to_erp IN ('ignore', 'create')", name="crm_to_erp"),
    )

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    actor_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    erp_to_crm: Mapped[str] = mapped_column(String(10), default="ignore")
    crm_to_erp: Mapped[str] = mapped_column(String(10), default="ignore")
    crm_filter: Mapped[str] = mapped_column(Text, default="{}")
