"""A person whose parent company changes in the ERP moves to that company's CRM record
at the next run, logged `moved` (R-SEM-1, R-SYNC-9); the old company keeps nothing of it."""

from __future__ import annotations

from erpsync.connectors.demo import writes
from erpsync.connectors.demo.fields import SPECS
from erpsync.connectors.demo.schema import write
from erpsync.crm.models import Person
from erpsync.sdk import ActorRef, ActorType
from tests.sync.conftest import CUSTOMER_FIELDS, PERSON_FIELDS, SyncEnv


def test_a_person_whose_company_changes_in_the_erp_moves_in_the_crm(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.map("Person", PERSON_FIELDS, create=True)
    first = env.run()
    assert first.state == "succeeded", first.error
    persons = [link for link in env.links("Person").values() if link.parent_type == "Customer"]
    assert persons, "the demo ERP has persons under customers"
    person = persons[0]
    customers = env.links("Customer")
    new_parent = next(key for key in sorted(customers) if key != person.parent_key)
    with env.erp() as erp, write(erp.db):
        changed, _ = writes.update(
            erp.db,
            SPECS[ActorType.PERSON],
            person.erp_key,
            {},
            ActorRef(ActorType.CUSTOMER, new_parent),
        )
    assert changed
    result = env.run()
    assert result.state == "succeeded", result.error
    with env.database.read_session() as session:
        moved = session.get(Person, person.crm_id)
        assert moved is not None
        assert moved.company_id == customers[new_parent].crm_id
        assert moved.company_id != customers[person.parent_key or ""].crm_id
    link = env.links("Person")[person.erp_key]
    assert (link.state, link.parent_key) == ("active", new_parent)
    entries = [e for e in env.log(action="moved") if e.run_id == result.run_id]
    assert [(e.erp_key, e.new_value) for e in entries] == [
        (person.erp_key, str(customers[new_parent].crm_id))
    ]
    assert env.saves == []  # the move came from the ERP: nothing goes back
