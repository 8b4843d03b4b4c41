"""List mappings and priorities through the API on SQLite and PostgreSQL (R-MAP-3, R-MAP-6):
one to one with auto-match, flags for unmapped, duplicate and new items; priorities
set together or not at all."""

from __future__ import annotations

from fastapi.testclient import TestClient

from erpsync.db import Database
from tests.api.test_mapping_api import FIELDS, add_connection


def test_list_mapping_automatch_flags_and_new_items_since_the_last_look(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    connection_id = add_connection(admin_client, database, demo_erp, "Demo ERP")
    url = f"/api/v1/connections/{connection_id}/lists/project_statuses"
    before = admin_client.get(url).json()
    assert before["crm_list"] is None and len(before["unmapped_erp"]) == 4
    proposed = admin_client.post(
        f"{url}/automatch", json={"crm_list": "project_status", "apply": False}
    ).json()
    assert [(p["erp_item"], p["crm_item"]) for p in proposed["items"]] == [
        ("1", "planned"),
        ("3", "on_hold"),
    ]
    assert admin_client.get(url).json()["items"] == []
    admin_client.post(f"{url}/automatch", json={"crm_list": "project_status", "apply": True})
    mapped = admin_client.get(url).json()
    assert [i["code"] for i in mapped["unmapped_erp"]] == ["ACTIVE", "DONE"]
    assert mapped["new_crm"] == [] and mapped["new_erp"] == []
    created = admin_client.post(
        "/api/v1/lists/project_status", json={"code": "paused", "name": "Paused"}
    )
    assert created.status_code == 201, created.text
    assert [i["code"] for i in admin_client.get(url).json()["new_crm"]] == ["paused"]
    looked = admin_client.post(f"{url}/seen").json()
    assert [i["code"] for i in looked["new_crm"]] == ["paused"]
    assert admin_client.get(url).json()["new_crm"] == []
    overview = {r["erp_list"]: r for r in admin_client.get(url.rsplit("/", 1)[0]).json()}
    assert overview["project_statuses"]["crm_list"] == "project_status"
    assert overview["countries"]["crm_list"] is None


def test_list_items_pair_one_to_one_else_422_and_nothing_changes(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    connection_id = add_connection(admin_client, database, demo_erp, "Demo ERP")
    url = f"/api/v1/connections/{connection_id}/lists/countries"
    ok = admin_client.put(
        url, json={"crm_list": "country", "items": [{"erp_item": "752", "crm_item": "SE"}]}
    )
    assert ok.status_code == 200, ok.text
    for items, field in [
        ([("752", "SE"), ("578", "SE")], "items[1].crm_item"),
        ([("752", "SE"), ("752", "NO")], "items[1].erp_item"),
        ([("999", "SE")], "items[0].erp_item"),
        ([("752", "XX")], "items[0].crm_item"),
    ]:
        body = {"crm_list": "country", "items": [{"erp_item": e, "crm_item": c} for e, c in items]}
        response = admin_client.put(url, json=body)
        assert (response.status_code, response.json()["field"]) == (422, field)
    wrong_list = admin_client.put(url, json={"crm_list": "shoes", "items": []})
    assert wrong_list.status_code == 404 and "list_name" in wrong_list.text
    unknown = admin_client.put(url.replace("countries", "planets"), json={"crm_list": "country"})
    assert (unknown.status_code, unknown.json()["field"]) == (422, "erp_list")
    assert [(p["erp_item"], p["crm_item"]) for p in admin_client.get(url).json()["items"]] == [
        ("752", "SE")
    ]
    assert admin_client.delete(url).status_code == 204
    assert admin_client.get(url).json()["crm_list"] is None


def test_priorities_show_ties_and_are_set_together_or_not_at_all(
    admin_client: TestClient, database: Database, demo_erp: str
) -> None:
    first = add_connection(admin_client, database, demo_erp, "ERP one")
    second = add_connection(admin_client, database, demo_erp, "ERP two")
    name = {"fields": [{"erp_field": "name", "crm_field": "name", "direction": "to_crm"}]}
    for connection_id in (first, second):
        admin_client.put(FIELDS.format(id=connection_id), json=name)
    rows = {r["name"]: r for r in admin_client.get("/api/v1/mapping/priorities").json()}
    assert rows["ERP one"]["writes"] == ["company.name"]
    assert rows["ERP one"]["ties"] == ["ERP two"]
    bad = admin_client.put(
        "/api/v1/mapping/priorities", json={"priorities": {str(first): 2, str(second): 0}}
    )
    assert (bad.status_code, bad.json()["field"]) == (422, f"priority.{second}")
    assert {r["priority"] for r in admin_client.get("/api/v1/mapping/priorities").json()} == {1}
    saved = admin_client.put("/api/v1/mapping/priorities", json={"priorities": {str(second): 2}})
    assert saved.status_code == 200, saved.text
    assert [(r["name"], r["priority"], r["ties"]) for r in saved.json()] == [
        ("ERP one", 1, []),
        ("ERP two", 2, []),
    ]
