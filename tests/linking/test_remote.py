"""A remote connection (R-CONN-7, R-SDK-7) on the ERP tab, in the search window, in
pricing and in activation: the demo connector served over real HTTP answers exactly as
the installed one does; an unreachable service is a 503 naming its URL."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connectors.demo import DemoConnector
from erpsync.db import Database
from erpsync.mapping.models import FieldMapping
from erpsync.pricing.cache import shared_cache
from erpsync.sdk.model import ActorType
from erpsync.sdk.remote import create_app, serving
from tests.conftest import ADMIN_PASSWORD, signed_in
from tests.linking.conftest import TabEnv, make_env

SECRET = "remote-tab-secret-58"


@pytest.fixture(scope="module")
def remote_url() -> Iterator[str]:
    with serving(create_app(DemoConnector, SECRET, timeout=10.0)) as url:
        yield url


@pytest.fixture
def far(
    database: Database,
    keys: connections.Keys,
    admin: User,
    app_client: TestClient,
    tmp_path: Path,
    remote_url: str,
) -> TabEnv:
    """The ERP tab's connection, pointed at the remote service (its values unchanged)."""
    shared_cache().clear()
    env = make_env(database, keys, admin, tmp_path, app_client)
    with database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.connector_key = "remote"
        connection.remote_url = remote_url
        connection.remote_secret = keys.box.encrypt(SECRET)
    return env


def free_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_remote_connection_searches_connects_and_shows_its_erp_tab(far: TabEnv) -> None:
    with far.erp() as erp:
        actor = erp.show(ActorType.CUSTOMER, "10007")
    assert actor is not None
    name = str(actor.values["name"])
    company_id = far.company(name="Remote Searcher AB")
    sales = far.as_user("sales")
    found = sales.post(
        far.url(company_id, "/search"), json={"actor_type": "Customer", "text": name[:6]}
    )
    assert found.status_code == 200, found.text
    assert "10007" in [hit["erp_key"] for hit in found.json()["hits"]]
    body = {"actor_type": "Customer", "erp_key": "10007"}
    connected = sales.post(far.url(company_id, "/connect"), json=body)
    assert connected.status_code == 201, connected.text
    tab = sales.get(far.url(company_id))
    assert tab.status_code == 200, tab.text
    [section] = tab.json()["sections"]
    assert section["linked"] and section["erp_key"] == "10007" and not section["stale"]
    values = {f["key"]: f["value"] for f in section["fields"]}
    assert values["name"] == name and values["city"] == actor.values["city"]


def test_a_remote_connection_lists_price_lists_and_products(far: TabEnv) -> None:
    admin = signed_in(far.client, "admin", ADMIN_PASSWORD)
    base = f"/api/v1/connections/{far.connection_id}/price-lists"
    lists = admin.get(base)
    assert lists.status_code == 200, lists.text
    assert [(pl["id"], pl["currency"]) for pl in lists.json()] == [
        ("standard", "SEK"),
        ("export", "EUR"),
    ]
    page = admin.get(f"{base}/export/products", params={"limit": 100})
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert items and page.json()["total"] == len(items)
    with far.erp() as erp:
        for item in items:
            assert Decimal(item["price"]) == erp.price_of("export", item["code"])


def test_activation_checks_a_remote_connections_mandatory_fields_through_its_service(
    far: TabEnv,
) -> None:
    with far.database.session() as session:
        mapping = session.query(FieldMapping).filter_by(
            connection_id=far.connection_id, actor_type="Customer", erp_field="name"
        )
        mapping.delete()
    with far.database.session() as session:
        result = connections.activate(session, far.keys, far.admin, far.connection_id)
    assert any("Mandatory ERP field 'Name' (name)" in r for r in result.reasons), result.reasons
    assert not any("test OK" in reason for reason in result.reasons), result.reasons


def test_an_unreachable_remote_service_is_a_503_naming_its_url(far: TabEnv) -> None:
    gone = free_url()
    with far.database.session() as session:
        connection = session.get(Connection, far.connection_id)
        assert connection is not None
        connection.remote_url = gone
    company_id = far.company(name="Nowhere AB")
    sales = far.as_user("sales")
    found = sales.post(far.url(company_id, "/search"), json={"actor_type": "Customer", "text": "A"})
    assert found.status_code == 503, found.text
    problem = found.json()
    assert gone in problem["detail"] and "cannot be reached" in problem["detail"]
    assert SECRET not in found.text
