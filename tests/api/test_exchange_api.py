"""Connection export and import through the API on SQLite and PostgreSQL (R-MAP-7,
R-CONN-3, R-CONN-4): YAML out without secrets, import asks for missing secrets by name,
refuses a failing test and bad documents with 422, and creates or updates by name."""

from __future__ import annotations

import yaml
from fastapi.testclient import TestClient

from erpsync.db import Database
from erpsync.settings import Settings
from tests.api.conftest import ACCESS_KEY
from tests.api.test_mapping_api import add_connection
from tests.conftest import make_user, signed_in
from tests.mapping.helpers import map_for_activation


def test_export_is_yaml_without_secrets_and_import_round_trips(
    admin_client: TestClient, database: Database, settings: Settings, demo_erp: str
) -> None:
    connection_id = add_connection(admin_client, database, demo_erp, "Demo ERP")
    map_for_activation(database, settings, connection_id)
    activated = admin_client.post(f"/api/v1/connections/{connection_id}/activate")
    assert activated.status_code == 200, activated.text
    exported = admin_client.get(f"/api/v1/connections/{connection_id}/export")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/yaml")
    assert 'filename="Demo-ERP.yaml"' in exported.headers["content-disposition"]
    assert ACCESS_KEY not in exported.text
    data = yaml.safe_load(exported.text)
    assert data["connection"]["secrets"] == ["access_key"]

    assert admin_client.delete(f"/api/v1/connections/{connection_id}").status_code == 204
    missing = admin_client.post("/api/v1/connections/import", json={"document": exported.text})
    assert missing.status_code == 422
    assert (missing.json()["field"], missing.json()["missing"]) == (
        "secrets.access_key",
        ["access_key"],
    )
    failing = admin_client.post(
        "/api/v1/connections/import",
        json={"document": exported.text, "secrets": {"access_key": "wrong"}},
    )
    assert (failing.status_code, failing.json()["field"]) == (422, "connection.config")
    assert admin_client.get("/api/v1/connections").json() == []

    created = admin_client.post(
        "/api/v1/connections/import",
        json={"document": exported.text, "secrets": {"access_key": ACCESS_KEY}},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["created"], body["active"], body["reasons"]) == (True, True, [])
    assert body["connection"]["config"]["access_key"] == {"set": True}
    assert ACCESS_KEY not in created.text
    new_id = body["connection"]["id"]
    assert admin_client.get(f"/api/v1/connections/{new_id}/export").text == exported.text

    data["connection"]["description"] = "Updated by import"
    updated = admin_client.post(
        "/api/v1/connections/import", json={"document": yaml.safe_dump(data)}
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["created"], updated.json()["connection"]["id"]) == (False, new_id)
    assert updated.json()["connection"]["description"] == "Updated by import"


def test_bad_documents_are_422_naming_the_path_and_import_is_for_administrators(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    connection_id = add_connection(admin_client, database, demo_erp, "Demo ERP")
    text = admin_client.get(f"/api/v1/connections/{connection_id}/export").text
    data = yaml.safe_load(text)
    data["mapping"] = {"Customer": {"fields": [{"erp_field": "name", "direction": "up"}]}}
    for document, field in [
        ("connection: [", "document"),
        ("- just\n- a list\n", "document"),
        (yaml.safe_dump(data), "mapping.Customer.fields[0].direction"),
        (text.replace("connector: demo", "connector: nosuch"), "connection.connector"),
    ]:
        response = admin_client.post("/api/v1/connections/import", json={"document": document})
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field
    extra = admin_client.post("/api/v1/connections/import", json={"document": text, "x": 1})
    assert (extra.status_code, extra.json()["errors"][0]["field"]) == (422, "x")
    assert admin_client.get(f"/api/v1/connections/{connection_id}/export").text == text

    make_user(database, "olle", "olle-password-1")
    user = signed_in(admin_client, "olle", "olle-password-1")
    assert user.get(f"/api/v1/connections/{connection_id}/export").status_code == 403
    assert user.post("/api/v1/connections/import", json={"document": text}).status_code == 403
