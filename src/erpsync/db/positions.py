"""Change positions: every write of a tracked record gets a number in commit order.

SPEC R-SEM-3: reading "after position P" must never skip a row that committed late.
Positions come from one counter row updated with `UPDATE … RETURNING`; the row lock is
held until the writing transaction ends, so a later writer can only take a higher number
after the earlier one committed (PostgreSQL), and SQLite has a single writer anyway.
Positions are taken in the flush, i.e. as late as the ORM allows, to keep the lock short.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, String, event, text
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from erpsync.db.base import Base

CRM_COUNTER = "crm"


class ChangeCounter(Base):
    __tablename__ = "change_counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ChangeTracked:
    """Mixin for records whose writes the sync engine reads in commit order."""

    change_pos: Mapped[int] = mapped_column(BigInteger, default=0, index=True)


def allocate_positions(connection: Any, count: int, counter: str = CRM_COUNTER) -> int:
    """Reserve `count` positions; returns the last one (the range is last-count+1 … last).

    `connection` is a Session or Connection inside the writing transaction.
    """
    result = connection.execute(
        text("UPDATE change_counter SET value = value + :n WHERE name = :name RETURNING value"),
        {"n": count, "name": counter},
    ).scalar()
    if result is None:
        raise RuntimeError(
            f"change counter '{counter}' is missing; run `erpsync db upgrade` to create it"
        )
    return int(result)


def _assign_positions(session: Session, _context: Any, _instances: Any) -> None:
    tracked = [obj for obj in session.new if isinstance(obj, ChangeTracked)]
    tracked += [
        obj
        for obj in session.dirty
        if isinstance(obj, ChangeTracked) and session.is_modified(obj, include_collections=False)
    ]
    if not tracked:
        return
    last = allocate_positions(session, len(tracked))
    for offset, obj in enumerate(tracked):
        obj.change_pos = last - len(tracked) + 1 + offset


def track_positions(factory: sessionmaker[Session]) -> None:
    """Make every session of `factory` number tracked writes on flush."""
    event.listen(factory, "before_flush", _assign_positions)


def current_position(connection: Any, counter: str = CRM_COUNTER) -> int:
    value = connection.execute(
        text("SELECT value FROM change_counter WHERE name = :name"), {"name": counter}
    ).scalar()
    return int(value or 0)
