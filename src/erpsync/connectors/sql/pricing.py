"""Price lists and products of an SQL ERP (issue 10), declared in the mapping text:

    pricing:
      products: {table: product, id: id, code: code, name: name, description: description,
                 unit: unit, list_price: list_price, cost: cost, vat_code: vat_code,
                 in_stock: in_stock, deleted: {column: active, value: false}}
      price_lists: {table: price_list, id: id, name: name, currency: currency_code,
                    valid_from: valid_from, valid_to: valid_to, active: active}
      prices: {table: price_list_line, price_list: price_list_id, product: product_id,
               price: price}

A product belongs to a price list when the `prices` table has a row for the pair; its
price is that row's. `id` of products is what `prices.product` refers to (default: the
code column). Optional columns (description … in_stock, valid_from/to, active) may be
left out. Every name is checked against the reflected schema; values are bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from erpsync.connectors.sql.conditions import condition
from erpsync.connectors.sql.convert import to_column, to_decimal
from erpsync.connectors.sql.mapping import (
    MappingError,
    _dict,
    _name,
    _only,
    _soft_delete,
)
from erpsync.connectors.sql.query import ActorQuery
from erpsync.connectors.sql.spec import SoftDelete
from erpsync.sdk import ConnectorError, PriceList, Product, ProductPage, Restriction
from erpsync.sdk.model import Category
from erpsync.sdk.pricing import UNKNOWN_PRICE_LIST

PRODUCT_OPTIONAL = ("description", "unit", "list_price", "cost", "vat_code", "in_stock")
LIST_OPTIONAL = ("valid_from", "valid_to", "active")


@dataclass(frozen=True)
class PricingSpec:
    """Table and column names of the `pricing` section (checked against the schema)."""

    products: dict[str, str]  # role → column; roles: table, id, code, name, PRODUCT_OPTIONAL
    product_deleted: SoftDelete | None
    price_lists: dict[str, str]  # table, id, name, currency, LIST_OPTIONAL
    prices: dict[str, str]  # table, price_list, product, price


def parse_pricing(text: str) -> PricingSpec | None:
    """The `pricing` section of a mapping text, or None when it has none."""
    data = yaml.safe_load(text or "")
    if not isinstance(data, dict) or data.get("pricing") is None:
        return None
    root = _dict(data["pricing"], "pricing")
    _only(root, "pricing", {"products", "price_lists", "prices"})
    for part in ("products", "price_lists", "prices"):
        if part not in root:
            raise MappingError(f"pricing: declare '{part}' too (products, price_lists, prices).")
    products = _dict(root["products"], "pricing.products")
    deleted = _soft_delete(products.pop("deleted", None), "pricing.products.deleted")
    return PricingSpec(
        _roles(products, "pricing.products", ("table", "code", "name"), ("id", *PRODUCT_OPTIONAL)),
        deleted,
        _roles(
            _dict(root["price_lists"], "pricing.price_lists"),
            "pricing.price_lists",
            ("table", "id", "name", "currency"),
            LIST_OPTIONAL,
        ),
        _roles(
            _dict(root["prices"], "pricing.prices"),
            "pricing.prices",
            ("table", "price_list", "product", "price"),
            (),
        ),
    )


def _roles(
    data: dict[str, Any], path: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> dict[str, str]:
    _only(data, path, {*required, *optional})
    roles = {role: _name(data.get(role), f"{path}.{role}") for role in required}
    roles.update({role: _name(data[role], f"{path}.{role}") for role in optional if role in data})
    return roles


def reflect_pricing(connection: Connection, spec: PricingSpec) -> tuple[Pricing | None, list[str]]:
    """Reflect the pricing tables; the queries, or every problem naming what exists."""
    inspector = sa.inspect(connection)
    names = sorted(set(inspector.get_table_names()) | set(inspector.get_view_names()))
    parts = {"products": spec.products, "price_lists": spec.price_lists, "prices": spec.prices}
    problems = []
    for part, roles in parts.items():
        if roles["table"] not in names:
            problems.append(
                f"pricing.{part}.table: table {roles['table']!r} does not exist "
                f"(tables: {', '.join(names) or 'none'})"
            )
    if problems:
        return None, problems
    metadata = sa.MetaData()
    metadata.reflect(connection, only=sorted({r["table"] for r in parts.values()}), views=True)
    tables = {part: metadata.tables[roles["table"]] for part, roles in parts.items()}
    columns = [(part, role, column) for part, roles in parts.items()
               for role, column in roles.items() if role != "table"]  # fmt: skip
    if spec.product_deleted is not None:
        columns.append(("products", "deleted", spec.product_deleted.column))
    for part, role, column in columns:
        table = tables[part]
        if column not in table.c:
            problems.append(
                f"pricing.{part}.{role}: column {column!r} does not exist in table "
                f"{table.name!r} (columns: {', '.join(table.c.keys())})"
            )
    return (None if problems else Pricing(spec, tables)), problems


class Pricing:
    """Statements for price lists and products, built once from the reflected tables."""

    def __init__(self, spec: PricingSpec, tables: dict[str, sa.Table]) -> None:
        self.spec = spec
        self.list_table = tables["price_lists"]
        self.product_table = tables["products"]
        self.price_table = tables["prices"]
        p, l_, r = spec.products, spec.price_lists, spec.prices
        self.list_id = self.list_table.c[l_["id"]]
        self.code = self.product_table.c[p["code"]]
        self.name = self.product_table.c[p["name"]]
        self.price = self.price_table.c[r["price"]]
        self.line_list = self.price_table.c[r["price_list"]]
        product_id = self.product_table.c[p.get("id", p["code"])]
        self.source = self.product_table.join(
            self.price_table, self.price_table.c[r["product"]] == product_id
        )
        optional = [
            self.product_table.c[p[role]] if role in p else sa.null() for role in PRODUCT_OPTIONAL
        ]
        self.columns = [self.code, self.name, *optional, self.price]
        self.live: list[ColumnElement[bool]] = []
        gone = spec.product_deleted
        if gone is not None:
            column = self.product_table.c[gone.column]
            self.live = [sa.or_(column.is_(None), column != ActorQuery.bind(column, gone.value))]

    # --- price lists -------------------------------------------------------------------

    def price_lists(self, connection: Connection) -> list[PriceList]:
        roles = self.spec.price_lists
        picked = [self.list_table.c[roles[r]] if r in roles else sa.null() for r in LIST_OPTIONAL]
        statement = sa.select(
            self.list_id,
            self.list_table.c[roles["name"]],
            self.list_table.c[roles["currency"]],
            *picked,
        ).order_by(self.list_id)
        return [
            PriceList(
                str(ident),
                str(name),
                str(currency or "").strip().upper(),
                _day(start),
                _day(end),
                True if active is None else bool(active),
            )
            for ident, name, currency, start, end, active in connection.execute(statement)
        ]

    def _list_key(self, connection: Connection, price_list_id: str) -> Any:
        try:
            key = to_column(self.list_id, price_list_id)
        except (TypeError, ValueError):
            key = None
        found = (
            key is not None
            and connection.execute(sa.select(self.list_id).where(self.list_id == key)).first()
        )
        if not found:
            raise ConnectorError(
                Category.DATA,
                f"The ERP has no price list {price_list_id!r}.",
                code=UNKNOWN_PRICE_LIST,
                field="price_list",
            )
        return key

    # --- products ------------------------------------------------------------------------

    def products(
        self,
        connection: Connection,
        price_list_id: str,
        query: str,
        restrictions: list[Restriction],
        offset: int,
        limit: int,
    ) -> ProductPage:
        where = [self.line_list == self._list_key(connection, price_list_id), *self.live]
        text = query.strip().lower()
        if text:
            where.append(
                sa.or_(
                    sa.func.lower(self.code).contains(text, autoescape=True),
                    sa.func.lower(self.name).contains(text, autoescape=True),
                )
            )
        where += [self._restriction(restriction) for restriction in restrictions]
        base = sa.select(*self.columns).select_from(self.source).where(*where)
        total = connection.execute(sa.select(sa.func.count()).select_from(base.subquery()))
        rows = connection.execute(base.order_by(self.code).offset(offset).limit(limit))
        return ProductPage([_product(row) for row in rows], int(total.scalar_one()), offset, limit)

    def product(self, connection: Connection, price_list_id: str, code: str) -> Product | None:
        key = self._list_key(connection, price_list_id)
        statement = (
            sa.select(*self.columns)
            .select_from(self.source)
            .where(self.line_list == key, self.code == to_column(self.code, code), *self.live)
        )
        row = connection.execute(statement).first()
        return None if row is None else _product(row)

    def _restriction(self, restriction: Restriction) -> ColumnElement[bool]:
        column = {"code": self.code, "name": self.name, "price": self.price}[restriction.field]
        return condition(
            column, restriction, lambda value: sa.literal(Decimal(str(value)), column.type)
        )


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):  # SQLite files written by other programs
        return date.fromisoformat(value[:10])
    return value if isinstance(value, date) else None


def _money(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(to_decimal(value)))


def _product(row: Any) -> Product:
    code, name, description, unit, list_price, cost, vat, stock, price = row
    return Product(
        code=str(code),
        name=str(name),
        price=Decimal(str(to_decimal(price))),
        description="" if description is None else str(description),
        unit="" if unit is None else str(unit),
        list_price=_money(list_price),
        cost=_money(cost),
        vat_code="" if vat is None else str(vat),
        in_stock=_money(stock),
    )
