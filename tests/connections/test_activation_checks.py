"""The activation checklist when the connector is gone (R-CONN-5): a connection whose
connector was uninstalled cannot be activated, the reason says which connector is
missing (and no check trips over the missing connector), and deactivation still works."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import update

from erpsync.accounts.models import User
from erpsync.connections import service
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate, ConnectionTest
from erpsync.db import Database
from erpsync.secrets import SecretBox

GOOD = {"host": "erp.local", "user": "sync", "password": "right"}


@pytest.fixture
def keys() -> service.Keys:
    return service.Keys(SecretBox([Fernet.generate_key().decode()]), "gate-secret")


def _uninstalled(database: Database, keys: service.Keys, admin: User, connector: str) -> int:
    """A connection whose connector is no longer installed (as after a `pip uninstall`
    of its package: the stored key names nothing the registry finds)."""
    with database.session() as session:
        token = service.test(
            session, keys, admin, ConnectionTest(connector=connector, config=GOOD)
        ).test_token
        data = ConnectionCreate(name="ERP", connector=connector, config=GOOD, test_token=token)
        connection_id = service.create(session, keys, admin, data).id
    with database.session() as session:
        session.execute(
            update(Connection).where(Connection.id == connection_id).values(connector_key="gone")
        )
    return connection_id


def test_a_connection_whose_connector_is_gone_cannot_be_activated_but_deactivates(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> None:
    connection_id = _uninstalled(database, keys, admin, configtest_connector)
    with database.session() as session:
        result = service.activate(session, keys, admin, connection_id)
    assert result.active is False
    assert result.reasons[0] == "The connector 'gone' is not installed."
    assert not any("test OK" in reason for reason in result.reasons)
    with database.session() as session:  # it was active when the package went away
        session.execute(
            update(Connection).where(Connection.id == connection_id).values(active=True)
        )
    with database.session() as session:
        assert service.deactivate(session, admin, connection_id).active is False
    with database.read_session() as session:
        stored = session.get(Connection, connection_id)
        assert stored is not None and stored.active is False
