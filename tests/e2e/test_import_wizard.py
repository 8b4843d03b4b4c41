"""Browser test: an administrator imports the demo ERP's customers with the wizard —
connection and actor type, rules and action, the preview, the run with a progress bar
that moves without a reload, the summary (R-IMP-3, R-IMP-4, R-UI-2). Screenshots."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connections.service import Keys
from erpsync.connectors.demo import init_database
from erpsync.crm import service as crm
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.schemas import CompanyCreate
from erpsync.db import Database
from erpsync.mapping.models import FieldMapping
from erpsync.secrets import SecretBox
from erpsync.settings import Settings
from tests.conftest import ADMIN_PASSWORD, make_user
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser
CUSTOMERS = 15000  # enough batches of 1,000 that the 400 ms poll sees the bar move
BAR_VALUE = "() => document.getElementById('import-progress')?.value ?? -1"
FIELDS = [("number", "number", "to_crm"), ("name", "name", "both"), ("org_no", "org_no", "to_crm"),
          ("email", "email", "both"), ("city", "city", "to_crm")]  # fmt: skip


def _connection(database: Database, settings: Settings, erp: Path) -> None:
    admin = make_user(database, "admin", ADMIN_PASSWORD, "admin")
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    data = ConnectionCreate(name="Demo ERP", connector="demo", config={"database": str(erp)})
    with database.session() as session:
        ensure_standard_lists(session)
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        for rank, (erp_field, crm_field, direction) in enumerate(FIELDS):
            session.add(FieldMapping(connection_id=connection.id, actor_type="Customer",
                                     erp_field=erp_field, crm_field=crm_field,
                                     direction=direction, rank=rank))  # fmt: skip
        crm.create_company(session, CompanyCreate(name="Nordisk Verktyg", number="10001"))


def test_the_import_wizard_end_to_end(
    live_server: LiveServer,
    sqlite_database: Database,
    settings: Settings,
    page: Any,
    shots: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    erp = tmp_path / "demo-erp.sqlite"
    init_database(erp, customers=CUSTOMERS, suppliers=0, partners=0, products=0)
    _connection(sqlite_database, settings, erp)

    page.goto(live_server.url + "/login")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.click("nav >> text=Import")
    expect(page.locator("h1")).to_have_text("Import from ERP")
    expect(page.locator("#import-step-1 input[value=Customer]")).to_be_checked()
    shots(page, "step-1-connection-and-types")
    page.click("#import-step-1 button[type=submit]")

    page.check("#import-step-2 input[value=vat]")
    page.check("#import-step-2 input[value=merge]")
    shots(page, "step-2-rules-and-action")
    page.click("#import-step-2 button[type=submit]")

    expect(page.locator("#import-preview")).to_be_visible(timeout=60_000)
    expect(page.locator(".import-counts li[data-group=new] strong")).to_have_text(
        str(CUSTOMERS - 1)
    )
    expect(page.locator(".import-counts li[data-group=matched] strong")).to_have_text("1")
    matched = page.locator("details[data-group=matched] tr[data-erp-key='10001']")
    expect(matched).to_contain_text("Number / code")
    # The CRM keeps its name (merge); `name` is mapped both: the first sync sends it (R-SEM-2).
    expect(matched.locator(".import-to-erp li[data-field=name]")).to_contain_text(
        "“Nordisk Verktyg AB” → “Nordisk Verktyg”"
    )
    expect(page.locator("#import-to-erp-fields")).to_have_text("1")
    matched.locator("input.import-select").uncheck()
    expect(page.locator("#import-to-erp-fields")).to_have_text("0")
    matched.locator("input.import-select").check()
    expect(page.locator("#import-to-erp-records")).to_have_text("1")
    row = page.locator("details[data-group=new] tr[data-erp-key='10002'] input.import-select")
    row.uncheck()
    expect(page.locator("#import-selected")).to_have_text(str(CUSTOMERS - 1))
    shots(page, "step-3-preview")

    page.click("#import-preview button[data-action=commit]")
    bar = page.locator("#import-progress")
    expect(bar).to_be_visible()
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not page.locator("#import-summary").count():
        value = page.evaluate(BAR_VALUE)
        if value > 0 and (not seen or value != seen[-1]):
            seen.append(int(value))
            if len(seen) == 1:
                shots(page, "step-4-progress")
        time.sleep(0.1)
    expect(page.locator("#import-summary")).to_be_visible()
    final = int(page.evaluate(BAR_VALUE))  # a fast import may end between two polls
    if final > 0 and (not seen or final != seen[-1]):
        seen.append(final)
    assert len(seen) >= 2 and seen == sorted(seen), seen  # the bar moved, forwards
    expect(page.locator(".import-outcomes li[data-outcome=created] strong")).to_have_text(
        str(CUSTOMERS - 2)
    )
    expect(page.locator(".import-outcomes li[data-outcome=merged] strong")).to_have_text("1")
    expect(page.locator(".import-outcomes li[data-outcome=skipped] strong")).to_have_text("1")
    expect(page.locator("#import-log")).to_contain_text("10001")
    shots(page, "step-5-summary")
