"""The sync API: Sync now on the embedded runner, runs, the log (R-SYNC-1, R-SYNC-9, R-UI-1)."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from erpsync.sdk.model import ActorType
from tests.conftest import USER_PASSWORD, make_user, signed_in
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def _finished(client: TestClient, run_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run: dict[str, Any] = client.get(f"/api/v1/runs/{run_id}").json()
        if run["state"] not in ("queued", "running"):
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


def test_sync_now_runs_in_the_background_and_the_log_shows_the_change(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    base = f"/api/v1/connections/{env.connection_id}"
    started = admin_client.post(f"{base}/sync")
    assert started.status_code == 202, started.text
    first = _finished(admin_client, started.json()["id"])
    assert first["state"] == "succeeded" and first["counts"]["created"] == 12
    assert first["duration_s"] is not None
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10011", {"phone": "+46 api"})
    second = _finished(admin_client, admin_client.post(f"{base}/sync").json()["id"])
    assert second["counts"]["updated"] == 1
    log = admin_client.get(f"{base}/log", params={"q": "+46 api"}).json()
    assert log["total"] == 1
    [entry] = log["items"]
    assert (entry["action"], entry["erp_key"], entry["field"]) == ("to_crm", "10011", "phone")
    listed = admin_client.get(f"{base}/runs").json()
    assert [run["id"] for run in listed] == [second["id"], first["id"]]


def test_a_dry_run_over_the_api_returns_its_plan(env: SyncEnv, admin_client: TestClient) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    base = f"/api/v1/connections/{env.connection_id}"
    started = admin_client.post(f"{base}/sync", params={"dry_run": "true"})
    run = _finished(admin_client, started.json()["id"])
    assert run["dry_run"] and run["state"] == "succeeded"
    assert len([p for p in run["progress"]["plan"] if p["action"] == "created"]) == 12
    assert admin_client.get(f"{base}/log").json()["total"] == 0


def test_only_administrators_start_runs(env: SyncEnv, admin_client: TestClient) -> None:
    make_user(env.database, "sales", USER_PASSWORD)
    client = TestClient(admin_client.app)
    signed_in(client, "sales", USER_PASSWORD)
    base = f"/api/v1/connections/{env.connection_id}"
    assert client.post(f"{base}/sync").status_code == 403
    assert client.get(f"{base}/runs").status_code == 200
    assert client.get("/api/v1/connections/999/runs").status_code == 404
    assert admin_client.post(f"{base}/sync", params={"resync": "both"}).status_code == 422
