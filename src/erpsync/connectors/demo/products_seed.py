"""The demo ERP's products and price lists: tables, deterministic seed, and the upgrade
of a database made before they existed (schema version 1 → 2).

Products carry a list price in SEK. A price list has a currency, an exchange rate (SEK
per unit of its currency) and a rounding step; the price of a product in a list is a
fixed price where the list has one for it, else `list_price / rate` rounded half-up to
the step (`prices.compute_price`). The demo ships two lists: "Standard (SEK)" (rate 1)
and "Export (EUR)" (rate 11.45, rounded to 0.05 EUR, with a few fixed campaign prices).
"""

from __future__ import annotations

import random
import sqlite3
from decimal import Decimal

from erpsync.connectors.demo.schema import SCHEMA_VERSION, now_text, write

PRODUCT_DDL = """
CREATE TABLE IF NOT EXISTS product (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL, list_price TEXT NOT NULL, cost TEXT, vat_code TEXT NOT NULL,
    in_stock TEXT, deleted INTEGER NOT NULL DEFAULT 0, modified_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS price_list (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, currency TEXT NOT NULL,
    valid_from TEXT, valid_to TEXT, active INTEGER NOT NULL DEFAULT 1,
    rate TEXT NOT NULL, step TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fixed_price (
    price_list_id TEXT NOT NULL REFERENCES price_list (id),
    product_code TEXT NOT NULL REFERENCES product (code),
    price TEXT NOT NULL, PRIMARY KEY (price_list_id, product_code));
"""

#: id, name, currency, valid from, valid to, active, rate (SEK per unit), rounding step
PRICE_LISTS: list[tuple[str, str, str, str | None, str | None, int, str, str]] = [
    ("standard", "Standard (SEK)", "SEK", "2024-01-01", None, 1, "1", "0.01"),
    ("export", "Export (EUR)", "EUR", "2024-01-01", "2030-12-31", 1, "11.45", "0.05"),
]

# prefix, unit, VAT code, with stock?, price range (SEK), items, variants
_FAMILIES: list[tuple[str, str, str, bool, tuple[int, int], list[str], list[str]]] = [
    ("TLS", "pcs", "25", True, (90, 4500),
     ["Hammer", "Screwdriver set", "Spirit level", "Hand saw", "Cordless drill", "Angle grinder",
      "Tape measure", "Utility knife", "Socket wrench set", "Pliers"],
     ["Basic", "Pro", "Heavy duty", "Compact"]),
    ("FST", "box", "25", True, (40, 900),
     ["Wood screws", "Hex bolts", "Wall plugs", "Washers", "Nails", "Rivets"],
     ["M4", "M6", "M8", "M10", "Stainless"]),
    ("OFF", "pcs", "25", True, (30, 6900),
     ["Office chair", "Desk lamp", "Whiteboard", "Filing cabinet", "Monitor arm", "Notebook",
      "Ballpoint pens", "Stapler"],
     ["Standard", "Ergonomic", "Premium"]),
    ("ELC", "pcs", "25", True, (60, 12000),
     ["LED panel", "Cable reel", "Power strip", "Motion sensor", "Solar module", "Inverter",
      "Circuit breaker"],
     ["230 V", "400 V", "Outdoor", "Smart"]),
    ("FOD", "kg", "12", True, (35, 480),
     ["Coffee beans", "Rye crispbread", "Lingonberry jam", "Smoked salmon", "Oat flakes"],
     ["Organic", "Classic", "Bulk"]),
    ("BOK", "pcs", "6", True, (120, 890),
     ["ERP handbook", "Sales playbook", "Warehouse guide", "Tax calendar"],
     ["Swedish", "English"]),
    ("SRV", "h", "25", False, (650, 1850),
     ["Installation", "Consulting", "Training", "Support", "Project management"],
     ["Standard", "Senior", "Weekend"]),
    ("GRD", "pcs", "25", True, (150, 9800),
     ["Lawn mower", "Garden hose", "Rake", "Wheelbarrow", "Hedge trimmer"],
     ["Small", "Large", "Electric", "Manual"]),
    ("SAF", "pcs", "25", True, (45, 1200),
     ["Safety helmet", "Work gloves", "Ear defenders", "Safety glasses", "Hi-vis vest"],
     ["S", "M", "L", "XL"]),
]  # fmt: skip
#: Campaign prices in the EUR list that override the computation.
FIXED_PRICES = {("export", "TLS-1005"): "99.00", ("export", "OFF-1001"): "249.00"}


def product_rows(count: int = 200, seed: int = 1) -> list[dict[str, object]]:
    """About `count` products, the same for the same seed."""
    rng = random.Random(seed * 7919)
    combos = [
        (family, item, variant)
        for family in _FAMILIES
        for item in family[5]
        for variant in family[6]
    ]
    rows: list[dict[str, object]] = []
    numbers: dict[str, int] = {}
    for family, item, variant in combos[:count]:
        prefix, unit, vat, stocked, (low, high) = family[:5]
        numbers[prefix] = numbers.get(prefix, 1000) + 1
        price = Decimal(rng.randint(low, high)) + Decimal(rng.choice(["0.00", "0.50", "0.90"]))
        cost = (price * Decimal(rng.randint(40, 70)) / 100).quantize(Decimal("0.01"))
        rows.append({
            "code": f"{prefix}-{numbers[prefix]}",
            "name": f"{item} {variant}",
            "description": f"{item} ({variant.lower()}), sold per {unit}.",
            "unit": unit,
            "list_price": str(price),
            "cost": str(cost),
            "vat_code": vat,
            "in_stock": str(rng.randint(0, 400)) if stocked else None,
        })  # fmt: skip
    return rows


def create_products(db: sqlite3.Connection, count: int = 200, seed: int = 1) -> None:
    """Create the pricing tables and fill them; call inside a write transaction."""
    for statement in PRODUCT_DDL.split(";"):
        if statement.strip():
            db.execute(statement)
    stamp = now_text()
    rows = product_rows(count, seed)
    db.executemany(
        "INSERT INTO product (code, name, description, unit, list_price, cost, vat_code, "
        "in_stock, modified_at) VALUES (:code, :name, :description, :unit, :list_price, :cost, "
        ":vat_code, :in_stock, :modified_at)",
        [{**row, "modified_at": stamp} for row in rows],
    )
    db.executemany("INSERT INTO price_list VALUES (?, ?, ?, ?, ?, ?, ?, ?)", PRICE_LISTS)
    codes = {row["code"] for row in rows}
    db.executemany(
        "INSERT INTO fixed_price (price_list_id, product_code, price) VALUES (?, ?, ?)",
        [(pl, code, price) for (pl, code), price in FIXED_PRICES.items() if code in codes],
    )


def upgrade(db: sqlite3.Connection) -> bool:
    """Bring a schema-1 demo ERP (no products) to the current schema; True if it did."""
    with write(db):
        (version,) = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if version != "1":
            return False
        create_products(db)
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
    return True
