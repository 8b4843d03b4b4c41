"""Pages for users, groups and the profile (R-UI-4)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from erpsync.db import Database
from tests.conftest import make_user, signed_in


def _form(client: TestClient) -> dict[str, str]:
    return {"csrf_token": client.headers["X-CSRF-Token"]}


def test_admin_adds_a_user_who_can_then_sign_in(admin_client: TestClient) -> None:
    response = admin_client.post(
        "/admin/users",
        data={
            **_form(admin_client),
            "login": "eva",
            "name": "Eva Ek",
            "password": "eva-password-1",
            "role": "user",
        },
    )
    assert response.status_code == 200
    assert "Added user eva." in response.text
    other = signed_in(TestClient(admin_client.app), "eva", "eva-password-1")
    assert "Welcome, Eva Ek" in other.get("/").text


def test_a_bad_new_user_shows_the_error_next_to_the_field_and_keeps_values(
    admin_client: TestClient,
) -> None:
    response = admin_client.post(
        "/admin/users",
        data={**_form(admin_client), "login": "eva", "name": "Eva Ek", "password": "short"},
    )
    assert response.status_code == 422
    assert 'class="field-error">String should have at least 8 characters' in response.text
    assert 'value="Eva Ek"' in response.text
    assert "<td>eva</td>" not in response.text


def test_admin_cannot_lock_themself_out(admin_client: TestClient, database: Database) -> None:
    me = admin_client.get("/api/v1/me").json()
    response = admin_client.post(
        f"/admin/users/{me['id']}", data={**_form(admin_client), "role": "user", "active": "on"}
    )
    assert response.status_code == 422
    assert admin_client.get("/api/v1/me").json()["role"] == "admin"


def test_admin_deactivates_a_user(admin_client: TestClient, database: Database) -> None:
    user = make_user(database, "olle", "olle-password-1")
    admin_client.post(f"/admin/users/{user.id}", data={**_form(admin_client), "role": "user"})
    refused = TestClient(admin_client.app)
    page = refused.get("/login")
    token = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    answer = refused.post(
        "/login", data={"login": "olle", "password": "olle-password-1", "csrf_token": token}
    )
    assert answer.status_code == 401


def test_admin_adds_a_group_with_members(admin_client: TestClient, database: Database) -> None:
    make_user(database, "anna", "anna-password-1")
    admin_client.post(
        "/admin/groups", data={**_form(admin_client), "name": "Sales", "members": ["anna"]}
    )
    groups = admin_client.get("/api/v1/groups").json()
    assert groups == [
        {"id": groups[0]["id"], "name": "Sales", "description": "", "members": ["anna"]}
    ]


def test_users_page_is_for_administrators_only(app_client: TestClient, database: Database) -> None:
    make_user(database, "sales", "sales-password-1")
    client = signed_in(app_client, "sales", "sales-password-1")
    assert client.get("/admin/users").status_code == 403


def test_choosing_swedish_in_the_profile_translates_the_pages(
    app_client: TestClient, database: Database
) -> None:
    make_user(database, "sales", "sales-password-1")
    client = signed_in(app_client, "sales", "sales-password-1")
    client.post("/profile", data={**_form(client), "name": "Sales", "language": "sv"})
    assert "Välkommen, Sales" in client.get("/").text
