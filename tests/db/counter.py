"""The CRM change counter bumped read-then-write, the pattern that makes SQLite writers
collide when a read transaction tries to upgrade (R-SEM-8)."""

from __future__ import annotations

from sqlalchemy import text

from erpsync.db import Database


def increment(database: Database) -> None:
    with database.session() as session:
        value = session.execute(
            text("SELECT value FROM change_counter WHERE name = 'crm'")
        ).scalar_one()
        session.execute(
            text("UPDATE change_counter SET value = :v WHERE name = 'crm'"), {"v": value + 1}
        )
