"""API tokens (R-UI-4): shown once, stored hashed, revocable; roles decide writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from erpsync.accounts.models import ApiToken, User
from erpsync.db import Database
from tests.conftest import make_user


def _new_token(client: TestClient, name: str = "script") -> dict[str, object]:
    response = client.post("/api/v1/tokens", json={"name": name})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_token_is_shown_once_and_only_its_hash_is_stored(
    admin_client: TestClient, database: Database
) -> None:
    body = _new_token(admin_client)
    plain = str(body["token"])
    assert plain.startswith("erps_")
    with database.read_session() as session:
        stored = session.scalars(select(ApiToken)).one()
        assert plain not in (stored.token_hash, stored.prefix)
    listed = admin_client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["script"]
    assert all("token" not in t for t in listed)


def test_bearer_token_authenticates_without_cookie_or_csrf(
    admin_client: TestClient, app_client: TestClient
) -> None:
    plain = str(_new_token(admin_client)["token"])
    anonymous = TestClient(app_client.app)
    assert anonymous.get("/api/v1/me").status_code == 401
    headers = {"Authorization": f"Bearer {plain}"}
    assert anonymous.get("/api/v1/me", headers=headers).json()["login"] == "admin"
    created = anonymous.post("/api/v1/tokens", json={"name": "second"}, headers=headers)
    assert created.status_code == 201


def test_revoked_or_expired_tokens_are_refused(
    admin_client: TestClient, app_client: TestClient, database: Database
) -> None:
    body = _new_token(admin_client)
    anonymous = TestClient(app_client.app)
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert admin_client.delete(f"/api/v1/tokens/{body['id']}").status_code == 200
    refused = anonymous.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")

    other = _new_token(admin_client, "short-lived")
    with database.session() as session:
        token = session.get(ApiToken, other["id"])
        assert token is not None
        token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    expired = anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {other['token']}"})
    assert expired.status_code == 401


def test_expiry_in_the_past_is_refused_naming_the_field(admin_client: TestClient) -> None:
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    response = admin_client.post("/api/v1/tokens", json={"name": "x", "expires_at": past})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expires_at"


def test_a_plain_user_cannot_create_users_but_an_admin_can(
    admin_client: TestClient, app_client: TestClient, database: Database, admin: User
) -> None:
    make_user(database, "sales", "sales-password-1")
    from tests.conftest import signed_in

    user_client = signed_in(TestClient(app_client.app), "sales", "sales-password-1")
    new = {"login": "eva", "password": "eva-password-1"}
    assert user_client.post("/api/v1/users", json=new).status_code == 403
    assert admin_client.post("/api/v1/users", json=new).status_code == 201
    duplicate = admin_client.post("/api/v1/users", json={**new, "login": "EVA"})
    assert duplicate.status_code == 409
    assert duplicate.json()["field"] == "login"


def test_groups_list_their_members_by_login(admin_client: TestClient, database: Database) -> None:
    make_user(database, "anna", "anna-password-1")
    response = admin_client.post(
        "/api/v1/groups", json={"name": "Sales", "members": ["anna", "admin"]}
    )
    assert response.status_code == 201
    assert sorted(response.json()["members"]) == ["admin", "anna"]
    unknown = admin_client.post("/api/v1/groups", json={"name": "X", "members": ["ghost"]})
    assert unknown.status_code == 404
    assert "ghost" in unknown.json()["detail"]
    assert [g["name"] for g in admin_client.get("/api/v1/groups").json()] == ["Sales"]
