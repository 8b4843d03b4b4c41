"""Soft delete of a connection (R-CONN-1): it hides the connection and its ERP tab but
keeps its links, so a restore brings the tab back with the records still connected and
nothing needs connecting again."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from erpsync.connections.models import Connection
from erpsync.sync.models import LINK_ACTIVE, Link
from tests.conftest import ADMIN_PASSWORD, signed_in
from tests.linking.conftest import TabEnv


def _links(env: TabEnv) -> list[tuple[str, str, int, str]]:
    with env.database.read_session() as session:
        rows = session.scalars(select(Link).where(Link.connection_id == env.connection_id))
        return [(r.actor_type, r.erp_key, r.crm_id, r.state) for r in rows]


def _as_admin(env: TabEnv) -> TestClient:
    env.client.cookies.clear()
    env.client.headers.pop("X-CSRF-Token", None)
    return signed_in(env.client, "admin", ADMIN_PASSWORD)


def test_a_deleted_connection_keeps_its_links_and_a_restore_brings_the_tab_back(
    env: TabEnv,
) -> None:
    company_id = env.company(name="Kept Links AB")
    sales = env.as_user("sales")
    body = {"actor_type": "Customer", "erp_key": "10004"}
    assert sales.post(env.url(company_id, "/connect"), json=body).status_code == 201
    linked = _links(env)
    assert linked == [("Customer", "10004", company_id, LINK_ACTIVE)]

    admin = _as_admin(env)
    connection_url = f"/api/v1/connections/{env.connection_id}"
    assert admin.delete(connection_url).status_code == 204
    sales = env.as_user("sales")
    assert sales.get(f"/api/v1/companies/{company_id}/erp").json() == []
    assert sales.get(env.url(company_id)).status_code == 404
    assert sales.get("/api/v1/connections").json() == []
    assert _links(env) == linked  # hidden, not unlinked

    admin = _as_admin(env)
    assert admin.post(f"{connection_url}/restore").json()["deleted"] is False
    with env.database.session() as session:  # activation checks are the mapping tests' subject
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.active = True
    sales = env.as_user("sales")
    tab = sales.get(env.url(company_id))
    assert tab.status_code == 200, tab.text
    [section] = tab.json()["sections"]
    assert (section["linked"], section["erp_key"]) == (True, "10004")
    assert _links(env) == linked
