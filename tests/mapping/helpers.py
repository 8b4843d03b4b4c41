"""Map a connection for activation from any test (the demo ERP's fields and lists)."""

from __future__ import annotations

from sqlalchemy import select

from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.mapping import erp, quickstart
from erpsync.secrets import SecretBox
from erpsync.settings import Settings


def map_for_activation(database: Database, settings: Settings, connection: int | str) -> int:
    """Automap with directions and matched lists (`quickstart`); by id or name."""
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    with database.session() as session:
        ensure_standard_lists(session)
        where = (
            Connection.id == connection
            if isinstance(connection, int)
            else Connection.name == connection
        )
        found = session.scalars(
            select(Connection).where(where, Connection.deleted_at.is_(None))
        ).one()
        quickstart.map_connection(session, erp.read(keys, found), found.id)
        return found.id
