"""Which price lists a connection exposes to its users (R-CONN-6): administrators only.

No stored choice: every price list of the ERP is exposed. A stored choice: only those
lists; users get 404 on any other, as on an unknown one. The API, the Price lists page
and `erpsync products lists` all read and change the choice here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.orm import Session

from erpsync.accounts.models import User
from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.errors import PermissionDenied, ValidationError
from erpsync.pricing import service
from erpsync.pricing.cache import TtlCache, shared_cache
from erpsync.pricing.models import AllowedPriceList
from erpsync.pricing.schemas import PriceListRead


@dataclass
class Exposure:
    """The ERP's price lists with the administrator's choice.

    `chosen` empty: all are exposed. `gone`: chosen ids the ERP no longer offers.
    """

    connection: Connection
    lists: list[PriceListRead]
    chosen: set[str] = field(default_factory=set)

    @property
    def restricted(self) -> bool:
        return bool(self.chosen)

    def exposed(self, price_list_id: str) -> bool:
        return not self.chosen or price_list_id in self.chosen

    @property
    def exposed_count(self) -> int:
        return sum(1 for pl in self.lists if self.exposed(pl.id))

    @property
    def gone(self) -> list[str]:
        known = {pl.id for pl in self.lists}
        return sorted(self.chosen - known)


def _admin_only(user: User) -> None:
    if not user.is_admin:
        raise PermissionDenied("Only administrators choose the price lists a connection exposes.")


def chosen_ids(session: Session, admin: User, connection_id: int) -> list[str]:
    """The stored choice alone (no ERP call); empty: all lists are exposed."""
    _admin_only(admin)
    service.connection_for(session, admin, connection_id)
    return sorted(service.allowed_ids(session, connection_id))


def overview(
    session: Session, keys: Keys, admin: User, connection_id: int, cache: TtlCache | None = None
) -> Exposure:
    """Every price list of the ERP (asked live, briefly cached) and the stored choice."""
    _admin_only(admin)
    connection = service.connection_for(session, admin, connection_id)
    found = service.all_lists(keys, connection, admin, cache or shared_cache())
    return Exposure(
        connection=connection,
        lists=[service.list_read(pl) for pl in found],
        chosen=service.allowed_ids(session, connection_id),
    )


def set_allowed(
    session: Session,
    keys: Keys,
    admin: User,
    connection_id: int,
    ids: list[str],
    cache: TtlCache | None = None,
) -> list[str]:
    """Restrict the price lists a connection exposes (empty: all); every id must be one
    the ERP offers now, else nothing changes."""
    current = overview(session, keys, admin, connection_id, cache)
    known = [pl.id for pl in current.lists]
    unknown = [pl for pl in ids if pl not in known]
    if unknown:
        names = ", ".join(known) or "none"
        raise ValidationError(
            f"price_lists: the ERP has no price list '{unknown[0]}' (it has: {names}).",
            field="price_lists",
        )
    session.execute(delete(AllowedPriceList).where(AllowedPriceList.connection_id == connection_id))
    chosen = sorted(set(ids))
    session.add_all(AllowedPriceList(connection_id=connection_id, price_list_id=i) for i in chosen)
    session.flush()
    return chosen
