"""API of companies (R-UI-1): problem details name the field; any signed-in user may write."""

from __future__ import annotations

from fastapi.testclient import TestClient

from erpsync.db import Database
from tests.conftest import USER_PASSWORD, make_user, signed_in
from tests.crm.helpers import counts, seed_lists


def test_company_round_trip_create_read_update_delete(
    admin_client: TestClient, database: Database
) -> None:
    seed_lists(database)
    created = admin_client.post(
        "/api/v1/companies",
        json={
            "name": "Nordisk Verktyg AB",
            "number": "10001",
            "country": "SE",
            "currency": "SEK",
            "category": "customer",
            "email": "info@nordisk.example",
        },
    )
    assert created.status_code == 201, created.text
    company = created.json()
    assert company["country"] == "SE" and company["currency"] == "SEK"
    assert set(company) >= {"id", "updated_at", "change_pos", "created_at", "active"}
    url = f"/api/v1/companies/{company['id']}"
    assert admin_client.get(url).json() == company
    patched = admin_client.patch(url, json={"city": "Göteborg", "email": None})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["city"], patched.json()["email"]) == ("Göteborg", None)
    assert patched.json()["change_pos"] > company["change_pos"]
    assert admin_client.delete(url).status_code == 204
    assert admin_client.get(url).status_code == 404
    assert admin_client.patch(url, json={"city": "Lund"}).status_code == 404
    assert admin_client.get("/api/v1/companies").json()["total"] == 0


def test_blank_name_is_422_naming_name_and_nothing_is_written(
    admin_client: TestClient, database: Database
) -> None:
    response = admin_client.post("/api/v1/companies", json={"name": "   ", "city": "Lund"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert [error["field"] for error in problem["errors"]] == ["name"]
    assert "name" in problem["detail"]
    assert counts(database) == (0, 0, 0)


def test_unknown_country_code_is_422_naming_field_and_value(
    admin_client: TestClient, database: Database
) -> None:
    seed_lists(database)
    response = admin_client.post("/api/v1/companies", json={"name": "Acme", "country": "XX"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "country"
    assert "country: no country with code 'XX'" in problem["detail"]
    assert counts(database) == (0, 0, 0)


def test_setting_the_name_to_null_is_refused(admin_client: TestClient) -> None:
    company = admin_client.post("/api/v1/companies", json={"name": "Acme"}).json()
    response = admin_client.patch(f"/api/v1/companies/{company['id']}", json={"name": None})
    assert response.status_code == 422
    assert "name" in response.json()["detail"]


def test_search_is_paged_and_filtered(admin_client: TestClient, database: Database) -> None:
    seed_lists(database)
    for index in range(5):
        category = "customer" if index % 2 == 0 else "supplier"
        admin_client.post(
            "/api/v1/companies", json={"name": f"Firma {index}", "category": category}
        )
    admin_client.post("/api/v1/companies", json={"name": "Other"})
    page = admin_client.get("/api/v1/companies", params={"q": "firma", "limit": 2, "offset": 2})
    assert page.status_code == 200
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 2)
    assert [c["name"] for c in body["items"]] == ["Firma 2", "Firma 3"]
    customers = admin_client.get("/api/v1/companies", params={"category": "customer"}).json()
    assert [c["name"] for c in customers["items"]] == ["Firma 0", "Firma 2", "Firma 4"]
    assert admin_client.get("/api/v1/companies", params={"limit": 501}).status_code == 422
    assert admin_client.get("/api/v1/companies", params={"limit": 0}).status_code == 422


def test_a_plain_user_may_read_and_write_companies(
    app_client: TestClient, database: Database
) -> None:
    make_user(database, "olle", USER_PASSWORD)
    client = signed_in(app_client, "olle", USER_PASSWORD)
    created = client.post("/api/v1/companies", json={"name": "Olles AB"})
    assert created.status_code == 201
    assert client.get("/api/v1/companies").json()["total"] == 1


def test_anonymous_requests_are_refused(app_client: TestClient) -> None:
    assert app_client.get("/api/v1/companies").status_code == 401
    assert app_client.post("/api/v1/companies", json={"name": "X"}).status_code == 401
