"""ERP → CRM through the real engine and the demo ERP (R-SYNC-1, R-SYNC-2, R-SEM-1, R-SEM-2,
R-MAP-8, R-SYNC-7, R-SYNC-9)."""

from __future__ import annotations

from sqlalchemy import select

from erpsync.crm.demo import load_demo_crm
from erpsync.crm.models import Company, Person
from erpsync.db.positions import current_position
from erpsync.sdk.model import ActorType
from erpsync.sync import runs
from erpsync.sync.models import LINK_DELETED_IN_ERP, LINK_WAITING_PARENT, SyncLogEntry
from tests.sync.conftest import CUSTOMER_FIELDS, PERSON_FIELDS, SyncEnv


def test_create_policy_creates_companies_with_links_and_one_created_entry_each(
    env: SyncEnv,
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    result = env.run()
    assert result.state == "succeeded", result.error
    assert result.counts["created"] == 12 and result.counts["read"] == 12
    assert env.count(Company) == 12 and len(env.links()) == 12
    company = env.company("10001")
    with env.erp() as erp:
        actor = erp.show(ActorType.CUSTOMER, "10001")
    assert actor is not None
    assert (company.name, company.number, company.phone) == (
        actor.values["name"],
        "10001",
        actor.values["phone"],
    )
    created = env.log(action="created")
    assert len(created) == 12 and not env.log(action="to_crm")  # one entry per record


def test_matching_by_number_links_existing_crm_companies_instead_of_duplicating(
    env: SyncEnv,
) -> None:
    with env.database.session() as session:
        load_demo_crm(session)
    before = env.count(Company)
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    result = env.run()
    assert result.state == "succeeded", result.error
    assert result.counts["created"] == 0
    assert env.count(Company) == before
    with env.database.read_session() as session:
        numbers = dict(session.execute(select(Company.id, Company.number)).all())
    assert {key: numbers[link.crm_id] for key, link in env.links().items()} == {
        str(n): str(n) for n in range(10001, 10013)
    }


def test_an_erp_change_reaches_the_crm_logged_field_by_field(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    old_phone = env.company("10003").phone
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10003", {"phone": "+46 8 123 45", "city": "Visby"})
    result = env.run()
    assert result.counts["read"] == 1 and result.counts["updated"] == 1
    company = env.company("10003")
    assert (company.phone, company.city) == ("+46 8 123 45", "Visby")
    entries = {e.field: e for e in env.log(action="to_crm")}
    assert set(entries) == {"phone", "city"}
    assert (entries["phone"].old_value, entries["phone"].new_value) == (old_phone, "+46 8 123 45")
    assert entries["phone"].erp_key == "10003" and entries["phone"].run_id == result.run_id
    assert env.saves == []  # nothing went back to the ERP (echo suppression)


def test_a_run_without_changes_reads_no_actor(env: SyncEnv) -> None:
    """R-SYNC-2: cost grows with changes: the stored cursor means nothing to read."""
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    result = env.run()
    assert result.state == "succeeded"
    assert result.counts["read"] == 0 and env.saves == []


def test_a_replayed_read_writes_nothing(env: SyncEnv) -> None:
    """R-SEM-2: every value equals its shadow, so re-reading all changes nothing."""
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    with env.database.session() as session:
        runs.reset(session, env.connection_id, "erp:Customer")
    with env.database.read_session() as session:
        position = current_position(session)
    entries = len(env.log())
    result = env.run()
    assert result.counts["read"] == 12 and result.counts["unchanged"] == 12
    assert result.counts["updated"] == result.counts["created"] == 0
    with env.database.read_session() as session:
        assert current_position(session) == position  # no CRM record written
    assert len(env.log()) == entries and env.saves == []


def test_an_actor_deleted_in_the_erp_marks_the_link_and_keeps_the_crm_record(
    env: SyncEnv,
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    with env.erp() as erp:
        erp.delete(ActorType.CUSTOMER, "10005")
    result = env.run()
    assert result.counts["deleted"] == 1
    assert env.links()["10005"].state == LINK_DELETED_IN_ERP
    company = env.company("10005")
    assert company.deleted_at is None and company.active
    assert [e.erp_key for e in env.log(action="deleted")] == ["10005"]


def test_persons_go_under_their_company_and_wait_for_a_parent_not_linked_yet(
    env: SyncEnv,
) -> None:
    """R-SEM-1: a person whose company is not linked waits; the parent's arrival ends it."""
    env.map("Person", PERSON_FIELDS, create=True)
    env.map("Customer", CUSTOMER_FIELDS, create=False)  # no company is linked yet
    first = env.run()
    assert first.state == "succeeded", first.error
    waiting = env.links("Person")
    assert waiting and {link.state for link in waiting.values()} == {LINK_WAITING_PARENT}
    assert env.links("Customer") == {}  # the customers were ignored
    env.map_create("Customer")
    second = env.run(resync="erp")
    assert second.state == "succeeded", second.error
    persons = env.links("Person")
    companies = {link.erp_key: link.crm_id for link in env.links("Customer").values()}
    with env.database.read_session() as session:
        for link in persons.values():
            person = session.get(Person, link.crm_id)
            assert person is not None
            if link.parent_type == "Customer":
                assert link.state == "active"
                assert person.company_id == companies[link.parent_key or ""]
            else:  # suppliers and partners are not mapped: still waiting
                assert link.state == LINK_WAITING_PARENT and person.company_id is None
    assert env.log(action="moved")


def test_log_rows_name_the_run(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    result = env.run()
    with env.database.read_session() as session:
        run_ids = set(session.scalars(select(SyncLogEntry.run_id)))
    assert run_ids == {result.run_id}
