"""Two-way sync against a real Tryton server (issue 8 scenarios, R-SYNC-1, R-SYNC-2,
R-SYNC-4, R-SYNC-7): an address edit in Tryton reaches the CRM, a CRM edit reaches the
party's contact mechanism and is not sent back when the stream brings it round again,
and a deactivated party marks its link and keeps the CRM record. One CRM backend: the
subject is the ERP's side."""

from __future__ import annotations

from pathlib import Path

import pytest

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.crm import service as crm
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.schemas import CompanyUpdate
from erpsync.db import Database
from erpsync.sync.models import LINK_DELETED_IN_ERP
from tests.connectors.tryton.conftest import tryton_server, tryton_template  # noqa: F401
from tests.connectors.tryton.server import TrytonServer
from tests.connectors.tryton.test_tryton import config
from tests.sync.conftest import SyncEnv

FIELDS = [
    ("code", "number", "to_crm"),
    ("name", "name", "both"),
    ("city", "city", "both"),
    ("email", "email", "both"),
]


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    return sqlite_database


@pytest.fixture
def tryton_env(
    database: Database,
    keys: connections.Keys,
    admin: User,
    tmp_path: Path,
    tryton_server: TrytonServer,  # noqa: F811
) -> SyncEnv:
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(
            name="Tryton", connector="tryton", config=dict(config(tryton_server))
        )
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = True
        connection_id = connection.id
    env = SyncEnv(database, keys, admin, tmp_path / "unused", connection_id)
    env.map("Customer", FIELDS, create=True)
    return env


def test_changes_travel_both_ways_with_a_tryton_server(
    tryton_env: SyncEnv,
    tryton_server: TrytonServer,  # noqa: F811
) -> None:
    env = tryton_env
    first = env.run()
    assert first.state == "succeeded", first.error
    links = env.links()
    assert links and first.counts["created"] == len(links)
    assert env.saves == []
    tryton = tryton_server.client()
    try:
        (party,) = tryton.search_read(
            "party.party", [("name", "ilike", "Customer 005%")], ["id", "code", "name"]
        )
        key = str(party["id"])
        company = env.company(key)
        assert (company.name, company.number) == (party["name"], party["code"])

        (address,) = tryton.search_read("party.address", [("party", "=", party["id"])], ["id"])
        tryton.model("party.address", "write", [address["id"]], {"city": "Kalmar"})
        result = env.run()
        assert result.state == "succeeded", result.error
        assert env.company(key).city == "Kalmar" and env.saves == []
        assert [e.field for e in env.log(action="to_crm", erp_key=key)] == ["city"]

        with env.database.session() as session:
            crm.update_company(session, company.id, CompanyUpdate(email="order@c5.example.com"))
        result = env.run()
        assert result.state == "succeeded", result.error
        assert [(a.key, a.values) for a in env.saves] == [(key, {"email": "order@c5.example.com"})]
        mechanisms = tryton.search_read(
            "party.contact_mechanism",
            [("party", "=", party["id"]), ("type", "=", "email")],
            ["value"],
        )
        assert [m["value"] for m in mechanisms] == ["order@c5.example.com"]
        env.saves.clear()
        again = env.run()  # the overlap re-reads the party: equal to its shadow
        assert again.state == "succeeded" and env.saves == []
        assert again.counts.get("updated", 0) == 0

        tryton.model("party.party", "write", [party["id"]], {"active": False})
        deleted = env.run()
        assert deleted.counts["deleted"] == 1
        assert env.links()[key].state == LINK_DELETED_IN_ERP
        kept = env.company(key)
        assert kept.deleted_at is None and kept.active
    finally:
        tryton.close()
