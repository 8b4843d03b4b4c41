"""Priority between connections (R-MAP-6): two active connections write the same CRM
field of the same company; priority 1 wins and the other's write is logged `overridden`."""

from __future__ import annotations

from pathlib import Path

from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate
from erpsync.crm.models import Company
from erpsync.sdk.model import ActorType
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv, new_erp


def _second(env: SyncEnv, directory: Path) -> SyncEnv:
    """Another ERP with the same customers (same seed), through a connection of priority 2."""
    path = new_erp(directory)
    with env.database.session() as session:
        data = ConnectionCreate(name="Second ERP", connector="demo", config={"database": str(path)})
        result, connection = connections.create_tested(session, env.keys, env.admin, data)
        assert connection is not None, result.message
        connection.sync_enabled, connection.active, connection.priority = True, True, 2
        first = session.get(Connection, env.connection_id)
        assert first is not None
        first.active, first.priority = True, 1
        second_id = connection.id
    return SyncEnv(env.database, env.keys, env.admin, path, second_id)


def _phone(env: SyncEnv, crm_id: int) -> str | None:
    with env.database.read_session() as session:
        company = session.get(Company, crm_id)
        assert company is not None
        return company.phone


def test_priority_one_wins_and_the_other_write_is_logged_overridden(
    env: SyncEnv, tmp_path: Path
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    second = _second(env, tmp_path / "second")
    second.map("Customer", CUSTOMER_FIELDS, create=True)
    assert second.run().counts["created"] == 0  # matched by number: the same companies
    crm_id = env.links()["10004"].crm_id
    assert second.links()["10004"].crm_id == crm_id

    with second.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10004", {"phone": "+2 second"})
    result = second.run()
    assert result.state == "succeeded", result.error
    assert _phone(env, crm_id) != "+2 second"
    (overridden,) = second.log(action="overridden")
    assert (overridden.erp_key, overridden.field, overridden.new_value) == (
        "10004",
        "phone",
        "+2 second",
    )
    assert env.log(action="overridden") == []

    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10004", {"phone": "+1 first"})
    env.run()
    assert _phone(env, crm_id) == "+1 first"
    second.run()  # the winner's value reaches the second ERP (`both`), not the other way
    assert _phone(env, crm_id) == "+1 first"
    with second.erp() as erp:
        actor = erp.show(ActorType.CUSTOMER, "10004")
    assert actor is not None and actor.values["phone"] == "+1 first"
    assert len(second.log(action="overridden")) == 1  # reported once, not every run


def test_records_only_the_lower_connection_links_take_its_values(
    env: SyncEnv, tmp_path: Path
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    second = _second(env, tmp_path / "second")
    second.map("Customer", CUSTOMER_FIELDS, create=True)
    with second.erp() as erp:
        new = erp.insert(ActorType.CUSTOMER, {"name": "Only Second AB", "phone": "+2 only"})
    second.run()
    assert _phone(env, second.links()[new.key].crm_id) == "+2 only"
    assert second.log(action="overridden") == []
