"""The ERP tab, connect and create in ERP against a real Tryton server (issue 9 tests,
R-TAB-1…3): search by text, per-field choice at connect, the tab's fields live in rank
order, create with each default mode, and the unreachable-ERP message with the last
values. One CRM backend: the subject is the ERP's side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate, GrantIn
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.linking.tab import tab_cache
from tests.conftest import USER_PASSWORD, make_user
from tests.connectors.tryton.conftest import tryton_server, tryton_template  # noqa: F401
from tests.connectors.tryton.server import TrytonServer
from tests.connectors.tryton.test_tryton import config
from tests.linking.conftest import Row, TabEnv
from tests.linking.test_connect_api import company

CUSTOMER: list[Row] = [
    ("code", "number", "to_crm", True, True, None, None),
    ("name", "name", "both", True, True, None, None),
    ("city", "city", "both", True, True, None, None),
    ("email", "email", "both", True, False, None, None),
    ("street", None, "none", True, False, "set", '"Hamngatan 1"'),
    ("website", None, "none", False, False, "ask", '"https://example.com"'),
    ("phone", "phone", "both", True, False, "mandatory", None),
]


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    return sqlite_database


@pytest.fixture
def env(
    database: Database,
    keys: connections.Keys,
    admin: User,
    app_client: TestClient,
    tmp_path: Path,
    tryton_server: TrytonServer,  # noqa: F811
) -> TabEnv:
    make_user(database, "sales", USER_PASSWORD)
    grants = [GrantIn(user="sales", can_connect=True, can_create_in_erp=True)]
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(
            name="Tryton",
            connector="tryton",
            config=dict(config(tryton_server)),
            scope="grants",
            grants=grants,
        )
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection_id = connection.id
    with database.session() as session:
        stored = session.get(Connection, connection_id)
        assert stored is not None
        stored.active = True  # activation checks are the mapping tests' subject
    found = TabEnv(database, keys, admin, tmp_path / "unused", connection_id, app_client)
    found.map("Customer", CUSTOMER)
    return found


def _party(server: TrytonServer, party_id: int) -> dict[str, Any]:
    """What Tryton itself holds: the party, its address and its contact mechanisms."""
    tryton = server.client()
    try:
        (party,) = tryton.search_read("party.party", [("id", "=", party_id)], ["name", "code"])
        addresses = tryton.search_read(
            "party.address", [("party", "=", party_id)], ["street", "city"]
        )
        mechanisms = tryton.search_read(
            "party.contact_mechanism", [("party", "=", party_id)], ["type", "value"]
        )
    finally:
        tryton.close()
    return {
        **party,
        "address": addresses[0] if addresses else {},
        **{m["type"]: m["value"] for m in mechanisms},
    }


def test_search_connect_with_a_choice_and_the_live_tab(
    env: TabEnv,
    tryton_server: TrytonServer,  # noqa: F811
) -> None:
    company_id = env.company(name="Tab Tryton AB", city="Lund")
    sales = env.as_user("sales")
    found = sales.post(
        env.url(company_id, "/search"), json={"actor_type": "Customer", "text": "customer 003"}
    )
    assert found.status_code == 200, found.text
    assert [c["key"] for c in found.json()["columns"]] == ["code", "name", "city"]
    [hit] = [h for h in found.json()["hits"] if h["values"]["name"].startswith("Customer 003")]
    erp_key = hit["erp_key"]
    before = _party(tryton_server, int(erp_key))

    body = {"actor_type": "Customer", "erp_key": erp_key, "choices": {"name": "crm", "city": "erp"}}
    connected = sales.post(env.url(company_id, "/connect"), json=body)
    assert connected.status_code == 201, connected.text
    assert "name" in connected.json()["erp_changed"]
    after = _party(tryton_server, int(erp_key))
    assert after["name"] == "Tab Tryton AB"  # the CRM side won for the name
    assert after["address"]["city"] == before["address"]["city"]
    record = company(env, company_id)
    assert (record.city, record.number) == (before["address"]["city"], before["code"])

    section = sales.get(env.url(company_id)).json()["sections"][0]
    assert section["linked"] and not section["stale"] and section["erp_key"] == erp_key
    assert [f["key"] for f in section["fields"]] == [
        "code",
        "name",
        "city",
        "email",
        "street",
        "phone",
    ]
    values = {f["key"]: f["value"] for f in section["fields"]}
    assert values["name"] == "Tab Tryton AB" and values["city"] == before["address"]["city"]

    tab_cache().clear()
    tryton_server.stop()
    unreachable = sales.get(env.url(company_id))
    assert unreachable.status_code == 200
    stale = unreachable.json()["sections"][0]
    assert stale["stale"] and "Tryton" in stale["message"]
    assert stale["fields"] == section["fields"]


def test_create_in_tryton_applies_each_default_mode(
    env: TabEnv,
    tryton_server: TrytonServer,  # noqa: F811
) -> None:
    company_id = env.company(name="Skapad i Tryton AB", city="Visby", email="info@visby.example")
    sales = env.as_user("sales")
    missing = sales.post(env.url(company_id, "/create"), json={"actor_type": "Customer"})
    assert missing.status_code == 422 and "phone" in missing.text
    body = {"actor_type": "Customer", "values": {"phone": "+46 498 20 00 00"}}
    created = sales.post(env.url(company_id, "/create"), json=body)
    assert created.status_code == 201, created.text
    erp_key = created.json()["erp_key"]
    party = _party(tryton_server, int(erp_key))
    assert party["name"] == "Skapad i Tryton AB" and party["address"]["city"] == "Visby"
    assert party["address"]["street"] == "Hamngatan 1"  # set
    assert party["website"] == "https://example.com"  # ask, left at its default
    assert party["phone"] == "+46 498 20 00 00"  # mandatory, given
    assert party["email"] == "info@visby.example"
    assert company(env, company_id).number == party["code"]  # Tryton's own party code
    section = sales.get(env.url(company_id)).json()["sections"][0]
    assert section["linked"] and section["erp_key"] == erp_key
