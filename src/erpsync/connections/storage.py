"""How a connection's configuration values are kept (R-CONN-4): JSON text per value,
secrets (`Password` fields) encrypted with the secret box, blank secrets kept on edit.

`stored_values` is the only way back to clear text, for connectors only; nothing here
is ever output.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.connections import catalog
from erpsync.connections.models import Connection, ConnectionValue
from erpsync.connections.values import normalise, secret_keys
from erpsync.sdk.model import Field
from erpsync.secrets import SecretBox


class Keys:
    """The keys a connection service needs: the secret box and the test-gate secret."""

    def __init__(self, box: SecretBox, gate_secret: str) -> None:
        self.box = box
        self.gate_secret = gate_secret


def stored_values(keys: Keys, connection: Connection) -> dict[str, Any]:
    """The configuration in clear (secrets decrypted); for connectors only, never output."""
    values: dict[str, Any] = {}
    for item in connection.values:
        text = keys.box.decrypt(item.value) if item.secret and item.value else item.value
        values[item.key] = json.loads(text) if text is not None else None
    return values


def resolve(
    keys: Keys,
    connector: str,
    raw: dict[str, Any],
    previous: Connection | None,
    fields: list[Field] | None = None,
) -> dict[str, Any]:
    """The values to test or save: typed by the fields, a blank secret the stored one."""
    fields = catalog.config_fields(connector) if fields is None else fields
    keep: dict[str, str] = {}
    if previous is not None and previous.connector_key == connector:
        stored = stored_values(keys, previous)
        keep = {k: v for k, v in stored.items() if k in secret_keys(fields) and v is not None}
    return normalise(fields, raw, keep)


def store_values(
    keys: Keys,
    connection: Connection,
    connector: str,
    values: dict[str, Any],
    fields: list[Field] | None = None,
) -> None:
    """Replace the connection's stored values; secrets encrypted, a blank one as NULL."""
    secrets_ = secret_keys(catalog.config_fields(connector) if fields is None else fields)
    rows = []
    for key, value in sorted(values.items()):
        text = json.dumps(value)
        secret = key in secrets_
        stored: str | None = text
        if secret:
            # An empty secret is stored as NULL: nothing to encrypt, and "not set" outward.
            stored = keys.box.encrypt(text) if value not in (None, "") else None
        rows.append(ConnectionValue(key=key, secret=secret, value=stored))
    connection.values = rows


def rotate_secrets(session: Session, box: SecretBox) -> int:
    """Re-encrypt every stored secret under the first key; returns how many (R-NF-4)."""
    count = 0
    for item in session.scalars(select(ConnectionValue).where(ConnectionValue.secret.is_(True))):
        if item.value:
            item.value = box.rotate(item.value)
            count += 1
    for connection in session.scalars(
        select(Connection).where(Connection.remote_secret.isnot(None))
    ):
        assert connection.remote_secret is not None
        connection.remote_secret = box.rotate(connection.remote_secret)
        count += 1
    return count
