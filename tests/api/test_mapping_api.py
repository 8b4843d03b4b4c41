"""The mapping API against the real demo ERP, on SQLite and PostgreSQL
(R-MAP-1…6, R-MAP-8, R-SEM-1, R-UI-1): fields, defaults, rank moves, automap, create
policy, entities; bad input is a 422 naming the field and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from tests.api.conftest import ACCESS_KEY
from tests.conftest import make_user, signed_in

FIELDS = "/api/v1/connections/{id}/mapping/Customer/fields"


def add_connection(client: TestClient, database: Database, demo_erp: str, name: str) -> int:
    with database.session() as session:
        ensure_standard_lists(session)
    config = {"database": demo_erp, "access_key": ACCESS_KEY}
    test = client.post("/api/v1/connections/test", json={"connector": "demo", "config": config})
    body = {"name": name, "connector": "demo", "config": config}
    created = client.post(
        "/api/v1/connections", json={**body, "test_token": test.json()["test_token"]}
    )
    assert created.status_code == 201, created.text
    connection_id: int = created.json()["id"]
    return connection_id


@pytest.fixture
def connection_id(admin_client: TestClient, database: Database, demo_erp: str) -> int:
    return add_connection(admin_client, database, demo_erp, "Demo ERP")


def _mapped(client: TestClient, connection_id: int) -> list[tuple[Any, ...]]:
    rows = client.get(FIELDS.format(id=connection_id)).json()
    return [
        (r["erp_field"], r["crm_field"], r["direction"], r["rank"]) for r in rows if r["mapped"]
    ]


def _refused(
    client: TestClient, method: str, url: str, body: dict[str, Any], field: str, text: str
) -> None:
    connection_id = int(url.split("/")[4])
    before = _mapped(client, connection_id)
    response = client.request(method, url, json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert field in [e["field"] for e in problem["errors"]], problem
    assert text in problem["detail"], problem
    assert _mapped(client, connection_id) == before


def test_fields_put_patch_move_and_delete_keep_ranks_one_to_n(
    admin_client: TestClient, connection_id: int
) -> None:
    url = FIELDS.format(id=connection_id)
    listed = admin_client.get(url).json()
    assert [r["erp_field"] for r in listed][:3] == ["number", "name", "org_no"]
    assert not any(r["mapped"] for r in listed)
    put = admin_client.put(
        url,
        json={
            "fields": [
                {"erp_field": "name", "crm_field": "name", "direction": "both"},
                {"erp_field": "number", "crm_field": "number", "direction": "to_crm"},
                {"erp_field": "city", "crm_field": "city", "direction": "both"},
            ]
        },
    )
    assert put.status_code == 200, put.text
    patched = admin_client.patch(
        f"{url}/city", json={"show_on_tab": True, "conflict_policy": "crm_wins"}
    )
    city = next(r for r in patched.json() if r["erp_field"] == "city")
    assert (city["show_on_tab"], city["conflict_policy"], city["direction"]) == (
        True,
        "crm_wins",
        "both",
    )
    moved = admin_client.post(f"{url}/city/move", json={"step": -2})
    assert moved.status_code == 200, moved.text
    assert _mapped(admin_client, connection_id) == [
        ("city", "city", "both", 1),
        ("name", "name", "both", 2),
        ("number", "number", "to_crm", 3),
    ]
    admin_client.post(f"{url}/number/move", json={"position": 1})
    assert admin_client.delete(f"{url}/name").status_code == 200
    assert _mapped(admin_client, connection_id) == [
        ("number", "number", "to_crm", 1),
        ("city", "city", "both", 2),
    ]


def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(
    admin_client: TestClient, connection_id: int
) -> None:
    url = FIELDS.format(id=connection_id)
    name = {"erp_field": "name", "crm_field": "name", "direction": "both"}
    admin_client.put(url, json={"fields": [name]})
    cases = [
        ({"fields": [{**name, "colour": "red"}]}, "fields.0.colour", "Extra inputs"),
        ({"fields": [{**name, "direction": "sideways"}]}, "fields.0.direction", "Input should"),
        ({"fields": [{**name, "show_on_tab": "often"}]}, "fields.0.show_on_tab", "boolean"),
        (
            {"fields": [name, {"erp_field": "number", "crm_field": "number", "direction": "both"}]},
            "fields.1.direction",
            "ReadOnly in the ERP",
        ),
        (
            {"fields": [name, {"erp_field": "city", "crm_field": "name", "direction": "to_crm"}]},
            "fields.1.crm_field",
            "already written by the ERP field 'name'",
        ),
        (
            {"fields": [{"erp_field": "nope", "crm_field": "name"}]},
            "fields.0.erp_field",
            "no field 'nope'",
        ),
        (
            {"fields": [{**name, "crm_field": "shoe_size"}]},
            "fields.0.crm_field",
            "no field 'shoe_size'",
        ),
        (
            {"fields": [name, {"erp_field": "country", "default_value": "XX"}]},
            "fields.1.default_value",
            "not an item id of the ERP list 'countries'",
        ),
        (
            {"fields": [name, {"erp_field": "employees", "default_value": "many"}]},
            "fields.1.default_value",
            "employees",
        ),
    ]
    for body, field, text in cases:
        _refused(admin_client, "PUT", url, body, field, text)
    wrong_type = url.replace("Customer", "Spaceship")
    response = admin_client.put(wrong_type, json={"fields": [name]})
    assert (response.status_code, response.json()["field"]) == (422, "actor_type")


def test_defaults_set_ask_mandatory_are_typed_and_checked_against_the_list(
    admin_client: TestClient, connection_id: int
) -> None:
    url = FIELDS.format(id=connection_id)
    assert admin_client.put(
        f"{url}/country/default", json={"mode": "set", "value": "752"}
    ).is_success
    admin_client.put(f"{url}/employees/default", json={"mode": "ask", "value": "12"})
    admin_client.put(f"{url}/name/default", json={"mode": "mandatory"})
    rows = {r["erp_field"]: r for r in admin_client.get(url).json()}
    assert (rows["country"]["default_mode"], rows["country"]["default_value"]) == ("set", "752")
    assert (rows["employees"]["default_mode"], rows["employees"]["default_value"]) == ("ask", 12)
    assert (rows["name"]["default_mode"], rows["name"]["default_value"]) == ("mandatory", None)
    _refused(
        admin_client,
        "PUT",
        f"{url}/country/default",
        {"mode": "set", "value": "999"},
        "default_value",
        "not an item id",
    )
    _refused(
        admin_client,
        "PUT",
        f"{url}/city/default",
        {"mode": "ask"},
        "default_value",
        "needs a value",
    )
    _refused(
        admin_client,
        "PUT",
        f"{url}/modified_at/default",
        {"mode": "set", "value": "2026-01-01T00:00:00"},
        "default_value",
        "ReadOnly",
    )
    _refused(
        admin_client, "PUT", f"{url}/city/default", {"mode": "always"}, "mode", "Input should be"
    )
    cleared = admin_client.put(f"{url}/employees/default", json={"mode": None, "value": None})
    employees = next(r for r in cleared.json() if r["erp_field"] == "employees")
    assert (employees["default_mode"], employees["default_value"]) == (None, None)


def test_automap_proposes_with_reasons_and_applies_only_the_chosen_fields(
    admin_client: TestClient, connection_id: int
) -> None:
    url = f"/api/v1/connections/{connection_id}/mapping/Customer/automap"
    proposals = admin_client.post(url, json={}).json()
    by_field = {p["erp_field"]: p for p in proposals}
    assert by_field["name"]["crm_field"] == "name"
    assert "means 'Name'" in by_field["name"]["reason"]
    assert by_field["city"]["crm_field"] == "city"
    assert _mapped(admin_client, connection_id) == []
    applied = admin_client.post(url, json={"apply": True, "fields": ["name", "city"]})
    assert [p["erp_field"] for p in applied.json()] == ["name", "city"]
    assert [(f, c, d) for f, c, d, _ in _mapped(admin_client, connection_id)] == [
        ("name", "name", "none"),
        ("city", "city", "none"),
    ]
    bad = admin_client.post(url, json={"apply": True, "fields": ["nope"]})
    assert (bad.status_code, bad.json()["field"]) == (422, "erp_field")


def test_entities_are_fixed_and_create_policies_check_their_filter(
    admin_client: TestClient, connection_id: int
) -> None:
    base = f"/api/v1/connections/{connection_id}/mapping"
    entities = {e["actor_type"]: e for e in admin_client.get(base).json()}
    assert {t: e["entity"] for t, e in entities.items()} == {
        "Customer": "company",
        "Supplier": "company",
        "Partner": "company",
        "Person": "person",
        "Project": "project",
    }
    assert entities["Customer"]["policy"]["erp_to_crm"] == "ignore"
    policy = {
        "erp_to_crm": "create",
        "crm_to_erp": "create",
        "crm_filter": {"category": ["customer"]},
    }
    saved = admin_client.put(f"{base}/Customer/policy", json=policy)
    assert saved.status_code == 200, saved.text
    assert admin_client.get(f"{base}/Customer/policy").json() == {
        **policy,
        "actor_type": "Customer",
        "entity": "company",
    }
    for body, field in [
        ({"crm_filter": {"shoe": ["x"]}}, "crm_filter.shoe"),
        ({"crm_filter": {"category": ["nobody"]}}, "crm_filter.category"),
        ({"erp_to_crm": "maybe"}, "erp_to_crm"),
    ]:
        response = admin_client.put(f"{base}/Customer/policy", json=body)
        assert (response.status_code, response.json()["errors"][0]["field"]) == (422, field)
    assert admin_client.get(f"{base}/Customer/policy").json()["crm_filter"] == {
        "category": ["customer"]
    }
    assert admin_client.get(f"{base}/Spaceship/policy").status_code == 422


def test_reads_follow_the_scope_and_writes_are_for_administrators(
    admin_client: TestClient, database: Database, connection_id: int
) -> None:
    make_user(database, "sara", "sara-password-1")
    make_user(database, "olle", "olle-password-1")
    scoped = admin_client.patch(
        f"/api/v1/connections/{connection_id}",
        json={"scope": "grants", "grants": [{"user": "sara"}]},
    )
    assert scoped.status_code == 200, scoped.text
    url = FIELDS.format(id=connection_id)
    outsider = signed_in(admin_client, "olle", "olle-password-1")
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/api/v1/connections/{connection_id}/mapping").status_code == 404
    assert outsider.put(url, json={"fields": []}).status_code == 403
    insider = signed_in(admin_client, "sara", "sara-password-1")
    assert [r["erp_field"] for r in insider.get(url).json()][:1] == ["number"]
    assert insider.put(url, json={"fields": []}).status_code == 403
    assert insider.post(f"{url}/name/move", json={"step": 1}).status_code == 403
