"""API of persons and projects (R-UI-1): they refer to a live company named by company_id."""

from __future__ import annotations

from fastapi.testclient import TestClient

from erpsync.db import Database
from tests.crm.helpers import counts, seed_lists


def test_person_with_a_missing_company_is_422_naming_company_id(
    admin_client: TestClient, database: Database
) -> None:
    response = admin_client.post("/api/v1/persons", json={"company_id": 4711, "last_name": "Ek"})
    assert response.status_code == 422
    assert response.json()["field"] == "company_id"
    missing = admin_client.post("/api/v1/persons", json={"last_name": "Ek"})
    assert [e["field"] for e in missing.json()["errors"]] == ["company_id"]
    assert counts(database) == (0, 0, 0)


def test_persons_are_created_listed_per_company_updated_and_deleted(
    admin_client: TestClient,
) -> None:
    first = admin_client.post("/api/v1/companies", json={"name": "First"}).json()
    second = admin_client.post("/api/v1/companies", json={"name": "Second"}).json()
    eva = admin_client.post(
        "/api/v1/persons",
        json={
            "company_id": first["id"],
            "first_name": "Eva",
            "last_name": "Holm",
            "email": "eva@first.example",
        },
    )
    assert eva.status_code == 201, eva.text
    admin_client.post("/api/v1/persons", json={"company_id": second["id"], "last_name": "Ek"})
    listed = admin_client.get("/api/v1/persons", params={"company_id": first["id"]}).json()
    assert [p["last_name"] for p in listed["items"]] == ["Holm"]
    url = f"/api/v1/persons/{eva.json()['id']}"
    moved = admin_client.patch(url, json={"company_id": second["id"]})
    assert moved.json()["company_id"] == second["id"]
    assert admin_client.patch(url, json={"email": "not-an-email"}).status_code == 422
    assert admin_client.delete(url).status_code == 204
    assert admin_client.get(url).status_code == 404


def test_projects_carry_a_status_code_and_are_searchable(
    admin_client: TestClient, database: Database
) -> None:
    seed_lists(database)
    company = admin_client.post("/api/v1/companies", json={"name": "Acme"}).json()
    created = admin_client.post(
        "/api/v1/projects",
        json={
            "name": "ERP rollout",
            "number": "P-1",
            "status": "planned",
            "company_id": company["id"],
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "planned"
    bad = admin_client.post("/api/v1/projects", json={"name": "X", "status": "dreaming"})
    assert bad.status_code == 422 and bad.json()["field"] == "status"
    found = admin_client.get("/api/v1/projects", params={"q": "rollout"}).json()
    assert [p["number"] for p in found["items"]] == ["P-1"]
    url = f"/api/v1/projects/{created.json()['id']}"
    done = admin_client.patch(url, json={"status": "completed", "company_id": None})
    assert (done.json()["status"], done.json()["company_id"]) == ("completed", None)
    assert admin_client.delete(url).status_code == 204
    assert admin_client.get("/api/v1/projects").json()["total"] == 0
