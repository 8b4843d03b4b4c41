"""Fixtures and helpers of the exchange tests: the connection keys, a connection's
document exported as YAML text or imported from it through the services, and the check
that an edited document is refused, naming its path, while nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.db import Database
from erpsync.errors import ValidationError
from erpsync.exchange import apply, document, export
from erpsync.secrets import SecretBox
from erpsync.settings import Settings


@pytest.fixture
def keys(settings: Settings) -> connections.Keys:
    return connections.Keys(SecretBox(settings.secret_keys), settings.session_secret)


def export_text(database: Database, keys: connections.Keys, admin: User, connection_id: int) -> str:
    """The connection's document as YAML text."""
    with database.read_session() as session:
        return document.dump(export.export(session, keys, admin, connection_id))


def import_text(
    database: Database, keys: connections.Keys, admin: User, text: str, **secrets: str
) -> apply.ImportResult:
    """The YAML document imported with the secrets given by name."""
    with database.session() as session:
        return apply.import_document(session, keys, admin, document.parse(text), dict(secrets))


def assert_edit_refused(
    database: Database,
    keys: connections.Keys,
    admin: User,
    connection_id: int,
    edit: Callable[[dict[str, Any]], None],
    field: str,
    text: str,
    **secrets: str,
) -> None:
    """The connection's document, edited, is refused naming `field` and `text`; the
    connection stays as it was."""
    before = export_text(database, keys, admin, connection_id)
    data = yaml.safe_load(before)
    data["connection"]["description"] = "Should not be saved"
    edit(data)
    with pytest.raises(ValidationError) as caught:
        import_text(database, keys, admin, yaml.safe_dump(data, allow_unicode=True), **secrets)
    assert (caught.value.field or "").startswith(field), caught.value.message
    assert text in caught.value.message
    assert export_text(database, keys, admin, connection_id) == before
