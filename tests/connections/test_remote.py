"""Connections to a remote connector (R-CONN-7): URL + shared secret tested against a real
remote service (the demo connector served over HTTP), the secret encrypted and never
shown, the test gate covering the target, activation testing the service now."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from erpsync.accounts.models import User
from erpsync.connections import service
from erpsync.connections.schemas import ConnectionCreate, ConnectionTest, ConnectionUpdate
from erpsync.connectors.demo import DemoConnector
from erpsync.connectors.demo.seed import init_database
from erpsync.db import Database
from erpsync.errors import ValidationError
from erpsync.mapping import erp
from erpsync.sdk.remote.running import serving
from erpsync.sdk.remote.server import create_app
from erpsync.secrets import SecretBox
from erpsync.settings import Settings

SECRET = "remote-shared-secret-41"


@pytest.fixture(scope="module")
def remote_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(create_app(DemoConnector, SECRET)) as url:
        yield url


@pytest.fixture(scope="module")
def demo_erp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("remote-erp") / "demo-erp.db"
    init_database(path, customers=12, suppliers=2, partners=1)
    return path


@pytest.fixture
def keys(settings: Settings) -> service.Keys:
    return service.Keys(SecretBox(settings.secret_keys), settings.session_secret)


def _test(database: Database, keys: service.Keys, admin: User, **values: object) -> str | None:
    with database.session() as session:
        result = service.test(session, keys, admin, ConnectionTest.model_validate(values))
    return result.test_token if result.ok else result.message


def test_a_remote_connection_is_tested_saved_with_its_secret_encrypted_and_mapped(
    database: Database, keys: service.Keys, admin: User, remote_url: str, demo_erp: Path
) -> None:
    config = {"database": str(demo_erp)}
    body = {"connector": "remote", "config": config, "remote_url": remote_url}
    wrong = _test(database, keys, admin, **body, remote_secret="not-the-secret")
    assert wrong is not None and "secret" in wrong.lower() and SECRET not in wrong
    token = _test(database, keys, admin, **body, remote_secret=SECRET)
    create = ConnectionCreate.model_validate(
        {"name": "Far ERP", **body, "remote_secret": SECRET, "test_token": token}
    )
    with database.session() as session:
        connection = service.create(session, keys, admin, create)
        read = service.to_read(session, connection)
        assert connection.remote_secret and SECRET not in connection.remote_secret
        meta = erp.read(keys, connection, [])
    assert read.connector == "remote" and read.remote_secret == {"set": True}
    assert SECRET not in read.model_dump_json()
    assert [t.value for t in meta.actor_types][:1] == ["Customer"]
    # An edit of the description only needs no test; a new secret does.
    with database.session() as session:
        service.update(session, keys, admin, read.id, ConnectionUpdate(description="far away"))
    changed = ConnectionUpdate(config={**config, "batch_size": 100})
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.update(session, keys, admin, read.id, changed)
    assert caught.value.field == "test_token"
    with pytest.raises(ValidationError) as refused, database.session() as session:
        service.update(session, keys, admin, read.id, ConnectionUpdate(remote_secret="other"))
    assert refused.value.field == "remote_url" and "other" not in refused.value.message
    # A blank secret on a test of the edit uses the stored one.
    again = _test(database, keys, admin, **body, connection_id=read.id)
    assert again is not None and "." in again
    with database.session() as session:
        assert service.activate(session, keys, admin, read.id).reasons[:1] == [
            "No actor type is mapped yet: map at least one ERP field to a CRM field with a "
            "direction."
        ]


def test_a_token_for_one_service_does_not_save_another_and_missing_targets_are_named(
    database: Database, keys: service.Keys, admin: User, remote_url: str, demo_erp: Path
) -> None:
    config = {"database": str(demo_erp)}
    token = _test(
        database,
        keys,
        admin,
        connector="remote",
        config=config,
        remote_url=remote_url,
        remote_secret=SECRET,
    )
    create = ConnectionCreate.model_validate(
        {
            "name": "Far ERP",
            "connector": "remote",
            "config": config,
            "remote_url": remote_url + "/",
            "remote_secret": SECRET + "x",
            "test_token": token,
        }
    )
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.create(session, keys, admin, create)
    assert caught.value.field in ("test_token", "remote_url")
    with pytest.raises(ValidationError) as missing, database.session() as session:
        service.test(session, keys, admin, ConnectionTest(connector="remote", config=config))
    assert missing.value.field == "remote_url"
    with database.read_session() as session:
        assert service.list_visible(session, admin) == []
