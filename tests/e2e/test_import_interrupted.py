"""Browser test: an import whose process was killed shows as interrupted once its lease ran
out, and **Resume** finishes it after the last committed row, with no duplicates
(R-IMP-4, R-SYNC-10). Screenshots."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.connectors.demo import init_database
from erpsync.crm.models import Company
from erpsync.db import Database
from erpsync.secrets import SecretBox
from erpsync.settings import Settings
from erpsync.sync.context import utc_now
from erpsync.sync.imports import job, service
from erpsync.sync.imports.schemas import ImportCreate
from erpsync.sync.models import Lease
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.conftest import LiveServer
from tests.e2e.test_import_wizard import _connection

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
CUSTOMERS = 1500


def _killed_import(database: Database, settings: Settings) -> int:
    """Preview and commit an import; its process is SIGKILLed after the first batch."""
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    with database.session() as session:
        connection = session.scalars(select(Connection)).one()
        job_id = service.create(
            session, connection, ImportCreate(actor_types=["Customer"]), None
        ).id
    assert job.run(database, keys, job_id) == "ready"
    with database.session() as session:
        service.request_commit(session, service.get(session, job_id), utc_now())
    environ = {**os.environ, "ERPSYNC_TEST_KILL_AT": "import_after_batch",
               "ERPSYNC_TEST_KILL_AFTER": "1"}  # fmt: skip
    command = [sys.executable, "-m", "tests.sync.imports.crash_worker",
               database.engine.url.render_as_string(hide_password=False),
               str(settings.data_dir), str(job_id)]  # fmt: skip
    killed = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    with database.session() as session:  # a minute later: the dead job's lease ran out
        lease = session.scalars(select(Lease)).one()
        lease.expires_at = utc_now() - timedelta(seconds=1)
    return job_id


def test_an_interrupted_import_is_resumed_from_its_page(
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
    job_id = _killed_import(sqlite_database, settings)

    page.goto(live_server.url + "/login")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/sync/imports/{job_id}")
    expect(page.locator("#import-state")).to_have_text("interrupted")
    expect(page.locator("#import-interrupted")).to_be_visible()
    expect(page.locator("#import-progress-text")).to_have_text(f"1000 of {CUSTOMERS}")
    expect(page.locator("#import-job button[data-action=cancel]")).to_have_count(0)
    shots(page, "interrupted")

    page.click("#import-job button[data-action=resume]")
    expect(page.locator("#import-summary")).to_be_visible(timeout=60_000)
    expect(page.locator(".import-outcomes li[data-outcome=created] strong")).to_have_text(
        str(CUSTOMERS - 1)
    )
    expect(page.locator(".import-outcomes li[data-outcome=merged] strong")).to_have_text("1")
    shots(page, "resumed-summary")
    with sqlite_database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Company)) == CUSTOMERS
