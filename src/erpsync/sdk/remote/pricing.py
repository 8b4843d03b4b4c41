"""Price lists and products over remote hosting (R-SDK-7, R-CONN-6).

A service whose connector has the pricing capability says so in `describe`
(`"pricing": true`) and answers three more calls, each a `POST /v1/<call>`:

    price_lists                                           → [price list, ...]
    products {price_list_id, query, restrictions, offset, limit} → a product page
    product  {price_list_id, code}                        → a product or null

The server runs them through `PricingHost` (the same checks as in-process) and the
client's `RemotePricing` (mixed into the stand-in class) through `PricingHost` again.
Money travels tagged (`{"$decimal": "12.50"}`) so it stays `Decimal`; dates as
`{"$date": ...}`. A service whose connector has no pricing answers these calls with the
`config` error `no_pricing`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from erpsync.sdk import codec
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Restriction
from erpsync.sdk.pricing import PriceList, PricingCapability, Product, ProductPage
from erpsync.sdk.pricing_host import PricingHost
from erpsync.sdk.remote import protocol as p

JSON = Any
T = TypeVar("T")

#: The calls of the pricing capability, in the order `describe` lists them.
CALLS = ("price_lists", "products", "product")


def _decimal(data: JSON) -> Decimal | None:
    value = codec.decode_value(data)
    if value is not None and type(value) is not Decimal:
        raise ValueError(f"expected a tagged decimal, got {data!r}")
    return value


def _date(data: JSON) -> date | None:
    value = codec.decode_value(data)
    if value is not None and type(value) is not date:
        raise ValueError(f"expected a tagged date, got {data!r}")
    return value


def encode_price_list(price_list: PriceList) -> JSON:
    return {
        "id": price_list.id,
        "name": price_list.name,
        "currency": price_list.currency,
        "valid_from": codec.encode_value(price_list.valid_from),
        "valid_to": codec.encode_value(price_list.valid_to),
        "active": price_list.active,
        "currency_digits": price_list.currency_digits,
    }


def decode_price_list(data: JSON) -> PriceList:
    return PriceList(
        p.text(data["id"], "id"),
        p.text(data["name"], "name"),
        p.text(data["currency"], "currency"),
        _date(data.get("valid_from")),
        _date(data.get("valid_to")),
        bool(data.get("active", True)),
        _digits(data.get("currency_digits", 2)),
    )


def _digits(data: JSON) -> int:
    if type(data) is not int or not 0 <= data <= 8:
        raise ValueError(f"currency_digits: expected a whole number 0 to 8, got {data!r}")
    return data


def encode_product(product: Product) -> JSON:
    return {
        "code": product.code,
        "name": product.name,
        "price": codec.encode_value(product.price),
        "description": product.description,
        "unit": product.unit,
        "list_price": codec.encode_value(product.list_price),
        "cost": codec.encode_value(product.cost),
        "vat_code": product.vat_code,
        "in_stock": codec.encode_value(product.in_stock),
    }


def decode_product(data: JSON) -> Product:
    price = _decimal(data["price"])
    if price is None:
        raise ValueError("a product needs a price")
    return Product(
        p.text(data["code"], "code"),
        p.text(data["name"], "name"),
        price,
        p.text(data.get("description", ""), "description"),
        p.text(data.get("unit", ""), "unit"),
        _decimal(data.get("list_price")),
        _decimal(data.get("cost")),
        p.text(data.get("vat_code", ""), "vat_code"),
        _decimal(data.get("in_stock")),
    )


def encode_page(page: ProductPage) -> JSON:
    return {
        "items": [encode_product(item) for item in page.items],
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
    }


def decode_page(data: JSON) -> ProductPage:
    items = data["items"]
    if not isinstance(items, list):
        raise ValueError("items must be a list")
    return ProductPage(
        [decode_product(item) for item in items],
        p.integer(data["total"], "total"),
        p.integer(data["offset"], "offset"),
        p.integer(data["limit"], "limit"),
    )


def _products(host: ConnectorHost, args: dict[str, JSON]) -> JSON:
    page = PricingHost(host).products(
        p.text(args["price_list_id"], "price_list_id"),
        p.text(args.get("query", ""), "query"),
        codec.decode_list(Restriction, args.get("restrictions", [])),
        p.integer(args.get("offset", 0), "offset"),
        p.integer(args.get("limit", 50), "limit"),
    )
    return encode_page(page)


def _product(host: ConnectorHost, args: dict[str, JSON]) -> JSON:
    found = PricingHost(host).product(
        p.text(args["price_list_id"], "price_list_id"), p.text(args["code"], "code")
    )
    return None if found is None else encode_product(found)


#: The server's handlers of the pricing calls (merged into `server.HANDLERS`).
HANDLERS: dict[str, Callable[[ConnectorHost, dict[str, JSON]], JSON]] = {
    "price_lists": lambda h, a: [encode_price_list(x) for x in PricingHost(h).price_lists()],
    "products": _products,
    "product": _product,
}


class RemotePricing(PricingCapability):
    """The client side: mixed into the stand-in class when the service offers pricing."""

    if TYPE_CHECKING:  # provided by `RemoteConnector`, which comes first in the bases

        def _decoded(self, call: str, read: Callable[[JSON], T], **args: JSON) -> T: ...

    def price_lists(self) -> list[PriceList]:
        return self._decoded("price_lists", lambda d: [decode_price_list(x) for x in d])

    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: Sequence[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        return self._decoded(
            "products",
            decode_page,
            price_list_id=price_list_id,
            query=query,
            restrictions=codec.encode(list(restrictions)),
            offset=offset,
            limit=limit,
        )

    def product(self, price_list_id: str, code: str) -> Product | None:
        return self._decoded(
            "product",
            lambda d: None if d is None else decode_product(d),
            price_list_id=price_list_id,
            code=code,
        )
