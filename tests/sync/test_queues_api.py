"""Conflict queue, dead letters, health and metrics over the API (R-SYNC-5, R-SYNC-6,
R-SEM-9): what an administrator does with what the engine could not decide."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from erpsync.connections.models import Connection
from erpsync.crm import service as crm
from erpsync.crm.models import ListItem
from erpsync.crm.schemas import CompanyUpdate
from erpsync.mapping.models import ListItemMapping, ListMapping
from erpsync.sdk.model import ActorType
from erpsync.sync.models import SyncRun
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv
from tests.sync.test_runs_and_errors import _map_countries_except


def _finished(client: TestClient, run_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run: dict[str, Any] = client.get(f"/api/v1/runs/{run_id}").json()
        if run["state"] not in ("queued", "running"):
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


def _sync(client: TestClient, env: SyncEnv) -> dict[str, Any]:
    started = client.post(f"/api/v1/connections/{env.connection_id}/sync")
    assert started.status_code == 202, started.text
    return _finished(client, started.json()["id"])


def _set_crm(env: SyncEnv, key: str, **values: Any) -> None:
    with env.database.session() as session:
        crm.update_company(session, env.links()[key].crm_id, CompanyUpdate(**values))


def test_a_manual_conflict_waits_and_a_typed_value_reaches_both_sides(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True, policy="manual")
    base = f"/api/v1/connections/{env.connection_id}"
    assert _sync(admin_client, env)["state"] == "succeeded"
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10003", {"phone": "+46 erp"})
        erp.set(ActorType.CUSTOMER, "10004", {"email": "erp@x.se"})
    _set_crm(env, "10003", phone="+46 crm")
    _set_crm(env, "10004", email="crm@x.se")
    assert _sync(admin_client, env)["counts"]["conflicts"] == 2
    listed = admin_client.get(f"{base}/conflicts").json()
    assert listed["total"] == 2
    by_key = {item["erp_key"]: item for item in listed["items"]}
    phone = by_key["10003"]
    assert (phone["field"], phone["crm_field"]) == ("phone", "phone")
    assert (phone["erp_value"], phone["crm_value"]) == ("+46 erp", "+46 crm")

    bad = admin_client.post(f"{base}/conflicts/{phone['id']}/resolve", json={"choice": "both"})
    assert bad.status_code == 422 and "choice" in bad.text
    resolved = admin_client.post(
        f"{base}/conflicts/{phone['id']}/resolve", json={"choice": "value", "value": "+46 typed"}
    )
    assert resolved.status_code == 200, resolved.text
    again = admin_client.post(f"{base}/conflicts/{phone['id']}/resolve", json={"choice": "erp"})
    assert again.status_code == 409
    email = by_key["10004"]
    assert (
        admin_client.post(
            f"{base}/conflicts/{email['id']}/resolve", json={"choice": "erp"}
        ).status_code
        == 200
    )
    assert env.company("10003").phone == "+46 typed"
    assert env.company("10004").email == "erp@x.se"
    env.saves.clear()
    assert _sync(admin_client, env)["state"] == "succeeded"
    with env.erp() as erp:
        assert erp.show(ActorType.CUSTOMER, "10003").values["phone"] == "+46 typed"  # type: ignore[union-attr]
        assert erp.show(ActorType.CUSTOMER, "10004").values["email"] == "erp@x.se"  # type: ignore[union-attr]
    assert admin_client.get(f"{base}/conflicts").json()["total"] == 0
    log = admin_client.get(f"{base}/log", params={"action": "resolved"}).json()
    assert {(e["erp_key"], e["new_value"]) for e in log["items"]} == {
        ("10003", "+46 typed"),
        ("10004", "erp@x.se"),
    }


def test_a_typed_value_the_crm_refuses_is_a_422_naming_the_value(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True, policy="manual")
    base = f"/api/v1/connections/{env.connection_id}"
    _sync(admin_client, env)
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10005", {"email": "erp@x.se"})
    _set_crm(env, "10005", email="crm@x.se")
    _sync(admin_client, env)
    [item] = admin_client.get(f"{base}/conflicts").json()["items"]
    answer = admin_client.post(
        f"{base}/conflicts/{item['id']}/resolve", json={"choice": "value", "value": "not mail"}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "value"
    assert env.company("10005").email == "crm@x.se"  # nothing half-written
    assert admin_client.get(f"{base}/conflicts").json()["total"] == 1


def _map_norway(env: SyncEnv) -> None:
    with env.erp() as erp:
        [(erp_item,)] = erp.db.execute(
            "SELECT id FROM list_item WHERE list_name = 'countries' AND code = 'NO'"
        ).fetchall()
    with env.database.session() as session:
        mapping = session.scalar(
            select(ListMapping).where(ListMapping.connection_id == env.connection_id)
        )
        crm_item = session.scalar(
            select(ListItem.id).where(ListItem.list_name == "country", ListItem.code == "NO")
        )
        assert mapping is not None and crm_item is not None
        mapping.items.append(ListItemMapping(erp_item=str(erp_item), crm_item_id=crm_item))


def test_dead_letters_are_retried_after_the_cause_is_fixed(
    env: SyncEnv, admin_client: TestClient
) -> None:
    _map_countries_except(env, "NO")
    env.map("Customer", [*CUSTOMER_FIELDS, ("country", "country", "to_crm")], create=True)
    base = f"/api/v1/connections/{env.connection_id}"
    with env.erp() as erp:
        for key in ("10004", "10010"):
            erp.set(ActorType.CUSTOMER, key, erp.parse(ActorType.CUSTOMER, ["country=NO"]))
    assert _sync(admin_client, env)["counts"]["dead_letters"] == 2
    listed = admin_client.get(f"{base}/dead-letters", params={"q": "country"}).json()
    assert listed["total"] == 2 and {d["record_key"] for d in listed["items"]} == {
        "10004",
        "10010",
    }
    assert admin_client.get(f"{base}/health").json()["state"] == "failing"
    first = listed["items"][0]
    not_open = admin_client.post(f"{base}/dead-letters/retry", json={"ids": [first["id"] + 999]})
    assert not_open.status_code == 404

    still_bad = admin_client.post(f"{base}/dead-letters/retry", json={"ids": [first["id"]]})
    assert still_bad.status_code == 202
    assert _finished(admin_client, still_bad.json()["id"])["kind"] == "retry"
    again = admin_client.get(f"{base}/dead-letters").json()["items"]
    assert len(again) == 2 and max(d["attempts"] for d in again) == 2

    _map_norway(env)  # the cause fixed
    retry = admin_client.post(f"{base}/dead-letters/retry", json={})
    assert _finished(admin_client, retry.json()["id"])["state"] == "succeeded"
    assert admin_client.get(f"{base}/dead-letters").json()["total"] == 0
    assert env.company("10004").country.code == "NO"  # type: ignore[union-attr]
    assert admin_client.get(f"{base}/health").json()["state"] == "ok"


def test_dead_letters_can_be_discarded(env: SyncEnv, admin_client: TestClient) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    base = f"/api/v1/connections/{env.connection_id}"
    _sync(admin_client, env)
    _set_crm(env, "10002", phone="+46 " + "1" * 50)  # the ERP's phone holds 30 characters
    assert _sync(admin_client, env)["counts"]["dead_letters"] == 1
    [dead] = admin_client.get(f"{base}/dead-letters").json()["items"]
    assert dead["stream"] == "crm:company" and "phone" in dead["reason"]
    answer = admin_client.post(f"{base}/dead-letters/discard", json={"ids": [dead["id"]]})
    assert answer.json() == {"discarded": 1}
    assert admin_client.get(f"{base}/dead-letters").json()["total"] == 0
    assert admin_client.post(f"{base}/dead-letters/retry", json={}).status_code == 404


def test_a_crm_dead_letter_is_sent_again_on_retry(env: SyncEnv, admin_client: TestClient) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    base = f"/api/v1/connections/{env.connection_id}"
    _sync(admin_client, env)
    _set_crm(env, "10002", phone="+46 " + "1" * 50)
    _sync(admin_client, env)
    _set_crm(env, "10002", phone="+46 short")
    retry = admin_client.post(f"{base}/dead-letters/retry", json={})
    assert _finished(admin_client, retry.json()["id"])["state"] == "succeeded"
    assert admin_client.get(f"{base}/dead-letters").json()["total"] == 0
    with env.erp() as erp:
        assert erp.show(ActorType.CUSTOMER, "10002").values["phone"] == "+46 short"  # type: ignore[union-attr]


def test_health_is_paused_lagging_or_ok_and_resume_clears_a_pause(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    base = f"/api/v1/connections/{env.connection_id}"
    _sync(admin_client, env)
    assert admin_client.get(f"{base}/health").json()["state"] == "ok"
    with env.database.session() as session:
        for run in session.scalars(select(SyncRun)):
            assert run.started_at is not None
            run.started_at -= timedelta(minutes=16)
    lagging = admin_client.get(f"{base}/health").json()
    assert lagging["state"] == "lagging" and lagging["lag_seconds"] > 900
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.paused_reason = "The connection now reaches a different ERP database."
    paused = admin_client.get(f"{base}/health").json()
    assert paused["state"] == "paused" and "different ERP" in paused["reason"]
    refused = admin_client.post(f"{base}/sync")
    assert refused.status_code == 400 and "paused" in refused.json()["detail"]
    assert admin_client.post(f"{base}/resume").json()["state"] == "lagging"
    assert _sync(admin_client, env)["state"] == "succeeded"
    assert admin_client.get(f"{base}/health").json()["state"] == "ok"


def test_metrics_show_runs_records_dead_letters_and_lag_per_connection(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    _sync(admin_client, env)
    _set_crm(env, "10002", phone="+46 " + "1" * 50)
    _sync(admin_client, env)
    text = admin_client.get("/metrics").text
    labels = f'connection="Demo ERP",connection_id="{env.connection_id}"'
    assert f'erpsync_sync_runs_total{{{labels},state="succeeded"}} 2.0' in text
    assert f'erpsync_sync_records_total{{{labels},count="created"}} 12.0' in text
    assert f"erpsync_dead_letters{{{labels}}} 1.0" in text
    assert f"erpsync_connection_lag_seconds{{{labels}}}" in text
    assert f'erpsync_connection_health{{{labels},state="failing"}} 1.0' in text
    with env.database.read_session() as session:
        assert len(session.scalars(select(SyncRun)).all()) == 2
