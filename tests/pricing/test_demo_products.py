"""In a demo installation (`make demo`) a plain user browses the demo ERP's price lists
and products (issue 10 "done when", R-CONN-6, R-SEM-6): the demo connection is in their
scope, both price lists show, prices are the demo ERP's own."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

from erpsync.app import create_app
from erpsync.connectors.demo import DemoErp
from erpsync.db import create_database
from erpsync.demo_setup import DEMO_CONNECTION, DEMO_ERP_FILE, prepare_demo
from erpsync.settings import Settings, ensure_secrets
from tests.conftest import USER_PASSWORD, make_user, signed_in


def test_a_plain_user_browses_the_demo_erps_price_lists_and_products(tmp_path: Path) -> None:
    settings, _ = ensure_secrets(Settings(data_dir=tmp_path))
    database = create_database(settings.sqlalchemy_url)
    prepare_demo(settings, database)
    make_user(database, "sales", USER_PASSWORD)
    with TestClient(create_app(settings, database)) as client:
        sales = signed_in(client, "sales", USER_PASSWORD)
        home = sales.get("/").text
        assert 'href="/products"' in home
        page = sales.get("/products").text
        assert f">{DEMO_CONNECTION}</option>" in page and "Standard (SEK)" in page
        assert "Export (EUR)" in page and "1–25 of" in page
        (connection,) = sales.get("/api/v1/connections").json()
        lists = sales.get(f"/api/v1/connections/{connection['id']}/price-lists").json()
        assert [(pl["id"], pl["currency"]) for pl in lists] == [
            ("standard", "SEK"),
            ("export", "EUR"),
        ]
        url = f"/api/v1/connections/{connection['id']}/price-lists/export/products"
        chairs = sales.get(url, params={"q": "office chair"}).json()
        assert chairs["total"] > 0
        with DemoErp(str(tmp_path / DEMO_ERP_FILE)) as erp:
            for item in chairs["items"]:
                assert Decimal(item["price"]) == erp.price_of("export", item["code"])
        code = chairs["items"][0]["code"]
        detail = sales.get(f"/products/{connection['id']}/export/{code}")
        assert detail.status_code == 200 and f"{chairs['items'][0]['price']} EUR" in detail.text
    database.engine.dispose()
