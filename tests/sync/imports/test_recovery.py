"""Imports survive crashes without a user action (R-IMP-4, R-SYNC-10): an import killed
with SIGKILL is shown as interrupted once its short lease ran out and the scheduler
resumes it after its last committed row, with no duplicates; a live import, renewing its
lease while it waits on a slow ERP, is never taken over. On SQLite and PostgreSQL.

Lease expiry comes from clocks moved on, never from sleeping a minute."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connectors.demo.connector import DemoConnector
from erpsync.db import Database
from erpsync.jobs.import_jobs import IMPORT_RUN
from erpsync.jobs.recovery import recover
from erpsync.jobs.registry import JobEnv
from erpsync.jobs.runners import InlineRunner
from erpsync.jobs.scheduler import tick
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, ActorType, ChangeBatch
from erpsync.settings import Settings
from erpsync.sync import lease
from erpsync.sync.context import utc_now
from erpsync.sync.imports import job, service
from erpsync.sync.models import Lease, Link
from tests.sync.imports.conftest import ImportEnv
from tests.sync.imports.crash import customers_env, kill_after_batches, outcomes, queue_commit

CUSTOMERS = 1500  # two batches: the kill comes after the first


@pytest.fixture
def two_batches(
    database: Database, keys: connections.Keys, admin: User, tmp_path: Path
) -> ImportEnv:
    path = tmp_path / "two-batches-erp.db"
    return customers_env(database, keys, admin, path, customers=CUSTOMERS, name="Import ERP")


def _kill_after_first_batch(imp: ImportEnv, settings: Settings, job_id: int) -> None:
    kill_after_batches(imp, settings, job_id, 1)


def test_a_killed_import_is_resumed_by_the_scheduler_without_duplicates(
    two_batches: ImportEnv, settings: Settings
) -> None:
    imp = two_batches
    job_id = queue_commit(imp)
    _kill_after_first_batch(imp, settings, job_id)
    stopped = imp.job(job_id)
    assert stopped.state == "running" and stopped.progress["done"] == 1000
    assert imp.companies() == 1000
    runner = InlineRunner(JobEnv(imp.database, imp.sync.keys, settings))

    # Within its short lease the dead import is left alone: it might still be alive.
    assert tick(imp.database, runner, utc_now() + timedelta(seconds=30)) == []
    assert runner.results == [] and imp.job(job_id).lease_token == stopped.lease_token
    # One lease later (a minute, not ten) the scheduler resumes it on its own.
    tick(imp.database, runner, utc_now() + timedelta(seconds=66))
    assert runner.results == [{"job_id": job_id, "state": "succeeded"}]

    done = imp.job(job_id)
    assert done.state == "succeeded" and done.lease_token != stopped.lease_token
    assert imp.companies() == CUSTOMERS
    assert imp.count(Link) == CUSTOMERS and len(imp.links()) == CUSTOMERS
    assert outcomes(imp, job_id) == {"created": CUSTOMERS}
    # Nothing is left to recover: the next tick enqueues nothing.
    assert recover(imp.database, runner, utc_now() + timedelta(seconds=200)) == {
        "sync.run": [],
        IMPORT_RUN: [],
    }


def test_the_page_and_the_api_show_an_interrupted_import_with_resume(
    imp: ImportEnv, database: Database, settings: Settings, admin_client: TestClient
) -> None:
    job_id = queue_commit(imp)
    with database.session() as session:  # its executor died: the lease ran out
        row = session.get(Lease, imp.cid)
        assert row is not None
        row.expires_at = utc_now() - timedelta(seconds=1)
        service.get(session, job_id).state = "running"

    api = admin_client.get(f"/api/v1/imports/{job_id}").json()
    assert api["state"] == "running" and api["interrupted"] is True
    page = admin_client.get(f"/sync/imports/{job_id}").text
    assert 'id="import-state">interrupted<' in page
    assert 'data-action="resume"' in page and 'data-action="cancel"' not in page
    listed = admin_client.get(f"/api/v1/connections/{imp.cid}/imports").json()
    assert [(j["id"], j["interrupted"]) for j in listed] == [(job_id, True)]
    assert ">interrupted<" in admin_client.get("/sync/imports").text

    resumed = admin_client.post(f"/api/v1/imports/{job_id}/resume")
    assert resumed.status_code == 202, resumed.text
    assert resumed.json()["state"] == "queued"
    deadline = time.monotonic() + 60
    while api["state"] != "succeeded" and time.monotonic() < deadline:
        time.sleep(0.1)
        api = admin_client.get(f"/api/v1/imports/{job_id}").json()
    assert api["state"] == "succeeded" and api["interrupted"] is False, api
    assert imp.companies() == 12
    page = admin_client.get(f"/sync/imports/{job_id}").text
    assert 'data-action="resume"' not in page and ">interrupted<" not in page


def test_the_interrupted_state_is_in_swedish(
    imp: ImportEnv, database: Database, admin_client: TestClient
) -> None:
    job_id = queue_commit(imp)
    with database.session() as session:
        row = session.get(Lease, imp.cid)
        assert row is not None
        row.expires_at = utc_now() - timedelta(seconds=1)
    page = admin_client.get(
        f"/sync/imports/{job_id}", headers={"Accept-Language": "sv-SE,sv;q=0.9"}
    ).text
    assert "avbruten" in page and "Återuppta" in page


class SlowDemo(DemoConnector):
    """The demo ERP answering `get_actors` and its change stream (which the commit reads
    for what changed since the preview) only after `delay` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.waiting = threading.Event()

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        self.waiting.set()
        time.sleep(self.delay)
        return super().get_actors(actor_type, keys, field_keys)

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        self.waiting.set()
        time.sleep(self.delay)
        yield from super().changes(actor_type, cursor, field_keys)


def test_a_live_import_is_never_taken_over_while_it_heartbeats(
    imp: ImportEnv, settings: Settings, admin_client: TestClient
) -> None:
    job_id = queue_commit(imp)
    connector = SlowDemo(delay=2.5)  # two and a half lifetimes of its one-second lease
    states: list[str] = []

    def host(key: str, timeout: float) -> ConnectorHost:
        return ConnectorHost(connector, timeout=timeout)

    def run() -> None:
        ttl = timedelta(seconds=1)
        states.append(
            job.run(imp.database, imp.sync.keys, job_id, host_factory=host, lease_ttl=ttl)
        )

    worker = threading.Thread(target=run)
    worker.start()
    assert connector.waiting.wait(30)
    refused = admin_client.post(f"/api/v1/imports/{job_id}/resume")  # nor by hand
    assert refused.status_code == 409 and "renewing its lease" in refused.text, refused.text
    runner = InlineRunner(JobEnv(imp.database, imp.sync.keys, settings))
    token = imp.job(job_id).lease_token
    found = []
    while worker.is_alive():  # the scheduler looks again and again while it waits
        found.append(recover(imp.database, runner, utc_now())[IMPORT_RUN])
        time.sleep(0.2)
    worker.join()

    assert len(found) >= 5 and not any(found) and runner.results == []
    assert states == ["succeeded"]
    done = imp.job(job_id)
    assert done.state == "succeeded" and done.lease_token == token
    assert imp.companies() == 12 and len(imp.links()) == 12
    with imp.database.read_session() as session:  # the job let its lease go
        assert not lease.live(session, imp.cid, token, utc_now())
        assert session.get(Connection, imp.cid) is not None
