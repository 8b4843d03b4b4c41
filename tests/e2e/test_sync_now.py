"""Browser test: an administrator changes a company in the demo ERP, presses Sync now on
the Sync screen, sees the run finish and finds the field change in the sync log page
(R-SYNC-1, R-SYNC-9, R-UI-2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.jobs.registry import keys_of
from erpsync.sdk.model import ActorType
from erpsync.settings import Settings
from tests.conftest import ADMIN_PASSWORD, make_user
from tests.e2e.conftest import LiveServer
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv, new_erp

pytestmark = pytest.mark.browser


def _linked_demo(database: Database, settings: Settings, directory: Path) -> SyncEnv:
    """A demo ERP, a connection to it with sync on, mapped and synced once (as in the demo)."""
    admin = make_user(database, "admin", ADMIN_PASSWORD, "admin")
    keys = keys_of(settings)
    erp = new_erp(directory, customers=8)
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(name="Demo ERP", connector="demo", config={"database": str(erp)})
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.active = connection.sync_enabled = True
        connection_id = connection.id
    env = SyncEnv(database, keys, admin, erp, connection_id)
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    assert env.run().state == "succeeded"
    return env


def test_an_admin_syncs_now_and_sees_the_change_in_the_sync_log(
    live_server: LiveServer,
    sqlite_database: Database,
    settings: Settings,
    page: Any,
    shots: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    env = _linked_demo(sqlite_database, settings, tmp_path)
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10003", {"city": "Kiruna"})

    page.goto(live_server.url + "/login")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.goto(live_server.url + "/sync")
    row = page.locator("#erp-connections tr", has_text="Demo ERP")
    expect(row.locator("[data-health]")).to_have_text("ok")
    shots(page, "sync-screen")

    row.get_by_role("button", name="Sync now").click()
    expect(page.locator(".flash")).to_contain_text("started")
    shots(page, "sync-now-started")
    # the page follows the run and reloads when it has ended
    expect(row.locator(".sync-last .run-state")).to_have_text("succeeded", timeout=30_000)
    shots(page, "run-finished")

    row.get_by_role("link", name="Sync log").click()
    expect(page.locator("h1")).to_contain_text("Demo ERP")
    entry = page.locator("#sync-log tbody tr", has_text="Kiruna")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("10003")
    expect(entry).to_contain_text("city")
    expect(entry).to_contain_text("ERP → CRM")
    shots(page, "sync-log")

    page.fill("input[name=record]", "10003")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#sync-log tbody tr")).to_have_count(2)  # created, then the city
    page.get_by_role("link", name="Runs").click()
    expect(page.locator("#sync-runs tbody tr")).to_have_count(2)
    shots(page, "runs")
    assert env.company("10003").city == "Kiruna"
