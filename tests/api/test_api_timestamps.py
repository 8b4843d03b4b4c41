"""API timestamps are UTC with a `Z`, the same right after a write and read back (R-UI-1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from erpsync.db import Database
from erpsync.sync.models import SyncRun
from tests.api.test_connections_api import _add

UTC_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")


def _stamps(body: dict[str, object], *names: str) -> dict[str, object]:
    return {name: body[name] for name in names}


def test_connection_stamps_are_utc_and_the_same_when_read_back(
    admin_client: TestClient, demo_erp: str
) -> None:
    created = _add(admin_client, demo_erp)
    written = _stamps(created, "created_at", "updated_at")
    assert all(UTC_STAMP.match(str(value)) for value in written.values()), written
    detail = admin_client.get(f"/api/v1/connections/{created['id']}").json()
    assert _stamps(detail, "created_at", "updated_at") == written
    listed = admin_client.get("/api/v1/connections").json()[0]
    assert _stamps(listed, "created_at", "updated_at") == written


def test_company_stamps_are_utc_and_the_same_when_read_back(admin_client: TestClient) -> None:
    created = admin_client.post("/api/v1/companies", json={"name": "Stamp AB"}).json()
    written = _stamps(created, "created_at", "updated_at")
    assert all(UTC_STAMP.match(str(value)) for value in written.values()), written
    read = admin_client.get(f"/api/v1/companies/{created['id']}").json()
    assert _stamps(read, "created_at", "updated_at") == written


def test_stored_times_come_back_aware_in_utc(
    admin_client: TestClient, demo_erp: str, database: Database
) -> None:
    """Whatever zone a time was given in, it is stored and read back as UTC."""
    connection_id = _add(admin_client, demo_erp)["id"]
    stockholm = datetime(2026, 11, 26, 9, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    with database.session() as session:
        run = SyncRun(connection_id=connection_id, kind="sync", state="queued", queued_at=stockholm)
        session.add(run)
        session.flush()
        run_id = run.id
    with database.session() as session:
        queued = session.get(SyncRun, run_id).queued_at  # type: ignore[union-attr]
    assert queued.tzinfo is not None and queued.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert queued == datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    runs = admin_client.get(f"/api/v1/connections/{connection_id}/runs").json()
    assert [r["queued_at"] for r in runs] == ["2026-11-26T08:30:00Z"]
