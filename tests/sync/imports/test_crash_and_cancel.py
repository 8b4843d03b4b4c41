"""An import killed with SIGKILL after a committed batch resumes without duplicates; an
import is cancelled between batches (R-IMP-4, R-SYNC-3)."""

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

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.settings import Settings
from erpsync.sync.context import utc_now
from erpsync.sync.imports import job, service
from erpsync.sync.imports.models import ImportRow
from erpsync.sync.imports.schemas import ImportCreate
from erpsync.sync.models import Link
from tests.sync.conftest import SyncEnv
from tests.sync.imports.conftest import IMPORT_CUSTOMER_FIELDS, ImportEnv

ROOT = Path(__file__).resolve().parents[3]
CUSTOMERS = 2500


@pytest.fixture
def big(database: Database, keys: connections.Keys, admin: User, tmp_path: Path) -> ImportEnv:
    path = tmp_path / "big-erp.db"
    init_database(path, customers=CUSTOMERS, suppliers=0, partners=0, products=0)
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(name="Big ERP", connector="demo", config={"database": str(path)})
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection_id = connection.id
    env = SyncEnv(database, keys, admin, path, connection_id)
    env.map("Customer", IMPORT_CUSTOMER_FIELDS)
    return ImportEnv(env)


def _queue(big: ImportEnv) -> int:
    job_id = big.preview().id
    with big.database.session() as session:
        service.request_commit(session, service.get(session, job_id), utc_now())
    return job_id


def _outcomes(big: ImportEnv, job_id: int) -> dict[str | None, int]:
    with big.database.read_session() as session:
        rows = session.execute(
            select(ImportRow.outcome, func.count())
            .where(ImportRow.job_id == job_id)
            .group_by(ImportRow.outcome)
        ).all()
    return {outcome: int(n) for outcome, n in rows}


def test_killed_after_a_batch_resumes_without_duplicates(
    big: ImportEnv, database: Database, settings: Settings
) -> None:
    job_id = _queue(big)
    environ = {**os.environ, "ERPSYNC_TEST_KILL_AT": "import_after_batch",
               "ERPSYNC_TEST_KILL_AFTER": "2"}  # fmt: skip
    command = [sys.executable, "-m", "tests.sync.imports.crash_worker",
               database.engine.url.render_as_string(hide_password=False),
               str(settings.data_dir), str(job_id)]  # fmt: skip
    killed = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]

    stopped = big.job(job_id)
    assert stopped.state == "running" and stopped.progress["done"] == 2000
    assert big.companies() == 2000 and _outcomes(big, job_id)[None] == CUSTOMERS - 2000

    with big.database.session() as session:  # its lease ran out a minute after the kill
        service.resume(session, service.get(session, job_id), utc_now() + timedelta(seconds=66))
    assert job.run(big.database, big.sync.keys, job_id, host_factory=big.sync.host) == "succeeded"

    assert big.companies() == CUSTOMERS
    assert big.count(Link) == CUSTOMERS and len(big.links()) == CUSTOMERS
    assert _outcomes(big, job_id) == {"created": CUSTOMERS}
    assert big.job(job_id).outcomes == {"created": CUSTOMERS}


def test_cancel_stops_between_batches(big: ImportEnv) -> None:
    job_id = _queue(big)

    def cancel_after_first_batch(progress: dict[str, Any]) -> None:
        with big.database.session() as session:
            service.cancel(session, service.get(session, job_id))

    state = job.run(big.database, big.sync.keys, job_id, host_factory=big.sync.host,
                    progress=cancel_after_first_batch)  # fmt: skip
    assert state == "cancelled" and big.job(job_id).state == "cancelled"
    assert big.companies() == 1000
    assert _outcomes(big, job_id) == {"created": 1000, None: CUSTOMERS - 1000}
    with big.database.session() as session, pytest.raises(Exception, match="has ended"):
        service.cancel(session, service.get(session, job_id))


def test_a_preview_can_be_cancelled_too(big: ImportEnv) -> None:
    with big.database.session() as session:
        connection = session.get(Connection, big.cid)
        assert connection is not None
        data = ImportCreate(actor_types=["Customer"])
        job_id = service.create(session, connection, data, None).id
        service.cancel(session, service.get(session, job_id))
    assert job.run(big.database, big.sync.keys, job_id, host_factory=big.sync.host) == "cancelled"
    assert big.companies() == 0
