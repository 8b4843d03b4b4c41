"""Fixtures of the ERP tab tests: a demo ERP of its own per test, an active connection to
it scoped to a sales user (who may connect and create) and a viewer (who may only see),
Customer and Person mappings with tab/search fields and every default mode, and
signed-in API clients."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate, GrantIn
from erpsync.connectors.demo.admin import DemoErp
from erpsync.connectors.demo.seed import init_database
from erpsync.crm import service as crm
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.schemas import CompanyCreate, PersonCreate
from erpsync.db import Database
from erpsync.linking.tab import tab_cache
from erpsync.mapping.models import FieldMapping
from erpsync.secrets import SecretBox
from erpsync.settings import Settings
from tests.conftest import USER_PASSWORD, make_user, signed_in

#: (ERP field, CRM field, direction, on tab, in search, default mode, default JSON)
Row = tuple[str, str | None, str, bool, bool, str | None, str | None]
CUSTOMER: list[Row] = [
    ("number", "number", "to_crm", True, True, None, None),
    ("name", "name", "both", True, True, None, None),
    ("city", "city", "both", True, True, None, None),
    ("phone", "phone", "both", False, False, None, None),
    ("email", "email", "both", True, False, None, None),
    ("customer_group", None, "none", True, False, "ask", '"2"'),
    ("credit_limit", None, "none", True, False, "set", '"5000.50"'),
    ("payment_terms", None, "none", False, False, "mandatory", None),
]
PERSON: list[Row] = [
    ("number", None, "none", True, True, None, None),
    ("first_name", "first_name", "both", True, True, None, None),
    ("last_name", "last_name", "both", True, True, None, None),
    ("email", "email", "both", True, False, None, None),
]


@dataclass
class TabEnv:
    database: Database
    keys: connections.Keys
    admin: User
    erp_path: Path
    connection_id: int
    client: TestClient

    def erp(self) -> DemoErp:
        return DemoErp(self.erp_path)

    def map(self, actor_type: str, rows: Sequence[Row]) -> None:
        with self.database.session() as session:
            for rank, (erp, crm_field, direction, tab, search, mode, default) in enumerate(rows):
                session.add(
                    FieldMapping(
                        connection_id=self.connection_id,
                        actor_type=actor_type,
                        erp_field=erp,
                        crm_field=crm_field,
                        direction=direction,
                        show_on_tab=tab,
                        show_in_search=search,
                        rank=(rank + 1) * 10,
                        default_mode=mode,
                        default_value=default,
                    )
                )

    def company(self, **values: Any) -> int:
        with self.database.session() as session:
            return crm.create_company(session, CompanyCreate(**values)).id

    def person(self, **values: Any) -> int:
        with self.database.session() as session:
            return crm.create_person(session, PersonCreate(**values)).id

    def as_user(self, login: str) -> TestClient:
        self.client.cookies.clear()
        self.client.headers.pop("X-CSRF-Token", None)
        return signed_in(self.client, login, USER_PASSWORD)

    def url(self, company_id: int, rest: str = "", kind: str = "companies") -> str:
        return f"/api/v1/{kind}/{company_id}/erp/{self.connection_id}{rest}"


@pytest.fixture(autouse=True)
def _fresh_tab_cache() -> None:
    tab_cache().clear()


@pytest.fixture
def keys(settings: Settings) -> connections.Keys:
    return connections.Keys(SecretBox(settings.secret_keys), settings.session_secret)


def new_erp(directory: Path) -> Path:
    path = directory / "demo-erp.db"
    init_database(path, customers=12, suppliers=2, partners=1, products=5)
    return path


def make_env(
    database: Database,
    keys: connections.Keys,
    admin: User,
    tmp_path: Path,
    client: TestClient | None = None,
) -> TabEnv:
    """The users, the demo ERP, the scoped active connection and its mappings."""
    for login in ("sales", "viewer", "outsider", "linker"):
        make_user(database, login, USER_PASSWORD)
    path = new_erp(tmp_path)
    grants = [
        GrantIn(user="sales", can_connect=True, can_create_in_erp=True),
        GrantIn(user="viewer", can_connect=False, can_create_in_erp=False),
        GrantIn(user="linker", can_connect=True, can_create_in_erp=False),
    ]
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(
            name="Demo ERP",
            connector="demo",
            config={"database": str(path)},
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
    found = TabEnv(database, keys, admin, path, connection_id, client)  # type: ignore[arg-type]
    found.map("Customer", CUSTOMER)
    found.map("Person", PERSON)
    return found


@pytest.fixture
def env(
    database: Database,
    keys: connections.Keys,
    admin: User,
    app_client: TestClient,
    tmp_path: Path,
) -> TabEnv:
    return make_env(database, keys, admin, tmp_path, app_client)
