"""Prices are fetched live with a short cache (issue 10): asking again within the cache
time, for one product or a page of them, shows the answer already fetched; once it has
passed, the ERP's new price shows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erpsync.connectors.demo import DemoErp
from erpsync.connectors.demo.seed import init_database
from erpsync.db import Database
from erpsync.pricing.cache import shared_cache
from tests.api.conftest import ACCESS_KEY
from tests.api.test_pricing_api import add_connection, products_url


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    shared_cache().clear()


def _price(client: TestClient, connection_id: int, code: str) -> Decimal:
    found = client.get(products_url(connection_id, "standard") + f"/{code}")
    assert found.status_code == 200, found.text
    return Decimal(found.json()["price"])


def _search_price(client: TestClient, connection_id: int, code: str) -> Decimal:
    page = client.get(products_url(connection_id, "standard"), params={"q": code}).json()
    (item,) = [item for item in page["items"] if item["code"] == code]
    return Decimal(item["price"])


def test_prices_are_cached_briefly_then_fetched_again(
    admin_client: TestClient, database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "demo-erp.db"
    init_database(path, customers=1, suppliers=0, partners=0, access_key=ACCESS_KEY)
    cid = add_connection(admin_client, database, str(path))
    before = _price(admin_client, cid, "TLS-1001")
    listed = _search_price(admin_client, cid, "TLS-1001")
    assert listed == before
    with DemoErp(path) as erp:
        erp.set_price("TLS-1001", before + 100)
        assert erp.price_of("standard", "TLS-1001") == before + 100
    assert _price(admin_client, cid, "TLS-1001") == before  # still the cached answer
    assert _search_price(admin_client, cid, "TLS-1001") == before
    shared_cache().clear()  # the 60 s have passed
    assert _price(admin_client, cid, "TLS-1001") == before + 100
    assert _search_price(admin_client, cid, "TLS-1001") == before + 100
