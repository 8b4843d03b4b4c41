"""ERP → CRM creates the CRM cannot hold become dead letters, not a failed run
(R-SYNC-6, R-MAP-8, R-NF-2): each such actor is quarantined with a reason naming the
record and the field, the rest of the batch arrives, nothing of it is half-written, and
retrying the dead letter after the fix creates the record."""

from __future__ import annotations

from sqlalchemy import select

from erpsync.connections.models import Connection
from erpsync.crm.models import Company, Person
from erpsync.mapping.models import FieldMapping
from erpsync.sdk.model import ActorType
from erpsync.sync import deadletters, engine, runs
from erpsync.sync.engine import RunResult
from erpsync.sync.models import DeadLetter, Link
from erpsync.sync.retry import NO_WAIT
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv

CUSTOMERS = {str(n) for n in range(10001, 10013)}


def _dead(env: SyncEnv) -> dict[str, str]:
    with env.database.read_session() as session:
        letters = session.scalars(select(DeadLetter).where(DeadLetter.resolved_at.is_(None)))
        return {letter.record_key: letter.reason for letter in letters}


def _retry_all(env: SyncEnv) -> RunResult:
    """Retry every open dead letter, as the Dead letters page does."""
    since = engine.utc_now()
    with env.database.session() as session:
        letters = deadletters.chosen(session, env.connection_id, None)
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        run_id = runs.request(session, connection, since, retry=letters).run.id
    retried = deadletters.prepare(env.database, env.keys, run_id)
    result = engine.execute(env.database, env.keys, run_id, backoff=NO_WAIT)
    deadletters.settle(env.database, retried, since)
    return result


def test_customers_without_a_mapped_name_are_dead_letters_until_the_mapping_names_one(
    env: SyncEnv,
) -> None:
    env.map("Customer", [f for f in CUSTOMER_FIELDS if f[1] != "name"], create=True)
    result = env.run()
    assert result.state == "succeeded", result.error
    assert result.counts["created"] == 0 and result.counts["dead_letters"] == 12
    assert result.counts["read"] == 12 and result.counts["failed"] == 12
    dead = _dead(env)
    assert set(dead) == CUSTOMERS
    assert dead["10001"] == (
        "Customer 10001: the CRM company needs a name; map an ERP field to name "
        "(direction to_crm or both), then retry this dead letter"
    )
    assert env.count(Company) == 0 and env.links() == {}  # nothing half-written
    assert env.log(action="created") == []
    with env.database.session() as session:  # the administrator maps the name
        session.add(
            FieldMapping(
                connection_id=env.connection_id,
                actor_type="Customer",
                erp_field="name",
                crm_field="name",
                direction="to_crm",
                conflict_policy="erp_wins",
                rank=9,
            )
        )
    retry = _retry_all(env)
    assert retry.state == "succeeded", retry.error
    assert set(env.links()) == CUSTOMERS and env.count(Company) == 12
    assert _dead(env) == {}
    with env.erp() as erp:
        actor = erp.show(ActorType.CUSTOMER, "10001")
    assert actor is not None and env.company("10001").name == actor.values["name"]


def test_an_empty_or_too_long_value_quarantines_that_customer_and_the_rest_arrives(
    env: SyncEnv,
) -> None:
    env.map("Customer", [*CUSTOMER_FIELDS, ("notes", "street", "to_crm")], create=True)
    with env.erp() as erp:
        erp.db.execute("UPDATE company SET name = '' WHERE number = '10003'")
        erp.db.execute("UPDATE company SET notes = ? WHERE number = '10007'", ("x" * 201,))
        erp.db.commit()
    result = env.run()
    assert result.state == "succeeded", result.error
    assert result.counts["created"] == 10 and result.counts["dead_letters"] == 2
    dead = _dead(env)
    assert set(dead) == {"10003", "10007"}
    assert dead["10003"] == (
        "Customer 10003: the CRM company needs a name, but the ERP field 'name' is empty; "
        "fill it in the ERP, then retry"
    )
    assert "street" in dead["10007"] and "200" in dead["10007"]
    assert set(env.links()) == CUSTOMERS - {"10003", "10007"} and env.count(Company) == 10
    with env.erp() as erp:  # fixed in the ERP
        erp.db.execute("UPDATE company SET name = 'Named Later AB' WHERE number = '10003'")
        erp.db.execute("UPDATE company SET notes = 'Short' WHERE number = '10007'")
        erp.db.commit()
    retry = _retry_all(env)
    assert retry.state == "succeeded", retry.error
    assert _dead(env) == {}
    assert env.company("10003").name == "Named Later AB"
    assert env.company("10007").street == "Short"


def test_persons_without_any_name_are_dead_letters_naming_the_fields(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.map("Person", [("email", "email", "to_crm")], create=True)
    result = env.run()
    assert result.state == "succeeded", result.error
    persons = {letter for letter in _dead(env).items()}
    assert persons and result.counts["dead_letters"] == len(persons)
    key, reason = sorted(persons)[0]
    assert reason == (
        f"Person {key}: the CRM person needs a first name or last name; map an ERP field "
        "to first_name or last_name (direction to_crm or both), then retry this dead letter"
    )
    assert env.count(Person) == 0
    with env.database.read_session() as session:
        assert session.scalars(select(Link).where(Link.actor_type == "Person")).all() == []
    assert len(env.links()) == 12  # the customers arrived
