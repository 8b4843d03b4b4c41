"""The scheduled sync log purge (R-SYNC-9): the scheduler enqueues `sync.purge` at its
first tick and then once a day, and the purge keeps what
`ERPSYNC_SYNC_LOG_RETENTION_DAYS` says (0: everything)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from erpsync.connections.models import Connection
from erpsync.jobs.purge_jobs import SYNC_PURGE, DailyPurge
from erpsync.jobs.registry import JobEnv, run_job
from erpsync.jobs.runners import InlineRunner
from erpsync.jobs.scheduler import SchedulerThread
from erpsync.settings import Settings
from erpsync.sync.context import utc_now
from erpsync.sync.models import SyncLogEntry
from tests.sync.conftest import SyncEnv


def _log(env: SyncEnv, *ages: int) -> None:
    """One sync log entry per age in days, its field named after the age."""
    now = utc_now()
    rows = [
        {
            "connection_id": env.connection_id,
            "logged_at": now - timedelta(days=age),
            "action": "to_crm",
            "erp_key": "10001",
            "field": f"d{age}",
        }
        for age in ages
    ]
    with env.database.session() as session:
        session.execute(insert(SyncLogEntry), rows)


def _kept(env: SyncEnv) -> list[str]:
    with env.database.read_session() as session:
        return sorted(str(f) for f in session.scalars(select(SyncLogEntry.field)))


def _runner(env: SyncEnv, settings: Settings, days: int) -> InlineRunner:
    tuned = settings.model_copy(update={"sync_log_retention_days": days})
    return InlineRunner(JobEnv(env.database, env.keys, tuned))


def test_the_scheduler_enqueues_the_purge_at_once_and_then_once_a_day(
    env: SyncEnv, settings: Settings
) -> None:
    _log(env, 200, 100, 1)
    runner = _runner(env, settings, 90)
    daily, now = DailyPurge(), utc_now()
    assert daily.tick(runner, now) is True
    assert runner.results == [{"days": 90, "deleted": 2}]
    assert _kept(env) == ["d1"]
    assert daily.tick(runner, now + timedelta(hours=23, minutes=59)) is False
    assert daily.tick(runner, now + timedelta(days=1)) is True
    assert daily.tick(runner, now + timedelta(days=1, hours=1)) is False
    assert len(runner.results) == 2


def test_the_scheduler_thread_runs_the_purge_besides_the_due_runs(
    env: SyncEnv, settings: Settings
) -> None:
    _log(env, 120, 3)
    with env.database.session() as session:  # no sync runs: only the purge is due
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.sync_enabled = False
    runner = _runner(env, settings, 90)
    thread = SchedulerThread(env.database, runner, period=0.05).start()
    try:
        deadline = time.monotonic() + 10
        while not runner.results and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # more ticks: the purge is not enqueued again the same day
    finally:
        thread.stop()
    assert runner.results == [{"days": 90, "deleted": 1}]
    assert _kept(env) == ["d3"]


def test_the_purge_keeps_what_the_retention_setting_says(env: SyncEnv, settings: Settings) -> None:
    assert Settings().sync_log_retention_days == 90  # the default
    _log(env, 400, 100, 40, 10)
    assert run_job(_runner(env, settings, 0).env, SYNC_PURGE, {})["deleted"] == 0
    assert _kept(env) == ["d10", "d100", "d40", "d400"]  # 0 keeps the log forever
    assert run_job(_runner(env, settings, 90).env, SYNC_PURGE, {})["deleted"] == 2
    assert _kept(env) == ["d10", "d40"]
    assert run_job(_runner(env, settings, 30).env, SYNC_PURGE, {})["deleted"] == 1
    assert _kept(env) == ["d10"]


def test_the_retention_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERPSYNC_SYNC_LOG_RETENTION_DAYS", "14")
    assert Settings().sync_log_retention_days == 14
    monkeypatch.setenv("ERPSYNC_SYNC_LOG_RETENTION_DAYS", "-1")
    with pytest.raises(ValueError, match="sync_log_retention_days"):
        Settings()
