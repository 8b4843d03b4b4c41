"""Short leases with a heartbeat (R-SYNC-10): a run killed for real frees its connection
once its short lease runs out, a live run waiting on a slow ERP keeps it, and a run whose
lease was taken over commits nothing (fencing). On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from erpsync.connections.models import Connection
from erpsync.connectors.demo.connector import DemoConnector
from erpsync.crm.models import Company
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorType, ChangeBatch
from erpsync.settings import Settings
from erpsync.sync import engine, lease, runs
from erpsync.sync.context import utc_now
from erpsync.sync.engine import RunResult
from erpsync.sync.models import Lease, SyncRun
from erpsync.sync.retry import NO_WAIT
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv

ROOT = Path(__file__).resolve().parents[2]
SLOW_TTL = timedelta(seconds=1)


class SlowDemo(DemoConnector):
    """The demo ERP answering its change stream only after `delay` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.waiting = threading.Event()

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        self.waiting.set()
        time.sleep(self.delay)
        yield from super().changes(actor_type, cursor, field_keys)


def _request(env: SyncEnv, seconds_ahead: float = 0) -> runs.Requested:
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        requested = runs.request(session, connection, utc_now() + timedelta(seconds=seconds_ahead))
        session.flush()
        session.expunge(requested.run)
        return requested


def _run(env: SyncEnv, run_id: int) -> SyncRun:
    with env.database.read_session() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        return run


def _companies(env: SyncEnv) -> int:
    with env.database.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(Company)) or 0)


def _slow_run(env: SyncEnv, run_id: int, connector: SlowDemo, out: list[RunResult]) -> None:
    def host(key: str, timeout: float) -> ConnectorHost:
        return ConnectorHost(connector, timeout=timeout)

    out.append(
        engine.execute(
            env.database,
            env.keys,
            run_id,
            backoff=NO_WAIT,
            host_factory=host,
            lease_ttl=SLOW_TTL,
        )
    )


def test_a_killed_run_frees_its_connection_once_its_short_lease_ran_out(
    env: SyncEnv, settings: Settings
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    assert Settings().sync_lease_seconds == 60 == lease.RUN_TTL.total_seconds()
    url = env.database.engine.url.render_as_string(hide_password=False)
    environ = {**os.environ, "ERPSYNC_TEST_KILL_AT": "after_read_batch"}
    command = [sys.executable, "-m", "tests.sync.crash_worker", url, str(settings.data_dir)]
    killed = subprocess.run(
        [*command, str(env.connection_id), "0"], cwd=ROOT, env=environ, capture_output=True
    )
    assert killed.returncode < 0, killed.stderr.decode()[-2000:]  # SIGKILL, mid-run
    with env.database.read_session() as session:
        [dead] = session.scalars(select(SyncRun))
        assert dead.state == "running"

    # Half a lease later the dead run still holds the connection ...
    waiting = _request(env, seconds_ahead=30)
    assert not waiting.started and waiting.run.id == dead.id
    # ... one short lease later (not ten minutes) the next run takes over and finishes.
    taken = _request(env, seconds_ahead=66)
    assert taken.started
    assert _run(env, dead.id).state == "failed"
    assert "stopped renewing its lease" in (_run(env, dead.id).error or "")
    result = engine.execute(
        env.database,
        env.keys,
        taken.run.id,
        backoff=NO_WAIT,
        clock=lambda: utc_now() + timedelta(seconds=66),
    )
    assert result.state == "succeeded", result.error
    assert _companies(env) == 12


def test_a_live_run_waiting_on_a_slow_erp_keeps_its_lease(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    first = _request(env)
    connector, out = SlowDemo(delay=2.5), []
    worker = threading.Thread(target=_slow_run, args=(env, first.run.id, connector, out))
    worker.start()
    assert connector.waiting.wait(30)
    time.sleep(3 * SLOW_TTL.total_seconds() / 2)  # longer than the lease: only beats keep it
    second = _request(env)
    assert not second.started and second.run.id == first.run.id  # not taken over
    worker.join(60)
    assert out[0].state == "succeeded", out[0].error
    assert _companies(env) == 12
    with env.database.read_session() as session:
        held = session.get(Lease, env.connection_id)
        assert held is not None and held.holder is None  # released at the end
    assert _request(env).started


def test_a_run_whose_lease_was_taken_over_while_it_waited_commits_nothing(
    env: SyncEnv,
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    first = _request(env)
    connector, out = SlowDemo(delay=1.5), []
    worker = threading.Thread(target=_slow_run, args=(env, first.run.id, connector, out))
    worker.start()
    assert connector.waiting.wait(30)
    # Another scheduler whose clock runs ahead sees the lease expired and takes over.
    taken = _request(env, seconds_ahead=600)
    assert taken.started and taken.run.id != first.run.id
    worker.join(60)
    assert out[0].state == "failed"
    assert "Another run took over" in (out[0].error or "")
    assert _companies(env) == 0  # the fenced run wrote nothing
