"""Price lists and products through a demo ERP connection, under its scope (R-CONN-6,
R-UI-1), on SQLite and PostgreSQL CRM databases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from erpsync.connections.models import Connection
from erpsync.connectors.demo import DemoErp
from erpsync.db import Database
from erpsync.pricing.cache import shared_cache
from tests.api.conftest import ACCESS_KEY
from tests.conftest import USER_PASSWORD, make_user, signed_in


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    shared_cache().clear()


def add_connection(
    client: TestClient, database: Database, demo_erp: str, name: str = "Demo ERP", **extra: Any
) -> int:
    config = {"database": demo_erp, "access_key": ACCESS_KEY}
    test = client.post("/api/v1/connections/test", json={"connector": "demo", "config": config})
    body = {"name": name, "connector": "demo", "config": config, **extra}
    created = client.post(
        "/api/v1/connections", json={**body, "test_token": test.json()["test_token"]}
    )
    assert created.status_code == 201, created.text
    connection_id: int = created.json()["id"]
    with database.session() as session:  # mapping and activation are other tests' subject
        connection = session.get(Connection, connection_id)
        assert connection is not None
        connection.active = True
    return connection_id


def products_url(connection_id: int, price_list: str) -> str:
    return f"/api/v1/connections/{connection_id}/price-lists/{price_list}/products"


def test_price_lists_and_prices_as_the_erp_computes_them(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    cid = add_connection(admin_client, database, demo_erp)
    lists = admin_client.get(f"/api/v1/connections/{cid}/price-lists").json()
    assert [(pl["id"], pl["currency"]) for pl in lists] == [("standard", "SEK"), ("export", "EUR")]
    assert lists[1]["valid_from"] == "2024-01-01" and lists[1]["valid_to"] == "2030-12-31"
    page = admin_client.get(products_url(cid, "export"), params={"limit": 100}).json()
    assert page["total"] == 200 and page["price_list"]["currency"] == "EUR"
    with DemoErp(demo_erp) as erp:
        for item in page["items"]:
            assert item["currency"] == "EUR"
            assert Decimal(item["price"]) == erp.price_of("export", item["code"])
    one = admin_client.get(products_url(cid, "standard") + "/TLS-1005").json()
    assert one["price"] == one["list_price"] == "1102.50" and one["currency"] == "SEK"
    assert admin_client.get(products_url(cid, "export") + "/TLS-1005").json()["price"] == "99.00"


def test_search_by_code_and_by_name(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    cid = add_connection(admin_client, database, demo_erp)
    url = products_url(cid, "export")
    by_code = admin_client.get(url, params={"q": "ofF-100"}).json()
    assert [p["code"] for p in by_code["items"]][:3] == ["OFF-1001", "OFF-1002", "OFF-1003"]
    by_name = admin_client.get(url, params={"q": "office CHAIR"}).json()
    assert by_name["total"] == 3
    assert all(p["name"].startswith("Office chair") for p in by_name["items"])
    begins = admin_client.get(url, params={"code_begins": "srv", "limit": 100}).json()
    assert begins["total"] == 15 and all(p["code"].startswith("SRV-") for p in begins["items"])
    cheap = admin_client.get(url, params={"price_min": "10", "price_max": "20.5"}).json()
    assert cheap["total"] > 0
    assert all(Decimal("10") <= Decimal(p["price"]) <= Decimal("20.5") for p in cheap["items"])


def test_pages_concatenate_to_the_whole_result(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    cid = add_connection(admin_client, database, demo_erp)
    url = products_url(cid, "standard")
    whole = admin_client.get(url, params={"q": "a", "limit": 100, "offset": 0}).json()
    rest = admin_client.get(url, params={"q": "a", "limit": 100, "offset": 100}).json()
    codes = [p["code"] for p in whole["items"] + rest["items"]]
    paged: list[str] = []
    for offset in range(0, whole["total"], 9):
        page = admin_client.get(url, params={"q": "a", "limit": 9, "offset": offset}).json()
        assert page["total"] == whole["total"]
        paged += [p["code"] for p in page["items"]]
    assert paged == codes and len(set(paged)) == len(paged) == whole["total"]


def test_scope_outsiders_get_404_and_see_nothing(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    make_user(database, "sales", USER_PASSWORD)
    make_user(database, "outsider", USER_PASSWORD)
    grants = [{"user": "sales", "can_connect": True, "can_create_in_erp": False}]
    cid = add_connection(admin_client, database, demo_erp, scope="grants", grants=grants)
    admin_client.cookies.clear()
    outsider = signed_in(admin_client, "outsider", USER_PASSWORD)
    for url in (
        f"/api/v1/connections/{cid}/price-lists",
        products_url(cid, "export"),
        products_url(cid, "export") + "/TLS-1001",
    ):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert "Demo ERP" not in response.text
    page = outsider.get("/products")
    assert page.status_code == 200 and "Demo ERP" not in page.text
    outsider.cookies.clear()
    sales = signed_in(outsider, "sales", USER_PASSWORD)
    assert sales.get(f"/api/v1/connections/{cid}/price-lists").status_code == 200
    found = sales.get(products_url(cid, "export") + "/OFF-1001").json()
    assert found["price"] == "249.00" and found["cost"] is None  # cost: administrators only
    assert "Demo ERP" in sales.get("/products").text


def test_admins_restrict_the_exposed_price_lists(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    make_user(database, "sales", USER_PASSWORD)
    cid = add_connection(admin_client, database, demo_erp)
    allowed = f"/api/v1/connections/{cid}/allowed-price-lists"
    assert admin_client.get(allowed).json() == {"price_lists": []}
    bad = admin_client.put(allowed, json={"price_lists": ["nope"]})
    assert bad.status_code == 422 and bad.json()["field"] == "price_lists"
    assert admin_client.put(allowed, json={"price_lists": ["export"]}).status_code == 200
    lists = admin_client.get(f"/api/v1/connections/{cid}/price-lists").json()
    assert [pl["id"] for pl in lists] == ["export"]
    assert admin_client.get(products_url(cid, "standard")).status_code == 404
    admin_client.cookies.clear()
    sales = signed_in(admin_client, "sales", USER_PASSWORD)
    assert sales.put(allowed, json={"price_lists": []}).status_code == 403
    assert sales.get(products_url(cid, "standard") + "/TLS-1001").status_code == 404
    assert sales.get(products_url(cid, "export") + "/TLS-1001").status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"price_min": "cheap"}, "price_min"),
        ({"price_max": "-1"}, "price_max"),
        ({"price_min": "20", "price_max": "10"}, "price_max"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1000"}, "limit"),
        ({"offset": "-5"}, "offset"),
        ({"offset": "x"}, "offset"),
    ],
)
def test_bad_query_values_are_422_naming_the_field(
    admin_client: TestClient, database: Database, demo_erp: str, params: dict[str, str], field: str
) -> None:
    cid = add_connection(admin_client, database, demo_erp)
    response = admin_client.get(products_url(cid, "export"), params=params)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


def test_an_unreachable_erp_is_a_clear_503(
    admin_client: TestClient, database: Database, demo_erp: str, tmp_path: Any
) -> None:
    cid = add_connection(admin_client, database, demo_erp)
    with database.session() as session:
        connection = session.get(Connection, cid)
        assert connection is not None
        for value in connection.values:
            if value.key == "database":
                value.value = '"' + str(tmp_path / "gone.sqlite") + '"'
    response = admin_client.get(f"/api/v1/connections/{cid}/price-lists")
    assert response.status_code == 503
    assert "The ERP of 'Demo ERP' cannot answer now" in response.json()["detail"]
