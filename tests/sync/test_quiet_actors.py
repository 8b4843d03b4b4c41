"""A linked actor whose values all equal its shadow is `unchanged` without reading its CRM
record (R-SEM-2, `erp_plan.FieldPlan.quiet`). What that shortcut must not lose: a field
mapped after the first sync still reaches the CRM on a resync, and a CRM change of such
an actor still goes to the ERP in the same run."""

from __future__ import annotations

from erpsync.crm import service
from erpsync.crm.schemas import CompanyUpdate
from erpsync.sdk.model import ActorType
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def _erp_value(env: SyncEnv, key: str, field: str) -> object:
    with env.erp() as erp:
        actor = erp.show(ActorType.CUSTOMER, key)
    assert actor is not None
    return actor.values[field]


def test_a_field_mapped_after_the_first_sync_reaches_the_crm_on_a_resync(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    assert env.run().state == "succeeded"
    assert env.company("10003").zip is None
    env.map("Customer", [("zip", "zip", "to_crm")], create=True)
    result = env.run(resync="erp")
    assert result.state == "succeeded", result.error
    assert result.counts["updated"] == 12 and result.counts.get("unchanged", 0) == 0
    zip_code = _erp_value(env, "10003", "zip")
    assert zip_code and env.company("10003").zip == zip_code


def test_a_crm_change_of_an_actor_equal_to_its_shadow_goes_to_the_erp(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    assert env.run().state == "succeeded"
    crm_id = env.links()["10003"].crm_id
    with env.database.session() as session:
        service.update_company(session, crm_id, CompanyUpdate(phone="+46 70 000 00 00"))
    result = env.run(resync="erp")  # every ERP actor is read again, all equal to their shadows
    assert result.state == "succeeded", result.error
    assert result.counts["unchanged"] == 12 and result.counts["saved"] == 1
    assert _erp_value(env, "10003", "phone") == "+46 70 000 00 00"
    assert env.company("10003").phone == "+46 70 000 00 00"
