"""An administrator maps a fresh demo connection in the browser and activates it
(R-MAP-1…5, R-CONN-5, R-UI-2): activation first refused with the missing items, then
automap, two fields adjusted, the country list mapped, a mandatory default, a field
moved in rank, and activation succeeds. Screenshots are kept under the test's temp dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.mapping import service
from erpsync.secrets import SecretBox
from erpsync.settings import Settings
from tests.conftest import ADMIN_PASSWORD, make_user
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser


def _fresh_connection(database: Database, settings: Settings, erp: Path) -> int:
    admin = make_user(database, "admin", ADMIN_PASSWORD, "admin")
    keys = connections.Keys(SecretBox(settings.secret_keys), settings.session_secret)
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(name="Demo ERP", connector="demo", config={"database": str(erp)})
        _, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None
        return connection.id


def _order(database: Database, connection_id: int) -> list[str]:
    with database.read_session() as session:
        return [r.erp_field for r in service.stored(session, connection_id, "Customer")]


def test_admin_maps_a_fresh_demo_connection_and_activates_it(
    live_server: LiveServer,
    sqlite_database: Database,
    settings: Settings,
    page: Any,
    shots: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    erp = tmp_path / "demo-erp.db"
    init_database(erp, customers=20, suppliers=3, partners=2)
    connection_id = _fresh_connection(sqlite_database, settings, erp)
    base = f"{live_server.url}/sync/connections/{connection_id}"

    page.goto(live_server.url + "/login")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    # Before mapping, Active on the Sync screen is refused with the missing item, as a link.
    page.goto(live_server.url + "/sync")
    row = page.locator("tr[data-name='Demo ERP']")
    row.locator("input.activate").click()
    reasons = row.locator(".sync-reasons")
    expect(reasons).to_contain_text("No actor type is mapped yet")
    expect(row.locator("input.activate")).not_to_be_checked()
    shots(page, "activation-refused")
    reasons.locator("a", has_text="No actor type is mapped yet").click()
    page.wait_for_url(base + "/mapping/Customer")
    expect(page.locator("#entity-mapping")).to_contain_text("Customer → company")
    expect(page.locator("#entity-mapping")).to_contain_text("Person → person")
    shots(page, "mapping-page")

    # Automap: proposals with their reasons; apply all but one.
    page.click("#automap-button")
    proposals = page.locator("#proposals")
    expect(proposals.locator("tr[data-proposal=zip]")).to_contain_text(
        "the ERP field's key 'zip' means 'Postal code'"
    )
    proposals.locator("input[name='pick.web']").uncheck()
    shots(page, "automap-proposals")
    page.click("#apply-proposals")
    expect(page.locator(".flash")).to_have_text("10 proposals applied.")
    assert "web" not in _order(sqlite_database, connection_id)

    # Adjust two fields: Name comes from the ERP only, Country goes both ways.
    page.select_option("select[name='dir.name']", "to_crm")
    page.check("input[name='search.name']")
    page.select_option("select[name='dir.country']", "both")
    page.click("#save-mapping")
    expect(page.locator(".flash")).to_have_text("Mapping of Customer saved.")

    # Activation now names what is missing, each linked to the page that fixes it.
    page.click("#activate-button")
    box = page.locator("#activation-reasons")
    expect(box).to_contain_text("the Mandatory ERP field 'Name' (name)")
    expect(box).to_contain_text("its ERP list 'countries' is not")
    shots(page, "activation-reasons")
    box.locator("a", has_text="countries").click()
    page.wait_for_url(base + "/lists/countries")
    expect(page.locator("select[name=crm_list]")).to_have_value("country")
    expect(page.locator("#list-pairs .flag.unmapped").first).to_be_visible()
    page.click("#automatch-button")
    expect(page.locator(".flash")).to_contain_text("items matched.")
    expect(page.locator("tr[data-item] .flag.unmapped")).to_have_count(0)
    shots(page, "country-list-mapped")

    # A mandatory default for Name (the user gives it on Create in ERP), then a rank move.
    page.click(".map-links >> text=Fields")
    page.wait_for_url(base + "/mapping/Customer")
    page.select_option("select[name='mode.name']", "mandatory")
    page.click("#save-mapping")
    expect(page.locator(".flash")).to_have_text("Mapping of Customer saved.")
    before = _order(sqlite_database, connection_id)
    page.click("tr[data-key=city] button.move-up")
    expect(page.locator(".flash")).to_have_text("Mapping of Customer saved.")
    after = _order(sqlite_database, connection_id)
    at = before.index("city")
    assert after[at - 1] == "city" and after[at] == before[at - 1]
    expect(page.locator("select[name='mode.name']")).to_have_value("mandatory")

    # Drag: the zip row dropped on the first row goes first.
    first = page.locator("tr.map-row.mapped").first
    page.locator("tr[data-key=zip] .map-handle").drag_to(first, target_position={"x": 5, "y": 2})
    page.click("#save-mapping")
    expect(page.locator(".flash")).to_have_text("Mapping of Customer saved.")
    assert _order(sqlite_database, connection_id)[0] == "zip"
    shots(page, "ranked")

    # Activation succeeds; the Sync screen shows it active.
    page.click("#activate-button")
    expect(page.locator(".flash")).to_have_text("ERP connection Demo ERP is active.")
    page.goto(live_server.url + "/sync")
    expect(page.locator("tr[data-name='Demo ERP'] input.activate")).to_be_checked()
    shots(page, "active")


REMOTE_SECRET = "dialog-remote-secret-5"


def test_admin_adds_a_remote_connector_with_priority_in_the_dialog(
    live_server: LiveServer, sqlite_database: Database, page: Any, shots: Any, tmp_path: Path
) -> None:
    """R-CONN-7: the connector select offers the remote connector (URL + secret); its
    fields come from the service; the secret is masked and never rendered back."""
    from playwright.sync_api import expect

    from erpsync.connectors.demo import DemoConnector
    from erpsync.sdk.remote.running import serving
    from erpsync.sdk.remote.server import create_app

    erp = tmp_path / "demo-erp.db"
    init_database(erp, customers=15, suppliers=2, partners=1)
    make_user(sqlite_database, "admin", ADMIN_PASSWORD, "admin")
    with serving(create_app(DemoConnector, REMOTE_SECRET)) as url:
        page.goto(live_server.url + "/login")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.goto(live_server.url + "/sync/connections/new")
        page.fill("#c-name", "Far ERP")
        page.select_option("#c-connector", "remote")
        expect(page.locator("#remote-target")).to_be_visible()
        expect(page.locator("#c-remote-secret")).to_have_attribute("type", "password")
        page.fill("#c-remote-url", url)
        page.fill("#c-remote-secret", "wrong-secret")
        page.locator("#c-remote-secret").blur()
        expect(page.locator("[data-error-for=remote_url]")).to_contain_text("cannot be reached")
        page.fill("#c-remote-secret", REMOTE_SECRET)
        page.locator("#c-remote-secret").blur()
        expect(page.locator("#cfg-database")).to_be_visible()
        page.fill("#cfg-database", str(erp))
        page.fill("#c-priority", "3")
        ok = page.locator("#ok-button")
        expect(ok).to_be_disabled()
        page.click("#test-button")
        expect(page.locator("#test-result")).to_contain_text("Connected to the demo ERP (15")
        expect(ok).to_be_enabled()
        shots(page, "remote-tested")
        ok.click()
        page.wait_for_url(live_server.url + "/sync")
        row = page.locator("tr[data-name='Far ERP']")
        expect(row).to_contain_text("Remote connector")
        expect(row.locator("td").nth(5)).to_have_text("3")

        row.locator("text=Edit").click()
        expect(page.locator("#c-remote-url")).to_have_value(url)
        expect(page.locator("#c-remote-secret")).to_have_value("")
        expect(page.locator("#c-remote-secret")).to_have_attribute("placeholder", "unchanged")
        expect(page.locator("#cfg-database")).to_have_value(str(erp))
        assert REMOTE_SECRET not in page.content()
        expect(page.locator("#ok-button")).to_be_enabled()
        page.fill("#c-priority", "2")
        page.click("#ok-button")
        page.wait_for_url(live_server.url + "/sync")
        expect(page.locator("tr[data-name='Far ERP'] td").nth(5)).to_have_text("2")
        shots(page, "remote-saved")
