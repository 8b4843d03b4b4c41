"""API of the CRM lists: anyone signed in reads them, only administrators change them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from erpsync.db import Database
from tests.conftest import USER_PASSWORD, make_user, signed_in
from tests.crm.helpers import seed_lists


def test_list_items_are_read_in_display_order(admin_client: TestClient, database: Database) -> None:
    seed_lists(database)
    response = admin_client.get("/api/v1/lists/category")
    assert [item["code"] for item in response.json()] == [
        "customer",
        "supplier",
        "partner",
        "prospect",
    ]
    countries = admin_client.get("/api/v1/lists/country").json()
    assert {"code": "SE", "name": "Sweden"}.items() <= next(
        c for c in countries if c["code"] == "SE"
    ).items()


def test_an_unknown_list_is_404_naming_the_lists(admin_client: TestClient) -> None:
    response = admin_client.get("/api/v1/lists/colours")
    assert response.status_code == 404
    assert "project_status" in response.json()["detail"]


def test_administrator_adds_renames_and_deletes_items(admin_client: TestClient) -> None:
    created = admin_client.post("/api/v1/lists/business", json={"code": "mining", "name": "Mines"})
    assert created.status_code == 201, created.text
    item_url = f"/api/v1/lists/business/{created.json()['id']}"
    renamed = admin_client.patch(item_url, json={"name": "Mining"})
    assert renamed.json()["name"] == "Mining"
    again = admin_client.post("/api/v1/lists/business", json={"code": "MINING", "name": "x"})
    assert again.status_code == 409 and again.json()["field"] == "code"
    admin_client.patch(item_url, json={"deleted": True})
    assert admin_client.get("/api/v1/lists/business").json() == []
    everything = admin_client.get("/api/v1/lists/business", params={"include_deleted": True})
    assert [item["deleted"] for item in everything.json()] == [True]
    wrong_list = admin_client.patch(
        f"/api/v1/lists/country/{created.json()['id']}", json={"name": "x"}
    )
    assert wrong_list.status_code == 404


def test_a_plain_user_reads_lists_but_cannot_change_them(
    app_client: TestClient, database: Database
) -> None:
    seed_lists(database)
    make_user(database, "olle", USER_PASSWORD)
    client = signed_in(app_client, "olle", USER_PASSWORD)
    assert client.get("/api/v1/lists/currency").status_code == 200
    refused = client.post("/api/v1/lists/currency", json={"code": "XBT", "name": "Bitcoin"})
    assert refused.status_code == 403
