"""A run's counts add up per direction (R-SYNC-9): what the ERP → CRM pass read is
created, updated, unchanged, deleted or failed; what the CRM → ERP pass read is saved,
unchanged, unlinked or failed; ERP writes are never counted as CRM updates."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyUpdate
from erpsync.sdk.model import ActorType
from erpsync.sync.counts import DESCRIPTIONS, adds_up
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def _set_crm(env: SyncEnv, erp_key: str, **values: Any) -> None:
    with env.database.session() as session:
        crm.update_company(session, env.links()[erp_key].crm_id, CompanyUpdate(**values))


def _shown(counts: dict[str, int]) -> dict[str, int]:
    return {key: value for key, value in counts.items() if value}


def test_a_first_sync_counts_what_it_read_once(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    first = env.run()
    assert first.state == "succeeded", first.error
    assert _shown(first.counts) == {"read": 12, "created": 12}
    again = env.run(resync="erp")
    assert _shown(again.counts) == {"read": 12, "unchanged": 12}
    assert adds_up(first.counts) and adds_up(again.counts)


def test_erp_saves_are_counted_apart_from_crm_updates(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    _set_crm(env, "10002", phone="+46 31 000 11")
    _set_crm(env, "10003", email="three@example.com")
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10004", {"city": "Kiruna"})
    result = env.run()
    assert result.state == "succeeded", result.error
    # 10004 read from the ERP and updated in the CRM; its new CRM position is read back
    # by the CRM → ERP pass with nothing to send.
    assert _shown(result.counts) == {
        "read": 1,
        "updated": 1,
        "crm_read": 3,
        "saved": 2,
        "crm_unchanged": 1,
    }
    assert adds_up(result.counts)
    assert sorted(actor.key for actor in env.saves) == ["10002", "10003"]


def test_a_resync_from_the_crm_reads_every_linked_record_and_sends_nothing(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    result = env.run(resync="crm")
    assert _shown(result.counts) == {"crm_read": 12, "crm_unchanged": 12}


def test_refused_and_deleted_records_are_counted_in_their_direction(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    _set_crm(env, "10002", phone="+46 " + "1" * 50)  # the ERP's phone holds 30 characters
    _set_crm(env, "10003", phone="+46 1")
    with env.database.session() as session:
        crm.delete_company(session, env.links()["10005"].crm_id)
    with env.erp() as erp:
        erp.delete(ActorType.CUSTOMER, "10006")
    result = env.run()
    assert result.state == "succeeded", result.error
    assert _shown(result.counts) == {
        "read": 1,
        "deleted": 1,
        "crm_read": 3,
        "saved": 1,
        "crm_failed": 1,
        "unlinked": 1,
        "dead_letters": 1,
    }
    assert adds_up(result.counts)


def test_a_dry_run_counts_what_it_would_do(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    _set_crm(env, "10002", phone="+46 plan")
    plan = env.run(dry_run=True)
    assert _shown(plan.counts) == {"crm_read": 1, "saved": 1}
    assert env.saves == []


def test_every_count_a_run_shows_is_described(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    with env.erp() as erp:
        erp.delete(ActorType.CUSTOMER, "10006")
    _set_crm(env, "10002", phone="+46 " + "1" * 50)
    result = env.run()
    assert set(result.counts) <= set(DESCRIPTIONS)


def test_the_api_shows_the_counts_and_describes_them(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    _set_crm(env, "10002", phone="+46 31 000 22")
    run_id = env.run().run_id
    shown = admin_client.get(f"/api/v1/runs/{run_id}").json()["counts"]
    assert _shown(shown) == {"crm_read": 1, "saved": 1} and adds_up(shown)
    schema = admin_client.get("/api/v1/openapi.json").json()["components"]["schemas"]["SyncRunRead"]
    described = schema["properties"]["counts"]["description"]
    assert all(f"`{key}`" in described for key in DESCRIPTIONS)
