"""The data of the session's Tryton template database, written by RPC as the admin:
lists, two companies (EUR and SEK), ~80 parties, persons working for customers, projects,
payment terms, products and three price lists.

`PRODUCTS` and `PRICE_LISTS` also say what Tryton must compute for each product in each
list, so tests compare the connector's prices with numbers worked out here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from erpsync.connectors.tryton.rpc import TrytonClient

COUNTRIES = [("SE", "Sweden"), ("NO", "Norway"), ("DK", "Denmark"), ("FI", "Finland")]
COUNTRIES += [("DE", "Germany"), ("GB", "United Kingdom"), ("US", "United States")]
CURRENCIES = [("EUR", "Euro", "€"), ("SEK", "Swedish krona", "kr"), ("USD", "US Dollar", "$")]
PAYMENT_TERMS = ("Cash", "Net 30 days")
#: The relation type that makes a party a person working for a company party.
EMPLOYEE_OF = "Employee of"
PERSONS = 10
PROJECTS = 5


@dataclass(frozen=True, slots=True)
class SeedProduct:
    code: str
    name: str
    eur: Decimal  # list price of the EUR company
    sek: Decimal  # list price of the SEK company
    cost: Decimal


PRODUCTS = [
    SeedProduct(f"P-{1001 + i}", name, Decimal(eur), Decimal(sek), Decimal(cost))
    for i, (name, eur, sek, cost) in enumerate(
        [
            ("Office chair", "129.00", "1490.00", "61.00"),
            ("Standing desk", "499.00", "5690.00", "240.00"),
            ("Desk lamp", "39.90", "449.00", "12.50"),
            ("Monitor arm", "89.00", "990.00", "35.00"),
            ("Whiteboard large", "159.00", "1790.00", "70.00"),
            ("Filing cabinet", "219.00", "2490.00", "98.00"),
            ("Acoustic panel", "74.50", "849.00", "30.00"),
            ("Conference table", "1290.00", "14900.00", "610.00"),
            ("Footrest", "24.90", "279.00", "8.00"),
            ("Cable tray", "19.00", "219.00", "6.40"),
            ("Bookshelf oak", "349.00", "3990.00", "150.00"),
            ("Coat stand", "59.00", "679.00", "21.00"),
        ]
    )
]
#: The product the retail list sells at 80 % (its first line matches it alone).
DISCOUNTED = "P-1003"
_FOUR = Decimal("0.0001")


def _retail_eur(p: SeedProduct) -> Decimal:
    return (p.eur * Decimal("0.8") if p.code == DISCOUNTED else p.eur).quantize(_FOUR)


#: Price list name → (company index, what Tryton computes for a product).
PRICE_LISTS: dict[str, tuple[int, Callable[[SeedProduct], Decimal]]] = {
    "Retail EUR": (0, _retail_eur),
    "Wholesale EUR": (0, lambda p: (p.eur * Decimal("0.9")).quantize(_FOUR)),
    "Retail SEK": (1, lambda p: p.sek),
}


def expected_price(list_name: str, code: str) -> Decimal | None:
    product = next((p for p in PRODUCTS if p.code == code), None)
    if product is None or list_name not in PRICE_LISTS:
        return None
    return PRICE_LISTS[list_name][1](product)


def seed(client: TrytonClient) -> None:
    """Every group in one call (one transaction)."""
    countries = client.model(
        "country.country", "create", [{"code": c, "name": n} for c, n in COUNTRIES]
    )
    currencies = client.model(
        "currency.currency",
        "create",
        [
            {"code": c, "name": n, "symbol": s, "digits": 2, "rounding": Decimal("0.01")}
            for c, n, s in CURRENCIES
        ],
    )
    customer, supplier, _ = client.model(
        "party.category", "create", [{"name": n} for n in ("Customer", "Supplier", "Prospect")]
    )
    owners = client.model(
        "party.party", "create", [{"name": "erpsync Test AB"}, {"name": "erpsync Sverige AB"}]
    )
    companies = client.model(
        "company.company",
        "create",
        [
            {"party": owners[0], "currency": currencies[0]},
            {"party": owners[1], "currency": currencies[1]},
        ],
    )
    # Records of both companies visible at once: prices of either company's lists.
    client.model(
        "res.user",
        "write",
        [1],
        {"companies": [["add", companies]], "company": companies[0], "company_filter": "all"},
    )
    rows = [_party(f"Customer {i:03d} AB", [customer], i, countries) for i in range(60)]
    rows += [_party(f"Supplier {i:03d} Oy", [supplier], i, countries) for i in range(15)]
    rows += [_party(f"Partner {i:03d} AS", [customer, supplier], i, countries) for i in range(5)]
    parties = client.model("party.party", "create", rows)
    _persons(client, parties[:PERSONS])
    _projects(client, parties[:PROJECTS], companies[0])
    _payment_terms(client)
    _products(client, companies)


def _party(name: str, categories: list[int], i: int, countries: list[int]) -> dict[str, Any]:
    slug = name.lower().replace(" ", "-")
    return {
        "name": name,
        "categories": [["add", categories]],
        "addresses": [
            [
                "create",
                [
                    {
                        "street": f"Storgatan {i + 1}",
                        "postal_code": f"{11000 + i}",
                        "city": ["Stockholm", "Oslo", "Helsinki", "Berlin"][i % 4],
                        "country": countries[i % len(countries)],
                    }
                ],
            ]
        ],
        "contact_mechanisms": [
            [
                "create",
                [
                    {"type": "email", "value": f"info@{slug}.example.com"},
                    {"type": "phone", "value": f"+46 8 555 {i:04d}"},
                ],
            ]
        ],
    }


def _persons(client: TrytonClient, employers: list[int]) -> None:
    employee, employer = client.model(
        "party.relation.type", "create", [{"name": EMPLOYEE_OF}, {"name": "Employer of"}]
    )
    client.model("party.relation.type", "write", [employee], {"reverse": employer})
    client.model("party.relation.type", "write", [employer], {"reverse": employee})
    people = []
    for i, company in enumerate(employers):
        slug = f"person{i:02d}"
        people.append(
            {
                "name": f"Person {i:02d} Andersson",
                "contact_mechanisms": [
                    ["create", [{"type": "email", "value": f"{slug}@example.com"}]]
                ],
                "relations": [["create", [{"to": company, "type": employee}]]],
            }
        )
    client.model("party.party", "create", people)


def _projects(client: TrytonClient, parties: list[int], company: int) -> None:
    client.model(
        "project.work",
        "create",
        [
            {"name": f"Project {i:02d} rollout", "type": "project", "party": party}
            for i, party in enumerate(parties)
        ],
        context={"company": company},
    )


def _payment_terms(client: TrytonClient) -> None:
    client.model(
        "account.invoice.payment_term",
        "create",
        [
            {"name": PAYMENT_TERMS[0], "lines": [["create", [{"type": "remainder"}]]]},
            {
                "name": PAYMENT_TERMS[1],
                "lines": [
                    [
                        "create",
                        [{"type": "remainder", "relativedeltas": [["create", [{"days": 30}]]]}],
                    ]
                ],
            },
        ],
    )


def _products(client: TrytonClient, companies: list[int]) -> None:
    (unit,) = client.search_read("product.uom", [("symbol", "=", "u")], ["id"])
    templates = client.model(
        "product.template",
        "create",
        [
            {
                "name": p.name,
                "code": p.code,
                "type": "goods",
                "default_uom": unit["id"],
                "salable": True,
                "sale_uom": unit["id"],
                "list_price": p.eur,
                "products": [
                    ["create", [{"cost_price": p.cost, "description": f"{p.name}, stock item"}]]
                ],
            }
            for p in PRODUCTS
        ],
        context={"company": companies[0]},
    )
    for template, p in zip(templates, PRODUCTS, strict=True):
        client.model(
            "product.template",
            "write",
            [template],
            {"list_price": p.sek},
            context={"company": companies[1]},
        )
    lines = {
        "Retail EUR": [
            {"product": _product_id(client, DISCOUNTED), "formula": "unit_price * 0.8"},
            {"formula": "unit_price"},
        ],
        "Wholesale EUR": [{"formula": "list_price * 0.9"}],
        "Retail SEK": [{"formula": "unit_price"}],
    }
    for name, (company, _) in PRICE_LISTS.items():
        client.model(
            "product.price_list",
            "create",
            [{"name": name, "price": "list_price", "lines": [["create", lines[name]]]}],
            context={"company": companies[company]},
        )


def _product_id(client: TrytonClient, code: str) -> int:
    (row,) = client.search_read("product.product", [("code", "=", code)], ["id"])
    return int(row["id"])
