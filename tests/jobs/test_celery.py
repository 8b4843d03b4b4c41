"""Runs on Celery workers (R-SYNC-10): two `erpsync worker` processes on the local Redis
(and RabbitMQ) give exactly the CRM state the embedded runner gives, and two
simultaneous "Sync now" for one connection make one run, executed once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.models import Company, Person
from erpsync.db import Database, create_database, migrate
from erpsync.jobs.celery_app import CeleryRunner
from erpsync.jobs.registry import JobEnv
from erpsync.jobs.runners import InlineRunner, Runner
from erpsync.jobs.sync_jobs import SYNC_RUN, start_run
from erpsync.sdk.model import ActorType
from erpsync.settings import Settings
from erpsync.sync.models import Link, SyncLogEntry, SyncRun
from tests.conftest import ADMIN_PASSWORD, make_user
from tests.services import need_service
from tests.sync.conftest import CUSTOMER_FIELDS, PERSON_FIELDS, SyncEnv, new_erp

pytestmark = pytest.mark.timeout(240)
BROKERS = {
    "redis": ("Redis", 6379, "redis://127.0.0.1:6379/0"),
    "rabbitmq": ("RabbitMQ", 5672, "amqp://guest:guest@127.0.0.1:5672//"),
}
CUSTOMERS = 300


def _prepare(database: Database, keys: connections.Keys, erp_dir: Path) -> tuple[SyncEnv, User]:
    admin = make_user(database, "admin", ADMIN_PASSWORD, "admin")
    erp_path = new_erp(erp_dir, customers=CUSTOMERS)
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(
            name="Demo ERP", connector="demo", config={"database": str(erp_path)}
        )
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = True
        connection_id = connection.id
    env = SyncEnv(database, keys, admin, erp_path, connection_id)
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.map("Person", PERSON_FIELDS, create=True)
    return env, admin


def _crm_state(database: Database) -> dict[str, Any]:
    """Everything a user sees of the synced records, without ids and times."""
    with database.read_session() as session:
        numbers = dict(session.execute(select(Company.id, Company.number)).all())
        companies = sorted(
            (
                (c.number, c.name, c.phone, c.email, c.city, c.active)
                for c in session.scalars(select(Company))
            ),
            key=repr,
        )
        persons = sorted(
            (
                (numbers.get(p.company_id), p.first_name, p.last_name, p.email)
                for p in session.scalars(select(Person))
            ),
            key=repr,
        )
        links = sorted(
            (
                (link.actor_type, link.erp_key, link.state, json.dumps(link.shadow, sort_keys=True))
                for link in session.scalars(select(Link))
            ),
            key=repr,
        )
    return {"companies": companies, "persons": persons, "links": links}


def _finished(database: Database, run_id: int, timeout: float = 90) -> SyncRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.read_session() as session:
            run = session.get(SyncRun, run_id)
            assert run is not None
            if run.state not in ("queued", "running"):
                return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} did not finish within {timeout} s")


@pytest.fixture(params=list(BROKERS))
def broker_url(request: pytest.FixtureRequest) -> str:
    name, port, url = BROKERS[request.param]
    need_service(name, "127.0.0.1", port)
    return url


@pytest.fixture
def worker_settings(settings: Settings, broker_url: str, tmp_path: Path) -> Settings:
    """Settings of a second installation (own SQLite file) whose jobs go to the broker."""
    url = f"sqlite:///{tmp_path / 'celery' / 'erpsync.db'}"
    (tmp_path / "celery").mkdir()
    return settings.model_copy(
        update={
            "database_url": url,
            "broker_url": broker_url,
            "job_queue": f"erpsync-test-{uuid.uuid4().hex[:10]}",
        }
    )


@pytest.fixture
def workers(worker_settings: Settings, tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Two `erpsync worker` processes on a queue of this test only."""
    environment = {
        **os.environ,
        "ERPSYNC_DATA_DIR": str(worker_settings.data_dir),
        "ERPSYNC_DATABASE_URL": worker_settings.database_url,
        "ERPSYNC_BROKER_URL": worker_settings.broker_url or "",
        "ERPSYNC_JOB_QUEUE": worker_settings.job_queue,
        "ERPSYNC_SECRET_KEYS": json.dumps(worker_settings.secret_keys),
        "ERPSYNC_SESSION_SECRET": worker_settings.session_secret,
    }
    procs = []
    for n in range(2):
        log = (tmp_path / f"worker-{n}.log").open("wb")
        command = [sys.executable, "-m", "erpsync", "worker", "--name", f"test{n}-{os.getpid()}"]
        procs.append(subprocess.Popen(command, env=environment, stdout=log, stderr=log))
    yield procs
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _resync(database: Database, runner: Runner, admin: User, connection_id: int) -> SyncRun:
    read, started = start_run(database, runner, admin, connection_id, resync="erp")
    assert started
    return _finished(database, read.id)


def test_celery_workers_give_the_crm_state_of_the_embedded_runner(
    sqlite_database: Database,
    keys: connections.Keys,
    settings: Settings,
    worker_settings: Settings,
    workers: list[subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    embedded, admin = _prepare(sqlite_database, keys, tmp_path / "erp-a")
    inline = InlineRunner(JobEnv(sqlite_database, keys, settings))
    expected = _resync(sqlite_database, inline, admin, embedded.connection_id)
    assert expected.state == "succeeded", expected.error

    database = create_database(worker_settings.sqlalchemy_url)
    migrate.upgrade(database.engine)
    env, admin_b = _prepare(database, keys, tmp_path / "erp-b")
    runner = CeleryRunner(worker_settings)
    try:
        run = _resync(database, runner, admin_b, env.connection_id)
        assert run.state == "succeeded", run.error
        assert run.counts == expected.counts
        assert run.counts["created"] >= CUSTOMERS
        assert _crm_state(database) == _crm_state(sqlite_database)

        # Two simultaneous "Sync now", and the job delivered twice: one run, executed once.
        with env.erp() as erp:
            erp.set(ActorType.CUSTOMER, "10007", {"phone": "+46 8 celery"})
        barrier = threading.Barrier(2)
        answers: list[tuple[int, bool]] = []

        def sync_now() -> None:
            barrier.wait()
            read, started = start_run(database, runner, admin_b, env.connection_id)
            answers.append((read.id, started))

        threads = [threading.Thread(target=sync_now) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(started for _, started in answers) == [False, True]
        [run_id] = {run_id for run_id, _ in answers}
        runner.submit(SYNC_RUN, {"run_id": run_id})
        second = _finished(database, run_id)
        assert second.state == "succeeded", second.error
        assert second.counts["updated"] == 1
        time.sleep(1.0)  # the duplicate delivery has been taken and skipped meanwhile
        with database.read_session() as session:
            kinds = session.scalars(select(SyncRun.kind).order_by(SyncRun.id)).all()
            changes = session.scalars(
                select(SyncLogEntry).where(SyncLogEntry.new_value == "+46 8 celery")
            ).all()
        assert kinds == ["resync_erp", "sync"]
        assert [(c.erp_key, c.field, c.run_id) for c in changes] == [("10007", "phone", run_id)]
    finally:
        runner.shutdown()
        database.engine.dispose()
