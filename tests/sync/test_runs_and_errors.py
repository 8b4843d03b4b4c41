"""Runs: ERP identity, errors by category, dry run, one run per connection
(R-SEM-4, R-SYNC-6, R-SYNC-8, R-SYNC-10)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from erpsync.connections.models import Connection, ConnectionValue
from erpsync.crm import service as crm
from erpsync.crm.models import Company
from erpsync.crm.schemas import CompanyUpdate
from erpsync.db.positions import current_position
from erpsync.errors import ConfigError
from erpsync.sdk.errors import transient_error
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorType, ChangeBatch
from erpsync.sync import engine, journal, runs
from erpsync.sync.models import DeadLetter, Link, SyncCursor, SyncLogEntry, SyncRun
from erpsync.sync.retry import Backoff
from tests.list_mappings import map_countries_by_code
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv, new_erp


def test_pointing_the_connection_at_another_erp_pauses_it_and_changes_nothing(
    env: SyncEnv, tmp_path: Path
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    links = {key: (link.crm_id, link.state) for key, link in env.links().items()}
    other = new_erp(tmp_path / "other", customers=15)
    with env.database.session() as session:
        value = session.get(ConnectionValue, (env.connection_id, "database"))
        assert value is not None
        value.value = json.dumps(str(other))
        identity = session.get(Connection, env.connection_id).erp_instance_id  # type: ignore[union-attr]
    result = env.run()
    assert result.state == "failed" and result.error and result.error.startswith("config:")
    with env.database.read_session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        assert connection.paused_reason and "different ERP" in connection.paused_reason
        assert connection.erp_instance_id == identity
    assert {key: (link.crm_id, link.state) for key, link in env.links().items()} == links
    with env.database.session() as session, pytest.raises(ConfigError, match="paused"):
        runs.request(session, session.get(Connection, env.connection_id), engine.utc_now())  # type: ignore[arg-type]


def _map_countries_except(env: SyncEnv, missing: str) -> None:
    """Country list mapping by code, leaving one country out."""
    map_countries_by_code(env.database, env.erp_path, env.connection_id, missing)


def test_a_record_with_bad_data_becomes_a_dead_letter_while_the_rest_arrives(
    env: SyncEnv,
) -> None:
    _map_countries_except(env, "NO")
    env.map("Customer", [*CUSTOMER_FIELDS, ("country", "country", "to_crm")], create=True)
    norwegian = {"10004", "10010"}
    with env.erp() as erp:
        for key in norwegian:
            erp.set(ActorType.CUSTOMER, key, erp.parse(ActorType.CUSTOMER, ["country=NO"]))
    result = env.run()
    assert result.state == "succeeded", result.error
    with env.database.read_session() as session:
        dead = session.scalars(select(DeadLetter)).all()
    assert {d.record_key for d in dead} == norwegian
    assert all("country" in d.reason and d.stream == "erp:Customer" for d in dead)
    assert set(env.links()) == {str(n) for n in range(10001, 10013)} - norwegian
    assert result.counts["dead_letters"] == len(norwegian)
    assert result.counts["created"] == 12 - len(norwegian)
    assert env.company("10001").country.code == "SE"  # type: ignore[union-attr]


def test_a_crm_value_the_erp_refuses_becomes_a_dead_letter(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    with env.database.session() as session:
        too_long = "+46 " + "1" * 50  # the ERP's phone holds 30 characters
        crm.update_company(session, env.links()["10002"].crm_id, CompanyUpdate(phone=too_long))
        crm.update_company(session, env.links()["10003"].crm_id, CompanyUpdate(phone="+46 1"))
    result = env.run()
    assert result.state == "succeeded", result.error
    assert [actor.key for actor in env.saves] == ["10003"]
    with env.database.read_session() as session:
        [dead] = session.scalars(select(DeadLetter)).all()
    assert dead.stream == "crm:company" and dead.record_key == str(env.links()["10002"].crm_id)


def test_a_dry_run_reports_the_plan_and_writes_nothing(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10007", {"phone": "+46 plan"})
    with env.database.session() as session:
        crm.update_company(session, env.links()["10008"].crm_id, CompanyUpdate(email="p@x.se"))
    with env.database.read_session() as session:
        position = current_position(session)
        cursors = session.execute(select(SyncCursor.stream, SyncCursor.position)).all()
    entries = len(env.log())
    plan = env.run(dry_run=True)
    assert plan.state == "succeeded", plan.error
    planned = {(p["action"], p["erp_key"], p["field"], p["new_value"]) for p in plan.plan}
    assert ("to_crm", "10007", "phone", "+46 plan") in planned
    assert ("to_erp", "10008", "email", "p@x.se") in planned
    assert env.saves == [] and len(env.log()) == entries
    assert env.company("10007").phone != "+46 plan"
    with env.database.read_session() as session:
        assert current_position(session) == position
        assert session.execute(select(SyncCursor.stream, SyncCursor.position)).all() == cursors
        run = session.get(SyncRun, plan.run_id)
        assert run is not None and run.dry_run and len(run.progress["plan"]) == len(plan.plan)
    real = env.run()  # the same plan, applied
    assert {(e.action, e.erp_key, e.field, e.new_value) for e in env.log(run_id=real.run_id)} == (
        planned
    )


def test_a_second_sync_now_returns_the_running_run(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        first = runs.request(session, connection, engine.utc_now())
        first_id = first.run.id
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        second = runs.request(session, connection, engine.utc_now())  # type: ignore[arg-type]
        assert not second.started and second.run.id == first_id
    assert env.count(SyncRun) == 1
    result = engine.execute(env.database, env.keys, first_id, host_factory=env.host)
    assert result.state == "succeeded"
    assert env.run().state == "succeeded"  # the lease was released


def test_a_run_whose_lease_was_taken_over_cannot_commit(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        run_id = runs.request(session, connection, engine.utc_now()).run.id  # type: ignore[arg-type]
        session.execute(journal.CURSORS.delete())
        # Another worker took over (the lease expired): the token moved on.
        session.execute(
            runs.lease.LEASES.update().values(token=runs.lease.LEASES.c.token + 1, holder="run:x")
        )
    result = engine.execute(env.database, env.keys, run_id, host_factory=env.host)
    assert result.state == "failed" and "took over" in (result.error or "")
    assert env.count(Company) == 0 and env.count(Link) == 0


class _Flaky:
    """The real demo host whose change stream fails transiently a few times."""

    def __init__(self, env: SyncEnv, failures: int) -> None:
        self.env = env
        self.failures = failures

    def __call__(self, key: str, timeout: float) -> ConnectorHost:
        host = self.env.host(key, timeout)
        original: Callable[..., Iterator[ChangeBatch]] = host.changes

        def changes(*args: object) -> Iterator[ChangeBatch]:
            if self.failures > 0:
                self.failures -= 1
                raise transient_error("The demo ERP is busy; try again.")
            return original(*args)

        host.changes = changes  # type: ignore[method-assign]
        return host


def _run_with(env: SyncEnv, factory: _Flaky, sleeps: list[float]) -> engine.RunResult:
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        run_id = runs.request(session, connection, engine.utc_now()).run.id  # type: ignore[arg-type]
    backoff = Backoff(attempts=4, base=1.0, sleep=sleeps.append)
    return engine.execute(env.database, env.keys, run_id, backoff=backoff, host_factory=factory)


def test_transient_failures_are_retried_with_growing_back_off(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    sleeps: list[float] = []
    result = _run_with(env, _Flaky(env, failures=3), sleeps)
    assert result.state == "succeeded", result.error
    assert len(sleeps) == 3 and all(0 <= s <= 2**i for i, s in enumerate(sleeps))
    assert len(env.links()) == 12


def test_transient_failures_beyond_the_bound_fail_the_run_without_pausing(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    sleeps: list[float] = []
    result = _run_with(env, _Flaky(env, failures=10), sleeps)
    assert result.state == "failed" and (result.error or "").startswith("transient:")
    assert len(sleeps) == 3
    with env.database.read_session() as session:
        assert session.get(Connection, env.connection_id).paused_reason is None  # type: ignore[union-attr]


def test_the_log_is_searchable_and_paged(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10009", {"phone": "+46 searchable"})
    env.run()
    with env.database.read_session() as session:
        total, rows = runs.log_page(session, env.connection_id, "searchable", 10, 0)
        assert total == 1 and rows[0].field == "phone"
        total, rows = runs.log_page(session, env.connection_id, None, 5, 5)
        assert total == 13 and len(rows) == 5
        assert all(isinstance(r, SyncLogEntry) for r in rows)
