"""The sync pages (R-SYNC-1, R-SYNC-5, R-SYNC-6, R-SYNC-9, R-SEM-9, R-UI-2): the Sync screen's
buttons, health and banner, the runs, the sync log with its filters, the conflict queue
and the dead letters, in English and Swedish, through the real app."""

from __future__ import annotations

import json
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from erpsync.connections.models import Connection, ConnectionValue
from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyUpdate
from erpsync.sdk.model import ActorType
from erpsync.sync.models import Conflict, DeadLetter, SyncRun
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv, new_erp


def _csrf(client: TestClient) -> dict[str, str]:
    return {"csrf_token": client.headers["X-CSRF-Token"]}


def _post(client: TestClient, path: str, **form: str) -> str:
    """Post a page form; returns the flash text of the page it leads to."""
    answer = client.post(path, data={**_csrf(client), **form}, follow_redirects=True)
    assert answer.status_code == 200, answer.text
    return answer.text


def _wait(env: SyncEnv) -> list[SyncRun]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with env.database.read_session() as session:
            found = list(session.scalars(select(SyncRun).order_by(SyncRun.id)))
        if found and all(run.state not in ("queued", "running") for run in found):
            return found
        time.sleep(0.05)
    raise AssertionError("runs did not finish")


def _set_crm(env: SyncEnv, key: str, **values: str) -> None:
    with env.database.session() as session:
        crm.update_company(session, env.links()[key].crm_id, CompanyUpdate(**values))


def test_sync_now_from_the_sync_screen_and_the_change_in_the_log(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    screen = admin_client.get("/sync").text
    assert f'action="/sync/connections/{env.connection_id}/sync-now"' in screen
    assert "Resync all from ERP" in screen and "never" in screen
    page = _post(admin_client, f"/sync/connections/{env.connection_id}/sync-now")
    [run] = _wait(env)
    assert f"Run {run.id} started." in page
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10008", {"city": "Visby"})
    _post(admin_client, f"/sync/connections/{env.connection_id}/sync-now")
    second = _wait(env)[-1]
    screen = admin_client.get("/sync").text
    assert 'data-health="ok"' in screen and "succeeded" in screen
    base = f"/sync/connections/{env.connection_id}"
    runs_page = admin_client.get(f"{base}/runs").text
    assert f'data-run-id="{second.id}"' in runs_page and "updated 1" in runs_page
    log = admin_client.get(f"{base}/log", params={"run": second.id}).text
    assert "Visby" in log and "10008" in log and "city" in log
    assert "Visby" not in admin_client.get(f"{base}/log", params={"action": "to_erp"}).text
    assert "Visby" in admin_client.get(f"{base}/log", params={"record": "10008"}).text
    assert "Visby" in admin_client.get(f"{base}/log", params={"q": "visby"}).text
    paged = admin_client.get(f"{base}/log", params={"action": "created"}).text
    assert "1–12 of 12" in paged


def test_sync_off_and_on_and_a_resync_from_the_crm(env: SyncEnv, admin_client: TestClient) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    base = f"/sync/connections/{env.connection_id}"
    off = _post(admin_client, f"{base}/sync-enabled", enabled="")
    assert "Sync of Demo ERP is off." in off
    refused = _post(admin_client, f"{base}/sync-now")
    assert "Sync is off" in refused
    with env.database.read_session() as session:
        assert session.get(Connection, env.connection_id).sync_enabled is False  # type: ignore[union-attr]
        assert session.scalars(select(SyncRun)).all() == []
    _post(admin_client, f"{base}/sync-enabled", enabled="on")
    bad_side = _post(admin_client, f"{base}/resync", side="both")
    assert "Choose to resync from the ERP or from the CRM." in bad_side
    _post(admin_client, f"{base}/resync", side="crm")
    [run] = _wait(env)
    assert run.kind == "resync_crm"


def test_a_page_form_without_the_csrf_token_is_refused(
    env: SyncEnv, admin_client: TestClient
) -> None:
    answer = admin_client.post(f"/sync/connections/{env.connection_id}/sync-now", data={})
    assert answer.status_code == 403
    with env.database.read_session() as session:
        assert session.scalars(select(SyncRun)).all() == []


def test_conflicts_and_dead_letters_pages_in_swedish(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True, policy="manual")
    base = f"/sync/connections/{env.connection_id}"
    _post(admin_client, f"{base}/sync-now")
    _wait(env)
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10003", {"phone": "+46 erp"})
    _set_crm(env, "10003", phone="+46 crm")
    _set_crm(env, "10004", phone="+46 " + "1" * 50)
    _post(admin_client, f"{base}/sync-now")
    _wait(env)
    swedish = {"Accept-Language": "sv"}
    screen = admin_client.get("/sync", headers=swedish).text
    assert "Synka nu" in screen and "Felposter (1)" in screen and "Konflikter (1)" in screen
    assert 'role="alert"' in screen and "väntar som felposter" in screen
    page = admin_client.get(f"{base}/conflicts", headers=swedish).text
    assert "+46 erp" in page and "+46 crm" in page and "Det här värdet:" in page
    with env.database.read_session() as session:
        conflict = session.scalars(select(Conflict)).one()
        dead = session.scalars(select(DeadLetter)).one()
    bad = _post(admin_client, f"{base}/conflicts/{conflict.id}/resolve", choice="nothing")
    assert "choice: pick" in bad
    done = _post(
        admin_client, f"{base}/conflicts/{conflict.id}/resolve", choice="value", value="+46 typed"
    )
    assert "resolved" in done and "Inga konflikter" not in done
    assert env.company("10003").phone == "+46 typed"
    letters = admin_client.get(f"{base}/dead-letters", headers=swedish).text
    assert "Försök igen med alla" in letters and "phone" in letters
    retried = _post(admin_client, f"{base}/dead-letters/retry", ids=str(dead.id))
    assert "started" in retried
    _wait(env)
    still = admin_client.get(f"{base}/dead-letters").text
    assert f'data-dead-letter-id="{dead.id}"' in still  # the value is still too long
    gone = _post(admin_client, f"{base}/dead-letters/discard", ids="all")
    assert "1 dead letter(s) discarded." in gone and "No dead letters." in gone
    with env.erp() as erp:
        assert erp.show(ActorType.CUSTOMER, "10003").values["phone"] == "+46 typed"  # type: ignore[union-attr]


def test_a_paused_connection_shows_a_banner_and_can_be_resumed(
    env: SyncEnv, admin_client: TestClient
) -> None:
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.paused_reason = "The connection now reaches a different ERP database."
    screen = admin_client.get("/sync").text
    assert 'class="sync-banner sync-banner-paused"' in screen and "different ERP" in screen
    assert 'data-health="paused"' in screen
    resumed = _post(admin_client, f"/sync/connections/{env.connection_id}/resume")
    assert "Demo ERP resumed" in resumed and "sync-banner-paused" not in resumed


def test_a_config_error_in_a_run_pauses_and_shows_an_alert_on_the_sync_screen(
    env: SyncEnv, admin_client: TestClient, tmp_path: Path
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    _post(admin_client, f"/sync/connections/{env.connection_id}/sync-now")
    _wait(env)
    other = new_erp(tmp_path / "other", customers=3)
    with env.database.session() as session:  # pointed at another ERP database
        value = session.get(ConnectionValue, (env.connection_id, "database"))
        assert value is not None
        value.value = json.dumps(str(other))
    _post(admin_client, f"/sync/connections/{env.connection_id}/sync-now")
    runs = _wait(env)
    assert runs[-1].state == "failed" and (runs[-1].error or "").startswith("config:")
    screen = admin_client.get("/sync").text
    assert 'class="sync-banner sync-banner-paused"' in screen
    assert "Sync is paused:" in screen and "different ERP database" in screen
    refused = _post(admin_client, f"/sync/connections/{env.connection_id}/sync-now")
    assert "is paused" in refused
