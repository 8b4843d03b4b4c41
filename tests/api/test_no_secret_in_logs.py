"""No secret ever reaches a log line (R-CONN-4, R-NF-4): a whole add/test/save cycle."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ACCESS_KEY
from tests.api.test_connections_api import _config, _test


def test_a_full_connection_cycle_logs_no_secret(
    admin_client: TestClient, demo_erp: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # SQL statements and their parameters are logged too, to catch a secret sent in clear.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    try:
        wrong = _test(admin_client, _config(demo_erp, access_key=ACCESS_KEY + "x"))
        assert wrong["ok"] is False
        token = _test(admin_client, _config(demo_erp))["test_token"]
        created = admin_client.post(
            "/api/v1/connections",
            json={
                "name": "ERP",
                "connector": "demo",
                "config": _config(demo_erp),
                "test_token": token,
            },
        ).json()
        url = f"/api/v1/connections/{created['id']}"
        admin_client.patch(url, json={"description": "edited"})
        _test(admin_client, _config(demo_erp, access_key=""), connection_id=created["id"])
        admin_client.post(f"{url}/activate")
        admin_client.get(url)
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "INSERT INTO connection_values" in logged  # the capture saw the writes
    assert ACCESS_KEY not in logged
