"""Fault injection (R-SYNC-6, R-SDK-6): the real demo connector behind a proxy that fails
10 % of calls as `transient` and hands back 1 % of records malformed. All good records
arrive both ways, the bad ones are dead letters with reasons, and retrying them once the
fault is gone clears the queue."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from sqlalchemy import func, select

from erpsync.connections.models import Connection
from erpsync.connectors.demo.connector import DemoConnector
from erpsync.connectors.demo.seed import init_database
from erpsync.crm import service as crm
from erpsync.crm.models import Company
from erpsync.crm.schemas import CompanyUpdate
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, ActorType, Category, ChangeBatch, SaveResult
from erpsync.sync import deadletters, engine, runs
from erpsync.sync.context import utc_now
from erpsync.sync.engine import RunResult
from erpsync.sync.models import DeadLetter, SyncRun
from erpsync.sync.retry import NO_WAIT
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv

CUSTOMERS = 2000
FAIL_RATE = 0.10


def bad(key: str) -> bool:
    """1 % of the actors: the proxy hands them back with a number in a Text field."""
    return int(key) % 100 == 7


class FaultyDemo(DemoConnector):
    """The demo ERP with a flaky network and a few records its export gets wrong."""

    def __init__(self) -> None:
        super().__init__()
        self.rng = random.Random(8)
        self.failures = 0

    def _flaky(self, call: str) -> None:
        if self.rng.random() < FAIL_RATE:
            self.failures += 1
            raise ConnectorError(Category.TRANSIENT, f"The ERP did not answer {call} in time.")

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        self._flaky("changes")
        for batch in super().changes(actor_type, cursor, field_keys):
            for actor in batch.actors:
                if bad(actor.key):
                    actor.values["name"] = 404  # type: ignore[assignment]
            yield batch
            self._flaky("changes")

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        self._flaky("get_actors")
        return super().get_actors(actor_type, keys, field_keys)

    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        self._flaky("save")
        return super().save(actors)


def _faulty_run(env: SyncEnv, proxy: FaultyDemo) -> RunResult:
    def host(key: str, timeout: float) -> ConnectorHost:
        return ConnectorHost(proxy, timeout=timeout)

    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        run_id = runs.request(session, connection, utc_now()).run.id
    return engine.execute(env.database, env.keys, run_id, backoff=NO_WAIT, host_factory=host)


def _retry_dead_letters(env: SyncEnv) -> RunResult:
    """What `Retry all` does, with the fault removed: the real connector."""
    with env.database.read_session() as session:
        ids = deadletters.chosen(session, env.connection_id, None)
        connection = session.get(Connection, env.connection_id)
    since = utc_now()
    with env.database.session() as session:
        assert connection is not None
        connection = session.merge(connection)
        run_id = runs.request(session, connection, since, retry=ids).run.id
    retried = deadletters.prepare(env.database, env.keys, run_id)
    result = engine.execute(env.database, env.keys, run_id, backoff=NO_WAIT)
    assert result.state == "succeeded", result.error
    deadletters.settle(env.database, retried, since)
    return result


def _open_letters(env: SyncEnv) -> list[DeadLetter]:
    with env.database.read_session() as session:
        return list(session.scalars(select(DeadLetter).where(DeadLetter.resolved_at.is_(None))))


def test_flaky_calls_and_bad_records_lose_nothing_and_retrying_clears_the_queue(
    env: SyncEnv,
) -> None:
    env.erp_path.unlink()
    init_database(env.erp_path, customers=CUSTOMERS, suppliers=0, partners=0, products=0)
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    proxy = FaultyDemo()
    first = _faulty_run(env, proxy)
    assert first.state == "succeeded", first.error
    assert proxy.failures > 0
    bad_keys = sorted(str(n) for n in range(10001, 10001 + CUSTOMERS) if bad(str(n)))
    assert first.counts["created"] == CUSTOMERS - len(bad_keys)
    letters = _open_letters(env)
    assert sorted(letter.record_key for letter in letters) == bad_keys
    assert all("name" in letter.reason and letter.category == "data" for letter in letters)

    good = sorted(env.links())[:60]  # CRM → ERP through the same faults
    with env.database.session() as session:
        for key in good:
            crm.update_company(session, env.links()[key].crm_id, CompanyUpdate(phone=f"+1 {key}"))
    pushed = _faulty_run(env, proxy)
    assert pushed.state == "succeeded", pushed.error
    with env.erp() as erp:
        for key in good:
            actor = erp.show(ActorType.CUSTOMER, key)
            assert actor is not None and actor.values["phone"] == f"+1 {key}"

    _retry_dead_letters(env)
    assert _open_letters(env) == []
    with env.database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Company)) == CUSTOMERS
        runs_done = session.scalars(select(SyncRun.kind).order_by(SyncRun.id)).all()
    assert sorted(env.links()) == sorted(str(n) for n in range(10001, 10001 + CUSTOMERS))
    assert runs_done[-1] == "retry"
