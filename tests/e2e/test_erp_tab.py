"""Browser test: a sales user opens a company, searches the ERP, connects it choosing a
value per field, sees the ERP tab; creates another company in the ERP; disconnects
(R-TAB-1…4, R-UI-2). Screenshots as artefacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.linking.tab import tab_cache
from erpsync.sdk.model import ActorType
from erpsync.secrets import SecretBox
from erpsync.settings import Settings
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, make_user
from tests.e2e.conftest import LiveServer
from tests.linking.conftest import make_env

pytestmark = pytest.mark.browser


def test_a_sales_user_connects_creates_and_disconnects(
    live_server: LiveServer,
    sqlite_database: Database,
    settings: Settings,
    page: Any,
    shots: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    tab_cache().clear()
    admin = make_user(sqlite_database, "admin", ADMIN_PASSWORD, "admin")
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    env = make_env(sqlite_database, keys, admin, tmp_path)
    with env.erp() as erp:
        target = erp.show(ActorType.CUSTOMER, "10011")
    assert target is not None
    first = env.company(name="Bergström Verktyg AB", city="Gävle")
    second = env.company(name="Norrsken Design AB", city="Luleå")

    page.goto(live_server.url + "/login")
    page.fill("input[name=login]", "sales")
    page.fill("input[name=password]", USER_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/companies/{first}")
    page.click("nav.tabs >> text=ERP")
    section = page.locator("article.erp-section")
    expect(section).to_contain_text("Not linked")
    shots(page, "erp-tab-not-linked")

    section.locator("text=Connect").click()
    page.fill("input[name=q]", str(target.values["name"]))
    page.click("form[role=search] button[type=submit]")
    row = page.locator("table.erp-hits tr[data-erp-key='10011']")
    expect(row).to_contain_text(str(target.values["name"]))
    shots(page, "erp-search")
    row.locator("text=Choose").click()
    city = page.locator("tr[data-field='city']")
    expect(city).to_contain_text("Gävle")
    city.locator("input[value=crm]").check()
    page.locator("tr[data-field='name'] input[value=erp]").check()
    shots(page, "erp-compare")
    page.click("button:has-text('Connect')")

    expect(page.locator(".flash")).to_contain_text("Connected to Customer 10011.")
    expect(page.locator("dd[data-field='city']")).to_have_text("Gävle")
    expect(page.locator("dd[data-field='name']")).to_have_text(str(target.values["name"]))
    expect(page.locator("dd[data-field='number']")).to_have_text("10011")
    shots(page, "erp-tab-linked")

    page.goto(f"{live_server.url}/companies/{second}")
    page.click("nav.tabs >> text=ERP")
    page.click("text=Create in ERP")
    page.select_option("select[name=v_payment_terms]", label="30 days net")
    page.select_option("select[name=v_customer_group]", label="Key account")
    shots(page, "erp-create-form")
    page.click("button:has-text('Create in ERP')")
    expect(page.locator(".flash")).to_contain_text("in the ERP and linked it")
    expect(page.locator("dd[data-field='name']")).to_have_text("Norrsken Design AB")
    expect(page.locator("dd[data-field='customer_group']")).to_have_text("Key account")
    shots(page, "erp-tab-created")

    page.goto(f"{live_server.url}/companies/{first}/erp/{env.connection_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Disconnect')")
    expect(page.locator(".flash")).to_contain_text("Disconnected; both records stay.")
    expect(page.locator("article.erp-section")).to_contain_text("Not linked")
    shots(page, "erp-tab-disconnected")
    with env.erp() as erp:
        assert erp.show(ActorType.CUSTOMER, "10011") is not None
