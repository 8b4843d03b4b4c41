"""ORM models of CRM records and CRM lists.

Every record carries `updated_at` and a `change_pos` in commit order (SPEC R-SEM-3) that
the sync engine reads. Records are never hard-deleted: `deleted_at` marks them, so the
engine sees deletions in the change stream and links can be kept for history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from erpsync.db.base import Base, BigId, Timestamps, UtcDateTime
from erpsync.db.positions import ChangeTracked

# The CRM lists a record field can point to; list items have a code and a name.
LIST_COUNTRY = "country"
LIST_CURRENCY = "currency"
LIST_CATEGORY = "category"
LIST_BUSINESS = "business"
LIST_PROJECT_STATUS = "project_status"
LIST_NAMES = (LIST_COUNTRY, LIST_CURRENCY, LIST_CATEGORY, LIST_BUSINESS, LIST_PROJECT_STATUS)


class ListItem(Base):
    __tablename__ = "crm_list_items"
    __table_args__ = (UniqueConstraint("list_name", "code", name="uq_crm_list_items_list_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    list_name: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class CrmRecord(ChangeTracked, Timestamps):
    """Columns every CRM record shares."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class Company(CrmRecord, Base):
    __tablename__ = "companies"

    name: Mapped[str] = mapped_column(String(200), index=True)
    number: Mapped[str | None] = mapped_column(String(60), default=None, index=True)
    org_no: Mapped[str | None] = mapped_column(String(60), default=None, index=True)
    phone: Mapped[str | None] = mapped_column(String(60), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    web: Mapped[str | None] = mapped_column(String(254), default=None)
    street: Mapped[str | None] = mapped_column(String(200), default=None)
    zip: Mapped[str | None] = mapped_column(String(20), default=None)
    city: Mapped[str | None] = mapped_column(String(120), default=None)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("crm_list_items.id"), default=None)
    currency_id: Mapped[int | None] = mapped_column(ForeignKey("crm_list_items.id"), default=None)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("crm_list_items.id"), default=None)
    business_id: Mapped[int | None] = mapped_column(ForeignKey("crm_list_items.id"), default=None)

    country: Mapped[ListItem | None] = relationship(foreign_keys=[country_id], lazy="joined")
    currency: Mapped[ListItem | None] = relationship(foreign_keys=[currency_id], lazy="joined")
    category: Mapped[ListItem | None] = relationship(foreign_keys=[category_id], lazy="joined")
    business: Mapped[ListItem | None] = relationship(foreign_keys=[business_id], lazy="joined")


class Person(CrmRecord, Base):
    __tablename__ = "persons"

    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id"), default=None, index=True
    )
    first_name: Mapped[str] = mapped_column(String(120), default="")
    last_name: Mapped[str] = mapped_column(String(120), default="", index=True)
    title: Mapped[str | None] = mapped_column(String(120), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    phone: Mapped[str | None] = mapped_column(String(60), default=None)
    mobile: Mapped[str | None] = mapped_column(String(60), default=None)

    company: Mapped[Company | None] = relationship(lazy="joined")


class Project(CrmRecord, Base):
    __tablename__ = "projects"

    name: Mapped[str] = mapped_column(String(200), index=True)
    number: Mapped[str | None] = mapped_column(String(60), default=None, index=True)
    status_id: Mapped[int | None] = mapped_column(ForeignKey("crm_list_items.id"), default=None)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id"), default=None, index=True
    )

    status: Mapped[ListItem | None] = relationship(foreign_keys=[status_id], lazy="joined")
    company: Mapped[Company | None] = relationship(lazy="joined")
