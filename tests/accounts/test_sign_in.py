"""Sign-in to the pages, sessions and CSRF (R-UI-4, R-NF-4)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from erpsync.accounts.models import User
from erpsync.db import Database
from tests.conftest import ADMIN_PASSWORD, make_user, signed_in


def _csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    return page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]


def test_pages_redirect_to_sign_in_and_back_after_it(app_client: TestClient, admin: User) -> None:
    response = app_client.get("/?tab=a", follow_redirects=False)
    assert response.status_code == 303
    next_url = "/?tab=a"
    assert response.headers["location"] == "/login?next=/%3Ftab%3Da"
    token = _csrf(app_client)
    response = app_client.post(
        "/login",
        data={"login": "admin", "password": ADMIN_PASSWORD, "csrf_token": token, "next": next_url},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == next_url
    assert "Welcome, Admin" in app_client.get("/").text


def test_sign_in_never_redirects_to_another_site(app_client: TestClient, admin: User) -> None:
    token = _csrf(app_client)
    response = app_client.post(
        "/login",
        data={
            "login": "admin",
            "password": ADMIN_PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_wrong_password_and_unknown_login_get_the_same_refusal(
    app_client: TestClient, admin: User
) -> None:
    answers = []
    for login, password in (("admin", "not-the-password"), ("nobody", ADMIN_PASSWORD)):
        token = _csrf(app_client)
        response = app_client.post(
            "/login", data={"login": login, "password": password, "csrf_token": token}
        )
        assert response.status_code == 401
        answers.append(response.text.split('role="alert">', 1)[1].split("<", 1)[0])
    assert answers[0] == answers[1] == "Wrong login or password."
    assert app_client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_without_csrf_token_is_refused(app_client: TestClient, admin: User) -> None:
    app_client.get("/login")
    response = app_client.post("/login", data={"login": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 403
    assert app_client.get("/", follow_redirects=False).status_code == 303


def test_inactive_user_cannot_sign_in(app_client: TestClient, database: Database) -> None:
    user = make_user(database, "olle", "olle-password-1")
    with database.session() as session:
        session.get(User, user.id).active = False  # type: ignore[union-attr]
    token = _csrf(app_client)
    response = app_client.post(
        "/login", data={"login": "olle", "password": "olle-password-1", "csrf_token": token}
    )
    assert response.status_code == 401


def test_api_write_with_session_cookie_needs_the_csrf_header(
    admin_client: TestClient,
) -> None:
    token = admin_client.headers.pop("X-CSRF-Token")
    refused = admin_client.post("/api/v1/tokens", json={"name": "script"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    accepted = admin_client.post(
        "/api/v1/tokens", json={"name": "script"}, headers={"X-CSRF-Token": token}
    )
    assert accepted.status_code == 201


def test_password_change_signs_other_sessions_out(
    admin_client: TestClient, database: Database, admin: User
) -> None:
    assert admin_client.get("/api/v1/me").status_code == 200
    response = admin_client.patch(
        f"/api/v1/users/{admin.id}", json={"password": "a-new-password-2"}
    )
    assert response.status_code == 200
    assert admin_client.get("/api/v1/me").status_code == 401
    signed_in(admin_client, "admin", "a-new-password-2")
    assert admin_client.get("/api/v1/me").json()["login"] == "admin"


def test_sign_out_ends_the_session(admin_client: TestClient) -> None:
    token = admin_client.headers["X-CSRF-Token"]
    admin_client.post("/logout", data={"csrf_token": token})
    assert admin_client.get("/api/v1/me").status_code == 401


def test_pages_speak_swedish_to_a_swedish_browser(app_client: TestClient) -> None:
    page = app_client.get("/login", headers={"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.8"})
    assert "Logga in" in page.text
    assert '<html lang="sv">' in page.text
