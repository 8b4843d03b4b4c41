"""The optional pricing capability of a connector: price lists and products (R-CONN-6).

A connector that can read its ERP's products and price lists also subclasses
`PricingCapability` and implements its three calls:

    class AcmeConnector(PricingCapability, Connector):
        def price_lists(self) -> list[PriceList]: ...
        def products(self, price_list_id, query, restrictions, offset, limit) -> ProductPage: ...
        def product(self, price_list_id, code) -> Product | None: ...

Contract:
- Money is `Decimal`, never float. `Product.price` is the product's price **in that
  price list**, in the list's currency (an ISO 4217 code such as `SEK`).
- `products` answers one page (`offset`, `limit`) of the products matching every
  condition: `query` (free text: code or name contains it, case-insensitive; empty means
  all) and `restrictions` on the fields of `PRODUCT_FIELDS` named in `PRODUCT_SEARCHABLE`
  (same operators and meaning as `erpsync.sdk.operators`). The order is stable (the demo
  orders by code), so the pages of one query concatenate to the whole result without
  duplicates; `total` counts every match.
- An unknown price list id is a `data` error with code `unknown_price_list`; an unknown
  product code in `product` is `None`.

The engine side is `erpsync.sdk.pricing_host.PricingHost` (timeouts, answer checks).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from erpsync.sdk.model import Field, FieldType, Restriction

#: The error code of a price list id the ERP does not know.
UNKNOWN_PRICE_LIST = "unknown_price_list"
#: The most products one `products` call may be asked for.
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class PriceList:
    """One price list of the ERP. Dates are inclusive; None means open-ended.

    `currency_digits`: the decimals of the currency's amounts; the host shows money
    rounded to them (2 unless the ERP says otherwise)."""

    id: str
    name: str
    currency: str
    valid_from: date | None = None
    valid_to: date | None = None
    active: bool = True
    currency_digits: int = 2

    def valid_on(self, day: date) -> bool:
        after_start = self.valid_from is None or self.valid_from <= day
        return after_start and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Product:
    """One product as seen through one price list."""

    code: str
    name: str
    price: Decimal
    description: str = ""
    unit: str = ""
    list_price: Decimal | None = None
    cost: Decimal | None = None  # None where the ERP does not tell (or may not)
    vat_code: str = ""
    in_stock: Decimal | None = None  # None where the ERP does not know


@dataclass(frozen=True, slots=True)
class ProductPage:
    """One page of a product search: `items` from `offset`, `total` matches in all."""

    items: list[Product]
    total: int
    offset: int = 0
    limit: int = 50


def _f(key: str, name: str, kind: FieldType = FieldType.TEXT) -> Field:
    return Field(key, name, kind)


#: The fields of a product, for restrictions and for clients that render them.
PRODUCT_FIELDS: tuple[Field, ...] = (
    _f("code", "Product code"),
    _f("name", "Name"),
    _f("description", "Description"),
    _f("unit", "Unit"),
    _f("list_price", "List price", FieldType.DECIMAL),
    _f("cost", "Cost", FieldType.DECIMAL),
    _f("vat_code", "VAT code"),
    _f("in_stock", "In stock", FieldType.DECIMAL),
    _f("price", "Price", FieldType.DECIMAL),
)
#: The fields every pricing connector can restrict on.
PRODUCT_SEARCHABLE: tuple[str, ...] = ("code", "name", "price")


class PricingCapability(ABC):
    """Mix into a `Connector` whose ERP has products and price lists."""

    @abstractmethod
    def price_lists(self) -> list[PriceList]:
        """Every price list of the ERP, inactive and expired ones included (flagged)."""

    @abstractmethod
    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: Sequence[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        """One page of the products matching `query` and every restriction."""

    @abstractmethod
    def product(self, price_list_id: str, code: str) -> Product | None:
        """One product with its price in the list, or None when the code is unknown."""


def has_pricing(connector_class: type) -> bool:
    """True when the connector class offers price lists and products."""
    return isinstance(connector_class, type) and issubclass(connector_class, PricingCapability)


def product_value(product: Product, key: str) -> object:
    """The value of one of `PRODUCT_FIELDS` (for restrictions and for display)."""
    return getattr(product, key)
