"""An import killed with SIGKILL after a committed batch resumes without duplicates; an
import is cancelled between batches (R-IMP-4, R-SYNC-3)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.db import Database
from erpsync.settings import Settings
from erpsync.sync.context import utc_now
from erpsync.sync.imports import job, service
from erpsync.sync.imports.schemas import ImportCreate
from erpsync.sync.models import Link
from tests.sync.imports.conftest import ImportEnv
from tests.sync.imports.crash import customers_env, kill_after_batches, outcomes, queue_commit

CUSTOMERS = 2500


@pytest.fixture
def big(database: Database, keys: connections.Keys, admin: User, tmp_path: Path) -> ImportEnv:
    path = tmp_path / "big-erp.db"
    return customers_env(database, keys, admin, path, customers=CUSTOMERS, name="Big ERP")


def test_killed_after_a_batch_resumes_without_duplicates(
    big: ImportEnv, database: Database, settings: Settings
) -> None:
    job_id = queue_commit(big)
    kill_after_batches(big, settings, job_id, 2)

    stopped = big.job(job_id)
    assert stopped.state == "running" and stopped.progress["done"] == 2000
    assert big.companies() == 2000 and outcomes(big, job_id)[None] == CUSTOMERS - 2000

    with big.database.session() as session:  # its lease ran out a minute after the kill
        service.resume(session, service.get(session, job_id), utc_now() + timedelta(seconds=66))
    assert job.run(big.database, big.sync.keys, job_id, host_factory=big.sync.host) == "succeeded"

    assert big.companies() == CUSTOMERS
    assert big.count(Link) == CUSTOMERS and len(big.links()) == CUSTOMERS
    assert outcomes(big, job_id) == {"created": CUSTOMERS}
    assert big.job(job_id).outcomes == {"created": CUSTOMERS}


def test_cancel_stops_between_batches(big: ImportEnv) -> None:
    job_id = queue_commit(big)

    def cancel_after_first_batch(progress: dict[str, Any]) -> None:
        with big.database.session() as session:
            service.cancel(session, service.get(session, job_id))

    state = job.run(big.database, big.sync.keys, job_id, host_factory=big.sync.host,
                    progress=cancel_after_first_batch)  # fmt: skip
    assert state == "cancelled" and big.job(job_id).state == "cancelled"
    assert big.companies() == 1000
    assert outcomes(big, job_id) == {"created": 1000, None: CUSTOMERS - 1000}
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
