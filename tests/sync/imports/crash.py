"""Helpers of the import crash tests: a demo ERP of many customers behind a tested
connection, an import queued for commit, its rows counted by outcome, and a worker
process killed with SIGKILL after a number of committed batches."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.settings import Settings
from erpsync.sync.context import utc_now
from erpsync.sync.imports import service
from erpsync.sync.imports.models import ImportRow
from tests.sync.conftest import SyncEnv
from tests.sync.imports.conftest import IMPORT_CUSTOMER_FIELDS, ImportEnv

ROOT = Path(__file__).resolve().parents[3]


def customers_env(
    database: Database,
    keys: connections.Keys,
    admin: User,
    path: Path,
    *,
    customers: int,
    name: str,
) -> ImportEnv:
    """An import set-up on a demo ERP at `path` holding `customers` customers only."""
    init_database(path, customers=customers, suppliers=0, partners=0, products=0)
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(name=name, connector="demo", config={"database": str(path)})
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection_id = connection.id
    env = SyncEnv(database, keys, admin, path, connection_id)
    env.map("Customer", IMPORT_CUSTOMER_FIELDS)
    return ImportEnv(env)


def queue_commit(imp: ImportEnv) -> int:
    """A previewed import whose commit is requested; its job id."""
    job_id = imp.preview().id
    with imp.database.session() as session:
        service.request_commit(session, service.get(session, job_id), utc_now())
    return job_id


def outcomes(imp: ImportEnv, job_id: int) -> dict[str | None, int]:
    """The number of the import's rows per outcome (None: not yet done)."""
    with imp.database.read_session() as session:
        rows = session.execute(
            select(ImportRow.outcome, func.count())
            .where(ImportRow.job_id == job_id)
            .group_by(ImportRow.outcome)
        ).all()
    return {outcome: int(n) for outcome, n in rows}


def kill_after_batches(imp: ImportEnv, settings: Settings, job_id: int, batches: int) -> None:
    """Runs the import in a worker process that is killed after `batches` batches."""
    environ = {**os.environ, "ERPSYNC_TEST_KILL_AT": "import_after_batch",
               "ERPSYNC_TEST_KILL_AFTER": str(batches)}  # fmt: skip
    command = [sys.executable, "-m", "tests.sync.imports.crash_worker",
               imp.database.engine.url.render_as_string(hide_password=False),
               str(settings.data_dir), str(job_id)]  # fmt: skip
    killed = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
