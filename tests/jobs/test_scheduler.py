"""The job interface and the scheduler: due runs per connection interval, never two runs
of one connection, nothing for connections that are off or paused (R-SYNC-1, R-SYNC-10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from erpsync.connections.models import Connection
from erpsync.errors import NotFound
from erpsync.jobs.registry import JobEnv, known, run_job
from erpsync.jobs.runners import EmbeddedRunner, InlineRunner
from erpsync.jobs.scheduler import due, tick
from erpsync.settings import Settings
from erpsync.sync.context import utc_now
from erpsync.sync.models import SyncRun
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def _env(env: SyncEnv, settings: Settings) -> JobEnv:
    return JobEnv(env.database, env.keys, settings)


def _runs(env: SyncEnv) -> list[SyncRun]:
    with env.database.read_session() as session:
        return list(session.scalars(select(SyncRun).order_by(SyncRun.id)))


def test_the_scheduler_starts_a_run_once_per_interval(env: SyncEnv, settings: Settings) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    runner = InlineRunner(_env(env, settings))
    now = utc_now()
    [first] = tick(env.database, runner, now)
    assert runner.results[0]["state"] == "succeeded"
    assert runner.results[0]["counts"]["created"] == 12
    assert tick(env.database, runner, now + timedelta(seconds=299)) == []
    later = tick(env.database, runner, now + timedelta(seconds=300))
    assert len(later) == 1 and later[0] != first
    assert [run.kind for run in _runs(env)] == ["sync", "sync"]


def test_the_interval_is_per_connection(env: SyncEnv, settings: Settings) -> None:
    with env.database.session() as session:
        session.get(Connection, env.connection_id).sync_interval = 60  # type: ignore[union-attr]
    runner = InlineRunner(_env(env, settings))
    now = utc_now()
    tick(env.database, runner, now)
    assert due(env.database, now + timedelta(seconds=59)) == []
    assert due(env.database, now + timedelta(seconds=60)) == [env.connection_id]


def test_nothing_is_scheduled_for_a_connection_that_is_off_or_paused(
    env: SyncEnv, settings: Settings
) -> None:
    runner = InlineRunner(_env(env, settings))
    with env.database.session() as session:
        session.get(Connection, env.connection_id).sync_enabled = False  # type: ignore[union-attr]
    assert tick(env.database, runner, utc_now()) == []
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.sync_enabled, connection.paused_reason = True, "The ERP changed."
    assert tick(env.database, runner, utc_now()) == []
    assert _runs(env) == []


def test_a_tick_while_a_run_goes_starts_no_second_run(env: SyncEnv, settings: Settings) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    held: list[tuple[str, dict[str, object]]] = []

    class Holding:  # a runner whose workers are all busy: the job waits in the queue
        def submit(self, name: str, args: dict[str, object]) -> None:
            held.append((name, args))

        def shutdown(self, wait: bool = True) -> None:
            return None

    now = utc_now()
    assert len(tick(env.database, Holding(), now)) == 1
    assert tick(env.database, Holding(), now + timedelta(seconds=301)) == []
    assert len(held) == 1 and len(_runs(env)) == 1
    runner = InlineRunner(_env(env, settings))
    runner.submit(*held[0])
    assert runner.results[0]["state"] == "succeeded"


def test_the_embedded_runner_runs_jobs_on_its_threads(env: SyncEnv, settings: Settings) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    runner = EmbeddedRunner(_env(env, settings))
    [run_id] = tick(env.database, runner, utc_now())
    runner.shutdown(wait=True)
    with env.database.read_session() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None and run.state == "succeeded" and run.counts["created"] == 12


def test_a_delivered_twice_job_does_not_run_a_finished_run_again(
    env: SyncEnv, settings: Settings
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    runner = InlineRunner(_env(env, settings))
    [run_id] = tick(env.database, runner, utc_now())
    again = run_job(_env(env, settings), "sync.run", {"run_id": run_id})
    assert again == {"run_id": run_id, "state": "succeeded", "skipped": True}


def test_an_unknown_job_names_the_known_ones(env: SyncEnv, settings: Settings) -> None:
    assert "sync.run" in known()
    with pytest.raises(NotFound, match=r"known: .*sync\.run"):
        run_job(_env(env, settings), "sync.nothing", {})
