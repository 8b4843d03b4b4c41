"""How the demo ERP prices its products, and reading products through a price list.

`compute_price` is the demo ERP's own rule (a fixed price in the list wins; otherwise
the SEK list price divided by the list's rate, rounded half-up to its step). The same
function runs inside SQLite (`erp_price`), so searching, restricting on price and
paging all happen in one query, and tests compare the connector's answers with
`DemoErp.price_of`, which calls it directly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from erpsync.sdk import Operator, PriceList, Product, ProductPage, Restriction
from erpsync.sdk.errors import ConnectorError, config_error
from erpsync.sdk.model import Category
from erpsync.sdk.operators import TEXT_OPERATORS
from erpsync.sdk.pricing import UNKNOWN_PRICE_LIST

_CENT = Decimal("0.01")
PRICE_SQL = "COALESCE(f.price, erp_price(p.list_price, l.rate, l.step))"
_COLUMNS = {"code": "p.code", "name": "p.name", "price": PRICE_SQL}
_ORDERED = {Operator.EQ: "=", Operator.NE: "!=", Operator.LT: "<", Operator.LE: "<=",
            Operator.GT: ">", Operator.GE: ">="}  # fmt: skip
_SELECT = (
    "SELECT p.code, p.name, p.description, p.unit, p.list_price, p.cost, p.vat_code, "  # noqa: S608
    f"p.in_stock, {PRICE_SQL} FROM product p JOIN price_list l ON l.id = ? "
    "LEFT JOIN fixed_price f ON f.price_list_id = l.id AND f.product_code = p.code "
    "WHERE p.deleted = 0"
)


def compute_price(list_price: Decimal, rate: Decimal, step: Decimal) -> Decimal:
    """The list price (SEK) in a list's currency: divided by the rate, rounded half-up
    to the step, shown with cents."""
    units = (list_price / rate / step).to_integral_value(rounding=ROUND_HALF_UP)
    return (units * step).quantize(_CENT)


def _sql_price(list_price: object, rate: object, step: object) -> str | None:
    if list_price is None or rate is None or step is None:
        return None
    return str(compute_price(Decimal(str(list_price)), Decimal(str(rate)), Decimal(str(step))))


def register(db: sqlite3.Connection) -> None:
    db.create_function("erp_price", 3, _sql_price, deterministic=True)


def require_products(db: sqlite3.Connection) -> None:
    """A schema-1 demo ERP has no products: say how to get them."""
    found = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'price_list'"
    ).fetchone()
    if found is None:
        raise config_error(
            "This demo ERP database was made before products and price lists existed; "
            "upgrade it with `erpsync demo erp upgrade` or re-create it with "
            "`erpsync demo erp init`.",
            code="demo_schema_1",
        )


def _date(text: object) -> date | None:
    return None if text is None else date.fromisoformat(str(text))


def price_lists(db: sqlite3.Connection) -> list[PriceList]:
    require_products(db)
    rows = db.execute(
        "SELECT id, name, currency, valid_from, valid_to, active FROM price_list ORDER BY rowid"
    ).fetchall()
    return [
        PriceList(str(i), str(name), str(cur), _date(start), _date(end), bool(active))
        for i, name, cur, start, end, active in rows
    ]


def _check_list(db: sqlite3.Connection, price_list_id: str) -> None:
    require_products(db)
    if db.execute("SELECT 1 FROM price_list WHERE id = ?", (price_list_id,)).fetchone() is None:
        raise ConnectorError(
            Category.DATA,
            f"The demo ERP has no price list {price_list_id!r}.",
            code=UNKNOWN_PRICE_LIST,
            field="price_list",
        )


def _money(text: object) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def _product(row: tuple[object, ...]) -> Product:
    code, name, description, unit, list_price, cost, vat, stock, price = row
    return Product(
        code=str(code),
        name=str(name),
        price=Decimal(str(price)),
        description=str(description or ""),
        unit=str(unit),
        list_price=_money(list_price),
        cost=_money(cost),
        vat_code=str(vat),
        in_stock=_money(stock),
    )


def _condition(restriction: Restriction) -> tuple[str, list[object]]:
    """SQL for one host-checked restriction on code, name or price."""
    expr, op, args = _COLUMNS[restriction.field], restriction.operator, restriction.values
    if op in TEXT_OPERATORS:
        return f"erp_text(?, {expr}, ?) = 1", [str(op), args[0]]
    texts: list[object] = [str(arg) for arg in args]
    if op is Operator.BETWEEN:
        return f"(erp_dec_cmp({expr}, ?) >= 0 AND erp_dec_cmp({expr}, ?) <= 0)", texts
    return f"erp_dec_cmp({expr}, ?) {_ORDERED[op]} 0", texts


def products(
    db: sqlite3.Connection,
    price_list_id: str,
    query: str,
    restrictions: Sequence[Restriction],
    offset: int,
    limit: int,
) -> ProductPage:
    _check_list(db, price_list_id)
    where = ""
    params: list[object] = [price_list_id]
    if query.strip():
        where += " AND (erp_text('contains', p.code, ?) = 1 OR erp_text('contains', p.name, ?) = 1)"
        params += [query.strip(), query.strip()]
    for restriction in restrictions:
        sql, args = _condition(restriction)
        where += f" AND {sql}"
        params += args
    (total,) = db.execute(f"SELECT COUNT(*) FROM ({_SELECT}{where})", params).fetchone()  # noqa: S608 - fixed SQL
    rows = db.execute(
        f"{_SELECT}{where} ORDER BY p.code LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return ProductPage([_product(row) for row in rows], int(total), offset, limit)


def product(db: sqlite3.Connection, price_list_id: str, code: str) -> Product | None:
    _check_list(db, price_list_id)
    row = db.execute(f"{_SELECT} AND p.code = ?", (price_list_id, code)).fetchone()
    return None if row is None else _product(row)
