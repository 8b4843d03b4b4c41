"""Connection rules (R-CONN-1…7): add, edit, soft delete, restore, list, test, activate.

Used by the API, the pages and the CLI alike. A save that changes the connector or any
configuration value must carry the token of a passing test of exactly those values
(`testgate`); secrets are encrypted at rest and never leave this module in clear.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erpsync.accounts import service as accounts
from erpsync.accounts.models import User
from erpsync.connections import activation, catalog, hosts, remote, testgate
from erpsync.connections.catalog import DEFAULT_TIMEOUT
from erpsync.connections.explain import explanation
from erpsync.connections.models import (
    REMOTE_CONNECTOR,
    SCOPE_GRANTS,
    Connection,
    ScopeGrant,
)
from erpsync.connections.reads import to_read as to_read
from erpsync.connections.reads import view as view
from erpsync.connections.schemas import (
    ActivationResult,
    ConnectionCreate,
    ConnectionTest,
    ConnectionUpdate,
    GrantIn,
    TestResult,
)
from erpsync.connections.scope import access, require
from erpsync.connections.storage import Keys as Keys
from erpsync.connections.storage import resolve as _resolve
from erpsync.connections.storage import rotate_secrets as rotate_secrets
from erpsync.connections.storage import store_values as _store_values
from erpsync.connections.storage import stored_values as stored_values
from erpsync.errors import Conflict, NotFound
from erpsync.sdk.errors import ConnectorError


def _now() -> datetime:
    return datetime.now(UTC)


def get(session: Session, user: User, connection_id: int, action: str = "see") -> Connection:
    connection = session.get(Connection, connection_id)
    if connection is None:
        raise NotFound(f"No connection with id {connection_id}.")
    require(user, connection, action)
    return connection


def list_visible(session: Session, user: User, include_deleted: bool = False) -> list[Connection]:
    stmt = select(Connection).order_by(Connection.priority, func.lower(Connection.name))
    if not (include_deleted and user.is_admin):
        stmt = stmt.where(Connection.deleted_at.is_(None))
    return [c for c in session.scalars(stmt) if access(user, c).see]


def test(session: Session, keys: Keys, user: User, data: ConnectionTest) -> TestResult:
    """Run the connector's test of these values; a pass comes with a single-use token."""
    previous = get(session, user, data.connection_id) if data.connection_id else None
    signed: dict[str, Any]
    if data.connector == REMOTE_CONNECTOR:
        url, secret = remote.target(keys.box, data.remote_url, data.remote_secret, previous)
        try:
            host = remote.host(url, secret, previous.timeout if previous else DEFAULT_TIMEOUT)
            fields = host.config_fields()
        except ConnectorError as exc:
            response = exc.to_response()
        else:
            values = _resolve(keys, data.connector, dict(data.config), previous, fields)
            response = host.test_config(values)
        signed = remote.signed(values, url, secret) if response.ok else {}
    else:
        values = _resolve(keys, data.connector, dict(data.config), previous)
        response = catalog.test_config(data.connector, values)
        signed = values
    if previous is not None:
        previous.last_test_at = _now()
        previous.last_test_ok = response.ok
        previous.last_test_message = response.user_explanation
    token = (
        testgate.issue(keys.gate_secret, data.connector, signed, user.id) if response.ok else None
    )
    return TestResult(
        ok=response.ok,
        state=response.state.value,
        # Testing is for administrators: a failure shows its technical detail too.
        message=(response.user_explanation or "The connection works.")
        if response.ok
        else explanation(response, admin=True),
        test_token=token,
    )


def _check_name(session: Session, name: str, except_id: int | None = None) -> None:
    stmt = select(Connection.id).where(
        func.lower(Connection.name) == name.strip().lower(), Connection.deleted_at.is_(None)
    )
    if except_id is not None:
        stmt = stmt.where(Connection.id != except_id)
    if session.scalar(stmt) is not None:
        raise Conflict(f"A connection named '{name}' already exists.", field="name")


def _grants(session: Session, grants: list[GrantIn]) -> list[ScopeGrant]:
    result = []
    for grant in grants:
        user_id = accounts.user_by_login(session, grant.user).id if grant.user else None
        group_id = accounts.group_by_name(session, grant.group).id if grant.group else None
        result.append(
            ScopeGrant(
                user_id=user_id,
                group_id=group_id,
                can_connect=grant.can_connect,
                can_create_in_erp=grant.can_create_in_erp,
            )
        )
    return result


def create(session: Session, keys: Keys, user: User, data: ConnectionCreate) -> Connection:
    _check_name(session, data.name)
    fields = None
    if data.connector == REMOTE_CONNECTOR:
        url, secret = remote.target(keys.box, data.remote_url, data.remote_secret, None)
        fields = remote.fields(url, secret, DEFAULT_TIMEOUT)
    values = _resolve(keys, data.connector, dict(data.config), None, fields)
    signed = remote.signed(values, url, secret) if fields is not None else values
    testgate.redeem(session, keys.gate_secret, data.test_token, data.connector, signed, user.id)
    connection = Connection(
        name=data.name.strip(),
        connector_key=data.connector,
        description=data.description,
        scope=data.scope,
        priority=data.priority,
        created_by_id=user.id,
        updated_by_id=user.id,
        last_test_at=_now(),
        last_test_ok=True,
    )
    connection.grants = _grants(session, data.grants) if data.scope == SCOPE_GRANTS else []
    if fields is not None:
        connection.remote_url, connection.remote_secret = url, keys.box.encrypt(secret)
    _store_values(keys, connection, data.connector, values, fields)
    session.add(connection)
    session.flush()
    return connection


def update(
    session: Session, keys: Keys, user: User, connection_id: int, data: ConnectionUpdate
) -> Connection:
    connection = get(session, user, connection_id)
    changes = data.model_dump(exclude_unset=True, exclude={"test_token", "grants", "config"})
    connector = data.connector or connection.connector_key
    if "name" in changes:
        _check_name(session, changes["name"], connection.id)
    remote_given = data.remote_url is not None or bool(data.remote_secret)
    if connector == REMOTE_CONNECTOR and (
        data.connector is not None or data.config is not None or remote_given
    ):
        _update_remote(session, keys, user, connection, data)
    elif data.connector is not None or data.config is not None:
        raw = data.config if data.config is not None else stored_values(keys, connection)
        values = _resolve(keys, connector, dict(raw), connection)
        if connector != connection.connector_key or values != stored_values(keys, connection):
            testgate.redeem(session, keys.gate_secret, data.test_token, connector, values, user.id)
            _store_values(keys, connection, connector, values)
            connection.connector_key = connector
            connection.remote_url = connection.remote_secret = None
            connection.last_test_at, connection.last_test_ok = _now(), True
    for key in ("name", "description", "scope", "priority", "sync_enabled"):
        if key in changes:
            setattr(connection, key, changes[key].strip() if key == "name" else changes[key])
    if data.grants is not None or connection.scope != SCOPE_GRANTS:
        grants = data.grants if data.grants is not None else []
        connection.grants = _grants(session, grants) if connection.scope == SCOPE_GRANTS else []
    connection.updated_by_id = user.id
    session.flush()
    return connection


def _update_remote(
    session: Session, keys: Keys, user: User, connection: Connection, data: ConnectionUpdate
) -> None:
    """An edit of a remote connection: a new URL, secret or values need a passing test."""
    previous = connection if connection.is_remote else None
    url, secret = remote.target(keys.box, data.remote_url, data.remote_secret, previous)
    fields = remote.fields(url, secret, connection.timeout)
    raw = data.config if data.config is not None else stored_values(keys, connection)
    values = _resolve(keys, REMOTE_CONNECTOR, dict(raw), previous, fields)
    old_secret = keys.box.decrypt(connection.remote_secret) if connection.remote_secret else None
    unchanged = (
        previous is not None
        and url == connection.remote_url
        and secret == old_secret
        and values == stored_values(keys, connection)
    )
    if unchanged:
        return
    signed = remote.signed(values, url, secret)
    testgate.redeem(session, keys.gate_secret, data.test_token, REMOTE_CONNECTOR, signed, user.id)
    _store_values(keys, connection, REMOTE_CONNECTOR, values, fields)
    connection.connector_key = REMOTE_CONNECTOR
    connection.remote_url, connection.remote_secret = url, keys.box.encrypt(secret)
    connection.last_test_at, connection.last_test_ok = _now(), True


def delete(session: Session, user: User, connection_id: int) -> Connection:
    connection = get(session, user, connection_id)
    connection.deleted_at = connection.deleted_at or _now()
    connection.active = False
    connection.sync_enabled = False
    connection.updated_by_id = user.id
    session.flush()
    return connection


def restore(session: Session, user: User, connection_id: int) -> Connection:
    connection = get(session, user, connection_id)
    if connection.deleted_at is None:
        return connection
    _check_name(session, connection.name, connection.id)
    connection.deleted_at = None
    connection.updated_by_id = user.id
    session.flush()
    return connection


def activate(session: Session, keys: Keys, user: User, connection_id: int) -> ActivationResult:
    """Activate when every check of the checklist passes; otherwise list every reason and
    leave the connection as it was (an active one stays active, see `ActivationResult`)."""
    connection = get(session, user, connection_id)
    if connection.deleted_at is not None:
        raise NotFound(f"No connection with id {connection_id}.")
    reasons = activation.reasons(session, connection, hosts.endpoint(keys, connection))
    if not reasons:
        connection.active = True
        connection.updated_by_id = user.id
    return ActivationResult(active=connection.active, reasons=reasons)


def deactivate(session: Session, user: User, connection_id: int) -> Connection:
    connection = get(session, user, connection_id)
    connection.active = False
    connection.updated_by_id = user.id
    return connection


def create_tested(
    session: Session, keys: Keys, user: User, data: ConnectionCreate
) -> tuple[TestResult, Connection | None]:
    """Test the values, and save only when the test passed (the CLI's `add`)."""
    probe = ConnectionTest(
        connector=data.connector,
        config=data.config,
        remote_url=data.remote_url,
        remote_secret=data.remote_secret,
    )
    result = test(session, keys, user, probe)
    if not result.ok:
        return result, None
    return result, create(
        session, keys, user, data.model_copy(update={"test_token": result.test_token})
    )


def update_tested(
    session: Session, keys: Keys, user: User, connection_id: int, data: ConnectionUpdate
) -> tuple[TestResult | None, Connection | None]:
    """Test first when the connector or values change, and save only when it passed."""
    result = None
    remote_given = data.remote_url is not None or bool(data.remote_secret)
    if data.connector is not None or data.config is not None or remote_given:
        connection = get(session, user, connection_id)
        config = data.config if data.config is not None else stored_values(keys, connection)
        probe = ConnectionTest(
            connector=data.connector or connection.connector_key,
            config=config,
            remote_url=data.remote_url,
            remote_secret=data.remote_secret,
            connection_id=connection_id,
        )
        result = test(session, keys, user, probe)
        if not result.ok:
            return result, None
        data = data.model_copy(update={"test_token": result.test_token})
    return result, update(session, keys, user, connection_id, data)


def find(session: Session, user: User, reference: str) -> Connection:
    """A connection by id or by (live) name, for the CLI."""
    if reference.isdigit():
        return get(session, user, int(reference))
    connection = session.scalar(
        select(Connection).where(
            func.lower(Connection.name) == reference.strip().lower(),
            Connection.deleted_at.is_(None),
        )
    )
    if connection is None or not access(user, connection).see:
        raise NotFound(f"No connection named '{reference}'.", field="connection")
    return connection
