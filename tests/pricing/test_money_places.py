"""Money through the pricing service is Decimal rounded to the price list currency's
decimals (issue 10, R-UI-1): a real Tryton server answers prices with four decimals
("1490.0000"); the API shows them with the currency's two. One CRM backend: the subject
is the ERP's answers."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.pricing.service import money
from erpsync.sdk.pricing import PriceList
from erpsync.sdk.remote.pricing import decode_price_list, encode_price_list
from tests.connectors.tryton.conftest import tryton_server, tryton_template  # noqa: F401
from tests.connectors.tryton.seed import PRICE_LISTS, expected_price
from tests.connectors.tryton.server import TrytonServer
from tests.connectors.tryton.test_tryton import config
from tests.pricing.conftest import add_connection

TWO_PLACES = re.compile(r"^-?\d+\.\d\d$")


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    return sqlite_database


def test_tryton_prices_show_the_currencys_two_decimals(
    admin_client: TestClient,
    database: Database,
    keys: Keys,
    tryton_server: TrytonServer,  # noqa: F811
) -> None:
    cid = add_connection(database, keys, "Tryton", "tryton", dict(config(tryton_server)), [])
    lists = admin_client.get(f"/api/v1/connections/{cid}/price-lists").json()
    by_name = {pl["name"]: pl["id"] for pl in lists}
    for name in PRICE_LISTS:
        url = f"/api/v1/connections/{cid}/price-lists/{by_name[name]}/products"
        items = admin_client.get(url, params={"limit": 100}).json()["items"]
        assert items
        for item in items:
            money_fields = [item["price"], item["list_price"], item["cost"]]
            assert all(TWO_PLACES.match(v) for v in money_fields if v is not None), item
            assert Decimal(item["price"]) == expected_price(name, item["code"]), item
        one = admin_client.get(f"{url}/{items[0]['code']}").json()
        assert TWO_PLACES.match(one["price"]), one


def test_amounts_round_half_up_to_the_digits_the_erp_gives() -> None:
    assert str(money(Decimal("1490.0000"), 2)) == "1490.00"
    assert str(money(Decimal("0.125"), 2)) == "0.13"
    assert str(money(Decimal("12.34567"), 3)) == "12.346"
    assert str(money(Decimal("99.5"), 0)) == "100"


def test_a_remote_price_list_carries_its_currency_digits() -> None:
    yen = PriceList("7", "Japan", "JPY", currency_digits=0)
    assert decode_price_list(encode_price_list(yen)) == yen
    older = encode_price_list(PriceList("1", "Standard", "SEK"))
    del older["currency_digits"]  # type: ignore[attr-defined, union-attr]
    assert decode_price_list(older).currency_digits == 2
    with pytest.raises(ValueError, match="currency_digits"):
        decode_price_list({**encode_price_list(yen), "currency_digits": "2"})  # type: ignore[dict-item]
