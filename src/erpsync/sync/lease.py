"""At most one run per connection across all processes (R-SYNC-10): a lease row with a
holder, an expiry and a fencing token that grows on every take-over.

A run takes the lease when it is requested, for `DEFAULT_TTL` (it may wait in a queue
for a worker, and nothing renews it there). Once running it holds a short lease
(`RUN_TTL`, the setting `ERPSYNC_SYNC_LEASE_SECONDS`) that it renews in every batch
transaction (`check`) and from a heartbeat thread while it waits on the ERP
(`sync.heartbeat`), so a run killed for real frees its connection within a minute,
while a slow live one keeps it. A run whose lease expired and was taken over cannot
commit anything: the check is an UPDATE on our token, so on PostgreSQL it holds the row
lock until the batch commits and a taker waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from erpsync.errors import TransientError
from erpsync.sync.models import Lease

LEASES: Table = Lease.__table__  # type: ignore[assignment]
DEFAULT_TTL = timedelta(minutes=10)  # a queued run or import: nothing renews it there
RUN_TTL = timedelta(seconds=60)  # a running run or import, renewed by batches and heartbeat


class LeaseLost(TransientError):
    """Another run took this connection's lease over; this one must stop."""


@dataclass(frozen=True, slots=True)
class Taken:
    """The outcome of `take`: our token, or the holder that keeps it."""

    token: int | None
    holder: str | None


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they are UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def take(
    session: Session, connection_id: int, holder: str, now: datetime, ttl: timedelta = DEFAULT_TTL
) -> Taken:
    """Take the lease unless a live holder has it; a new token fences the old holder."""
    row = session.execute(
        select(LEASES.c.holder, LEASES.c.token, LEASES.c.expires_at)
        .where(LEASES.c.connection_id == connection_id)
        .with_for_update()
    ).first()
    if row is None:
        try:
            with session.begin_nested():
                session.execute(
                    insert(LEASES).values(
                        connection_id=connection_id, holder=holder, token=1, expires_at=now + ttl
                    )
                )
        except IntegrityError:  # another process inserted it first: it holds the lease
            return Taken(None, None)
        return Taken(1, None)
    expires = _aware(row.expires_at)
    if row.holder is not None and expires is not None and expires > now:
        return Taken(None, row.holder)
    token = int(row.token) + 1
    session.execute(
        update(LEASES)
        .where(LEASES.c.connection_id == connection_id)
        .values(holder=holder, token=token, expires_at=now + ttl)
    )
    return Taken(token, row.holder)


def renew(session: Session, connection_id: int, token: int, now: datetime, ttl: timedelta) -> bool:
    """Extend the lease to `now + ttl` if the token is still ours; False when it is not."""
    done = session.execute(
        update(LEASES)
        .where(LEASES.c.connection_id == connection_id, LEASES.c.token == token)
        .values(expires_at=now + ttl)
    )
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def check(
    session: Session, connection_id: int, token: int, now: datetime, ttl: timedelta = DEFAULT_TTL
) -> None:
    """Inside a batch transaction: raise LeaseLost unless the lease is still ours."""
    if not renew(session, connection_id, token, now, ttl):
        raise LeaseLost(
            "Another run took over this connection's sync; this run stopped without "
            "writing its last batch."
        )


def live(session: Session, connection_id: int, token: int | None, now: datetime) -> bool:
    """Whether the holder with `token` still holds the lease (not taken over, not expired)."""
    if token is None:
        return False
    expires = session.scalar(
        select(LEASES.c.expires_at).where(
            LEASES.c.connection_id == connection_id,
            LEASES.c.token == token,
            LEASES.c.holder.is_not(None),
        )
    )
    moment = _aware(expires)
    return moment is not None and moment > now


def release(session: Session, connection_id: int, token: int) -> None:
    session.execute(
        update(LEASES)
        .where(LEASES.c.connection_id == connection_id, LEASES.c.token == token)
        .values(holder=None, expires_at=None)
    )
