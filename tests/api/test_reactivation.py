"""Activating a connection that is already active but no longer passes the checklist
(R-CONN-5): the API, the mapping page and the CLI all refuse it with every reason, say
that the connection is still active, and leave it as it was (its ERP tab stays shown)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from erpsync.cli.main import app
from erpsync.db import Database
from erpsync.settings import Settings
from tests.api.test_connections_api import _add
from tests.mapping.helpers import map_for_activation

STILL_ACTIVE = "The connection stays active, but it does not pass the activation checklist now."


def _active_then_a_list_unmapped(
    client: TestClient, demo_erp: str, database: Database, settings: Settings
) -> tuple[int, str]:
    """An active connection whose administrator then removed a mapped list's pairs."""
    connection_id = int(_add(client, demo_erp)["id"])
    map_for_activation(database, settings, connection_id)
    assert client.post(f"/api/v1/connections/{connection_id}/activate").status_code == 200
    lists = client.get(f"/api/v1/connections/{connection_id}/lists").json()
    erp_list = next(report["erp_list"] for report in lists if report["items"])
    removed = client.delete(f"/api/v1/connections/{connection_id}/lists/{erp_list}")
    assert removed.status_code == 204, removed.text
    return connection_id, erp_list


def _active(client: TestClient, connection_id: int) -> Any:
    return client.get(f"/api/v1/connections/{connection_id}").json()["active"]


def test_the_api_refuses_with_the_reasons_and_says_it_stays_active(
    admin_client: TestClient, demo_erp: str, database: Database, settings: Settings
) -> None:
    connection_id, erp_list = _active_then_a_list_unmapped(
        admin_client, demo_erp, database, settings
    )
    refused = admin_client.post(f"/api/v1/connections/{connection_id}/activate")
    assert refused.status_code == 409
    body = refused.json()
    assert body["active"] is True
    assert body["detail"].startswith(STILL_ACTIVE)
    assert any(f"its ERP list '{erp_list}' is not" in reason for reason in body["reasons"])
    assert _active(admin_client, connection_id) is True

    off = admin_client.post(f"/api/v1/connections/{connection_id}/deactivate")
    assert off.json()["active"] is False
    again = admin_client.post(f"/api/v1/connections/{connection_id}/activate").json()
    assert again["active"] is False
    assert again["detail"].startswith("The connection cannot be activated yet.")


def test_the_mapping_page_lists_the_reasons_under_still_active(
    admin_client: TestClient, demo_erp: str, database: Database, settings: Settings
) -> None:
    connection_id, erp_list = _active_then_a_list_unmapped(
        admin_client, demo_erp, database, settings
    )
    path = f"/sync/connections/{connection_id}/mapping/Customer/activate"
    csrf = {"csrf_token": admin_client.headers["X-CSRF-Token"]}
    page = admin_client.post(path, data=csrf)
    assert page.status_code == 409
    assert "Still active, but it does not pass the activation checklist now:" in page.text
    assert "Cannot be activated:" not in page.text
    assert f"its ERP list &#39;{erp_list}&#39; is not" in page.text
    swedish = admin_client.post(path, data=csrf, headers={"Accept-Language": "sv"})
    assert "Fortfarande aktiv, men klarar inte aktiveringskontrollen nu:" in swedish.text
    assert _active(admin_client, connection_id) is True


def test_the_cli_exits_non_zero_naming_the_reasons_and_that_it_stays_active(
    admin_client: TestClient,
    demo_erp: str,
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    connection_id, erp_list = _active_then_a_list_unmapped(
        admin_client, demo_erp, database, settings
    )
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(settings.data_dir))
    url = database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("ERPSYNC_DATABASE_URL", url)
    result = CliRunner().invoke(app, ["connection", "activate", str(connection_id)])
    assert result.exit_code == 1
    assert f"its ERP list '{erp_list}' is not" in result.output
    assert STILL_ACTIVE in result.output and "Traceback" not in result.output
    assert _active(admin_client, connection_id) is True
