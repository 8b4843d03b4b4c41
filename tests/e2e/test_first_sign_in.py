"""The first thing a new user does after `make demo`: sign in and see the demo companies."""

from __future__ import annotations

from typing import Any

import pytest

from erpsync.crm.demo import load_demo_crm
from erpsync.db import Database
from tests.conftest import ADMIN_PASSWORD, make_user
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser


def test_admin_signs_in_and_sees_the_demo_companies(
    live_server: LiveServer, sqlite_database: Database, page: Any, shots: Any
) -> None:
    make_user(sqlite_database, "admin", ADMIN_PASSWORD, "admin")
    with sqlite_database.session() as session:
        created = load_demo_crm(session)
    assert created >= 40

    page.goto(live_server.url + "/companies")
    assert "/login" in page.url
    shots(page, "sign-in")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "Wrong login or password."
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/companies")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 20
    shots(page, "companies")
    first = rows.first.locator("a").first
    name = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text().startswith(name)
    shots(page, "company")
