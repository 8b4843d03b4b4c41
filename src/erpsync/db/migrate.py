"""Running Alembic migrations programmatically (`erpsync db upgrade`, tests, demo)."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SAWarning

from erpsync.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"
EXPRESSION_INDEX = "Skipped unsupported reflection of expression-based index"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a database that cannot be reached is a ConfigError."""
    try:
        with warnings.catch_warnings():
            # a SQLite batch migration reflects the tables its foreign keys point at; one has an
            # expression index SQLAlchemy cannot read back, but that table is not rebuilt
            warnings.filterwarnings("ignore", EXPRESSION_INDEX, SAWarning)
            command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise ConfigError(
            f"Cannot reach the database {engine.url.render_as_string(hide_password=True)}: "
            f"{str(exc.orig).strip().splitlines()[0]}",
            field="database_url",
        ) from exc


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration from the models (for developers)."""
    command.revision(alembic_config(engine), message=message, autogenerate=True)
