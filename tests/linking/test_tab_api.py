"""The ERP tab through the API (R-TAB-1, R-CONN-6): live fields in rank order, a short
cache, the last fetched values when the ERP cannot be reached, and no tab outside the
connection's scope; on SQLite and PostgreSQL CRM databases."""

from __future__ import annotations

from decimal import Decimal

from erpsync.connections.models import Connection
from erpsync.linking.tab import tab_cache
from erpsync.sdk.model import ActorType
from tests.linking.conftest import TabEnv

CUSTOMER = ActorType.CUSTOMER


def connect(env: TabEnv, company_id: int, erp_key: str) -> None:
    sales = env.as_user("sales")
    body = {"actor_type": "Customer", "erp_key": erp_key}
    response = sales.post(env.url(company_id, "/connect"), json=body)
    assert response.status_code == 201, response.text


def test_linked_record_shows_the_tab_fields_live_in_rank_order(env: TabEnv) -> None:
    company_id = env.company(name="Tab Test AB")
    connect(env, company_id, "10004")
    with env.erp() as erp:
        actor = erp.show(CUSTOMER, "10004")
    assert actor is not None
    response = env.client.get(env.url(company_id))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["connection_name"] == "Demo ERP"
    assert body["can_connect"] and body["can_create_in_erp"]
    [section] = body["sections"]
    assert section["actor_type"] == "Customer" and section["linked"]
    assert section["erp_key"] == "10004" and not section["stale"]
    fields = section["fields"]
    assert [f["key"] for f in fields] == [
        "number",
        "name",
        "city",
        "email",
        "customer_group",
        "credit_limit",
    ]
    values = {f["key"]: f["value"] for f in fields}
    assert values["name"] == actor.values["name"] and values["city"] == actor.values["city"]
    groups = {"1": "Retail", "2": "Wholesale", "3": "Public sector", "4": "Key account"}
    group = actor.values["customer_group"]
    assert values["customer_group"] == groups.get(str(group), "Export")
    limit = actor.values["credit_limit"]
    assert values["credit_limit"] == (None if limit is None else format(limit, "f"))
    assert fields[1]["label"] == "Name"


def test_values_are_cached_briefly_then_fetched_again(env: TabEnv) -> None:
    company_id = env.company(name="Cache AB")
    connect(env, company_id, "10002")
    first = env.client.get(env.url(company_id)).json()["sections"][0]
    with env.erp() as erp:
        erp.set(CUSTOMER, "10002", {"city": "Kiruna", "credit_limit": Decimal("12.5")})
    cached = env.client.get(env.url(company_id)).json()["sections"][0]
    assert cached["fields"] == first["fields"]
    tab_cache().clear()  # the 30 s have passed
    again = env.client.get(env.url(company_id)).json()["sections"][0]
    fresh = {f["key"]: f["value"] for f in again["fields"]}
    assert fresh["city"] == "Kiruna" and fresh["credit_limit"] == "12.5"


def test_unreachable_erp_shows_a_message_and_the_last_fetched_values(env: TabEnv) -> None:
    seen = env.company(name="Seen AB")
    never = env.company(name="Never Seen AB")
    connect(env, seen, "10003")
    connect(env, never, "10005")
    tab_cache().clear()
    live = env.client.get(env.url(seen)).json()["sections"][0]
    tab_cache().clear()
    env.erp_path.rename(env.erp_path.with_suffix(".moved"))
    response = env.client.get(env.url(seen))
    assert response.status_code == 200
    section = response.json()["sections"][0]
    assert section["stale"] and section["linked"]
    assert "cannot be reached" in section["message"] and "Demo ERP" in section["message"]
    assert section["fields"] == live["fields"]
    assert section["fetched_at"] == live["fetched_at"]
    other = env.client.get(env.url(never)).json()["sections"][0]
    assert other["stale"] and other["fields"] == [] and "cannot be reached" in other["message"]
    search = env.as_user("sales").post(
        env.url(seen, "/search"), json={"actor_type": "Customer", "text": "a"}
    )
    assert search.status_code == 503 and "cannot be reached" in search.json()["detail"]


def test_an_actor_deleted_in_the_erp_is_said_so(env: TabEnv) -> None:
    company_id = env.company(name="Gone AB")
    connect(env, company_id, "10006")
    tab_cache().clear()
    with env.erp() as erp:
        assert erp.delete(CUSTOMER, "10006")
    section = env.client.get(env.url(company_id)).json()["sections"][0]
    assert section["stale"] and "no longer has Customer 10006" in section["message"]


def test_unlinked_record_offers_connect_and_create_by_right(env: TabEnv) -> None:
    company_id = env.company(name="Fresh AB")
    sales = env.as_user("sales").get(env.url(company_id)).json()
    assert sales["sections"] == [
        {
            "actor_type": "Customer",
            "linked": False,
            "erp_key": None,
            "link_state": None,
            "fields": [],
            "fetched_at": None,
            "stale": False,
            "message": None,
        }
    ]
    assert sales["can_connect"] and sales["can_create_in_erp"]
    viewer = env.as_user("viewer").get(env.url(company_id)).json()
    assert not viewer["can_connect"] and not viewer["can_create_in_erp"]
    linker = env.as_user("linker").get(env.url(company_id)).json()
    assert linker["can_connect"] and not linker["can_create_in_erp"]


def test_outside_the_scope_there_is_no_tab(env: TabEnv) -> None:
    company_id = env.company(name="Scoped AB")
    listed = env.as_user("sales").get(f"/api/v1/companies/{company_id}/erp").json()
    assert listed == [{"connection_id": env.connection_id, "connection_name": "Demo ERP"}]
    outsider = env.as_user("outsider")
    assert outsider.get(f"/api/v1/companies/{company_id}/erp").json() == []
    calls = [
        ("get", "", None),
        ("post", "/search", {"actor_type": "Customer", "text": "a"}),
        ("get", "/compare?actor_type=Customer&erp_key=10001", None),
        ("post", "/connect", {"actor_type": "Customer", "erp_key": "10001"}),
        ("get", "/create-form?actor_type=Customer", None),
        ("post", "/create", {"actor_type": "Customer", "values": {}}),
        ("post", "/disconnect", {"actor_type": "Customer"}),
    ]
    for method, rest, body in calls:
        kwargs = {} if body is None else {"json": body}
        response = getattr(outsider, method)(env.url(company_id, rest), **kwargs)
        assert response.status_code == 404, (rest, response.text)
        assert "Demo ERP" not in response.text
    viewer = env.as_user("viewer")
    for method, rest, body in calls[1:]:
        kwargs = {} if body is None else {"json": body}
        response = getattr(viewer, method)(env.url(company_id, rest), **kwargs)
        assert response.status_code == 403, (rest, response.text)


def test_an_inactive_connection_has_no_tab(env: TabEnv) -> None:
    company_id = env.company(name="Inactive AB")
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.active = False
    sales = env.as_user("sales")
    assert sales.get(f"/api/v1/companies/{company_id}/erp").json() == []
    assert sales.get(env.url(company_id)).status_code == 404


def test_unknown_record_is_404_and_unknown_kind_422(env: TabEnv) -> None:
    sales = env.as_user("sales")
    assert sales.get("/api/v1/companies/999999/erp").status_code == 404
    assert sales.get(env.url(999999)).status_code == 404
    assert sales.get(f"/api/v1/products/1/erp/{env.connection_id}").status_code in (404, 422)


def test_list_values_show_the_item_of_their_own_list(env: TabEnv) -> None:
    """The demo ERP's countries and currencies share ids (752 is Sweden and the krona):
    the tab and the search window show each value as an item of its own list."""
    env.map(
        "Customer",
        [
            ("country", None, "none", True, True, None, None),
            ("currency", None, "none", True, True, None, None),
        ],
    )
    company_id = env.company(name="Lists AB")
    connect(env, company_id, "10001")
    with env.erp() as erp:
        actor = erp.show(CUSTOMER, "10001")
    assert actor is not None and actor.values["country"] == actor.values["currency"] == "752"
    [section] = env.client.get(env.url(company_id)).json()["sections"]
    values = {f["key"]: f["value"] for f in section["fields"]}
    assert (values["country"], values["currency"]) == ("Sweden", "Swedish krona")
    other = env.company(name="Search AB")
    body = {"actor_type": "Customer", "text": str(actor.values["name"])}
    found = env.client.post(env.url(other, "/search"), json=body).json()
    [hit] = [h for h in found["hits"] if h["erp_key"] == "10001"]
    assert (hit["values"]["country"], hit["values"]["currency"]) == ("Sweden", "Swedish krona")
