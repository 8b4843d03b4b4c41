"""Price lists and products through ERP connections (R-CONN-6): the one place of the rules.

- Scope: a connection outside the user's scope does not exist for them (404, absent
  from lists); administrators are always in scope (`connections.scope`).
- Only live connections whose connector has the pricing capability offer products;
  users see active ones, administrators also inactive ones (to set them up).
- An administrator may restrict which price lists a connection exposes
  (`AllowedPriceList`, chosen in `exposure`; none stored = all). A list not exposed is
  404 like any unknown one.
- Answers are fetched live through `PricingHost` (timeout, checks) and cached briefly
  (`cache.TtlCache`, 60 s per connection + list + query). An unreachable ERP is a 503
  whose message says so; the cost price is shown to administrators only.
- Money (price, list price, cost) leaves here as Decimal rounded to the price list
  currency's decimals (`PriceList.currency_digits`, 2 unless the ERP says otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.accounts.models import User
from erpsync.connections import hosts
from erpsync.connections import service as connections
from erpsync.connections.explain import explanation
from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.errors import NotFound, TransientError, ValidationError
from erpsync.pricing.cache import TtlCache, shared_cache
from erpsync.pricing.models import AllowedPriceList
from erpsync.pricing.schemas import (
    PriceListRead,
    ProductPageRead,
    ProductQuery,
    ProductRead,
)
from erpsync.sdk import Operator, PriceList, Product, ProductPage, Restriction
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import Category
from erpsync.sdk.pricing import UNKNOWN_PRICE_LIST
from erpsync.sdk.pricing_host import NO_PRICING, PricingHost

T = TypeVar("T")


class ErpUnavailable(TransientError):
    """The ERP behind a connection did not answer (or answered with a failure)."""

    title = "ERP unavailable"


def offers_pricing(connection: Connection) -> bool:
    """Installed connectors with the capability; remote ones whose service offers it."""
    return hosts.offers_pricing(connection)


def _usable(user: User, connection: Connection) -> bool:
    live = connection.deleted_at is None
    return live and (connection.active or user.is_admin) and offers_pricing(connection)


def pricing_connections(session: Session, user: User) -> list[Connection]:
    """The connections in the user's scope that offer price lists (active ones for users)."""
    return [c for c in connections.list_visible(session, user) if _usable(user, c)]


def connection_for(session: Session, user: User, connection_id: int) -> Connection:
    """The connection, or 404 when it is outside the scope or offers no price lists."""
    connection = connections.get(session, user, connection_id)
    if not _usable(user, connection):
        raise NotFound(f"No connection with id {connection_id} offers price lists.")
    return connection


def _ask(keys: Keys, connection: Connection, user: User, call: Callable[[PricingHost], T]) -> T:
    """Open the connector on the connection (installed or remote), make one pricing call,
    close it. An unreachable ERP says what the connector explains to users; to
    administrators also its technical detail (a path, a host)."""
    try:
        with hosts.endpoint(keys, connection).opened() as host:
            return call(PricingHost(host))
    except ConnectorError as exc:
        if exc.code == UNKNOWN_PRICE_LIST:
            raise NotFound("No such price list.", field="price_list") from exc
        if exc.code == NO_PRICING:  # a remote service whose connector has no pricing
            raise NotFound(
                f"No connection with id {connection.id} offers price lists.", field="connection"
            ) from exc
        if exc.category is Category.DATA and exc.field and exc.code == "bad_restriction":
            raise ValidationError(exc.user_explanation, field=exc.field) from exc
        raise ErpUnavailable(
            f"The ERP of '{connection.name}' cannot answer now: "
            f"{explanation(exc, user.is_admin)} "
            "Try again in a moment, or ask an administrator to check the connection.",
            field="connection",
        ) from exc


def _cached(
    cache: TtlCache, connection: Connection, what: tuple[object, ...], compute: Callable[[], T]
) -> T:
    stamp = connection.updated_at.isoformat() if connection.updated_at else ""
    return cache.get((connection.id, stamp, *what), compute)


def allowed_ids(session: Session, connection_id: int) -> set[str]:
    rows = session.scalars(
        select(AllowedPriceList.price_list_id).where(
            AllowedPriceList.connection_id == connection_id
        )
    )
    return set(rows)


def all_lists(keys: Keys, connection: Connection, user: User, cache: TtlCache) -> list[PriceList]:
    def ask() -> list[PriceList]:
        return _ask(keys, connection, user, PricingHost.price_lists)

    return _cached(cache, connection, ("price_lists",), ask)


def _exposed(
    session: Session, keys: Keys, connection: Connection, user: User, cache: TtlCache
) -> list[PriceList]:
    allowed = allowed_ids(session, connection.id)
    found = all_lists(keys, connection, user, cache)
    return [pl for pl in found if not allowed or pl.id in allowed]


def price_lists(
    session: Session, keys: Keys, user: User, connection_id: int, cache: TtlCache | None = None
) -> list[PriceListRead]:
    connection = connection_for(session, user, connection_id)
    exposed = _exposed(session, keys, connection, user, cache or shared_cache())
    return [list_read(pl) for pl in exposed]


def _price_list(
    session: Session,
    keys: Keys,
    connection: Connection,
    user: User,
    price_list_id: str,
    cache: TtlCache,
) -> PriceList:
    for price_list in _exposed(session, keys, connection, user, cache):
        if price_list.id == price_list_id:
            return price_list
    raise NotFound(f"No price list '{price_list_id}' in this connection.", field="price_list")


def restrictions_of(query: ProductQuery) -> list[Restriction]:
    found: list[Restriction] = []
    if query.code_begins:
        found.append(Restriction("code", Operator.BEGINS, (query.code_begins,)))
    if query.code_contains:
        found.append(Restriction("code", Operator.CONTAINS, (query.code_contains,)))
    if query.name_contains:
        found.append(Restriction("name", Operator.CONTAINS, (query.name_contains,)))
    low, high = query.price_min, query.price_max
    if low is not None and high is not None:
        found.append(Restriction("price", Operator.BETWEEN, (low, high)))
    elif low is not None:
        found.append(Restriction("price", Operator.GE, (low,)))
    elif high is not None:
        found.append(Restriction("price", Operator.LE, (high,)))
    return found


def products(
    session: Session,
    keys: Keys,
    user: User,
    connection_id: int,
    price_list_id: str,
    query: ProductQuery,
    cache: TtlCache | None = None,
) -> ProductPageRead:
    cache = cache or shared_cache()
    connection = connection_for(session, user, connection_id)
    price_list = _price_list(session, keys, connection, user, price_list_id, cache)
    restrictions = restrictions_of(query)

    def fetch(host: PricingHost) -> ProductPage:
        return host.products(
            price_list.id, query.q.strip(), restrictions, query.offset, query.limit
        )

    page = _cached(
        cache,
        connection,
        ("products", price_list.id, *query.cache_key()),
        lambda: _ask(keys, connection, user, fetch),
    )
    return ProductPageRead(
        price_list=list_read(price_list),
        items=[_product_read(p, price_list, user) for p in page.items],
        total=page.total,
        offset=query.offset,
        limit=query.limit,
    )


def product(
    session: Session,
    keys: Keys,
    user: User,
    connection_id: int,
    price_list_id: str,
    code: str,
    cache: TtlCache | None = None,
) -> tuple[PriceListRead, ProductRead]:
    cache = cache or shared_cache()
    connection = connection_for(session, user, connection_id)
    price_list = _price_list(session, keys, connection, user, price_list_id, cache)
    found = _cached(
        cache,
        connection,
        ("product", price_list.id, code),
        lambda: _ask(keys, connection, user, lambda host: host.product(price_list.id, code)),
    )
    if found is None:
        raise NotFound(f"No product '{code}' in the price list.", field="code")
    return list_read(price_list), _product_read(found, price_list, user)


def list_read(price_list: PriceList) -> PriceListRead:
    return PriceListRead(
        id=price_list.id,
        name=price_list.name,
        currency=price_list.currency,
        valid_from=price_list.valid_from,
        valid_to=price_list.valid_to,
        active=price_list.active,
    )


def money(amount: Decimal, digits: int) -> Decimal:
    """An amount rounded to the currency's decimals ("1490.0000" → "1490.00"), as Decimal."""
    return Decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _money(amount: Decimal | None, digits: int) -> Decimal | None:
    return None if amount is None else money(amount, digits)


def _product_read(product: Product, price_list: PriceList, user: User) -> ProductRead:
    digits = price_list.currency_digits
    return ProductRead(
        code=product.code,
        name=product.name,
        description=product.description,
        unit=product.unit,
        list_price=_money(product.list_price, digits),
        cost=_money(product.cost, digits) if user.is_admin else None,
        vat_code=product.vat_code,
        in_stock=product.in_stock,
        price=money(product.price, digits),
        currency=price_list.currency,
    )
