"""ERP deletions per connection policy (R-SYNC-7): flag the link, unlink, or deactivate the
CRM record — never delete it — from a cursor connector's deleted actors and from a
`snapshot` connector's complete read, where a missing actor is a deleted one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from erpsync.connections.models import Connection
from erpsync.connectors.demo.connector import DemoConnector
from erpsync.crm.models import Company
from erpsync.errors import ValidationError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorType, ChangeBatch, ChangeTracking
from erpsync.sync import engine, policies, runs
from erpsync.sync.engine import RunResult
from erpsync.sync.models import SyncPolicy
from erpsync.sync.retry import NO_WAIT
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


class SnapshotDemo(DemoConnector):
    """The demo ERP read the way a file export is: every live actor on every read."""

    change_tracking = ChangeTracking.SNAPSHOT

    def cursor_order(self, cursor: str) -> None:
        return None  # a snapshot has no order

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        batches = list(super().changes(actor_type, None, field_keys))
        live = [actor for batch in batches for actor in batch.actors if not actor.deleted]
        size = max(1, self.batch_size)
        chunks = [live[i : i + size] for i in range(0, len(live), size)] or [[]]
        for index, chunk in enumerate(chunks):
            yield ChangeBatch(chunk, "snapshot", index == len(chunks) - 1)


def _delete(env: SyncEnv, *keys: str) -> None:
    with env.erp() as erp:
        for key in keys:
            assert erp.delete(ActorType.CUSTOMER, key)


def _policy(env: SyncEnv, policy: str) -> None:
    with env.database.session() as session:
        policies.set_delete_policy(session, env.connection_id, policy)


@pytest.mark.parametrize(
    ("policy", "state", "active", "actions"),
    [
        ("flag", "deleted_in_erp", True, ["deleted"]),
        ("unlink", "unlinked", True, ["deleted", "unlinked"]),
        ("deactivate", "deleted_in_erp", False, ["deleted", "deactivated"]),
    ],
)
def test_a_deleted_actor_follows_the_connection_delete_policy(
    env: SyncEnv, policy: str, state: str, active: bool, actions: list[str]
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    _policy(env, policy)
    env.run()
    company_id = env.links()["10005"].crm_id
    _delete(env, "10005")
    result = env.run()
    assert result.state == "succeeded", result.error
    link = env.links()["10005"]
    assert link.state == state and link.crm_id == company_id
    assert (link.unlinked_at is not None) == (state == "unlinked")
    with env.database.read_session() as session:
        company = session.get(Company, company_id)
        assert company is not None
    assert company.deleted_at is None and company.active is active  # never deleted
    assert [e.action for e in env.log(erp_key="10005") if e.action != "created"] == actions
    assert sum(1 for link in env.links().values() if link.state == state) == 1
    assert env.run().counts.get("deleted", 0) == 0  # a replay changes nothing


def _run_snapshot(env: SyncEnv) -> RunResult:
    def host(key: str, timeout: float) -> ConnectorHost:
        return ConnectorHost(SnapshotDemo(), timeout=timeout)

    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        run_id = runs.request(session, connection, engine.utc_now()).run.id
    return engine.execute(env.database, env.keys, run_id, backoff=NO_WAIT, host_factory=host)


def test_an_actor_missing_from_a_complete_snapshot_read_is_deleted(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    first = _run_snapshot(env)
    assert first.state == "succeeded", first.error
    assert first.counts["created"] == 12
    _delete(env, "10003", "10007")
    second = _run_snapshot(env)
    assert second.counts["deleted"] == 2 and second.counts["updated"] == 0
    states = {key: link.state for key, link in env.links().items()}
    assert {key for key, state in states.items() if state == "deleted_in_erp"} == {
        "10003",
        "10007",
    }
    assert sum(state == "active" for state in states.values()) == 10
    third = _run_snapshot(env)  # read everything again: nothing more is deleted
    assert third.counts.get("deleted", 0) == 0 and third.counts["unchanged"] == 10


def test_an_unknown_delete_policy_is_refused_naming_the_choices(env: SyncEnv) -> None:
    with pytest.raises(ValidationError) as caught, env.database.session() as session:
        policies.set_delete_policy(session, env.connection_id, "erase")
    assert caught.value.field == "delete_policy" and "flag, unlink, deactivate" in str(caught.value)
    assert env.count(SyncPolicy) == 0
