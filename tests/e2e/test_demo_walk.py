"""Browser test: what a new user does in `make demo`, on a database prepared exactly as
`erpsync demo` prepares it (issues 8 and 9, "Done when"): switch sync off and import the
customers entered in the demo ERP after the demo's import, open one and see its ERP tab
live, connect another company by searching, create one in the ERP, change a customer in the
demo ERP, switch sync on, press Sync now and find the field change in the sync log
and disconnect again (R-IMP-3, R-IMP-4, R-TAB-1…4, R-SYNC-1, R-SYNC-9, R-SEM-6, R-UI-2). No
page of the walk fails to load a resource, throws, or is wider than the window. Screenshots."""

from __future__ import annotations

import re
from typing import Any

import pytest

from erpsync.connectors.demo import DemoErp
from erpsync.db import Database
from erpsync.demo_setup import DEMO_ERP_FILE, prepare_demo
from erpsync.linking.tab import tab_cache
from erpsync.sdk.model import ActorType
from erpsync.settings import Settings
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser


def _new_company(page: Any, url: str, name: str, city: str, country: str = "") -> None:
    page.goto(url + "/companies/new")
    page.fill("input[name=name]", name)
    page.fill("input[name=city]", city)
    if country:
        page.select_option("select[name=country]", label=country)
    page.click("main button[type=submit]")
    page.wait_for_url(url + "/companies/*")
    page.click("nav.tabs >> text=ERP")


def _fits(page: Any) -> None:
    """The page needs no sideways scrolling at the test's 1280 px window."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def _switch_sync(page: Any, url: str, expected: str) -> Any:
    """Press the Sync on/off switch of the demo connection; its row after the reload."""
    from playwright.sync_api import expect

    page.goto(url + "/sync")
    row = page.locator("#erp-connections tr", has_text="Demo ERP")
    row.locator(".sync-switch button").click()
    page.wait_for_load_state()
    row = page.locator("#erp-connections tr", has_text="Demo ERP")
    expect(row.locator(".sync-switch button")).to_have_text(expected)
    return row


def test_a_new_user_walks_the_demo(
    live_server: LiveServer,
    sqlite_database: Database,
    settings: Settings,
    page: Any,
    shots: Any,
) -> None:
    from playwright.sync_api import expect

    tab_cache().clear()
    demo = prepare_demo(settings, sqlite_database)
    url = live_server.url
    failures: list[str] = []  # a failed resource or script error on any page of the walk
    page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: failures.append(str(error)))
    page.goto(url + "/login")
    page.fill("input[name=login]", demo.login)
    page.fill("input[name=password]", demo.password)
    page.click("button[type=submit]")

    # the demo starts imported with sync on; the import wizard says to switch it off first
    page.click("nav >> text=Import")
    page.click("#import-step-1 button[type=submit]")
    expect(page.locator(".flash.error")).to_contain_text("switch it off before importing")
    page.click("#import-sync-screen")
    row = page.locator("#erp-connections tr", has_text="Demo ERP")
    expect(row.locator(".sync-switch button")).to_have_text("On")
    shots(page, "sync-screen")
    _fits(page)
    _switch_sync(page, url, "Off")

    page.click("nav >> text=Import")
    page.click("#import-step-1 button[type=submit]")
    page.click("#import-step-2 button[type=submit]")
    expect(page.locator("#import-preview")).to_be_visible(timeout=30_000)
    expect(page.locator(".import-counts li[data-group=new] strong")).to_have_text("3")
    page.locator("details[data-group=new] tr[data-erp-key='10503'] input.import-select").uncheck()
    expect(page.locator("#import-selected")).to_have_text("2")
    shots(page, "import-preview")
    page.click("#import-preview button[data-action=commit]")
    expect(page.locator("#import-summary")).to_be_visible(timeout=30_000)
    expect(page.locator(".import-outcomes li[data-outcome=created] strong")).to_have_text("2")
    # the created rows come before the 500 already linked (skipped) ones, linked to the company
    created = page.locator("#import-log tbody tr", has_text="10501")
    expect(created).to_contain_text("created")
    expect(created.get_by_role("link")).to_have_attribute("href", re.compile(r"/companies/\d+"))
    expect(page.locator("#import-sync-off")).to_contain_text("Sync of Demo ERP is off")
    shots(page, "import-summary")

    # an imported company's ERP tab shows the ERP's values live, list items by name
    page.goto(url + "/companies?q=Tallbacken")
    page.click("table tbody tr >> text=Tallbacken Snickeri AB")
    page.click("nav.tabs >> text=ERP")
    section = page.locator("article.erp-section", has_text="Customer 10501")
    expect(section.locator("dd[data-field='city']")).to_have_text("Sundsvall")
    expect(section.locator("dd[data-field='country']")).to_have_text("Sweden")
    expect(section.locator("dd[data-field='currency']")).to_have_text("Swedish krona")
    shots(page, "erp-tab")

    # connect a new CRM company to the customer left out of the import
    _new_company(page, url, "Fjordvik Seafood", "Ålesund")
    page.locator("article.erp-section", has_text="Customer").locator("text=Connect").click()
    page.fill("input[name=q]", "Berg")  # many wide hits: the page still fits, the action shows
    page.click("form[role=search] button[type=submit]")
    expect(page.locator("table.erp-hits tbody tr").first.locator("td").last).to_be_in_viewport(
        ratio=1
    )
    _fits(page)
    page.fill("input[name=q]", "Fjordvik")
    page.click("form[role=search] button[type=submit]")
    hit = page.locator("table.erp-hits tr[data-erp-key='10503']")
    expect(hit).to_contain_text("Norway")
    _fits(page)
    hit.locator("text=Choose").click()
    page.locator("tr[data-field='name'] input[value=crm]").check()
    page.click("button:has-text('Connect')")
    expect(page.locator(".flash")).to_contain_text("Connected to Customer 10503.")
    expect(page.locator("dd[data-field='name']")).to_have_text("Fjordvik Seafood")
    shots(page, "connected")

    # create another in the ERP
    _new_company(page, url, "Gävle Glas AB", "Gävle", "Sweden")
    page.locator("article.erp-section", has_text="Customer").locator("text=Create in ERP").click()
    # a list value taken from the CRM is named, not shown as the ERP's item id
    expect(page.locator("dd[data-field='country']")).to_have_text("Sweden")
    page.click("main button:has-text('Create in ERP')")
    expect(page.locator(".flash")).to_contain_text("Created Customer 10504 in the ERP")
    shots(page, "created-in-erp")
    with DemoErp(settings.data_dir / DEMO_ERP_FILE) as erp:
        created = erp.show(ActorType.CUSTOMER, "10504")
        assert created is not None and created.values["name"] == "Gävle Glas AB"
        erp.set(ActorType.CUSTOMER, "10501", {"city": "Härnösand"})

    # the change in the ERP reaches the CRM at Sync now, and the sync log shows it
    row = _switch_sync(page, url, "On")
    row.get_by_role("button", name="Sync now").click()
    expect(row.locator(".sync-last .run-state")).to_have_text("succeeded", timeout=30_000)
    row.get_by_role("link", name="Sync log").click()
    page.fill("input[name=record]", "10501")
    page.get_by_role("button", name="Search").click()
    entry = page.locator("#sync-log tbody tr", has_text="Härnösand")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("city")
    expect(entry).to_contain_text("ERP → CRM")
    expect(entry.locator(".sync-old")).to_have_text("Sundsvall")
    expect(entry.locator(".sync-new")).to_have_text("Härnösand")
    shots(page, "sync-log")
    page.goto(url + "/companies?q=Tallbacken")
    page.click("table tbody tr >> text=Tallbacken Snickeri AB")
    expect(page.locator("main")).to_contain_text("Härnösand")
    shots(page, "company-after-sync")

    # disconnect the company connected above; the sync log names what happened
    page.goto(url + "/companies?q=Fjordvik")
    page.click("table tbody tr >> text=Fjordvik Seafood")
    page.click("nav.tabs >> text=ERP")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("article.erp-section", has_text="Customer 10503").locator(
        "button:has-text('Disconnect')"
    ).click()
    expect(page.locator(".flash")).to_contain_text("Disconnected; both records stay.")
    page.goto(url + "/sync")
    page.locator("#erp-connections tr", has_text="Demo ERP").get_by_role(
        "link", name="Sync log"
    ).click()
    page.fill("input[name=record]", "10503")
    page.get_by_role("button", name="Search").click()
    actions = page.locator("#sync-log tbody tr td:nth-child(3)")
    expect(actions.first).to_have_text("disconnected on the ERP tab")
    expect(actions.last).to_have_text("connected on the ERP tab")
    shots(page, "sync-log-disconnected")

    # in Swedish the import pages name actor types and rules, not their codes
    page.goto(url + "/profile")
    page.select_option("select[name=language]", "sv")
    page.click("main button[type=submit]")
    page.goto(url + "/sync/imports")
    expect(page.locator("#recent-imports tbody tr").first.locator("td").nth(2)).to_have_text("Kund")
    page.locator("#recent-imports tbody tr").first.get_by_role("link").click()
    expect(page.locator("#import-job p").first).to_contain_text(
        "Aktörstyper: Kund · Regler: Nummer / kod"
    )
    assert failures == []
