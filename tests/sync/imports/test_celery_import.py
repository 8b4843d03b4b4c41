"""Imports on Celery workers (R-IMP-4, R-SYNC-10): the same import through the API, once
with the embedded runner (threads of the server, SQLite) and once on two `erpsync worker`
processes on the local Redis (PostgreSQL CRM), gives the same companies, links and
outcomes with no duplicate; while the workers commit, the API shows the progress move,
and the commit delivered a second time changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from erpsync.app import create_app
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.crm import service as crm
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.models import Company
from erpsync.crm.schemas import CompanyCreate
from erpsync.db import Database
from erpsync.jobs.celery_app import CeleryRunner
from erpsync.jobs.import_jobs import IMPORT_RUN
from erpsync.settings import Settings
from erpsync.sync.models import Link
from tests.conftest import ADMIN_PASSWORD, make_user, signed_in
from tests.services import need_service
from tests.sync.conftest import SyncEnv, new_erp
from tests.sync.imports.conftest import IMPORT_CUSTOMER_FIELDS

pytestmark = pytest.mark.timeout(300)
REDIS = "redis://127.0.0.1:6379/0"
CUSTOMERS = 4000  # four commit batches of 1,000
FINAL = ("succeeded", "failed", "cancelled", "ready")


def _prepare(database: Database, keys: connections.Keys, erp_dir: Path) -> int:
    """A connection with sync off, customers mapped, and CRM companies the rule finds."""
    admin = make_user(database, "admin", ADMIN_PASSWORD, "admin")
    erp_path = new_erp(erp_dir, customers=CUSTOMERS)
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(
            name="Demo ERP", connector="demo", config={"database": str(erp_path)}
        )
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = False
        connection_id = connection.id
    SyncEnv(database, keys, admin, erp_path, connection_id).map("Customer", IMPORT_CUSTOMER_FIELDS)
    with database.session() as session:
        for number in range(10001, 10001 + CUSTOMERS, 40):  # 100 matched by number
            values = {"name": f"CRM {number}", "number": str(number)}
            if number % 80 == 1:
                values["phone"] = "+46 8 kept"  # merge keeps it
            crm.create_company(session, CompanyCreate(**values))
    return connection_id


def _crm_state(database: Database) -> dict[str, Any]:
    """What a user sees of the imported records, without ids and times."""
    with database.read_session() as session:
        numbers = dict(session.execute(select(Company.id, Company.number)).all())
        companies = sorted(
            (c.number, c.name, c.phone, c.email, c.city, c.org_no, c.web)
            for c in session.scalars(select(Company).where(Company.deleted_at.is_(None)))
        )
        links = sorted(
            (
                link.erp_key,
                numbers.get(link.crm_id),
                link.state,
                json.dumps(link.shadow, sort_keys=True),
            )
            for link in session.scalars(select(Link))
        )
        per_key = session.execute(
            select(func.count()).select_from(
                select(Link.erp_key).group_by(Link.erp_key).having(func.count() > 1).subquery()
            )
        ).scalar_one()
    return {"companies": companies, "links": links, "erp_keys_linked_twice": per_key}


def _follow(client: TestClient, job_id: int, timeout: float = 180) -> list[dict[str, Any]]:
    """Poll the API as the page does until the job stops; every answer seen, in order."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = client.get(f"/api/v1/imports/{job_id}")
        assert answer.status_code == 200, answer.text
        seen.append(answer.json())
        if seen[-1]["state"] in FINAL:
            return seen
        time.sleep(0.02)
    raise AssertionError(f"import {job_id} did not end within {timeout} s: {seen[-1]}")


def _import(client: TestClient, connection_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Preview and commit an import through the API; the job at the end and the answers
    seen while the commit ran."""
    signed_in(client, "admin", ADMIN_PASSWORD)
    started = client.post(
        f"/api/v1/connections/{connection_id}/imports",
        json={"actor_types": ["Customer"], "rules": ["number"], "action": "merge"},
    )
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    previewed = _follow(client, job_id)[-1]
    assert previewed["state"] == "ready", previewed["error"]
    committed = client.post(f"/api/v1/imports/{job_id}/commit")
    assert committed.status_code == 202, committed.text
    seen = _follow(client, job_id)
    assert seen[-1]["state"] == "succeeded", seen[-1]["error"]
    return seen[-1], seen


@pytest.fixture
def celery_settings(settings: Settings, pg_url: str) -> Settings:
    need_service("Redis", "127.0.0.1", 6379)
    return settings.model_copy(
        update={
            "database_url": pg_url,
            "broker_url": REDIS,
            "job_queue": f"erpsync-test-{uuid.uuid4().hex[:10]}",
        }
    )


@pytest.fixture
def workers(celery_settings: Settings, tmp_path: Path) -> Iterator[None]:
    """Two `erpsync worker` processes on a queue of this test only."""
    environment = {
        **os.environ,
        "ERPSYNC_DATA_DIR": str(celery_settings.data_dir),
        "ERPSYNC_DATABASE_URL": celery_settings.database_url,
        "ERPSYNC_BROKER_URL": REDIS,
        "ERPSYNC_JOB_QUEUE": celery_settings.job_queue,
        "ERPSYNC_SECRET_KEYS": json.dumps(celery_settings.secret_keys),
        "ERPSYNC_SESSION_SECRET": celery_settings.session_secret,
    }
    procs = []
    for n in range(2):
        log = (tmp_path / f"worker-{n}.log").open("wb")
        command = [sys.executable, "-m", "erpsync", "worker", "--name", f"imp{n}-{os.getpid()}"]
        procs.append(subprocess.Popen(command, env=environment, stdout=log, stderr=log))
    yield
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_an_import_on_celery_workers_equals_the_embedded_one(
    sqlite_database: Database,
    pg_database: Database,
    keys: connections.Keys,
    settings: Settings,
    celery_settings: Settings,
    workers: None,
    tmp_path: Path,
) -> None:
    embedded_cid = _prepare(sqlite_database, keys, tmp_path / "erp-a")
    with TestClient(create_app(settings, sqlite_database)) as client:
        expected, _ = _import(client, embedded_cid)

    celery_cid = _prepare(pg_database, keys, tmp_path / "erp-b")
    with TestClient(create_app(celery_settings, pg_database)) as client:
        job, seen = _import(client, celery_cid)

        assert job["counts"] == expected["counts"]
        assert job["outcomes"] == expected["outcomes"] == {"created": 3900, "merged": 100}
        moving = [
            s["progress"]["done"]
            for s in seen
            if s["state"] == "running" and 0 < s["progress"]["done"] < CUSTOMERS
        ]
        assert moving, [(s["state"], s["progress"]) for s in seen]
        assert seen[-1]["progress"] == {"phase": "import", "done": CUSTOMERS, "total": CUSTOMERS}
        state = _crm_state(pg_database)
        assert state == _crm_state(sqlite_database)
        assert len(state["companies"]) == CUSTOMERS and state["erp_keys_linked_twice"] == 0
        kept = [c for c in state["companies"] if c[2] == "+46 8 kept"]
        assert len(kept) == 50  # merge filled only empty fields

        # The commit delivered again (a worker died, a visibility timeout passed): no effect.
        runner = CeleryRunner(celery_settings)
        try:
            runner.submit(IMPORT_RUN, {"job_id": job["id"]})
            time.sleep(2.0)
        finally:
            runner.shutdown()
        again = client.get(f"/api/v1/imports/{job['id']}").json()
        assert (again["state"], again["outcomes"]) == ("succeeded", job["outcomes"])
        assert _crm_state(pg_database) == state
