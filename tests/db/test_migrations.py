"""The models and the Alembic migrations agree (R-NF-1): autogenerate finds no difference."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from erpsync.db import Database, migrate
from erpsync.metadata import Base


def test_autogenerate_finds_no_difference_between_models_and_migrations(
    database: Database,
) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_database_is_at_the_newest_revision_and_upgrade_again_changes_nothing(
    database: Database,
) -> None:
    head = migrate.head_revision(database.engine)
    assert migrate.current_revision(database.engine) == head
    migrate.upgrade(database.engine)
    assert migrate.current_revision(database.engine) == head


def test_migration_seeds_the_crm_change_counter(database: Database) -> None:
    with database.engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM change_counter")).scalars().all()
    assert names == ["crm"]


def test_upgrading_a_new_sqlite_file_prints_no_warning(tmp_path: Path) -> None:
    """`make demo` starts with this upgrade; a new user sees no SQLAlchemy warning."""
    engine = create_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            migrate.upgrade(engine)
        with engine.connect() as connection:
            indexes = connection.execute(
                text("SELECT name FROM sqlite_master WHERE name = 'uq_connections_live_name'")
            ).all()
        assert len(indexes) == 1
    finally:
        engine.dispose()
