"""Price lists and products through the API of a connection to a real Tryton server
(issue 10, R-CONN-6, R-UI-1): each list's currency, prices as Tryton's price-list rules
compute them (figures worked out in the seed), search by code and name, stable paging,
scope, and bad query values named. One CRM backend: the subject is the ERP's answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from erpsync.connections.service import Keys
from erpsync.db import Database
from tests.conftest import USER_PASSWORD, make_user, signed_in
from tests.connectors.tryton.conftest import tryton_server, tryton_template  # noqa: F401
from tests.connectors.tryton.seed import PRICE_LISTS, PRODUCTS, expected_price
from tests.connectors.tryton.server import TrytonServer
from tests.connectors.tryton.test_tryton import config
from tests.pricing.conftest import add_connection

NAME = "Tryton"


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    return sqlite_database


@pytest.fixture
def connection_id(
    admin_client: TestClient,
    database: Database,
    keys: Keys,
    tryton_server: TrytonServer,  # noqa: F811
) -> int:
    make_user(database, "sales", USER_PASSWORD)
    make_user(database, "outsider", USER_PASSWORD)
    return add_connection(database, keys, NAME, "tryton", dict(config(tryton_server)), ["sales"])


def _lists(client: TestClient, connection_id: int) -> dict[str, dict[str, str]]:
    response = client.get(f"/api/v1/connections/{connection_id}/price-lists")
    assert response.status_code == 200, response.text
    return {pl["name"]: pl for pl in response.json()}


def _products(connection_id: int, price_list_id: str) -> str:
    return f"/api/v1/connections/{connection_id}/price-lists/{price_list_id}/products"


def test_prices_per_list_as_tryton_computes_them_and_search(
    admin_client: TestClient, connection_id: int
) -> None:
    lists = _lists(admin_client, connection_id)
    assert {name: pl["currency"] for name, pl in lists.items()} == {
        "Retail EUR": "EUR",
        "Wholesale EUR": "EUR",
        "Retail SEK": "SEK",
    }
    for name in PRICE_LISTS:
        url = _products(connection_id, lists[name]["id"])
        page = admin_client.get(url, params={"limit": 100}).json()
        assert page["total"] == len(PRODUCTS) and page["price_list"]["currency"] in name
        for item in page["items"]:
            assert Decimal(item["price"]) == expected_price(name, item["code"]), (name, item)
        lamp = admin_client.get(url + "/P-1003").json()
        assert Decimal(lamp["price"]) == expected_price(name, "P-1003")

    url = _products(connection_id, lists["Retail SEK"]["id"])
    by_code = admin_client.get(url, params={"q": "p-101"}).json()
    assert [p["code"] for p in by_code["items"]] == ["P-1010", "P-1011", "P-1012"]
    by_name = admin_client.get(url, params={"q": "DESK"}).json()
    assert {p["name"] for p in by_name["items"]} == {"Standing desk", "Desk lamp"}
    chairs = admin_client.get(url, params={"name_contains": "chair"}).json()
    assert [(p["code"], Decimal(p["price"])) for p in chairs["items"]] == [("P-1001", 1490)]
    whole = [p["code"] for p in admin_client.get(url, params={"limit": 100}).json()["items"]]
    paged: list[str] = []
    for offset in range(0, len(PRODUCTS), 5):
        page = admin_client.get(url, params={"limit": 5, "offset": offset}).json()
        assert page["total"] == len(PRODUCTS)
        paged += [p["code"] for p in page["items"]]
    assert paged == whole == sorted(p.code for p in PRODUCTS)


def test_scope_and_bad_query_values(admin_client: TestClient, connection_id: int) -> None:
    retail = _lists(admin_client, connection_id)["Retail EUR"]["id"]
    url = _products(connection_id, retail)
    for params, field in (({"price_min": "x"}, "price_min"), ({"limit": "0"}, "limit")):
        response = admin_client.get(url, params=params)
        assert response.status_code == 422, response.text
        assert field in [error["field"] for error in response.json()["errors"]]
    assert admin_client.get(_products(connection_id, "424242")).status_code == 404

    admin_client.cookies.clear()
    outsider = signed_in(admin_client, "outsider", USER_PASSWORD)
    for path in (f"/api/v1/connections/{connection_id}/price-lists", url, url + "/P-1001"):
        response = outsider.get(path)
        assert response.status_code == 404, path
        assert NAME not in response.text
    assert NAME not in outsider.get("/products").text
    outsider.cookies.clear()
    sales = signed_in(outsider, "sales", USER_PASSWORD)
    assert f">{NAME}</option>" in sales.get("/products").text
    chair = sales.get(url + "/P-1001").json()
    assert (Decimal(chair["price"]), chair["currency"], chair["cost"]) == (129, "EUR", None)
