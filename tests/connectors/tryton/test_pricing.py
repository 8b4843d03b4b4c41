"""Tryton price lists and products through the connector: currencies from each list's
company, prices computed by Tryton's own price-list rules, live (issue 10)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from erpsync.connectors.tryton import TrytonConnector
from erpsync.sdk import Category, ConnectorError, Operator, Restriction
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.pricing_host import PricingHost
from tests.connectors.tryton.seed import DISCOUNTED, PRODUCTS
from tests.connectors.tryton.server import TrytonServer
from tests.connectors.tryton.test_tryton import config


@pytest.fixture
def pricing(tryton_server: TrytonServer) -> Iterator[PricingHost]:
    host = ConnectorHost(TrytonConnector(), timeout=30)
    host.open("pricing", config(tryton_server))
    try:
        yield PricingHost(host)
    finally:
        host.close()


def _lists(pricing: PricingHost) -> dict[str, str]:
    return {pl.name: pl.id for pl in pricing.price_lists()}


def test_price_lists_carry_their_company_currency(pricing: PricingHost) -> None:
    found = {(pl.name, pl.currency, pl.active) for pl in pricing.price_lists()}
    assert found == {
        ("Retail EUR", "EUR", True),
        ("Retail SEK", "SEK", True),
        ("Wholesale EUR", "EUR", True),
    }


def test_prices_follow_each_list_and_tryton_changes(
    pricing: PricingHost, tryton_server: TrytonServer
) -> None:
    ids = _lists(pricing)
    lamp = next(p for p in PRODUCTS if p.code == DISCOUNTED)
    retail = pricing.product(ids["Retail EUR"], lamp.code)
    assert retail is not None and retail.price == Decimal("31.92")  # its own 80 % line
    assert retail.list_price == lamp.eur and retail.unit == "Unit"
    wholesale = pricing.product(ids["Wholesale EUR"], lamp.code)
    assert wholesale is not None and wholesale.price == Decimal("35.91")
    sek = pricing.product(ids["Retail SEK"], lamp.code)
    assert sek is not None and sek.price == lamp.sek

    admin = tryton_server.client()
    (row,) = admin.search_read("product.product", [("code", "=", lamp.code)], ["template"])
    (eur,) = admin.search_read("product.price_list", [("name", "=", "Wholesale EUR")], ["company"])
    admin.model(
        "product.template",
        "write",
        [row["template"]],
        {"list_price": Decimal("50")},
        context={"company": eur["company"]},
    )
    admin.close()
    again = pricing.product(ids["Wholesale EUR"], lamp.code)
    assert again is not None and again.price == Decimal("45.00")


def test_search_pages_and_price_restrictions(pricing: PricingHost) -> None:
    ids = _lists(pricing)
    first = pricing.products(ids["Retail SEK"], limit=5)
    rest = pricing.products(ids["Retail SEK"], offset=5, limit=50)
    assert first.total == len(PRODUCTS) == rest.total
    assert [p.code for p in first.items + rest.items] == sorted(p.code for p in PRODUCTS)
    cheap = pricing.products(
        ids["Retail SEK"], restrictions=[Restriction("price", Operator.LT, (Decimal("500"),))]
    )
    assert {p.code for p in cheap.items} == {p.code for p in PRODUCTS if p.sek < 500}
    desks = pricing.products(ids["Retail EUR"], query="DESK")
    assert {p.name for p in desks.items} == {"Standing desk", "Desk lamp"}


def test_unknown_price_list_is_a_data_error(pricing: PricingHost) -> None:
    with pytest.raises(ConnectorError) as caught:
        pricing.products("424242")
    assert caught.value.category is Category.DATA
    assert caught.value.code == "unknown_price_list"
    assert "424242" in caught.value.user_explanation
    assert pricing.product(_lists(pricing)["Retail EUR"], "NO-SUCH-CODE") is None
