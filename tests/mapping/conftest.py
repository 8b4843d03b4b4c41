"""Fixtures of the mapping tests: the real demo ERP and a connection to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.mapping import erp
from erpsync.mapping.erp import ErpMeta
from erpsync.secrets import SecretBox
from erpsync.settings import Settings


@pytest.fixture(scope="session")
def demo_erp_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mapping-erp") / "demo-erp.db"
    init_database(path, customers=30, suppliers=5, partners=2)
    return path


@pytest.fixture
def keys(settings: Settings) -> connections.Keys:
    return connections.Keys(SecretBox(settings.secret_keys), settings.session_secret)


def add_connection(
    database: Database, keys: connections.Keys, admin: User, path: Path, name: str = "Demo ERP"
) -> int:
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(name=name, connector="demo", config={"database": str(path)})
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        return connection.id


@pytest.fixture
def connection_id(
    database: Database, keys: connections.Keys, admin: User, demo_erp_path: Path
) -> int:
    return add_connection(database, keys, admin, demo_erp_path)


@pytest.fixture
def meta(database: Database, keys: connections.Keys, admin: User, connection_id: int) -> ErpMeta:
    with database.read_session() as session:
        return erp.read(keys, connections.get(session, admin, connection_id))
