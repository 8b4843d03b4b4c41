"""Search, Connect and Disconnect through the API (R-TAB-2, R-TAB-4, R-SEM-2): the
search-window fields, per-field choice of the winning side, the shadow and the sync log;
refusals write nothing; Disconnect keeps both records."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from erpsync.crm.models import Company
from erpsync.sdk.model import ActorType
from erpsync.sync.models import LINK_UNLINKED, Link, SyncLogEntry
from tests.linking.conftest import TabEnv

CUSTOMER = ActorType.CUSTOMER


def links(env: TabEnv) -> list[Link]:
    with env.database.read_session() as session:
        return list(session.scalars(select(Link).order_by(Link.id)))


def log(env: TabEnv) -> list[tuple[str, str | None, str | None, str | None]]:
    with env.database.read_session() as session:
        rows = session.scalars(select(SyncLogEntry).order_by(SyncLogEntry.id))
        return [(r.action, r.field, r.old_value, r.new_value) for r in rows]


def company(env: TabEnv, company_id: int) -> Company:
    with env.database.read_session() as session:
        found = session.get(Company, company_id)
        assert found is not None
        return found


def search(client: TestClient, env: TabEnv, company_id: int, **body: Any) -> Any:
    response = client.post(env.url(company_id, "/search"), json={"actor_type": "Customer", **body})
    assert response.status_code == 200, response.text
    return response.json()


def test_search_by_text_and_restrictions_shows_the_search_window_fields(env: TabEnv) -> None:
    with env.erp() as erp:
        actor = erp.show(CUSTOMER, "10007")
    assert actor is not None
    name, city = str(actor.values["name"]), str(actor.values["city"])
    company_id = env.company(name="Searcher AB")
    sales = env.as_user("sales")
    found = search(sales, env, company_id, text=name[:6].upper())
    assert [c["key"] for c in found["columns"]] == ["number", "name", "city"]
    assert "10007" in [hit["erp_key"] for hit in found["hits"]]
    hit = next(h for h in found["hits"] if h["erp_key"] == "10007")
    assert hit["values"] == {"number": "10007", "name": name, "city": city}
    assert hit["linked_to"] is None
    restricted = search(
        sales,
        env,
        company_id,
        restrictions=[
            {"field": "city", "operator": "equals", "values": [city]},
            {"field": "employees", "operator": "ge", "values": ["0"]},
        ],
    )
    assert restricted["hits"] and all(h["values"]["city"] == city for h in restricted["hits"])
    both = search(
        sales,
        env,
        company_id,
        text=name,
        restrictions=[{"field": "number", "operator": "equals", "values": ["10007"]}],
    )
    assert [h["erp_key"] for h in both["hits"]] == ["10007"]
    searchable = {c["key"]: c["operators"] for c in found["searchable"]}
    assert "between" in searchable["credit_limit"] and "contains" in searchable["name"]


def test_bad_search_input_names_the_field(env: TabEnv) -> None:
    company_id = env.company(name="Bad Search AB")
    sales = env.as_user("sales")
    cases = [
        ({}, "text"),
        (
            {"restrictions": [{"field": "notes", "operator": "equals", "values": ["x"]}]},
            "restrictions.0.field",
        ),
        (
            {"restrictions": [{"field": "employees", "operator": "ge", "values": ["many"]}]},
            "restrictions.0.values",
        ),
        (
            {"restrictions": [{"field": "name", "operator": "between", "values": ["a", "b"]}]},
            "restrictions.0.operator",
        ),
        ({"actor_type": "Supplier", "text": "a"}, "actor_type"),
    ]
    for body, field in cases:
        response = sales.post(
            env.url(company_id, "/search"), json={"actor_type": "Customer", **body}
        )
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"] == field, response.text


def test_connect_with_a_choice_per_field(env: TabEnv) -> None:
    company_id = env.company(name="Acme Trading", city="Lund", phone="+46 46 11 22 33", email=None)
    with env.erp() as erp:
        before = erp.show(CUSTOMER, "10003")
    assert before is not None
    sales = env.as_user("sales")
    compare = sales.get(
        env.url(company_id, "/compare"), params={"actor_type": "Customer", "erp_key": "10003"}
    )
    assert compare.status_code == 200, compare.text
    rows = {r["erp_field"]: r for r in compare.json()["rows"]}
    assert rows["name"]["differs"] and rows["name"]["choices"] == ["erp", "crm"]
    assert rows["number"]["choices"] == ["erp"] and rows["number"]["crm_value"] is None
    assert rows["name"]["crm_value"] == "Acme Trading"
    assert rows["name"]["erp_value"] == before.values["name"]
    choices = {"name": "crm", "city": "erp", "phone": "crm"}
    body = {"actor_type": "Customer", "erp_key": "10003", "choices": choices}
    response = sales.post(env.url(company_id, "/connect"), json=body)
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["erp_changed"] == ["name", "phone"]
    assert set(result["crm_changed"]) >= {"city", "number"}
    with env.erp() as erp:
        after = erp.show(CUSTOMER, "10003")
    assert after is not None
    assert after.values["name"] == "Acme Trading" and after.values["phone"] == "+46 46 11 22 33"
    assert after.values["city"] == before.values["city"]
    record = company(env, company_id)
    assert record.name == "Acme Trading" and record.city == before.values["city"]
    assert record.number == "10003" and record.email == before.values["email"]
    [link] = links(env)
    assert (link.actor_type, link.erp_key, link.crm_id, link.state) == (
        "Customer",
        "10003",
        company_id,
        "active",
    )
    assert link.shadow == {
        "number": "10003",
        "name": "Acme Trading",
        "city": before.values["city"],
        "phone": "+46 46 11 22 33",
        "email": before.values["email"],
    }
    entries = log(env)
    assert entries[0] == ("connected", None, None, None)
    assert ("to_erp", "name", before.values["name"], "Acme Trading") in entries
    assert ("to_crm", "city", "Lund", before.values["city"]) in entries
    hits = search(sales, env, company_id, text="Acme Trading")["hits"]
    assert [h["linked_to"] for h in hits if h["erp_key"] == "10003"] == [company_id]


def test_refused_connects_write_nothing(env: TabEnv) -> None:
    first = env.company(name="First AB")
    second = env.company(name="X" * 120, city="Borås")
    sales = env.as_user("sales")
    url = env.url(second, "/connect")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"erp_key": "10001", "choices": {"number": "crm"}}, 422, "choices.number"),
        ({"erp_key": "10001", "choices": {"notes": "crm"}}, 422, "choices.notes"),
        ({"erp_key": "10001", "choices": {"name": "crm"}}, 422, "choices.name"),
        ({"erp_key": "99999"}, 404, "erp_key"),
    ]
    for body, status, field in cases:
        response = sales.post(url, json={"actor_type": "Customer", **body})
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, response.text
    assert links(env) == [] and log(env) == []
    assert company(env, second).city == "Borås"
    with env.erp() as erp:
        actor = erp.show(CUSTOMER, "10001")
    assert actor is not None and actor.values["name"] != "X" * 120
    first_body = {"actor_type": "Customer", "erp_key": "10001"}
    done = sales.post(env.url(first, "/connect"), json=first_body)
    assert done.status_code == 201
    again = sales.post(url, json={"actor_type": "Customer", "erp_key": "10001"})
    assert again.status_code == 409 and again.json()["field"] == "erp_key"
    twice = sales.post(
        env.url(first, "/connect"), json={"actor_type": "Customer", "erp_key": "10002"}
    )
    assert twice.status_code == 409 and twice.json()["field"] == "actor_type"


def test_disconnect_removes_the_link_only(env: TabEnv) -> None:
    company_id = env.company(name="Parting AB")
    sales = env.as_user("sales")
    body = {"actor_type": "Customer", "erp_key": "10008"}
    assert sales.post(env.url(company_id, "/connect"), json=body).status_code == 201
    response = sales.post(env.url(company_id, "/disconnect"), json={"actor_type": "Customer"})
    assert response.status_code == 204, response.text
    [link] = links(env)
    assert link.state == LINK_UNLINKED and link.unlinked_at is not None
    assert company(env, company_id).deleted_at is None
    with env.erp() as erp:
        actor = erp.show(CUSTOMER, "10008")
    assert actor is not None and not actor.deleted
    assert log(env)[-1] == ("disconnected", None, None, None)
    section = sales.get(env.url(company_id)).json()["sections"][0]
    assert not section["linked"]
    again = sales.post(env.url(company_id, "/disconnect"), json={"actor_type": "Customer"})
    assert again.status_code == 404
    relinked = sales.post(env.url(company_id, "/connect"), json=body)
    assert relinked.status_code == 201
