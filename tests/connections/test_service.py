"""Connection rules through the service (R-CONN-1…6) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from erpsync.accounts.models import User
from erpsync.connections import service
from erpsync.connections.schemas import ConnectionCreate, ConnectionTest, ConnectionUpdate
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.errors import Conflict, NotFound, ValidationError
from erpsync.mapping import erp as mapping_erp
from erpsync.mapping import quickstart
from erpsync.secrets import SecretBox
from tests.conftest import make_user

GOOD = {"host": "erp.local", "user": "sync", "password": "right"}


@pytest.fixture
def keys() -> service.Keys:
    from cryptography.fernet import Fernet

    return service.Keys(SecretBox([Fernet.generate_key().decode()]), "gate-secret")


def _tested(
    database: Database,
    keys: service.Keys,
    user: User,
    config: dict[str, object],
    connection_id: int | None = None,
) -> str | None:
    with database.session() as session:
        result = service.test(
            session,
            keys,
            user,
            ConnectionTest(connector="configtest", config=config, connection_id=connection_id),
        )
    return result.test_token


def _add(database: Database, keys: service.Keys, user: User, name: str = "ERP") -> int:
    token = _tested(database, keys, user, GOOD)
    with database.session() as session:
        data = ConnectionCreate(name=name, connector="configtest", config=GOOD, test_token=token)
        return service.create(session, keys, user, data).id


def test_save_without_a_passing_test_is_refused_and_nothing_written(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> None:
    with pytest.raises(ValidationError, match="has not passed a test"), database.session() as s:
        service.create(
            s, keys, admin, ConnectionCreate(name="ERP", connector="configtest", config=GOOD)
        )
    with database.read_session() as session:
        assert service.list_visible(session, admin) == []


def test_a_failing_test_gives_the_connectors_explanation_and_no_token(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> None:
    with database.session() as session:
        result = service.test(
            session,
            keys,
            admin,
            ConnectionTest(connector="configtest", config={**GOOD, "password": "wrong"}),
        )
    assert (result.ok, result.test_token) == (False, None)
    assert result.message == "Login failed for user sync on erp.local."


def test_test_then_change_a_value_then_save_is_refused(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> None:
    token = _tested(database, keys, admin, GOOD)
    changed = {**GOOD, "port": 6543}
    with pytest.raises(ValidationError, match="values differ"), database.session() as session:
        service.create(
            session,
            keys,
            admin,
            ConnectionCreate(name="ERP", connector="configtest", config=changed, test_token=token),
        )


def test_secret_is_encrypted_never_output_and_kept_on_blank_edit(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> None:
    connection_id = _add(database, keys, admin)
    with database.read_session() as session:
        connection = service.get(session, admin, connection_id)
        stored = {v.key: v.value for v in connection.values}
        shown = service.to_read(session, connection).model_dump(mode="json")
    assert "right" not in str(stored["password"])
    assert shown["config"]["password"] == {"set": True}
    assert '"right"' not in json.dumps(shown)  # as a value; "rights" is a key
    # A blank secret is tested and saved with the stored one; no re-test needed for it.
    token = _tested(database, keys, admin, {**GOOD, "password": ""}, connection_id)
    assert token is not None
    with database.session() as session:
        service.update(
            session,
            keys,
            admin,
            connection_id,
            ConnectionUpdate(config={**GOOD, "password": "", "port": 5432}),
        )
    with database.read_session() as session:
        values = service.stored_values(keys, service.get(session, admin, connection_id))
    assert values["password"] == "right"


def test_name_description_and_scope_edits_need_no_test(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> None:
    connection_id = _add(database, keys, admin)
    make_user(database, "anna", "anna-password-1")
    with database.session() as session:
        updated = service.update(
            session,
            keys,
            admin,
            connection_id,
            ConnectionUpdate(
                name="Main ERP",
                description="Invoices",
                scope="grants",
                grants=[{"user": "anna", "can_connect": True}],
            ),
        )  # type: ignore[list-item]
        assert (updated.name, updated.scope, len(updated.grants)) == ("Main ERP", "grants", 1)


def test_duplicate_live_name_is_a_conflict_and_delete_frees_it(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> None:
    first = _add(database, keys, admin, "ERP")
    with pytest.raises(Conflict) as caught:
        _add(database, keys, admin, "erp")
    assert caught.value.field == "name"
    with database.session() as session:
        service.delete(session, admin, first)
    second = _add(database, keys, admin, "ERP")
    with pytest.raises(Conflict), database.session() as session:
        service.restore(session, admin, first)
    with database.read_session() as session:
        assert [c.id for c in service.list_visible(session, admin)] == [second]


def test_unknown_connector_error_lists_the_installed_ones(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> None:
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.test(session, keys, admin, ConnectionTest(connector="nope", config={}))
    assert caught.value.field == "connector"
    assert "configtest" in caught.value.message


def test_scope_hides_the_connection_from_users_outside_it(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> None:
    connection_id = _add(database, keys, admin)
    inside = make_user(database, "anna", "anna-password-1")
    outside = make_user(database, "olle", "olle-password-1")
    with database.session() as session:
        service.update(
            session,
            keys,
            admin,
            connection_id,
            ConnectionUpdate(scope="grants", grants=[{"user": "anna"}]),
        )  # type: ignore[list-item]
    with database.read_session() as session:
        assert [c.id for c in service.list_visible(session, inside)] == [connection_id]
        assert service.list_visible(session, outside) == []
        with pytest.raises(NotFound):
            service.get(session, outside, connection_id)


def test_activation_lists_every_reason_and_the_test_passing_is_not_one(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> None:
    connection_id = _add(database, keys, admin)
    with database.session() as session:
        result = service.activate(session, keys, admin, connection_id)
    # The connection tests OK; what is left is the mapping (tests/mapping covers the rest).
    assert (result.active, result.reasons) == (
        False,
        [
            "No actor type is mapped yet: "
            "map at least one ERP field to a CRM field with a direction."
        ],
    )


def test_an_empty_secret_is_stored_as_not_set_and_the_connection_still_activates(
    database: Database, keys: service.Keys, admin: User, tmp_path: Path
) -> None:
    erp = tmp_path / "erp.db"
    init_database(erp, customers=3, suppliers=1, partners=1)
    data = ConnectionCreate(name="Demo", connector="demo", config={"database": str(erp)})
    with database.session() as session:
        result, connection = service.create_tested(session, keys, admin, data)
        assert result.ok and connection is not None
        shown = service.to_read(session, connection)
        ensure_standard_lists(session)
        quickstart.map_connection(session, mapping_erp.read(keys, connection), connection.id)
        activation = service.activate(session, keys, admin, connection.id)
    assert shown.config["access_key"] == {"set": False}
    assert activation.active is True
