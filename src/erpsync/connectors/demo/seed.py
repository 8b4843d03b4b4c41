"""Creates a demo ERP database with deterministic seed data (`random.Random(seed)`).

The first 50 customers carry the company names of the Nordic/European demo CRM
(`DEMO_COMPANY_NAMES`), so linking and import have something to match; the rest are
generated. Only the instance id is random: two databases are never the same ERP.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from erpsync.connectors.demo.fields import (
    COUNTRIES,
    CURRENCIES,
    CUSTOMER_GROUPS,
    PAYMENT_TERMS,
    PROJECT_STATUSES,
)
from erpsync.connectors.demo.schema import (
    DDL,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    connect,
    datetime_text,
    next_versions,
    write,
)

DEMO_COMPANY_NAMES = [
    "Nordvik Trading AB",
    "Fjällbacka Marin AB",
    "Solberg Bygg AS",
    "Kvarnström & Söner AB",
    "Hafslund Elektro AS",
    "Lindqvist Logistik AB",
    "Ålesund Fisk AS",
    "Björkdal Konsult AB",
    "Tampere Teknik Oy",
    "Aarhus Møbler A/S",
    "Göta Verkstäder AB",
    "Bergen Shipping AS",
    "Østerbro Design ApS",
    "Helsingin Puu Oy",
    "Malmö Maskin AB",
    "Vänern Energi AB",
    "Trondheim Data AS",
    "Odense Food A/S",
    "Uppsala Labb AB",
    "Reykjavík Seafood ehf",
    "Stavanger Offshore AS",
    "Norrland Skog AB",
    "Espoo Solutions Oy",
    "Kalmar Glas AB",
    "Linköping Medtech AB",
    "Roskilde Event ApS",
    "Luleå Stål AB",
    "Turku Marine Oy",
    "Falun Koppar AB",
    "Drammen Trykk AS",
    "Hamburg Handels GmbH",
    "Rotterdam Freight B.V.",
    "Lyon Textiles SARL",
    "Gdańsk Stocznia Sp. z o.o.",
    "Tallinn Software OÜ",
    "Riga Timber SIA",
    "Vilnius Agro UAB",
    "Wiener Kaffeehaus GmbH",
    "Zürich Präzision AG",
    "Dublin Brewing Ltd",
    "Antwerpen Diamant NV",
    "Barcelona Cerámica S.L.",
    "Milano Moda S.r.l.",
    "Örebro Elinstallation AB",
    "Jönköping Trä AB",
    "Sundsvall Pappersbruk AB",
    "Vaasa Wind Oy",
    "Esbjerg Havn A/S",
    "Tromsø Arktis AS",
    "Visby Resor AB",
]

COUNTRY_ITEMS = [
    ("752", "SE", "Sweden"),
    ("578", "NO", "Norway"),
    ("208", "DK", "Denmark"),
    ("246", "FI", "Finland"),
    ("352", "IS", "Iceland"),
    ("276", "DE", "Germany"),
    ("528", "NL", "Netherlands"),
    ("056", "BE", "Belgium"),
    ("250", "FR", "France"),
    ("826", "GB", "United Kingdom"),
    ("372", "IE", "Ireland"),
    ("724", "ES", "Spain"),
    ("380", "IT", "Italy"),
    ("616", "PL", "Poland"),
    ("233", "EE", "Estonia"),
    ("428", "LV", "Latvia"),
    ("440", "LT", "Lithuania"),
    ("040", "AT", "Austria"),
    ("756", "CH", "Switzerland"),
    ("840", "US", "United States"),
]
CURRENCY_ITEMS = [
    ("752", "SEK", "Swedish krona"),
    ("578", "NOK", "Norwegian krone"),
    ("208", "DKK", "Danish krone"),
    ("978", "EUR", "Euro"),
    ("352", "ISK", "Icelandic króna"),
    ("826", "GBP", "Pound sterling"),
    ("756", "CHF", "Swiss franc"),
    ("985", "PLN", "Złoty"),
    ("840", "USD", "US dollar"),
]
LISTS: dict[str, list[tuple[str, str, str]]] = {
    COUNTRIES: COUNTRY_ITEMS,
    CURRENCIES: CURRENCY_ITEMS,
    PAYMENT_TERMS: [
        ("1", "NET10", "10 days net"),
        ("2", "NET30", "30 days net"),
        ("3", "NET60", "60 days net"),
        ("4", "PREPAID", "Prepayment"),
        ("5", "EOM", "End of month"),
    ],
    CUSTOMER_GROUPS: [
        ("1", "RETAIL", "Retail"),
        ("2", "WHOLESALE", "Wholesale"),
        ("3", "PUBLIC", "Public sector"),
        ("4", "KEY", "Key account"),
        ("5", "EXPORT", "Export"),
    ],
    PROJECT_STATUSES: [
        ("1", "PLANNED", "Planned"),
        ("2", "ACTIVE", "Active"),
        ("3", "ON_HOLD", "On hold"),
        ("4", "DONE", "Done"),
    ],
}
# Country code → (currency id, cities) for plausible addresses.
_PLACES = {
    "752": ("752", ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Umeå", "Örebro"]),
    "578": ("578", ["Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø"]),
    "208": ("208", ["København", "Aarhus", "Odense", "Aalborg"]),
    "246": ("978", ["Helsinki", "Espoo", "Tampere", "Turku", "Oulu"]),
    "276": ("978", ["Hamburg", "Berlin", "München", "Köln"]),
    "528": ("978", ["Amsterdam", "Rotterdam", "Utrecht"]),
    "826": ("826", ["London", "Manchester", "Leeds"]),
    "616": ("985", ["Warszawa", "Gdańsk", "Kraków"]),
}
_NAME_COUNTRY = {
    "AB": "752",
    "AS": "578",
    "A/S": "208",
    "ApS": "208",
    "Oy": "246",
    "ehf": "352",
    "GmbH": "276",
    "B.V.": "528",
    "Ltd": "826",
    "OÜ": "233",
    "SIA": "428",
    "UAB": "440",
    "AG": "756",
    "NV": "056",
    "S.L.": "724",
    "S.r.l.": "380",
    "SARL": "250",
    "o.o.": "616",
}
_WORDS = [
    "Nord",
    "Syd",
    "Väst",
    "Öst",
    "Fjord",
    "Skog",
    "Berg",
    "Sjö",
    "Strand",
    "Dal",
    "Polar",
    "Vind",
    "Sol",
    "Ek",
    "Lind",
    "Gran",
    "Havs",
    "Sten",
    "Älv",
    "Ljus",
]
_TRADES = [
    "Bygg",
    "Data",
    "Konsult",
    "Logistik",
    "Maskin",
    "Handel",
    "Energi",
    "Design",
    "Teknik",
    "Media",
    "Transport",
    "Verkstad",
    "Foods",
    "Medical",
    "Systems",
]
FIRST_NAMES = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Sofia",
    "Anders",
    "Ingrid",
    "Mikael",
    "Eva",
    "Nils",
    "Sara",
    "Per",
    "Linnea",
    "Ole",
    "Kari",
    "Mette",
    "Jukka",
    "Aino",
    "Björn",
    "Åsa",
    "Søren",
    "Päivi",
    "Gunnar",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsen",
    "Hansen",
    "Jensen",
    "Virtanen",
    "Korhonen",
    "Lindgren",
    "Berg",
    "Dahl",
    "Holm",
    "Sandberg",
    "Öberg",
    "Lund",
    "Møller",
    "Nieminen",
]
_TITLES = ["CEO", "CFO", "Purchasing manager", "Sales manager", "Accountant", "Project lead", None]
SEED_EPOCH = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)


def _slug(name: str) -> str:
    keep = "".join(ch for ch in name.lower() if ch.isalnum() or ch == " ")
    return "".join(keep.split()[:2]).translate(str.maketrans("åäöøæéü", "aaooaeu"))


def _company(rng: random.Random, name: str, index: int) -> dict[str, object]:
    suffix = name.rsplit(" ", 1)[-1]
    country = _NAME_COUNTRY.get(suffix, rng.choice(list(_PLACES)))
    currency, cities = _PLACES.get(country, ("978", ["Centrum"]))
    domain = _slug(name) + ".example"
    return {
        "name": name,
        "org_no": f"{rng.randint(100000, 999999)}-{rng.randint(1000, 9999)}",
        "vat_no": f"{COUNTRY_CODE[country]}{rng.randint(10**9, 10**10 - 1)}01",
        "address1": f"{rng.choice(_WORDS)}gatan {rng.randint(1, 120)}",
        "zip": f"{rng.randint(10000, 99999)}",
        "city": rng.choice(cities),
        "country": country,
        "phone": f"+{rng.randint(30, 49)} {rng.randint(10, 99)} {rng.randint(100000, 999999)}",
        "email": f"info@{domain}",
        "web": f"https://www.{domain}",
        "currency": currency,
        "payment_terms": rng.choice(["1", "2", "2", "3", "5"]),
        "employees": rng.randint(1, 2500),
        "blocked": 1 if rng.random() < 0.03 else 0,
        "founded": (date(1950, 1, 1) + timedelta(days=rng.randint(0, 26000))).isoformat(),
        "modified_at": datetime_text(SEED_EPOCH + timedelta(minutes=index)),
    }


COUNTRY_CODE = {item_id: code for item_id, code, _ in COUNTRY_ITEMS}


def _generated_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        form = rng.choice(["AB", "AB", "AS", "A/S", "Oy", "GmbH", "Ltd", "B.V."])
        name = f"{rng.choice(_WORDS)}{rng.choice(_TRADES).lower()} {rng.choice(_TRADES)} {form}"
        if name not in taken:
            taken.add(name)
            return name


def _companies(
    rng: random.Random, customers: int, suppliers: int, partners: int
) -> list[dict[str, object]]:
    taken = set(DEMO_COMPANY_NAMES)
    rows: list[dict[str, object]] = []
    for kind, count, first in (
        ("customer", customers, 10001),
        ("supplier", suppliers, 20001),
        ("partner", partners, 30001),
    ):
        for i in range(count):
            known = kind == "customer" and i < len(DEMO_COMPANY_NAMES)
            name = DEMO_COMPANY_NAMES[i] if known else _generated_name(rng, taken)
            row = _company(rng, name, len(rows))
            row.update(kind=kind, number=first + i)
            if kind == "customer":
                row["customer_group"] = rng.choice(["1", "2", "3", "4", "5"])
                row["credit_limit"] = str(Decimal(rng.randint(1, 500) * 1000) + Decimal("0.00"))
                row["discount"] = rng.choice([0.0, 2.5, 5.0, 7.5, 10.0])
            if kind == "supplier":
                row["bank_account"] = f"SE{rng.randint(10, 99)}{rng.randint(10**15, 10**16 - 1)}"
            rows.append(row)
    return rows


def _persons(rng: random.Random, companies: list[dict[str, object]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for company in companies:
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            rows.append(
                {
                    "number": 40001 + len(rows),
                    "parent_kind": company["kind"],
                    "parent_number": company["number"],
                    "first_name": first,
                    "last_name": last,
                    "title": rng.choice(_TITLES),
                    "email": f"{_slug(first)}.{_slug(last)}@{str(company['email']).split('@')[1]}",
                    "phone": f"+46 8 {rng.randint(1000000, 9999999)}",
                    "mobile": f"+46 70 {rng.randint(1000000, 9999999)}",
                    "modified_at": datetime_text(SEED_EPOCH + timedelta(minutes=len(rows))),
                }
            )
    return rows


def _projects(rng: random.Random, customers: list[dict[str, object]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for customer in customers[: max(1, len(customers) * 3 // 10)]:
        start = date(2023, 1, 1) + timedelta(days=rng.randint(0, 700))
        rows.append(
            {
                "number": 60001 + len(rows),
                "customer_number": customer["number"],
                "name": f"{rng.choice(['ERP rollout', 'Web shop', 'Warehouse', 'Audit', 'Fleet'])} "
                f"{start.year}",
                "status": rng.choice(["1", "2", "2", "3", "4"]),
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=rng.randint(30, 400))).isoformat(),
                "budget": str(Decimal(rng.randint(10, 900) * 1000) + Decimal("0.00")),
                "billable": 1 if rng.random() < 0.8 else 0,
                "hours_estimate": rng.randint(10, 2000),
                "modified_at": datetime_text(SEED_EPOCH + timedelta(hours=len(rows))),
            }
        )
    return rows


def init_database(
    path: Path | str,
    *,
    seed: int = 1,
    customers: int = 500,
    suppliers: int = 100,
    partners: int = 20,
    access_key: str | None = None,
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
    finally:
        db.close()
    return instance_id


def _fill(
    db: sqlite3.Connection,
    tables: dict[str, list[dict[str, object]]],
    instance_id: str,
    key: str | None,
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
