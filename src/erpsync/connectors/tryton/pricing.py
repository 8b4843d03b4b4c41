"""Price lists and products of Tryton (the optional pricing capability, issue 10).

Needs the Tryton modules `product_price_list` and `sale_price_list` (which brings
`product` and `sale`); without them the database has no price list.

- A price list is a `product.price_list`; its currency is its company's currency.
- A product is a `product.product` with a code (products without one are left out).
- The price is Tryton's own: the product's `sale_price_uom`, read with the context
  `price_list` and the list's `company`. That is what a sale line of that company in
  that list would get (`product.price_list.compute` through `sale_price_list`),
  quantity 0, in the product's sale unit. A product the list gives no price is not
  in that list.

Searching reads the candidates' code, name and price in one call (Tryton's domain
narrows them by code and name), checks each with the SDK's reference meaning of the
operators, and pages the result in code order. Cost is one call per search plus one
for the page's details, whatever the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.connectors.tryton.search import PATTERNS
from erpsync.sdk import (
    Category,
    ConnectorError,
    Operator,
    PriceList,
    Product,
    ProductPage,
    Restriction,
    matches,
)
from erpsync.sdk.pricing import UNKNOWN_PRICE_LIST

PRICE_LIST = "product.price_list"
PRODUCT = "product.product"
#: The Tryton modules the capability needs (they pull in product and sale).
MODULES = frozenset({"product_price_list", "sale_price_list"})
PRICE = "sale_price_uom"
_CANDIDATE = ["id", "code", "name", PRICE]
_DETAILS = ["id", "description", "list_price_used", "cost_price", "default_uom.name"]
_PATHS = {"code": "code", "name": "name"}


class Pricing:
    """Price lists and products through one Tryton session."""

    def __init__(self, client: TrytonClient, modules: set[str]) -> None:
        self.client = client
        self.offered = modules >= MODULES

    def price_lists(self) -> list[PriceList]:
        return [_price_list(row) for row in self._lists([])]

    def _lists(self, domain: list[Any]) -> list[dict[str, Any]]:
        if not self.offered:
            return []
        return self.client.search_read(
            PRICE_LIST,
            domain,
            ["id", "name", "active", "company", "company.currency.code", "company.currency.digits"],
            order=[("name", "ASC"), ("id", "ASC")],
            context={"active_test": False},
        )

    def _context(self, price_list_id: str) -> dict[str, Any]:
        """Tryton's pricing context of one list; an unknown id is a data error."""
        ident = int(price_list_id) if price_list_id.isdigit() and len(price_list_id) < 18 else 0
        rows = self._lists([("id", "=", ident)]) if ident else []
        if not rows:
            raise ConnectorError(
                Category.DATA,
                f"Tryton has no price list {price_list_id!r}"
                + ("." if self.offered else " (the module sale_price_list is not activated)."),
                code=UNKNOWN_PRICE_LIST,
                field="price_list",
            )
        return {"price_list": rows[0]["id"], "company": rows[0]["company"], "active_test": False}

    def products(
        self,
        price_list_id: str,
        query: str,
        restrictions: Sequence[Restriction],
        offset: int,
        limit: int,
    ) -> ProductPage:
        context = self._context(price_list_id)
        text = query.strip()
        domain: list[Any] = [("code", "!=", None), ("active", "=", True)]
        if text:
            pattern = PATTERNS[Operator.CONTAINS](text)
            domain.append(["OR", ("code", "ilike", pattern), ("name", "ilike", pattern)])
        for restriction in restrictions:
            path, pattern_of = _PATHS.get(restriction.field), PATTERNS.get(restriction.operator)
            if path and pattern_of:
                domain.append((path, "ilike", pattern_of(str(restriction.values[0]))))
        rows = self.client.search_read(
            PRODUCT, domain, _CANDIDATE, order=[("code", "ASC"), ("id", "ASC")], context=context
        )
        folded = text.casefold()
        kept = [
            row
            for row in rows
            if row.get(PRICE) is not None
            and (not folded or folded in f"{row['code']}\n{row['name']}".casefold())
            and all(matches(r, _value(row, r.field)) for r in restrictions)
        ]
        page = kept[offset : offset + limit]
        return ProductPage(self._products(page, context), len(kept), offset, limit)

    def product(self, price_list_id: str, code: str) -> Product | None:
        context = self._context(price_list_id)
        rows = self.client.search_read(
            PRODUCT, [("code", "=", code)], _CANDIDATE, limit=1, context=context
        )
        if not rows or rows[0].get(PRICE) is None:
            return None
        return self._products(rows, context)[0]

    def _products(self, rows: list[dict[str, Any]], context: dict[str, Any]) -> list[Product]:
        if not rows:
            return []
        details = {
            row["id"]: row
            for row in self.client.search_read(
                PRODUCT, [("id", "in", [r["id"] for r in rows])], _DETAILS, context=context
            )
        }
        return [_product(row, details.get(row["id"], {})) for row in rows]


def _value(row: dict[str, Any], key: str) -> Any:
    return row.get(PRICE) if key == "price" else row.get(key)


def _money(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _price_list(row: dict[str, Any]) -> PriceList:
    company = row.get("company.") or {}
    found = company.get("currency.") or {}
    digits = found.get("digits")
    return PriceList(
        str(row["id"]),
        str(row["name"]),
        str(found.get("code") or ""),
        active=bool(row["active"]),
        currency_digits=digits if isinstance(digits, int) and 0 <= digits <= 8 else 2,
    )


def _product(row: dict[str, Any], details: dict[str, Any]) -> Product:
    unit = details.get("default_uom.") or {}
    return Product(
        code=str(row["code"]),
        name=str(row["name"]),
        price=row[PRICE],
        description=str(details.get("description") or ""),
        unit=str(unit.get("name") or ""),
        list_price=_money(details.get("list_price_used")),
        cost=_money(details.get("cost_price")),
    )
