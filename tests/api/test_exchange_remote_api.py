"""Export and import of a remote connection through the API on SQLite and PostgreSQL
(R-MAP-7, R-CONN-7, R-CONN-4): the YAML names the service's URL and its shared secret,
never a value; an import without the shared secret is 422 naming
`secrets.remote_secret`, a refused one too, and nothing is written until it passes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from fastapi.testclient import TestClient

from erpsync.connectors.demo import DemoConnector
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.sdk.remote.running import serving
from erpsync.sdk.remote.server import create_app
from erpsync.settings import Settings
from tests.api.conftest import ACCESS_KEY
from tests.mapping.helpers import map_for_activation

SHARED = "api-remote-shared-secret-31"


@pytest.fixture(scope="module")
def remote_url() -> Iterator[str]:
    with serving(create_app(DemoConnector, SHARED, timeout=10.0)) as url:
        yield url


def _add_remote(client: TestClient, database: Database, demo_erp: str, remote_url: str) -> int:
    with database.session() as session:
        ensure_standard_lists(session)
    body = {
        "connector": "remote",
        "config": {"database": demo_erp, "access_key": ACCESS_KEY},
        "remote_url": remote_url,
        "remote_secret": SHARED,
    }
    tested = client.post("/api/v1/connections/test", json=body)
    assert tested.json()["ok"], tested.text
    created = client.post(
        "/api/v1/connections",
        json={**body, "name": "Far ERP", "test_token": tested.json()["test_token"]},
    )
    assert created.status_code == 201, created.text
    connection_id: int = created.json()["id"]
    return connection_id


def test_a_remote_connection_exports_without_secrets_and_imports_with_the_shared_one(
    admin_client: TestClient,
    database: Database,
    settings: Settings,
    demo_erp: str,
    remote_url: str,
) -> None:
    connection_id = _add_remote(admin_client, database, demo_erp, remote_url)
    map_for_activation(database, settings, connection_id)
    assert admin_client.post(f"/api/v1/connections/{connection_id}/activate").json()["active"]
    exported = admin_client.get(f"/api/v1/connections/{connection_id}/export")
    assert exported.status_code == 200
    assert SHARED not in exported.text and ACCESS_KEY not in exported.text
    data = yaml.safe_load(exported.text)["connection"]
    assert (data["remote_url"], data["secrets"]) == (remote_url, ["access_key", "remote_secret"])
    assert admin_client.delete(f"/api/v1/connections/{connection_id}").status_code == 204

    url = "/api/v1/connections/import"
    missing = admin_client.post(
        url, json={"document": exported.text, "secrets": {"access_key": ACCESS_KEY}}
    )
    assert missing.status_code == 422
    assert (missing.json()["field"], missing.json()["missing"]) == (
        "secrets.remote_secret",
        ["remote_secret"],
    )
    refused = admin_client.post(
        url,
        json={
            "document": exported.text,
            "secrets": {"access_key": ACCESS_KEY, "remote_secret": "not-the-secret"},
        },
    )
    assert (refused.status_code, refused.json()["field"]) == (422, "secrets.remote_secret")
    assert "not-the-secret" not in refused.text
    assert admin_client.get("/api/v1/connections").json() == []

    secrets = {"access_key": ACCESS_KEY, "remote_secret": SHARED}
    created = admin_client.post(url, json={"document": exported.text, "secrets": secrets})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["created"], body["active"]) == (True, True)
    assert body["connection"]["remote_url"] == remote_url
    assert body["connection"]["remote_secret"] == {"set": True}
    assert SHARED not in created.text and ACCESS_KEY not in created.text
    new_id = body["connection"]["id"]
    assert admin_client.get(f"/api/v1/connections/{new_id}/export").text == exported.text
