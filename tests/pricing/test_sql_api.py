"""Price lists and products through the API of a connection to an SQL ERP on MariaDB
(issue 10, R-CONN-6, R-UI-1): prices as the ERP's price table holds them, search by code
and name, stable paging, scope, and bad query values named."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from erpsync.connections.service import Keys
from erpsync.db import Database
from tests.conftest import USER_PASSWORD, make_user, signed_in
from tests.connectors.sql import erp_schema as erp
from tests.connectors.sql.conftest import mariadb_erp_url  # noqa: F401 - session ERP database
from tests.connectors.sql.hooks import config_for
from tests.pricing.conftest import add_connection

pytestmark = pytest.mark.mariadb
NAME = "Tools ERP"


@pytest.fixture
def connection_id(
    admin_client: TestClient,
    database: Database,
    keys: Keys,
    mariadb_erp_url: sa.URL,  # noqa: F811
) -> int:
    make_user(database, "sales", USER_PASSWORD)
    make_user(database, "outsider", USER_PASSWORD)
    return add_connection(database, keys, NAME, "sql", config_for(mariadb_erp_url), ["sales"])


def _url(connection_id: int, price_list: str = "") -> str:
    base = f"/api/v1/connections/{connection_id}/price-lists"
    return f"{base}/{price_list}/products" if price_list else base


def _erp_prices(url: sa.URL, price_list_id: int) -> dict[str, Decimal]:
    """Code → price, read straight from the ERP's price table (live products only)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as db:
            rows = db.execute(
                sa.select(erp.product.c.code, erp.price_list_line.c.price)
                .join(erp.product, erp.product.c.id == erp.price_list_line.c.product_id)
                .where(
                    erp.price_list_line.c.price_list_id == price_list_id,
                    erp.product.c.active.is_(True),
                )
            ).all()
    finally:
        engine.dispose()
    return {code: Decimal(price) for code, price in rows}


def test_lists_and_prices_are_the_erps_own(
    admin_client: TestClient,
    connection_id: int,
    mariadb_erp_url: sa.URL,  # noqa: F811
) -> None:
    lists = admin_client.get(_url(connection_id)).json()
    assert [(pl["id"], pl["name"], pl["currency"], pl["active"]) for pl in lists] == [
        ("1", "Standard SEK", "SEK", True),
        ("2", "Export EUR", "EUR", True),
        ("3", "Campaign 2025", "SEK", False),
    ]
    assert (lists[1]["valid_from"], lists[1]["valid_to"]) == ("2026-01-01", "2026-12-31")
    for pl in lists:
        page = admin_client.get(_url(connection_id, pl["id"]), params={"limit": 100}).json()
        shown = {item["code"]: Decimal(item["price"]) for item in page["items"]}
        assert shown == _erp_prices(mariadb_erp_url, int(pl["id"])), pl["name"]
        assert page["total"] == len(shown)
        assert {item["currency"] for item in page["items"]} == {pl["currency"]}
    one = admin_client.get(_url(connection_id, "2") + "/TLS-1008").json()
    assert (one["price"], one["list_price"], one["cost"], one["unit"]) == (
        "14.18",
        "156.00",
        "92.00",
        "pcs",
    )
    assert admin_client.get(_url(connection_id, "2") + "/TLS-1007").status_code == 404
    assert admin_client.get(_url(connection_id, "1") + "/TLS-1024").status_code == 404  # gone


def test_search_by_code_and_name_and_stable_pages(
    admin_client: TestClient, connection_id: int
) -> None:
    url = _url(connection_id, "1")
    by_code = admin_client.get(url, params={"q": "tls-101"}).json()
    assert [p["code"] for p in by_code["items"]] == [f"TLS-{n}" for n in range(1010, 1020)]
    by_name = admin_client.get(url, params={"q": "WRENCH"}).json()
    assert [p["name"] for p in by_name["items"]] == [
        "Wrench compact 2",
        "Wrench steel 10",
        "Wrench heavy 18",
    ]
    begins = admin_client.get(url, params={"code_begins": "TLS-102"}).json()
    assert [p["code"] for p in begins["items"]] == [f"TLS-{n}" for n in range(1020, 1024)]
    named = admin_client.get(url, params={"name_contains": "heavy", "price_min": "150"}).json()
    assert [(p["code"], p["price"]) for p in named["items"]] == [
        ("TLS-1008", "156.00"),
        ("TLS-1013", "191.00"),
        ("TLS-1018", "226.00"),
        ("TLS-1023", "261.00"),
    ]
    whole = admin_client.get(url, params={"limit": 100}).json()
    paged: list[str] = []
    for offset in range(0, whole["total"] + 5, 5):
        page = admin_client.get(url, params={"limit": 5, "offset": offset}).json()
        assert page["total"] == whole["total"] == 23
        paged += [p["code"] for p in page["items"]]
    assert paged == [p["code"] for p in whole["items"]] and len(set(paged)) == 23


def test_outside_the_scope_everything_is_404(admin_client: TestClient, connection_id: int) -> None:
    admin_client.cookies.clear()
    outsider = signed_in(admin_client, "outsider", USER_PASSWORD)
    for url in (
        _url(connection_id),
        _url(connection_id, "1"),
        _url(connection_id, "1") + "/TLS-1001",
    ):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert NAME not in response.text
    page = outsider.get("/products")
    assert page.status_code == 200 and NAME not in page.text
    assert outsider.get(f"/products/{connection_id}/1/TLS-1001").status_code == 404
    outsider.cookies.clear()
    sales = signed_in(outsider, "sales", USER_PASSWORD)
    assert NAME in sales.get("/products").text
    found = sales.get(_url(connection_id, "1") + "/TLS-1001").json()
    assert found["price"] == "107.00" and found["cost"] is None  # cost: administrators only


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"price_min": "ten"}, "price_min"),
        ({"price_max": "-0.01"}, "price_max"),
        ({"price_min": "300", "price_max": "200"}, "price_max"),
        ({"limit": "101"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_query_values_are_422_naming_the_field(
    admin_client: TestClient, connection_id: int, params: dict[str, str], field: str
) -> None:
    response = admin_client.get(_url(connection_id, "1"), params=params)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
