"""ORM model of the ERP tab's last fetched values (R-TAB-1).

When the ERP cannot be reached, the tab shows the values it fetched last, marked as
such. One row per link, replaced on every live fetch; it goes with its link.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from erpsync.db.base import Base, UtcDateTime, utcnow
from erpsync.sync.models import Json


class TabSnapshot(Base):
    """The "show on ERP tab" fields of one link as last fetched: `[{key, label, value}]`."""

    __tablename__ = "erp_tab_snapshots"

    link_id: Mapped[int] = mapped_column(
        ForeignKey("links.id", ondelete="CASCADE"), primary_key=True
    )
    fields: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
