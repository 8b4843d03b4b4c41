"""CRM → ERP, echo suppression and conflicts through the real engine and the demo ERP
(R-SYNC-1, R-SYNC-2, R-SYNC-4, R-SYNC-5, R-SEM-2)."""

from __future__ import annotations

from sqlalchemy import select

from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyUpdate
from erpsync.sdk.model import ActorType
from erpsync.sync.models import Conflict
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def _set_crm(env: SyncEnv, erp_key: str, **values: str) -> None:
    company_id = env.links()[erp_key].crm_id
    with env.database.session() as session:
        crm.update_company(session, company_id, CompanyUpdate(**values))  # type: ignore[arg-type]


def _erp_value(env: SyncEnv, key: str, field: str) -> object:
    with env.erp() as erp:
        actor = erp.show(ActorType.CUSTOMER, key)
    assert actor is not None
    return actor.values[field]


def test_a_crm_change_reaches_the_erp_after_which_nothing_is_left_to_do(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    _set_crm(env, "10002", phone="+46 31 000 11", email="hello@example.com")
    result = env.run()
    assert result.state == "succeeded", result.error
    assert _erp_value(env, "10002", "phone") == "+46 31 000 11"
    assert _erp_value(env, "10002", "email") == "hello@example.com"
    assert [actor.key for actor in env.saves] == ["10002"]  # one save, both fields
    assert {e.field for e in env.log(action="to_erp")} == {"phone", "email"}
    env.saves.clear()
    again = env.run()  # the ERP reports our own save back: equal to the shadow
    assert again.counts["updated"] == 0 and env.saves == []
    assert env.run().counts["read"] == 0


def test_values_written_to_the_crm_are_not_sent_back(env: SyncEnv) -> None:
    """Echo suppression (R-SYNC-4) follows from the shadow: count the ERP saves."""
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10004", {"phone": "+47 22 33 44"})
    env.run()
    assert env.company("10004").phone == "+47 22 33 44"
    env.run()
    env.run(resync="crm")  # even re-reading every CRM record finds nothing to send
    assert env.saves == []


def test_to_crm_fields_are_never_written_to_the_erp(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    _set_crm(env, "10002", city="Nowhere")
    env.run()
    assert env.saves == [] and _erp_value(env, "10002", "city") != "Nowhere"


def _both_changed(env: SyncEnv, policy: str) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True, policy=policy)
    env.run()
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10006", {"phone": "+1 erp"})
    _set_crm(env, "10006", phone="+1 crm")
    result = env.run()
    assert result.state == "succeeded", result.error
    assert result.counts["conflicts"] == 1


def test_a_conflict_with_erp_wins_writes_the_erp_value_to_the_crm(env: SyncEnv) -> None:
    _both_changed(env, "erp_wins")
    assert env.company("10006").phone == "+1 erp"
    assert _erp_value(env, "10006", "phone") == "+1 erp"
    [conflict] = env.log(action="conflict")
    assert (conflict.old_value, conflict.new_value) == ("+1 crm", "+1 erp")
    assert env.saves == []


def test_a_conflict_with_crm_wins_writes_the_crm_value_to_the_erp(env: SyncEnv) -> None:
    _both_changed(env, "crm_wins")
    assert env.company("10006").phone == "+1 crm"
    assert _erp_value(env, "10006", "phone") == "+1 crm"
    assert len(env.log(action="conflict")) == 1
    assert [e.new_value for e in env.log(action="to_erp")] == ["+1 crm"]


def test_a_manual_conflict_waits_in_the_queue_and_writes_nothing(env: SyncEnv) -> None:
    _both_changed(env, "manual")
    assert env.company("10006").phone == "+1 crm"
    assert _erp_value(env, "10006", "phone") == "+1 erp"
    with env.database.read_session() as session:
        [conflict] = session.scalars(select(Conflict)).all()
    assert (conflict.field, conflict.erp_value, conflict.crm_value) == ("phone", "+1 erp", "+1 crm")
    assert conflict.link_id == env.links()["10006"].id and conflict.resolved_at is None
    again = env.run(resync="erp")
    assert again.counts["conflicts"] == 0  # still the same open conflict, nothing new
    assert env.count(Conflict) == 1 and env.saves == []
