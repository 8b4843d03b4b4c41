"""SQLite under load (R-SEM-8): a 20,000-record sync runs while a thread edits companies
through the API; no request meets "database is locked" and nothing is lost."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from erpsync.app import create_app
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo.seed import init_database
from erpsync.crm import service as crm
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.models import Company
from erpsync.crm.schemas import CompanyCreate
from erpsync.db import Database
from erpsync.settings import Settings
from erpsync.sync.models import Link
from tests.conftest import ADMIN_PASSWORD, make_user, signed_in
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv

CUSTOMERS = 20_000
EDITED = 10


def test_a_large_sync_and_api_edits_share_sqlite_without_locking_errors(
    sqlite_database: Database, settings: Settings, keys: connections.Keys, tmp_path: Path
) -> None:
    database = sqlite_database
    admin = make_user(database, "admin", ADMIN_PASSWORD, "admin")
    path = tmp_path / "demo-erp.db"
    init_database(path, customers=CUSTOMERS, suppliers=0, partners=0, products=0)
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(name="Big ERP", connector="demo", config={"database": str(path)})
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = True
        env = SyncEnv(database, keys, admin, path, connection.id)
        edited = [
            crm.create_company(session, CompanyCreate(name=f"Edited {i}")).id for i in range(EDITED)
        ]
    env.map("Customer", CUSTOMER_FIELDS, create=True)

    failures: list[str] = []
    last: dict[int, str] = {}
    done = threading.Event()

    def edit_companies(client: TestClient) -> None:
        round_no = 0
        while not done.is_set() or round_no < 3:
            round_no += 1
            for company_id in edited:
                phone = f"+46 {round_no}"
                response = client.patch(f"/api/v1/companies/{company_id}", json={"phone": phone})
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text}")
                else:
                    last[company_id] = phone

    with TestClient(create_app(settings, database)) as client:
        signed_in(client, "admin", ADMIN_PASSWORD)
        editor = threading.Thread(target=edit_companies, args=(client,))
        editor.start()
        try:
            run = env.run()
        finally:
            done.set()
            editor.join(60)

    assert run.state == "succeeded", run.error
    assert run.counts["created"] == CUSTOMERS
    assert failures == []  # no "database is locked", no other failure
    assert len(last) == EDITED and set(last.values()) != {"+46 1"}  # edits went on
    with database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Link)) == CUSTOMERS
        companies = session.scalar(select(func.count()).select_from(Company))
        assert companies == CUSTOMERS + EDITED
        for company_id, phone in last.items():  # nothing lost
            assert session.get(Company, company_id).phone == phone  # type: ignore[union-attr]
