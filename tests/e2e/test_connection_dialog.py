"""An administrator adds an ERP connection the way the guide says (steps 1–9), then
activates it (R-CONN-1…6, R-UI-2), in Chromium against a live server and the demo ERP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from erpsync.accounts import service as accounts
from erpsync.accounts.schemas import GroupCreate
from erpsync.connectors.demo.seed import init_database
from erpsync.db import Database
from erpsync.settings import Settings
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, make_user
from tests.e2e.conftest import LiveServer
from tests.mapping.helpers import map_for_activation

pytestmark = pytest.mark.browser
ACCESS_KEY = "dialog-access-key-3"


def _sign_in(page: Any, server: LiveServer, login: str, password: str) -> None:
    page.goto(server.url + "/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def _api_list(browser: Any, server: LiveServer, login: str) -> list[dict[str, Any]]:
    context = browser.new_context()
    try:
        page = context.new_page()
        _sign_in(page, server, login, USER_PASSWORD)
        response = context.request.get(server.url + "/api/v1/connections")
        assert response.ok
        found: list[dict[str, Any]] = response.json()
        return found
    finally:
        context.close()


def test_admin_adds_a_connection_through_the_dialog_and_activates_it(
    live_server: LiveServer,
    sqlite_database: Database,
    settings: Settings,
    browser: Any,
    page: Any,
    shots: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    erp = tmp_path / "demo-erp.db"
    init_database(erp, customers=30, suppliers=5, partners=2, access_key=ACCESS_KEY)
    make_user(sqlite_database, "admin", ADMIN_PASSWORD, "admin")
    make_user(sqlite_database, "anna", USER_PASSWORD)
    make_user(sqlite_database, "olle", USER_PASSWORD)
    with sqlite_database.session() as session:
        accounts.create_group(session, GroupCreate(name="Sales", members=["anna"]))

    # 1. The Sync screen.
    _sign_in(page, live_server, "admin", ADMIN_PASSWORD)
    page.click("nav >> text=Sync")
    expect(page.locator("h2")).to_have_text("ERP connections")
    shots(page, "1-sync-screen")

    # 2. Add opens the dialog.
    page.click("text=Add")
    page.wait_for_url(live_server.url + "/sync/connections/new")
    expect(page.locator("#dialog-title")).to_have_text("New ERP connection")
    ok = page.locator("#ok-button")
    expect(ok).to_be_disabled()
    shots(page, "2-new-dialog")

    # 3.–5. Name, connector, scope with a group.
    page.fill("#c-name", "Demo ERP")
    page.select_option("#c-connector", "demo")
    page.check("input[name=scope][value=grants]")
    link = page.locator("#scope-link")
    expect(link).to_have_text("No users or groups selected")
    link.click()
    group = page.locator("#picker-lists li[data-kind=group][data-name=Sales]")
    group.locator("input.pick").check()
    group.locator("input.can-create").check()
    shots(page, "5-scope-picker")
    page.click("#picker-done")
    expect(link).to_have_text("Sales (group)")

    # 6.–7. Configuration with a wrong value, and a description.
    expect(page.locator("label[for=cfg-database]")).to_have_text("Database file *")
    expect(page.locator("#cfg-batch_size")).to_have_value("500")
    expect(page.locator("#cfg-access_key")).to_have_attribute("type", "password")
    page.fill("#cfg-database", str(tmp_path / "nowhere.db"))
    page.fill("#cfg-access_key", ACCESS_KEY)
    page.fill("#c-description", "The demo ERP for the sales team.")
    expect(ok).to_be_disabled()
    shots(page, "6-config-wrong")

    # 8. Test shows the error in red; fix it; Test passes in green; OK enabled.
    result = page.locator("#test-result")
    page.click("#test-button")
    expect(result).to_contain_text("There is no demo ERP database")
    expect(result).to_have_class("bad-text")
    expect(ok).to_be_disabled()
    shots(page, "8-test-failed")
    page.fill("#cfg-database", str(erp))
    expect(ok).to_be_disabled()
    page.click("#test-button")
    expect(result).to_contain_text("Connected to the demo ERP (30 customers")
    expect(result).to_have_class("ok-text")
    expect(ok).to_be_enabled()
    shots(page, "8-test-passed")

    # A changed value disables OK again until it is tested.
    page.fill("#cfg-batch_size", "100")
    expect(ok).to_be_disabled()
    shots(page, "8-changed-after-test")
    page.click("#test-button")
    expect(ok).to_be_enabled()

    # 9. OK: the connection is in the list.
    ok.click()
    page.wait_for_url(live_server.url + "/sync")
    expect(page.locator(".flash")).to_have_text("ERP connection Demo ERP saved.")
    row = page.locator("tr[data-name='Demo ERP']")
    expect(row).to_contain_text("Sales")
    expect(row.locator(".sync-test")).to_contain_text("ok")
    shots(page, "9-saved")

    # Active on a connection that is not ready shows every reason and stays unticked.
    active = row.locator("input.activate")
    moved = tmp_path / "moved-away.db"
    erp.rename(moved)
    try:
        active.click()
        reasons = row.locator(".sync-reasons")
        expect(reasons).to_be_visible()
        expect(reasons).to_contain_text("does not test OK now")
        expect(active).not_to_be_checked()
        shots(page, "active-refused")
    finally:
        moved.rename(erp)
    # Activation needs a mapping (R-CONN-5): map it through the service, as automap would.
    map_for_activation(sqlite_database, settings, "Demo ERP")
    active.check()
    expect(active).to_be_enabled()  # disabled while the API answers
    expect(active).to_be_checked()
    expect(row.locator(".sync-reasons")).to_be_hidden()
    page.reload()
    expect(page.locator("tr[data-name='Demo ERP'] input.activate")).to_be_checked()
    shots(page, "active-ticked")

    # The scope: Anna (in Sales) sees the connection, Olle does not know it exists.
    assert [c["name"] for c in _api_list(browser, live_server, "anna")] == ["Demo ERP"]
    assert _api_list(browser, live_server, "olle") == []


def _choose_demo(page: Any) -> None:
    """Choose the demo connector (a plug-in installed by other tests may sort first) and
    wait until its fields are rendered, so nothing typed next is re-rendered away."""
    if page.input_value("#c-connector") != "demo":
        with page.expect_response(lambda answer: "/connectors/demo/config-fields" in answer.url):
            page.select_option("#c-connector", "demo")
    page.locator("#cfg-database").wait_for()


def test_editing_keeps_the_secret_and_needs_no_test_for_a_rename(
    live_server: LiveServer, sqlite_database: Database, page: Any, shots: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    erp = tmp_path / "demo-erp.db"
    init_database(erp, customers=30, suppliers=5, partners=2, access_key=ACCESS_KEY)
    make_user(sqlite_database, "admin", ADMIN_PASSWORD, "admin")
    _sign_in(page, live_server, "admin", ADMIN_PASSWORD)
    page.goto(live_server.url + "/sync/connections/new")
    page.fill("#c-name", "Demo ERP")
    _choose_demo(page)
    page.click("#test-button")  # a missing mandatory value is shown next to its field
    expect(page.locator("[data-error-for='config.database']")).to_have_text(
        "Database file is required"
    )
    page.fill("#cfg-database", str(erp))
    page.fill("#cfg-access_key", ACCESS_KEY)
    page.click("#test-button")
    page.click("#ok-button:enabled")
    page.wait_for_url(live_server.url + "/sync")

    page.click("tr[data-name='Demo ERP'] >> text=Edit")
    expect(page.locator("#dialog-title")).to_have_text("Edit ERP connection")
    secret = page.locator("#cfg-access_key")
    expect(secret).to_have_value("")
    expect(secret).to_have_attribute("placeholder", "unchanged")
    assert ACCESS_KEY not in page.content()
    ok = page.locator("#ok-button")
    expect(ok).to_be_enabled()
    shots(page, "edit-dialog")
    page.fill("#cfg-batch_size", "50")
    expect(ok).to_be_disabled()
    page.fill("#cfg-batch_size", "500")
    expect(ok).to_be_enabled()
    page.fill("#c-name", "Books")
    page.click("#test-button")  # a blank secret is tested with the stored one
    expect(page.locator("#test-result")).to_have_class("ok-text")
    ok.click()
    page.wait_for_url(live_server.url + "/sync")
    expect(page.locator("tr[data-name='Books']")).to_be_visible()

    # A duplicate name is shown next to the name field.
    page.goto(live_server.url + "/sync/connections/new")
    page.fill("#c-name", "books")
    _choose_demo(page)
    page.fill("#cfg-database", str(erp))
    page.fill("#cfg-access_key", ACCESS_KEY)
    page.click("#test-button")
    page.click("#ok-button:enabled")
    expect(page.locator("[data-error-for=name]")).to_contain_text("already exists")
    shots(page, "duplicate-name")


def test_changing_the_connector_keeps_name_and_description(
    live_server: LiveServer, sqlite_database: Database, page: Any, shots: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from tests.connections import plugin

    installed = plugin.install(tmp_path / "plugins")
    next(installed)
    try:
        make_user(sqlite_database, "admin", ADMIN_PASSWORD, "admin")
        _sign_in(page, live_server, "admin", ADMIN_PASSWORD)
        page.goto(live_server.url + "/sync/connections/new")
        page.fill("#c-name", "Books")
        page.fill("#c-description", "Main books")
        page.select_option("#c-connector", "demo")
        page.fill("#cfg-database", "/some/where.db")
        page.select_option("#c-connector", plugin.KEY)
        expect(page.locator("#cfg-host")).to_have_attribute("required", "")
        expect(page.locator("#cfg-port")).to_have_value("5432")
        expect(page.locator("#cfg-database")).to_have_count(0)
        page.fill("#cfg-host", "erp.local")
        page.fill("#cfg-password", "wrong")
        page.click("#test-button")
        expect(page.locator("#test-result")).to_have_text("Login failed for user erp on erp.local.")
        page.fill("#cfg-password", "right")
        page.click("#test-button")
        expect(page.locator("#ok-button")).to_be_enabled()
        shots(page, "other-connector")
        page.select_option("#c-connector", "demo")
        expect(page.locator("#ok-button")).to_be_disabled()
        expect(page.locator("#cfg-database")).to_have_value("/some/where.db")
        expect(page.locator("#c-name")).to_have_value("Books")
        expect(page.locator("#c-description")).to_have_value("Main books")
    finally:
        next(installed, None)


def test_the_dialog_speaks_swedish(
    live_server: LiveServer, sqlite_database: Database, browser: Any, shots: Any
) -> None:
    from playwright.sync_api import expect

    make_user(sqlite_database, "admin", ADMIN_PASSWORD, "admin")
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        _sign_in(page, live_server, "admin", ADMIN_PASSWORD)
        page.goto(live_server.url + "/sync")
        expect(page.locator("h2")).to_have_text("ERP-kopplingar")
        page.click("text=Lägg till")
        expect(page.locator("#dialog-title")).to_have_text("Ange ny ERP-koppling")
        expect(page.locator("#scope-link")).to_have_text("Inga användare eller grupper har valts")
        expect(page.locator("#test-button")).to_have_text("Testa ERP-kopplingen")
        page.click("#test-button")
        expect(page.locator("#test-result")).to_have_text("Rätta de markerade fälten.")
        expect(page.locator("#test-result")).to_have_class("bad-text")
        shots(page, "swedish-dialog")
    finally:
        context.close()
