"""A realistic ERP schema the SQL connector tests create on PostgreSQL, MariaDB and SQLite.

Customers and suppliers share `company`, told apart by flags; contacts hang under
companies with their own stamp; projects under customers, hard-deleted with a row in
the tombstone table `deleted_record`; lists of countries (id =
code), currencies and payment terms (id ≠ code; one term inactive). `MAPPING` is the
mapping text an administrator would write for it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

metadata = sa.MetaData()
# Microsecond stamps on MariaDB too (its DATETIME defaults to whole seconds).
STAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

country = sa.Table(
    "country",
    metadata,
    sa.Column("code", sa.String(2), primary_key=True),
    sa.Column("name", sa.String(60), nullable=False),
)
currency = sa.Table(
    "currency",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(3), nullable=False, unique=True),
    sa.Column("name", sa.String(60), nullable=False),
)
payment_term = sa.Table(
    "payment_term",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(10), nullable=False),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
)
company = sa.Table(
    "company",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(20)),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("org_no", sa.String(20)),
    sa.Column("email", sa.String(80)),
    sa.Column("phone", sa.String(30)),
    sa.Column("city", sa.String(60)),
    sa.Column("country_code", sa.String(2), sa.ForeignKey("country.code")),
    sa.Column("currency_id", sa.Integer, sa.ForeignKey("currency.id")),
    sa.Column("payment_term_id", sa.Integer, sa.ForeignKey("payment_term.id")),
    sa.Column("credit_limit", sa.Numeric(12, 2)),
    sa.Column("discount", sa.Double),
    sa.Column("employees", sa.Integer),
    sa.Column("blocked", sa.Boolean),
    sa.Column("founded", sa.Date),
    sa.Column("is_customer", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("is_supplier", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("updated_at", STAMP, nullable=False, index=True),
)
contact = sa.Table(
    "contact",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("company_id", sa.Integer, sa.ForeignKey("company.id"), nullable=False),
    sa.Column("first_name", sa.String(40), nullable=False),
    sa.Column("last_name", sa.String(40), nullable=False),
    sa.Column("email", sa.String(80)),
    sa.Column("phone", sa.String(30)),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("updated_at", STAMP, nullable=False),
)
project = sa.Table(
    "project",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("number", sa.String(20)),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("company.id")),
    sa.Column("budget", sa.Numeric(12, 2)),
    sa.Column("start_date", sa.Date),
    sa.Column("billable", sa.Boolean),
    sa.Column("hours_estimate", sa.Integer),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("updated_at", STAMP, nullable=False),
)

deleted_record = sa.Table(  # the ERP's log of hard-deleted rows
    "deleted_record",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("table_name", sa.String(40), nullable=False),
    sa.Column("record_id", sa.String(40), nullable=False),
    sa.Column("deleted_at", STAMP, nullable=False, index=True),
)

product = sa.Table(
    "product",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(20), nullable=False, unique=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("unit", sa.String(10)),
    sa.Column("list_price", sa.Numeric(12, 2)),
    sa.Column("cost", sa.Numeric(12, 2)),
    sa.Column("vat_code", sa.String(10)),
    sa.Column("in_stock", sa.Numeric(12, 3)),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
)
price_list = sa.Table(
    "price_list",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("currency_code", sa.String(3), nullable=False),
    sa.Column("valid_from", sa.Date),
    sa.Column("valid_to", sa.Date),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
)
price_list_line = sa.Table(
    "price_list_line",
    metadata,
    sa.Column("price_list_id", sa.Integer, sa.ForeignKey("price_list.id"), primary_key=True),
    sa.Column("product_id", sa.Integer, sa.ForeignKey("product.id"), primary_key=True),
    sa.Column("price", sa.Numeric(12, 2), nullable=False),
)

MAPPING = """
actors:
  Customer:
    table: company
    key: id
    filter: {is_customer: true}
    create: {is_customer: true}
    modified: updated_at
    deleted: {column: deleted, value: true}
    fields:
      - {key: id, name: Id, type: Integer}
      - {key: code, name: Customer number}
      - {key: name, name: Name, access: Mandatory}
      - {key: org_no, name: Org no}
      - {key: email, name: E-mail}
      - {key: phone, name: Phone}
      - {key: city, name: City}
      - {key: country, column: country_code, name: Country, type: List, list: countries}
      - {key: currency, column: currency_id, name: Currency, type: List, list: currencies}
      - {key: terms, column: payment_term_id, name: Payment terms, type: List,
         list: payment_terms}
      - {key: credit_limit, name: Credit limit, type: Decimal}
      - {key: discount, name: Discount %, type: Double}
      - {key: employees, name: Employees, type: Integer}
      - {key: blocked, name: Blocked, type: Checkbox}
      - {key: founded, name: Founded, type: Date}
      - {key: modified_at, column: updated_at, name: Modified, type: Datetime, access: ReadOnly}
  Supplier:
    table: company
    key: id
    filter: {is_supplier: true}
    create: {is_supplier: true}
    modified: updated_at
    deleted: {column: deleted, value: true}
    fields:
      - {key: name, name: Name, access: Mandatory}
      - {key: code, name: Supplier number}
      - {key: email, name: E-mail}
      - {key: currency, column: currency_id, name: Currency, type: List, list: currencies}
  Person:
    table: contact
    key: id
    joins: {company: {from: company_id, to: id}}
    filter: {company.is_customer: true}
    modified: [updated_at, company.updated_at]
    parent: {column: company_id, type: Customer}
    deleted: {column: active, value: false}
    fields:
      - {key: first_name, name: First name, access: Mandatory}
      - {key: last_name, name: Last name, access: Mandatory}
      - {key: email, name: E-mail}
      - {key: phone, name: Phone}
      - {key: company_name, column: company.name, name: Company}
  Project:
    table: project
    key: id
    modified: updated_at
    parent: {column: customer_id, type: Customer}
    deleted: {table: deleted_record, key: record_id, modified: deleted_at,
              filter: {table_name: project}}
    fields:
      - {key: name, name: Name, access: Mandatory}
      - {key: number, name: Number}
      - {key: budget, name: Budget, type: Decimal}
      - {key: start_date, name: Start, type: Date}
      - {key: billable, name: Billable, type: Checkbox}
      - {key: hours_estimate, name: Estimated hours, type: Integer}
lists:
  countries: {table: country, id: code, code: code, name: name}
  currencies: {table: currency, id: id, code: code, name: name}
  payment_terms: {table: payment_term, id: id, code: code, name: name,
                  deleted: {column: active, value: false}}
pricing:
  products: {table: product, id: id, code: code, name: name, unit: unit,
             list_price: list_price, cost: cost, vat_code: vat_code, in_stock: in_stock,
             deleted: {column: active, value: false}}
  price_lists: {table: price_list, id: id, name: name, currency: currency_code,
                valid_from: valid_from, valid_to: valid_to, active: active}
  prices: {table: price_list_line, price_list: price_list_id, product: product_id,
           price: price}
"""

TOOLS = ["Hammer", "Screwdriver", "Wrench", "Pliers", "Chisel", "Saw", "Drill", "Level"]
KINDS = ["steel", "carbon", "compact", "heavy", "precision"]


def now() -> datetime:
    return datetime.now(UTC)


def create_schema(engine: sa.Engine) -> None:
    metadata.drop_all(engine)
    metadata.create_all(engine)
    seed(engine)


def seed(engine: sa.Engine) -> None:
    """Empty every table and write the lists and a few companies, contacts, projects."""
    with engine.begin() as db:
        for table in reversed(metadata.sorted_tables):
            db.execute(table.delete())
        db.execute(
            country.insert(),
            [
                {"code": code, "name": name}
                for code, name in [("SE", "Sweden"), ("NO", "Norway"), ("DK", "Denmark")]
            ],
        )
        db.execute(
            currency.insert(),
            [
                {"id": 1, "code": "SEK", "name": "Swedish krona"},
                {"id": 2, "code": "EUR", "name": "Euro"},
            ],
        )
        db.execute(
            payment_term.insert(),
            [
                {"id": 11, "code": "30D", "name": "30 days net", "active": True},
                {"id": 12, "code": "10D", "name": "10 days net", "active": True},
                {"id": 13, "code": "PRE", "name": "Prepayment", "active": False},
            ],
        )
        stamp = now()
        ids = []
        for number, (name, customer, supplier) in enumerate(
            [("Acme AB", True, False), ("Nordic Parts", False, True), ("Both Oy", True, True)],
            start=1,
        ):
            row = dict(
                code=f"C{number}",
                name=name,
                country_code="SE",
                currency_id=1,
                payment_term_id=11,
                credit_limit=Decimal("1000.00"),
                founded=date(2001, 1, 1),
                is_customer=customer,
                is_supplier=supplier,
                updated_at=stamp,
            )
            ids.append(db.execute(company.insert().values(row)).inserted_primary_key[0])
        person = dict(first_name="Anna", last_name="Berg", updated_at=stamp)
        db.execute(contact.insert().values(company_id=ids[0], **person))
        work = dict(number="P1", name="Roll-out", updated_at=stamp)
        db.execute(project.insert().values(customer_id=ids[0], **work))
        seed_prices(db)


def seed_prices(db: sa.Connection) -> None:
    """24 products (one discontinued), a SEK list with all, a EUR list with every other,
    and an expired campaign list."""
    products = [
        {"id": n, "code": f"TLS-{1000 + n}", "name": f"{TOOLS[n % 8]} {KINDS[n % 5]} {n}",
         "unit": "pcs", "list_price": Decimal(100 + 7 * n), "cost": Decimal(60 + 4 * n),
         "vat_code": "25", "in_stock": Decimal(n % 4), "active": n != 24}
        for n in range(1, 25)
    ]  # fmt: skip
    db.execute(product.insert(), products)
    db.execute(
        price_list.insert(),
        [
            {"id": 1, "name": "Standard SEK", "currency_code": "SEK",
             "valid_from": None, "valid_to": None, "active": True},
            {"id": 2, "name": "Export EUR", "currency_code": "EUR",
             "valid_from": date(2026, 1, 1), "valid_to": date(2026, 12, 31), "active": True},
            {"id": 3, "name": "Campaign 2025", "currency_code": "SEK",
             "valid_from": None, "valid_to": date(2025, 12, 31), "active": False},
        ],
    )  # fmt: skip
    lines = [
        {"price_list_id": 1, "product_id": p["id"], "price": p["list_price"]} for p in products
    ]
    lines += [
        {"price_list_id": 2, "product_id": p["id"], "price": (p["list_price"] / 11).quantize(CENT)}
        for p in products
        if p["id"] % 2 == 0
    ]
    lines += [{"price_list_id": 3, "product_id": 1, "price": Decimal("79.00")}]
    db.execute(price_list_line.insert(), lines)


CENT = Decimal("0.01")
