"""The engine side of the pricing capability: `PricingHost` wraps a `ConnectorHost`.

Every pricing call runs through the wrapped host (same timeout, same re-open on
`unknown_connection`, same categorised failures) and every answer is checked: money is
`Decimal` (never float, finite), a currency is an ISO 4217 code (three capital
letters), a price list's `valid_from` is not after its `valid_to`, a page holds at most
`limit` products and a `total` that fits. A bad product is a `data` error naming the
connector, the call, the product code and the field; a malformed answer as a whole is
a `system` error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Category, Restriction
from erpsync.sdk.operators import restriction_problem
from erpsync.sdk.pricing import (
    MAX_PAGE,
    PRODUCT_FIELDS,
    PRODUCT_SEARCHABLE,
    PriceList,
    PricingCapability,
    Product,
    ProductPage,
)
from erpsync.sdk.validation import bad_record, expect_list, malformed

CURRENCY = re.compile(r"[A-Z]{3}")
#: The `config` error code of a connector without price lists and products.
NO_PRICING = "no_pricing"
_FIELDS = {field.key: field for field in PRODUCT_FIELDS}
_MONEY = ("list_price", "cost", "in_stock")
_TEXTS = ("description", "unit", "vat_code")


class PricingHost:
    """Pricing calls of one opened connector; a `config` error when it has no such capability."""

    def __init__(self, host: ConnectorHost) -> None:
        connector = host.connector
        if not isinstance(connector, PricingCapability):
            raise ConnectorError(
                Category.CONFIG,
                f"The connector {host.key!r} offers no price lists or products.",
                code=NO_PRICING,
                connector=host.key,
            )
        self.host = host
        self.key = host.key
        self.pricing: PricingCapability = connector

    def price_lists(self) -> list[PriceList]:
        # `_call` is the host's one way to run a call (timeout, re-open and retry once).
        answer = self.host._call("price_lists", self.pricing.price_lists)
        lists: list[PriceList] = expect_list(self.key, "price_lists", answer, PriceList)  # type: ignore[assignment]
        seen: set[str] = set()
        for price_list in lists:
            check_price_list(self.key, price_list)
            if price_list.id in seen:
                raise malformed(self.key, "price_lists", f"price list {price_list.id!r} twice")
            seen.add(price_list.id)
        return lists

    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: Sequence[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        call = f"products({price_list_id})"
        _check_paging(self.key, call, offset, limit)
        given = list(restrictions)
        for restriction in given:
            _check_restriction(self.key, call, restriction)
        answer = self.host._call(
            call,
            lambda: self.pricing.products(price_list_id, query, given, offset, limit),
        )
        if not isinstance(answer, ProductPage):
            raise malformed(self.key, call, f"expected a ProductPage, got {type(answer).__name__}")
        if (answer.offset, answer.limit) != (offset, limit):
            asked = f"offset {offset}, limit {limit}"
            got = f"offset {answer.offset}, limit {answer.limit}"
            raise malformed(self.key, call, f"asked for {asked}, answered {got}")
        items: list[Product] = expect_list(self.key, call, answer.items, Product)  # type: ignore[assignment]
        if len(items) > limit:
            raise malformed(self.key, call, f"{len(items)} products for limit {limit}")
        total = answer.total
        if type(total) is not int or total < 0 or (items and total < offset + len(items)):
            raise malformed(self.key, call, f"total {total!r} does not fit the page")
        codes = [item.code for item in items]
        for item in items:
            check_product(self.key, call, item)
        if len(set(codes)) != len(codes):
            raise malformed(self.key, call, "a product appears twice on one page")
        return ProductPage(items, total, offset, limit)

    def product(self, price_list_id: str, code: str) -> Product | None:
        call = f"product({price_list_id})"
        answer = self.host._call(call, lambda: self.pricing.product(price_list_id, code))
        if answer is None:
            return None
        if not isinstance(answer, Product):
            raise malformed(self.key, call, f"expected a Product, got {type(answer).__name__}")
        check_product(self.key, call, answer)
        if answer.code != code:
            raise malformed(self.key, call, f"asked for {code!r}, got {answer.code!r}")
        return answer


def _check_paging(connector: str, call: str, offset: int, limit: int) -> None:
    if type(offset) is not int or offset < 0:
        raise _bad_query(connector, call, "offset", "offset must be a whole number ≥ 0")
    if type(limit) is not int or not 1 <= limit <= MAX_PAGE:
        raise _bad_query(connector, call, "limit", f"limit must be from 1 to {MAX_PAGE}")


def _check_restriction(connector: str, call: str, restriction: Restriction) -> None:
    field = _FIELDS.get(restriction.field)
    if field is None or field.key not in PRODUCT_SEARCHABLE:
        allowed = ", ".join(PRODUCT_SEARCHABLE)
        problem = f"products can be restricted on {allowed}, not {restriction.field!r}"
    else:
        problem = restriction_problem(restriction, field) or ""
    if problem:
        raise _bad_query(connector, call, restriction.field, problem)


def _bad_query(connector: str, call: str, field: str, problem: str) -> ConnectorError:
    return ConnectorError(
        Category.DATA,
        f"Cannot search products in {connector!r}: {problem}.",
        code="bad_restriction",
        connector=connector,
        call=call,
        field=field,
    )


def check_price_list(connector: str, price_list: PriceList) -> None:
    call = "price_lists"
    key = price_list.id if isinstance(price_list.id, str) else None
    if not key:
        raise malformed(connector, call, "a price list has no id (a non-empty str)")

    def bad(field: str, what: str) -> ConnectorError:
        return bad_record(connector, call, key, field, what)

    if not isinstance(price_list.name, str) or not price_list.name:
        raise bad("name", "a price list needs a name")
    if not isinstance(price_list.currency, str) or not CURRENCY.fullmatch(price_list.currency):
        raise bad("currency", f"expected an ISO 4217 code like 'SEK', got {price_list.currency!r}")
    for name in ("valid_from", "valid_to"):
        value = getattr(price_list, name)
        if value is not None and (type(value) is not date or isinstance(value, datetime)):
            raise bad(name, f"expected a date or None, got {type(value).__name__} {value!r}")
    start, end = price_list.valid_from, price_list.valid_to
    if start is not None and end is not None and start > end:
        raise bad("valid_to", f"valid_from {start} is after valid_to {end}")
    if type(price_list.active) is not bool:
        raise bad("active", f"expected bool, got {type(price_list.active).__name__}")


def check_product(connector: str, call: str, product: Product) -> None:
    key = product.code if isinstance(product.code, str) else None
    if not key:
        raise malformed(connector, call, "a product has no code (a non-empty str)")

    def bad(field: str, what: str) -> ConnectorError:
        return bad_record(connector, call, key, field, what)

    if not isinstance(product.name, str) or not product.name:
        raise bad("name", "a product needs a name")
    problem = _money_problem(product.price, required=True)
    if problem:
        raise bad("price", problem)
    for name in _MONEY:
        problem = _money_problem(getattr(product, name), required=False)
        if problem:
            raise bad(name, problem)
    for name in _TEXTS:
        if not isinstance(getattr(product, name), str):
            raise bad(name, f"expected str, got {type(getattr(product, name)).__name__}")


def _money_problem(value: object, *, required: bool) -> str | None:
    if value is None:
        return "a price is required" if required else None
    if type(value) is not Decimal:
        return f"expected Decimal (never float), got {type(value).__name__} {value!r}"
    if not value.is_finite():
        return f"expected a finite Decimal, got {value!r}"
    return None
