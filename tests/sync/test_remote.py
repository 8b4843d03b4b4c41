"""The sync engine through a remote connection (R-CONN-7, R-SDK-7): the demo connector
served over real HTTP on a free local port syncs ERP → CRM and CRM → ERP like an
installed one; a wrong shared secret fails the run as `config` naming the URL (never
the secret) and pauses the connection; an unreachable service is `transient`."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo import DemoConnector
from erpsync.crm import service as crm
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.schemas import CompanyUpdate
from erpsync.db import Database
from erpsync.sdk.model import ActorType
from erpsync.sdk.remote import create_app, serving
from erpsync.sync import engine, runs
from erpsync.sync.engine import RunResult
from erpsync.sync.retry import NO_WAIT
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv, new_erp

SECRET = "remote-sync-secret-73"


@pytest.fixture(scope="module")
def remote_url() -> Iterator[str]:
    with serving(create_app(DemoConnector, SECRET, timeout=10.0)) as url:
        yield url


class RemoteEnv(SyncEnv):
    """A remote connection: the engine opens the connector the connection names."""

    def run(self, dry_run: bool = False, resync: str | None = None) -> RunResult:
        with self.database.session() as session:
            connection = session.get(Connection, self.connection_id)
            assert connection is not None
            requested = runs.request(session, connection, engine.utc_now())
            assert requested.started
            run_id = requested.run.id
        return engine.execute(self.database, self.keys, run_id, backoff=NO_WAIT)

    def set_remote(self, url: str | None = None, secret: str | None = None) -> None:
        with self.database.session() as session:
            connection = session.get(Connection, self.connection_id)
            assert connection is not None
            if url is not None:
                connection.remote_url = url
            if secret is not None:
                connection.remote_secret = self.keys.box.encrypt(secret)

    def connection(self) -> Connection:
        with self.database.read_session() as session:
            connection = session.get(Connection, self.connection_id)
            assert connection is not None
            return connection


@pytest.fixture
def remote(
    database: Database, keys: connections.Keys, admin: User, tmp_path: Path, remote_url: str
) -> RemoteEnv:
    path = new_erp(tmp_path)
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate.model_validate(
            {
                "name": "Far ERP",
                "connector": "remote",
                "remote_url": remote_url,
                "remote_secret": SECRET,
                "config": {"database": str(path)},
            }
        )
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = True
        connection_id = connection.id
    return RemoteEnv(database, keys, admin, path, connection_id)


def free_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_remote_connection_syncs_erp_to_crm_and_crm_to_erp(remote: RemoteEnv) -> None:
    remote.map("Customer", CUSTOMER_FIELDS, create=True)
    first = remote.run()
    assert first.state == "succeeded", first.error
    assert first.counts["created"] == 12
    with remote.erp() as erp:
        actor = erp.show(ActorType.CUSTOMER, "10003")
    assert actor is not None
    company = remote.company("10003")
    assert (company.name, company.city) == (actor.values["name"], actor.values["city"])
    assert remote.connection().erp_instance_id  # the identity check ran remotely too

    with remote.database.session() as session:
        update = CompanyUpdate(phone="+46 8 123 45")  # type: ignore[call-arg]
        crm.update_company(session, company.id, update)
    second = remote.run()
    assert second.state == "succeeded", second.error
    with remote.erp() as erp:
        pushed = erp.show(ActorType.CUSTOMER, "10003")
    assert pushed is not None and pushed.values["phone"] == "+46 8 123 45"


def test_a_wrong_shared_secret_fails_the_run_as_config_naming_the_url(
    remote: RemoteEnv, remote_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    remote.map("Customer", CUSTOMER_FIELDS, create=True)
    wrong = "wrong-secret-that-must-not-show-9"
    remote.set_remote(secret=wrong)
    with caplog.at_level(logging.DEBUG):
        result = remote.run()
    assert result.state == "failed"
    assert result.error is not None and result.error.startswith("config:")
    assert "shared secret is wrong" in result.error and remote_url in result.error
    paused = remote.connection().paused_reason
    assert paused is not None and remote_url in paused
    for text in (result.error, paused, caplog.text):
        assert wrong not in text and SECRET not in text
    assert remote.links() == {}  # nothing half-written


def test_an_unreachable_remote_service_fails_the_run_as_transient(remote: RemoteEnv) -> None:
    remote.map("Customer", CUSTOMER_FIELDS, create=True)
    gone = free_url()
    remote.set_remote(url=gone)
    result = remote.run()
    assert result.state == "failed"
    assert result.error is not None and result.error.startswith("transient:")
    assert gone in result.error and "cannot be reached" in result.error
    assert remote.connection().paused_reason is None  # transient: retried next time
    assert remote.links() == {}
