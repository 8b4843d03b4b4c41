"""ORM model of the price lists an administrator lets a connection expose (R-CONN-6).

No rows for a connection: every price list of its ERP is exposed. Rows: only those.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from erpsync.db.base import Base


class AllowedPriceList(Base):
    """One ERP price list id a connection exposes to its users."""

    __tablename__ = "connection_price_lists"

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    price_list_id: Mapped[str] = mapped_column(String(200), primary_key=True)
