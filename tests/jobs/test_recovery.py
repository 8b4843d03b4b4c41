"""Sync runs survive restarts and crashes (R-SYNC-10): a run queued when the server stopped
runs once the server is back; a queued run nobody picked up and a running one whose
process was killed are enqueued again by the scheduler, once, after their lease ran out.
On SQLite and PostgreSQL, with real processes; lease expiry comes from clocks moved on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from erpsync.connections.models import Connection
from erpsync.jobs.import_jobs import IMPORT_RUN
from erpsync.jobs.recovery import recover
from erpsync.jobs.registry import JobEnv
from erpsync.jobs.runners import InlineRunner
from erpsync.jobs.scheduler import tick
from erpsync.jobs.sync_jobs import SYNC_RUN
from erpsync.settings import Settings
from erpsync.sync import runs
from erpsync.sync.context import utc_now
from erpsync.sync.models import SyncRun
from tests.cli.test_connectors_cli import free_port
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv

ROOT = Path(__file__).resolve().parents[2]


def _request(env: SyncEnv) -> int:
    """Sync now as the server takes it: the run queued, holding the lease."""
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        requested = runs.request(session, connection, utc_now())
        assert requested.started
        return requested.run.id


def _runs(env: SyncEnv) -> list[SyncRun]:
    with env.database.read_session() as session:
        return list(session.scalars(select(SyncRun).order_by(SyncRun.id)))


def test_a_queued_run_survives_a_server_restart(env: SyncEnv, settings: Settings) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    run_id = _request(env)  # the server stopped before its runner took the run
    url = env.database.engine.url.render_as_string(hide_password=False)
    environ = {**os.environ, "ERPSYNC_DATABASE_URL": url,
               "ERPSYNC_DATA_DIR": str(settings.data_dir), "ERPSYNC_LOG_LEVEL": "INFO"}  # fmt: skip
    command = [sys.executable, "-m", "erpsync", "serve", "--port", str(free_port())]
    server = subprocess.Popen(
        command, cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            if _runs(env)[0].state in ("succeeded", "failed"):
                break
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            output = server.communicate(timeout=20)[0].decode()
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0].decode()

    [run] = _runs(env)  # the same run, not a new one
    assert run.id == run_id and run.state == "succeeded", (run.error, output[-3000:])
    assert run.counts["created"] == 12
    assert len(env.links()) == 12
    assert f"re-enqueued sync.run run_id={run_id}" in output


def test_a_queued_run_nobody_picked_up_is_enqueued_again_once(
    env: SyncEnv, settings: Settings
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    with env.database.session() as session:  # no scheduled run due in this test
        session.get(Connection, env.connection_id).sync_interval = 3600  # type: ignore[union-attr]
    run_id = _request(env)  # enqueued to a queue that lost it
    runner = InlineRunner(JobEnv(env.database, env.keys, settings))
    assert recover(env.database, runner, utc_now() + timedelta(minutes=9)) == {
        SYNC_RUN: [], IMPORT_RUN: []
    }  # fmt: skip
    assert runner.results == []  # it may still wait for a busy worker

    tick(env.database, runner, utc_now() + timedelta(minutes=11))
    assert [r["run_id"] for r in runner.results] == [run_id]
    [run] = _runs(env)
    assert run.state == "succeeded" and run.counts["created"] == 12
    # The same job delivered again does nothing: the claim holds.
    runner.submit(SYNC_RUN, {"run_id": run_id})
    assert runner.results[-1]["skipped"] is True and len(env.links()) == 12


def test_a_killed_run_is_replaced_by_the_scheduler_and_resumes(
    env: SyncEnv, settings: Settings
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    url = env.database.engine.url.render_as_string(hide_password=False)
    environ = {**os.environ, "ERPSYNC_TEST_KILL_AT": "after_read_batch"}
    command = [sys.executable, "-m", "tests.sync.crash_worker", url, str(settings.data_dir),
               str(env.connection_id), "0"]  # fmt: skip
    killed = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    [dead] = _runs(env)
    assert dead.state == "running"
    runner = InlineRunner(JobEnv(env.database, env.keys, settings))

    assert recover(env.database, runner, utc_now() + timedelta(seconds=30))[SYNC_RUN] == []
    later = utc_now() + timedelta(seconds=66)
    found = recover(env.database, runner, later)[SYNC_RUN]
    assert len(found) == 1 and found[0] != dead.id
    assert runner.results[0]["state"] == "succeeded"
    dead_now, replacement = _runs(env)
    assert dead_now.state == "failed" and "stopped renewing its lease" in (dead_now.error or "")
    assert replacement.id == found[0] and replacement.state == "succeeded"
    assert len(env.links()) == 12
    # Once per lost run: the next look finds nothing.
    assert recover(env.database, runner, later + timedelta(seconds=1))[SYNC_RUN] == []
    assert len(_runs(env)) == 2
