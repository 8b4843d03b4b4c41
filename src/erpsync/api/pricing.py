"""API of price lists and products through an ERP connection (R-CONN-6, R-UI-1).

Outside the connection's scope everything is 404; bad query values are 422 naming the
field; an ERP that cannot answer is 503 with a message saying so. Prices are exact
decimal strings in the price list's currency.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query

from erpsync.api.connections import KeysDep
from erpsync.api.deps import AdminUser, CurrentUser, DatabaseDep, RecordId
from erpsync.pricing import exposure, service
from erpsync.pricing.schemas import (
    MAX_LIMIT,
    MAX_OFFSET,
    AllowedPriceLists,
    PriceListRead,
    ProductPageRead,
    ProductQuery,
    ProductRead,
)

router = APIRouter(tags=["price lists and products"])

PriceListId = Annotated[str, Path(min_length=1, max_length=200, description="Price list id.")]
ProductCode = Annotated[str, Path(min_length=1, max_length=100, description="Product code.")]
Money = Annotated[Decimal | None, Query(ge=0, max_digits=18, decimal_places=4)]


@router.get("/connections/{connection_id}/price-lists", response_model=list[PriceListRead])
def list_price_lists(
    connection_id: RecordId, user: CurrentUser, database: DatabaseDep, keys: KeysDep
) -> list[PriceListRead]:
    """The price lists this connection exposes to you."""
    with database.read_session() as session:
        return service.price_lists(session, keys, user, connection_id)


@router.get(
    "/connections/{connection_id}/price-lists/{price_list_id}/products",
    response_model=ProductPageRead,
)
def search_products(
    connection_id: RecordId,
    price_list_id: PriceListId,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
    q: Annotated[str, Query(max_length=200, description="Code or name contains.")] = "",
    code_begins: Annotated[str | None, Query(max_length=100)] = None,
    code_contains: Annotated[str | None, Query(max_length=100)] = None,
    name_contains: Annotated[str | None, Query(max_length=200)] = None,
    price_min: Money = None,
    price_max: Money = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 25,
) -> ProductPageRead:
    """One page of the products matching every condition, priced in the list's currency."""
    query = ProductQuery(
        q=q,
        code_begins=code_begins,
        code_contains=code_contains,
        name_contains=name_contains,
        price_min=price_min,
        price_max=price_max,
        offset=offset,
        limit=limit,
    )
    with database.read_session() as session:
        return service.products(session, keys, user, connection_id, price_list_id, query)


@router.get(
    "/connections/{connection_id}/price-lists/{price_list_id}/products/{code:path}",
    response_model=ProductRead,
)
def get_product(
    connection_id: RecordId,
    price_list_id: PriceListId,
    code: ProductCode,
    user: CurrentUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> ProductRead:
    with database.read_session() as session:
        return service.product(session, keys, user, connection_id, price_list_id, code)[1]


@router.get("/connections/{connection_id}/allowed-price-lists", response_model=AllowedPriceLists)
def get_allowed(
    connection_id: RecordId, admin: AdminUser, database: DatabaseDep
) -> AllowedPriceLists:
    """The price lists the connection is restricted to; empty: it exposes all."""
    with database.read_session() as session:
        return AllowedPriceLists(price_lists=exposure.chosen_ids(session, admin, connection_id))


@router.put("/connections/{connection_id}/allowed-price-lists", response_model=AllowedPriceLists)
def put_allowed(
    connection_id: RecordId,
    data: AllowedPriceLists,
    admin: AdminUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> AllowedPriceLists:
    """Restrict the price lists the connection exposes (an empty list: all of them)."""
    with database.session() as session:
        chosen = exposure.set_allowed(session, keys, admin, connection_id, data.price_lists)
    return AllowedPriceLists(price_lists=chosen)
