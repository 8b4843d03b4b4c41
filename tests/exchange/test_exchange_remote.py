"""Export and import of a remote connection (R-MAP-7, R-CONN-7, R-CONN-4) through the
services on SQLite and PostgreSQL, against the demo connector served over real HTTP:
the document carries the service's URL and names its shared secret, never a value;
the import asks for the shared secret like any other secret, tests the values through
the service before saving, and round-trips losslessly."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from erpsync.accounts.models import User
from erpsync.connections import hosts
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo import DemoConnector
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.errors import ValidationError
from erpsync.mapping import erp, quickstart
from erpsync.sdk.remote.running import serving
from erpsync.sdk.remote.server import create_app
from tests.exchange.conftest import assert_edit_refused, export_text, import_text

SHARED = "exchange-shared-secret-19"
KEY = "exchange-remote-key-23"


@pytest.fixture(scope="module")
def remote_url() -> Iterator[str]:
    with serving(create_app(DemoConnector, SHARED, timeout=10.0)) as url:
        yield url


@pytest.fixture(scope="module")
def keyed_erp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exchange-remote") / "erp.db"
    init_database(path, customers=5, suppliers=1, partners=1, access_key=KEY)
    return path


@pytest.fixture
def configured(
    database: Database, keys: connections.Keys, admin: User, keyed_erp: Path, remote_url: str
) -> int:
    """An active remote connection, mapped, with a sync timeout of its own."""
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate.model_validate(
            {
                "name": "Far ERP",
                "connector": "remote",
                "remote_url": remote_url,
                "remote_secret": SHARED,
                "description": "Served elsewhere",
                "config": {"database": str(keyed_erp), "access_key": KEY, "batch_size": 100},
                "priority": 2,
            }
        )
        result, created = connections.create_tested(session, keys, admin, data)
        assert created is not None, result.message
        created.timeout = 9.5
        quickstart.map_connection(session, erp.read(keys, created), created.id)
        connection_id = created.id
    with database.session() as session:
        assert connections.activate(session, keys, admin, connection_id).reasons == []
    return connection_id


def _free_url() -> str:
    """A local URL where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _refused(
    database: Database, keys: connections.Keys, admin: User, text: str, **secrets: str
) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        import_text(database, keys, admin, text, **secrets)
    assert SHARED not in caught.value.message and KEY not in caught.value.message
    return caught.value


def test_a_remote_connection_round_trips_with_its_url_and_shared_secret_asked_for(
    database: Database, keys: connections.Keys, admin: User, configured: int, remote_url: str
) -> None:
    first = export_text(database, keys, admin, configured)
    assert SHARED not in first and KEY not in first
    data = yaml.safe_load(first)["connection"]
    assert (data["connector"], data["remote_url"]) == ("remote", remote_url)
    assert data["secrets"] == ["access_key", "remote_secret"]
    assert data["config"] == {"batch_size": 100, "database": data["config"]["database"]}
    assert data["sync"]["timeout"] == 9.5
    with database.session() as session:
        connections.delete(session, admin, configured)

    missing = _refused(database, keys, admin, first, access_key=KEY)
    assert (missing.field, missing.extra["missing"]) == ("secrets.remote_secret", ["remote_secret"])
    both = _refused(database, keys, admin, first)
    assert both.extra["missing"] == ["access_key", "remote_secret"]
    assert "remote_secret (Shared secret of the remote connector)" in both.message
    wrong = _refused(database, keys, admin, first, access_key=KEY, remote_secret="not-it")
    assert wrong.field == "secrets.remote_secret" and remote_url in wrong.message
    failing = _refused(database, keys, admin, first, access_key="wrong", remote_secret=SHARED)
    assert failing.field == "connection.config" and "access key" in failing.message.lower()
    with database.read_session() as session:
        assert connections.list_visible(session, admin) == []

    result = import_text(database, keys, admin, first, access_key=KEY, remote_secret=SHARED)
    assert (result.created, result.active, result.reasons) == (True, True, [])
    with database.read_session() as session:
        saved = connections.get(session, admin, result.connection.id)
        assert saved.remote_secret and SHARED not in saved.remote_secret
        assert hosts.endpoint(keys, saved).remote_secret == SHARED
    assert export_text(database, keys, admin, result.connection.id) == first


def test_an_update_by_name_keeps_the_stored_shared_secret_and_a_new_url_is_tested(
    database: Database, keys: connections.Keys, admin: User, configured: int
) -> None:
    data = yaml.safe_load(export_text(database, keys, admin, configured))
    data["connection"]["description"] = "Moved"
    data["mapping"]["Customer"]["fields"][0]["conflict_policy"] = "manual"
    result = import_text(database, keys, admin, yaml.safe_dump(data, allow_unicode=True))
    assert (result.created, result.connection.id, result.active) == (False, configured, True)
    assert yaml.safe_load(export_text(database, keys, admin, configured)) == data

    before = export_text(database, keys, admin, configured)
    gone = _free_url()
    data["connection"].update(remote_url=gone, description="Should not be saved")
    unreachable = _refused(database, keys, admin, yaml.safe_dump(data, allow_unicode=True))
    assert unreachable.field == "connection.remote_url" and gone in unreachable.message
    assert export_text(database, keys, admin, configured) == before


@pytest.mark.parametrize(
    ("edit", "field", "text"),
    [
        (
            lambda c: c.pop("remote_url"),
            "connection.remote_url",
            "needs the URL of its service",
        ),
        (
            lambda c: c.update(connector="demo", secrets=["access_key"]),
            "connection.remote_url",
            "only a remote connection",
        ),
        (lambda c: c.update(remote_url="not a url"), "connection.remote_url", "URL"),
        (
            lambda c: c["config"].update(remote_secret="in-the-open"),
            "connection.config.remote_secret",
            "never goes in the document",
        ),
        (
            lambda c: c["secrets"].append("api_token"),
            "connection.secrets[2]",
            "'api_token' is not a secret field",
        ),
    ],
)
def test_a_bad_remote_document_names_its_path_and_changes_nothing(
    database: Database,
    keys: connections.Keys,
    admin: User,
    configured: int,
    edit: object,
    field: str,
    text: str,
) -> None:
    assert_edit_refused(
        database,
        keys,
        admin,
        configured,
        lambda data: edit(data["connection"]),  # type: ignore[operator]
        field,
        text,
        access_key=KEY,
        remote_secret=SHARED,
    )
