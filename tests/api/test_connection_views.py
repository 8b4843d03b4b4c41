"""What a connection shows to whom (R-CONN-4, R-CONN-6): users in scope see its summary
and their own rights, never configuration values; administrators see it whole."""

from __future__ import annotations

from fastapi.testclient import TestClient

from erpsync.db import Database
from tests.api.conftest import ACCESS_KEY
from tests.api.test_connections_api import _add
from tests.conftest import make_user, signed_in

SUMMARY_KEYS = {"id", "name", "connector", "description", "active", "sync_enabled", "rights"}


def _user(admin_client: TestClient, database: Database, login: str) -> TestClient:
    make_user(database, login, f"{login}-password-1")
    return signed_in(TestClient(admin_client.app), login, f"{login}-password-1")


def test_a_user_in_scope_sees_the_summary_and_own_rights_only(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    created = _add(admin_client, demo_erp, description="Our ERP")
    anna = _user(admin_client, database, "anna")
    listed = anna.get("/api/v1/connections")
    detail = anna.get(f"/api/v1/connections/{created['id']}")
    for answer in (listed, detail):
        assert answer.status_code == 200
        assert demo_erp not in answer.text and "access_key" not in answer.text
    assert [set(c) for c in listed.json()] == [SUMMARY_KEYS]
    assert detail.json() == {
        "id": created["id"],
        "name": "Demo ERP",
        "connector": "demo",
        "description": "Our ERP",
        "active": False,
        "sync_enabled": created["sync_enabled"],
        "rights": {"can_connect": True, "can_create_in_erp": True},
    }


def test_rights_are_the_users_own_grants(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    anna = _user(admin_client, database, "anna")
    grants = [{"user": "anna", "can_connect": True, "can_create_in_erp": False}]
    created = _add(admin_client, demo_erp, scope="grants", grants=grants)
    detail = anna.get(f"/api/v1/connections/{created['id']}").json()
    assert detail["rights"] == {"can_connect": True, "can_create_in_erp": False}
    assert "grants" not in detail and "scope" not in detail


def test_administrators_still_see_everything_but_secrets(
    admin_client: TestClient, demo_erp: str
) -> None:
    created = _add(admin_client, demo_erp)
    detail = admin_client.get(f"/api/v1/connections/{created['id']}").json()
    assert detail["config"]["database"] == demo_erp
    assert detail["config"]["access_key"] == {"set": True}
    assert detail["scope"] == "everyone" and detail["grants"] == []
    assert detail["rights"] == {"can_connect": True, "can_create_in_erp": True}
    listed = admin_client.get("/api/v1/connections").json()
    assert listed == [detail]
    assert ACCESS_KEY not in str(listed)


def test_user_pages_listing_connections_show_no_configuration(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    _add(admin_client, demo_erp)
    anna = _user(admin_client, database, "anna")
    assert anna.get("/sync").status_code == 403
    products = anna.get("/products")
    assert products.status_code == 200 and demo_erp not in products.text
