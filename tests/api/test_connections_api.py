"""The connections API (R-CONN-1…6, R-UI-1) against the real demo ERP connector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from erpsync.db import Database
from erpsync.settings import Settings
from tests.api.conftest import ACCESS_KEY
from tests.conftest import make_user, signed_in
from tests.mapping.helpers import map_for_activation


def _config(demo_erp: str, **overrides: Any) -> dict[str, Any]:
    return {"database": demo_erp, "access_key": ACCESS_KEY, **overrides}


def _test(client: TestClient, config: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/connections/test", json={"connector": "demo", "config": config, **extra}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _add(client: TestClient, demo_erp: str, name: str = "Demo ERP", **extra: Any) -> dict[str, Any]:
    token = _test(client, _config(demo_erp))["test_token"]
    body = {"name": name, "connector": "demo", "config": _config(demo_erp), "test_token": token}
    response = client.post("/api/v1/connections", json={**body, **extra})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_connectors_lists_the_demo_connector(admin_client: TestClient) -> None:
    connectors = {c["key"]: c for c in admin_client.get("/api/v1/connectors").json()}
    assert connectors["demo"]["load_error"] is None
    fields = admin_client.get("/api/v1/connectors/demo/config-fields").json()
    assert [f["key"] for f in fields][:2] == ["database", "access_key"]
    assert fields[0]["access"] == "Mandatory"


def test_test_shows_the_connectors_explanation(admin_client: TestClient, demo_erp: str) -> None:
    passed = _test(admin_client, _config(demo_erp))
    assert passed["ok"] and passed["test_token"]
    assert passed["message"].startswith("Connected to the demo ERP (30 customers")
    failed = _test(admin_client, _config(demo_erp, access_key="wrong"))
    assert (failed["ok"], failed["test_token"]) == (False, None)
    missing = _test(admin_client, _config("/nowhere/erp.db"))
    assert "There is no demo ERP database at /nowhere/erp.db" in missing["message"]


def test_save_without_token_is_refused_with_a_reason(
    admin_client: TestClient, demo_erp: str
) -> None:
    response = admin_client.post(
        "/api/v1/connections",
        json={"name": "Demo", "connector": "demo", "config": _config(demo_erp)},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "test_token"
    assert "Test the ERP connection" in response.json()["detail"]
    assert admin_client.get("/api/v1/connections").json() == []


def test_secrets_never_appear_in_any_response(
    admin_client: TestClient, demo_erp: str, database: Database, settings: Settings
) -> None:
    created = _add(admin_client, demo_erp)
    map_for_activation(database, settings, created["id"])
    assert created["config"]["access_key"] == {"set": True}
    answers = [
        created,
        admin_client.get("/api/v1/connections").json(),
        admin_client.get(f"/api/v1/connections/{created['id']}").json(),
        admin_client.patch(f"/api/v1/connections/{created['id']}", json={"name": "X"}).json(),
        admin_client.post(f"/api/v1/connections/{created['id']}/activate").json(),
    ]
    assert ACCESS_KEY not in json.dumps(answers)


def test_a_value_change_needs_a_new_test_but_a_rename_does_not(
    admin_client: TestClient, demo_erp: str
) -> None:
    created = _add(admin_client, demo_erp)
    url = f"/api/v1/connections/{created['id']}"
    assert admin_client.patch(url, json={"name": "Main ERP"}).status_code == 200
    changed = _config(demo_erp, batch_size=100)
    refused = admin_client.patch(url, json={"config": changed})
    assert refused.status_code == 422
    token = _test(admin_client, changed, connection_id=created["id"])["test_token"]
    accepted = admin_client.patch(url, json={"config": changed, "test_token": token})
    assert accepted.json()["config"]["batch_size"] == 100


def test_duplicate_name_is_409_naming_the_field(admin_client: TestClient, demo_erp: str) -> None:
    _add(admin_client, demo_erp)
    token = _test(admin_client, _config(demo_erp))["test_token"]
    response = admin_client.post(
        "/api/v1/connections",
        json={
            "name": "demo erp",
            "connector": "demo",
            "config": _config(demo_erp),
            "test_token": token,
        },
    )
    assert response.status_code == 409
    assert response.json()["field"] == "name"


def test_unknown_connector_names_the_installed_ones(admin_client: TestClient) -> None:
    response = admin_client.post(
        "/api/v1/connections/test", json={"connector": "nope", "config": {}}
    )
    assert response.status_code == 422
    assert "demo" in response.json()["detail"]


def test_soft_delete_hides_and_restore_brings_back(admin_client: TestClient, demo_erp: str) -> None:
    created = _add(admin_client, demo_erp)
    assert admin_client.delete(f"/api/v1/connections/{created['id']}").status_code == 204
    assert admin_client.get("/api/v1/connections").json() == []
    deleted = admin_client.get("/api/v1/connections?include_deleted=true").json()
    assert [c["deleted"] for c in deleted] == [True]
    restored = admin_client.post(f"/api/v1/connections/{created['id']}/restore")
    assert restored.json()["deleted"] is False


def test_scope_404_outside_and_writes_403_for_users(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    make_user(database, "anna", "anna-password-1")
    make_user(database, "olle", "olle-password-1")
    created = _add(admin_client, demo_erp, scope="grants", grants=[{"user": "anna"}])
    anna = signed_in(TestClient(admin_client.app), "anna", "anna-password-1")
    olle = signed_in(TestClient(admin_client.app), "olle", "olle-password-1")
    url = f"/api/v1/connections/{created['id']}"
    assert anna.get(url).status_code == 200
    assert olle.get(url).status_code == 404
    assert olle.get("/api/v1/connections").json() == []
    assert anna.patch(url, json={"name": "mine"}).status_code == 403


def test_activation_refused_lists_reasons_then_deactivate(
    admin_client: TestClient, demo_erp: str, tmp_path: Path, database: Database, settings: Settings
) -> None:
    created = _add(admin_client, demo_erp)
    unmapped = admin_client.post(f"/api/v1/connections/{created['id']}/activate")
    assert unmapped.status_code == 409
    assert any("No actor type is mapped yet" in r for r in unmapped.json()["reasons"])
    map_for_activation(database, settings, created["id"])
    moved = tmp_path / "gone.db"
    Path(demo_erp).rename(moved)
    try:
        refused = admin_client.post(f"/api/v1/connections/{created['id']}/activate")
    finally:
        moved.rename(demo_erp)
    assert refused.status_code == 409
    assert any("does not test OK now" in r for r in refused.json()["reasons"])
    ok = admin_client.post(f"/api/v1/connections/{created['id']}/activate")
    assert ok.json() == {"active": True, "reasons": []}
    off = admin_client.post(f"/api/v1/connections/{created['id']}/deactivate")
    assert off.json()["active"] is False


def test_every_bad_config_value_is_named_for_the_form(admin_client: TestClient) -> None:
    response = admin_client.post(
        "/api/v1/connections/test",
        json={"connector": "demo", "config": {"database": "", "batch_size": "abc"}},
    )
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems == {
        "config.database": "Database file is required",
        "config.batch_size": "Batch size 'abc' is not a whole number",
    }
