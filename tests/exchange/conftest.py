"""Fixtures and helpers of the exchange tests: the connection keys, and a connection's
document exported as YAML text or imported from it through the services."""

from __future__ import annotations

import pytest

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.db import Database
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
