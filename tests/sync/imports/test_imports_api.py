"""The import API end to end over HTTP (R-IMP-1…4, R-UI-1): preview, rows, selection,
commit with progress, refusals as problems naming the field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from erpsync.connections.models import Connection
from erpsync.db import Database
from erpsync.jobs.registry import JobEnv, keys_of
from erpsync.jobs.runners import InlineRunner
from erpsync.settings import Settings
from tests.conftest import USER_PASSWORD, make_user, signed_in
from tests.sync.imports.conftest import ImportEnv


def _inline(client: TestClient, database: Database, settings: Settings) -> None:
    client.app.state.job_runner = InlineRunner(JobEnv(database, keys_of(settings), settings))  # type: ignore[attr-defined]


def test_preview_select_and_commit_over_http(
    imp: ImportEnv, admin_client: TestClient, database: Database, settings: Settings
) -> None:
    _inline(admin_client, database, settings)
    twin = [imp.company(name=f"Twin {i}", email="info@lindqvistlogistik.se") for i in (1, 2)]
    started = admin_client.post(
        f"/api/v1/connections/{imp.cid}/imports",
        json={"actor_types": ["Customer"], "rules": ["email"], "action": "merge"},
    )
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    job = admin_client.get(f"/api/v1/imports/{job_id}").json()
    assert job["state"] == "ready"
    assert job["counts"] == {"new": 11, "matched": 0, "ambiguous": 1, "skipped": 0,
                             "invalid": 0, "selected": 11,
                             "to_erp_records": 0, "to_erp_fields": 0}  # fmt: skip
    ambiguous = admin_client.get(f"/api/v1/imports/{job_id}/rows?group=ambiguous").json()
    row = ambiguous["items"][0]
    assert (ambiguous["total"], row["erp_key"], row["candidates"]) == (1, "10003", twin)

    bad = admin_client.patch(f"/api/v1/imports/{job_id}/rows",
                             json={"rows": [{"id": row["id"], "choice": 12345}]})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "rows.0.choice"
    chosen = admin_client.patch(f"/api/v1/imports/{job_id}/rows",
                                json={"rows": [{"id": row["id"], "choice": twin[0]}],
                                      "groups": {"new": False}})  # fmt: skip
    assert chosen.status_code == 200 and chosen.json()["counts"]["selected"] == 1

    committed = admin_client.post(f"/api/v1/imports/{job_id}/commit")
    assert committed.status_code == 202, committed.text
    done = admin_client.get(f"/api/v1/imports/{job_id}").json()
    assert done["state"] == "succeeded"
    assert done["progress"] == {"phase": "import", "done": 1, "total": 1}
    assert done["outcomes"] == {"merged": 1, "skipped": 11}
    merged = admin_client.get(f"/api/v1/imports/{job_id}/rows?outcome=merged").json()
    assert merged["items"][0]["outcome_id"] == twin[0]
    again = admin_client.post(f"/api/v1/imports/{job_id}/commit")
    assert again.status_code == 409 and again.json()["field"] == "state"


def test_refusals_name_the_field(
    imp: ImportEnv, admin_client: TestClient, database: Database, settings: Settings
) -> None:
    _inline(admin_client, database, settings)
    url = f"/api/v1/connections/{imp.cid}/imports"
    bad_rule = admin_client.post(url, json={"actor_types": ["Customer"], "rules": ["phone"]})
    assert bad_rule.status_code == 422 and bad_rule.json()["errors"][0]["field"] == "rules.0"
    bad_type = admin_client.post(url, json={"actor_types": ["Project"]})
    assert bad_type.status_code == 422 and bad_type.json()["field"] == "actor_types.0"
    with database.session() as session:
        session.get(Connection, imp.cid).sync_enabled = True  # type: ignore[union-attr]
    sync_on = admin_client.post(url, json={"actor_types": ["Customer"]})
    assert sync_on.status_code == 409 and sync_on.json()["field"] == "sync_enabled"
    assert "switch it off" in sync_on.json()["detail"]
    assert admin_client.get("/api/v1/imports/999").status_code == 404


def test_only_administrators_import(imp: ImportEnv, app_client: TestClient) -> None:
    make_user(imp.database, "sales", USER_PASSWORD)
    client = signed_in(app_client, "sales", USER_PASSWORD)
    response = client.post(f"/api/v1/connections/{imp.cid}/imports",
                           json={"actor_types": ["Customer"]})  # fmt: skip
    assert response.status_code == 403
