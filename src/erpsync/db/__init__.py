"""Storage: engine and session factories, the declarative Base, Alembic migrations."""

from erpsync.db.base import Base
from erpsync.db.engine import Database, create_database

__all__ = ["Base", "Database", "create_database"]
