"""Browser test: a sales user finds a product in the EUR price list of the demo ERP
and sees its price (R-CONN-6, R-UI-2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connections.service import Keys
from erpsync.connectors.demo import DemoErp, init_database
from erpsync.db import Database
from erpsync.pricing.cache import shared_cache
from erpsync.secrets import SecretBox
from erpsync.settings import Settings
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, make_user
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser


def _demo_connection(database: Database, settings: Settings, erp: Path) -> None:
    admin = make_user(database, "admin", ADMIN_PASSWORD, "admin")
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    data = ConnectionCreate(name="Demo ERP", connector="demo", config={"database": str(erp)})
    with database.session() as session:
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.active = True  # activation (mapping) is the connection tests' subject
        session.flush()
        assert session.get(Connection, connection.id) is not None


def test_a_sales_user_finds_a_product_in_the_eur_list(
    live_server: LiveServer,
    sqlite_database: Database,
    settings: Settings,
    page: Any,
    shots: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    shared_cache().clear()
    erp = tmp_path / "demo-erp.sqlite"
    init_database(erp, customers=5, suppliers=1, partners=1)
    _demo_connection(sqlite_database, settings, erp)
    make_user(sqlite_database, "sales", USER_PASSWORD)
    with DemoErp(erp) as demo:
        expected = demo.price_of("export", "ELC-1005")
    assert expected is not None

    page.goto(live_server.url + "/login")
    page.fill("input[name=login]", "sales")
    page.fill("input[name=password]", USER_PASSWORD)
    page.click("button[type=submit]")
    page.click("nav >> text=Products")
    expect(page.locator("h1")).to_have_text("Products")
    page.select_option("select[name=price_list]", label="Export (EUR)")
    page.wait_for_url("**price_list=export**")
    page.fill("input[name=q]", "cable reel")
    page.click("form[role=search] button[type=submit]")
    row = page.locator("table.products-list tbody tr", has_text="ELC-1005")
    expect(row).to_contain_text("Cable reel 230 V")
    expect(row.locator("td.price")).to_have_text(f"{expected} EUR")
    expect(page.locator("table.products-list th").nth(3)).to_have_text("Price (EUR)")
    shots(page, "products-eur-search")
    row.locator("a").click()
    expect(page.locator(".product-price strong")).to_have_text(f"{expected} EUR")
    expect(page.locator(".product-price")).to_contain_text("Export (EUR)")
    shots(page, "product-detail")
