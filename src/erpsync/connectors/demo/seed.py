"""Creates a demo ERP database with deterministic seed data (`random.Random(seed)`).

The first 50 customers are the companies of the demo CRM (`DEMO_COMPANIES`: same
numbers 10001…, names, addresses and e-mail domains), so import and linking have
twins to find; the rest are generated. Only the instance id is random: two
databases are never the same ERP (R-SEM-4).
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import unicodedata
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from erpsync.connectors.demo.products_seed import create_products
from erpsync.connectors.demo.schema import (
    DDL,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    connect,
    datetime_text,
    next_versions,
    write,
)
from erpsync.connectors.demo.seed_data import (
    COUNTRY_ITEMS,
    DEMO_COMPANIES,
    DEMO_COMPANY_NAMES,
    FIRST_NAMES,
    FORMS,
    LAST_NAMES,
    LISTS,
    PLACES,
    PROJECT_NAMES,
    TITLES,
    TRADES,
    WORDS,
)

__all__ = ["DEMO_COMPANIES", "DEMO_COMPANY_NAMES", "init_database", "twin_identities"]

SEED_EPOCH = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
COUNTRY_ID = {code: item_id for item_id, code, _ in COUNTRY_ITEMS}
Row = dict[str, object]


def _ascii(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def domain_of(name: str, web_domain: str) -> str:
    """The company's web domain, made the way the demo CRM makes it (same e-mails)."""
    for form in (" AB", " AS", " A/S", " ApS", " Oy", " GmbH", " Ltd", " B.V.", " OÜ"):
        name = name.removesuffix(form)
    words = _ascii(name).lower().replace("&", " ").replace("-", " ").split()
    host = ""
    for count, word in enumerate(words, start=1):
        host += word
        if count >= 2 and len(host) >= 8:
            break
    return f"{host}.{web_domain}"


def _company(rng: random.Random, name: str, code: str, index: int) -> Row:
    currency, dial, web_domain, cities = PLACES[code]
    domain = domain_of(name, web_domain)
    return {
        "name": name,
        "org_no": f"{rng.randint(100000, 999999)}-{rng.randint(1000, 9999)}",
        "vat_no": f"{code}{rng.randint(10**9, 10**10 - 1)}01",
        "address1": f"{rng.choice(WORDS)}gatan {rng.randint(1, 120)}",
        "zip": f"{rng.randint(10000, 99999)}",
        "city": rng.choice(cities),
        "country": COUNTRY_ID[code],
        "phone": f"{dial} {rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(10, 99)}",
        "email": f"info@{domain}",
        "web": f"https://www.{domain}",
        "currency": currency,
        "payment_terms": rng.choice(["1", "2", "2", "3", "5"]),
        "employees": rng.randint(1, 2500),
        "blocked": 1 if rng.random() < 0.03 else 0,
        "founded": (date(1950, 1, 1) + timedelta(days=rng.randint(0, 26000))).isoformat(),
        "modified_at": datetime_text(SEED_EPOCH + timedelta(minutes=index)),
    }


def _generated(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    while True:
        form = rng.choice(["AB", "AB", "AS", "A/S", "Oy", "GmbH", "Ltd", "B.V."])
        name = f"{rng.choice(WORDS)}{rng.choice(TRADES).lower()} {rng.choice(TRADES)} {form}"
        if name not in taken:
            taken.add(name)
            return name, FORMS[form]


def _companies(rng: random.Random, customers: int, suppliers: int, partners: int) -> list[Row]:
    taken = set(DEMO_COMPANY_NAMES)
    rows: list[Row] = []
    kinds = (("customer", customers, 10001), ("supplier", suppliers, 20001),
             ("partner", partners, 30001))  # fmt: skip
    for kind, count, first in kinds:
        for i in range(count):
            if kind == "customer" and i < len(DEMO_COMPANIES):
                name, street, zip_code, city, code = DEMO_COMPANIES[i]
                row = _company(rng, name, code, len(rows))
                row.update(address1=street, zip=zip_code, city=city)
            else:
                name, code = _generated(rng, taken)
                row = _company(rng, name, code, len(rows))
            row.update(kind=kind, number=first + i)
            if kind == "customer":
                row["customer_group"] = rng.choice(["1", "2", "3", "4", "5"])
                row["credit_limit"] = str(Decimal(rng.randint(1, 500) * 1000) + Decimal("0.00"))
                row["discount"] = rng.choice([0.0, 2.5, 5.0, 7.5, 10.0])
            if kind == "supplier":
                row["bank_account"] = f"SE{rng.randint(10, 99)}{rng.randint(10**15, 10**16 - 1)}"
            rows.append(row)
    return rows


def _persons(rng: random.Random, companies: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for company in companies:
        dial = str(company["phone"]).split(" ", 1)[0]
        domain = str(company["email"]).split("@", 1)[1]
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            rows.append({
                "number": 40001 + len(rows),
                "parent_kind": company["kind"],
                "parent_number": company["number"],
                "first_name": first,
                "last_name": last,
                "title": rng.choice(TITLES),
                "email": f"{_ascii(first)}.{_ascii(last)}@{domain}".lower(),
                "phone": company["phone"],
                "mobile": f"{dial} {rng.randint(70, 79)} {rng.randint(100000, 999999)}",
                "modified_at": datetime_text(SEED_EPOCH + timedelta(minutes=len(rows))),
            })  # fmt: skip
    return rows


def _projects(rng: random.Random, customers: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for customer in customers[: max(1, len(customers) * 3 // 10)]:
        start = date(2023, 1, 1) + timedelta(days=rng.randint(0, 700))
        rows.append({
            "number": 60001 + len(rows),
            "customer_number": customer["number"],
            "name": f"{rng.choice(PROJECT_NAMES)} {start.year}",
            "status": rng.choice(["1", "2", "2", "3", "4"]),
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=rng.randint(30, 400))).isoformat(),
            "budget": str(Decimal(rng.randint(10, 900) * 1000) + Decimal("0.00")),
            "billable": 1 if rng.random() < 0.8 else 0,
            "hours_estimate": rng.randint(10, 2000),
            "modified_at": datetime_text(SEED_EPOCH + timedelta(hours=len(rows))),
        })  # fmt: skip
    return rows


def init_database(
    path: Path | str,
    *,
    seed: int = 1,
    customers: int = 500,
    suppliers: int = 100,
    partners: int = 20,
    access_key: str | None = None,
    products: int = 200,
) -> str:
    """Create and seed a demo ERP database at `path` (which must not exist).

    Returns the new database's instance id.
    """
    location = Path(path)
    if location.exists():
        raise FileExistsError(f"{location} already exists; remove it or choose another path")
    location.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    companies = _companies(rng, customers, suppliers, partners)
    tables = {
        "company": companies,
        "person": _persons(rng, companies),
        "project": _projects(rng, [c for c in companies if c["kind"] == "customer"]),
    }
    instance_id = str(uuid.uuid4())
    db = connect(location, create=True)
    try:
        db.executescript(DDL)
        with write(db):
            _fill(db, tables, instance_id, access_key)
            create_products(db, products, seed)
    finally:
        db.close()
    return instance_id


def _fill(
    db: sqlite3.Connection, tables: dict[str, list[Row]], instance_id: str, key: str | None
) -> None:
    meta = {"schema": SCHEMA_NAME, "schema_version": SCHEMA_VERSION, "instance_id": instance_id}
    if key:
        meta["access_key_sha256"] = hashlib.sha256(key.encode()).hexdigest()
    db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", list(meta.items()))
    for list_name, items in LISTS.items():
        db.executemany(
            "INSERT INTO list_item (list_name, id, code, name) VALUES (?, ?, ?, ?)",
            [(list_name, *item) for item in items],
        )
    for table, rows in tables.items():
        version = next_versions(db, len(rows)) if rows else 0
        for offset, row in enumerate(rows):
            row["row_version"] = version + offset
            names = ", ".join(row)
            marks = ", ".join("?" * len(row))
            db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))  # noqa: S608 - fixed names


def twin_identities(path: Path | str) -> dict[str, dict[str, str]]:
    """The org. number and phone of the demo CRM's twins (customers 10001…) as this ERP
    database holds them, by number: the demo CRM takes them over, so the twins agree and
    the first sync after the import has nothing to send back."""
    db = connect(Path(path))
    try:
        found = db.execute(
            "SELECT number, org_no, phone FROM company WHERE kind = 'customer' "
            "AND number BETWEEN 10001 AND ? ORDER BY number",
            (10000 + len(DEMO_COMPANIES),),
        ).fetchall()
    finally:
        db.close()
    return {str(number): {"org_no": org_no, "phone": phone} for number, org_no, phone in found}
