"""Price lists and products of an SQL ERP, declared by the mapping text (issue 10 item 2,
R-CONN-6): lists with currency, dates and active flag; a list holds the products that
have a price in it, at that price; discontinued products never show; unknown lists and
pricing tables that do not fit are named. The kit's pricing checks run in
`test_conformance.py` on every database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from erpsync.connectors.sql import SqlConnector
from erpsync.sdk import Category, ConnectorError, Operator, Restriction
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.pricing_host import PricingHost
from tests.connectors.sql import erp_schema as erp
from tests.connectors.sql.hooks import config_for, open_host


@pytest.fixture
def pricing(url: sa.URL) -> Iterator[PricingHost]:
    with open_host(url, "pricing") as host:
        yield PricingHost(host)


def test_price_lists_carry_currency_dates_and_state(pricing: PricingHost) -> None:
    lists = {p.id: p for p in pricing.price_lists()}
    assert [(p.name, p.currency, p.active) for p in lists.values()] == [
        ("Standard SEK", "SEK", True),
        ("Export EUR", "EUR", True),
        ("Campaign 2025", "SEK", False),
    ]
    assert (lists["2"].valid_from, lists["2"].valid_to) == (date(2026, 1, 1), date(2026, 12, 31))
    assert lists["1"].valid_from is None and lists["3"].valid_to == date(2025, 12, 31)


def test_a_list_holds_the_products_priced_in_it_at_its_price(pricing: PricingHost) -> None:
    sek = pricing.products("1", limit=100)
    eur = pricing.products("2", limit=100)
    assert sek.total == 23  # TLS-1024 is discontinued
    assert "TLS-1024" not in [p.code for p in sek.items]
    assert eur.total == 11 and all(int(p.code[-2:]) % 2 == 0 for p in eur.items)
    hammer = pricing.product("2", "TLS-1008")
    assert hammer is not None
    assert (hammer.price, hammer.list_price, hammer.unit) == (
        Decimal("14.18"),
        Decimal("156.00"),
        "pcs",
    )
    assert pricing.product("2", "TLS-1007") is None  # no EUR price
    found = pricing.products("1", query="WRENCH", restrictions=[
        Restriction("price", Operator.GE, (Decimal("170"),))
    ])  # fmt: skip
    assert [(p.code, p.price) for p in found.items] == [
        ("TLS-1010", Decimal("170.00")),
        ("TLS-1018", Decimal("226.00")),
    ]


def test_an_unknown_price_list_is_a_data_error(pricing: PricingHost) -> None:
    for unknown in ("99", "not-a-number"):
        with pytest.raises(ConnectorError) as caught:
            pricing.products(unknown)
        assert caught.value.category is Category.DATA
        assert caught.value.code == "unknown_price_list"


def test_pricing_tables_that_do_not_fit_are_named(url: sa.URL) -> None:
    wrong = erp.MAPPING.replace("table: price_list_line", "table: price_line").replace(
        "currency: currency_code", "currency: currency"
    )
    answer = SqlConnector().test_config({**config_for(url), "mapping": wrong})
    assert answer.category is Category.CONFIG
    assert "pricing.prices.table: table 'price_line' does not exist (tables: " in str(answer)
    wrong = erp.MAPPING.replace("currency: currency_code", "currency: currency")
    answer = SqlConnector().test_config({**config_for(url), "mapping": wrong})
    assert (
        "pricing.price_lists.currency: column 'currency' does not exist in table 'price_list' "
        "(columns: id, name, currency_code, valid_from, valid_to, active)"
    ) in answer.user_explanation


def test_a_mapping_without_pricing_offers_no_price_lists(url: sa.URL) -> None:
    host = ConnectorHost(SqlConnector(), timeout=30)
    host.open("no-pricing", {**config_for(url), "mapping": erp.MAPPING.split("pricing:")[0]})
    try:
        assert PricingHost(host).price_lists() == []
        with pytest.raises(ConnectorError, match="declares no pricing"):
            PricingHost(host).products("1")
    finally:
        host.close()
