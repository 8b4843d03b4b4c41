"""Engine and session factories.

SQLite is a real option (SPEC R-SEM-8): WAL, foreign keys on, `busy_timeout` of 30 s and
write transactions that begin `IMMEDIATE`, so two writers queue instead of failing with
"database is locked" when a read transaction tries to upgrade; within one process the
writers of a file take turns in arrival order (`sqlite_queue`). Read-only sessions begin
`DEFERRED` and never block writers. PostgreSQL runs through psycopg 3.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from erpsync.db import sqlite_queue
from erpsync.db.positions import track_positions
from erpsync.errors import ConfigError

SQLITE_BUSY_TIMEOUT_MS = 30_000
READONLY = "erpsync_readonly"
_QUEUED = "erpsync_write_turn"


def _sqlite_pragmas(engine: Engine, path: str | None) -> None:
    queue = sqlite_queue.for_file(path) if path else None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The wait first, so that even switching to WAL waits for a busy writer.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        readonly = connection.get_execution_options().get(READONLY, False)
        if readonly:
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        queued = queue is not None and queue.enter(SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if queued:
                queue.leave()  # type: ignore[union-attr]
            raise
        if queued:
            connection.info[_QUEUED] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Any) -> None:
        if queue is not None and connection.info.pop(_QUEUED, False):
            queue.leave()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for `url`, refusing a malformed URL or missing driver clearly."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"The database URL is not valid: {exc}", field="database_url") from exc
    sqlite = parsed.get_backend_name() == "sqlite"
    on_file = sqlite and parsed.database not in (None, "", ":memory:")
    if on_file:
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, **kwargs)
            _sqlite_pragmas(engine, str(parsed.database) if on_file else None)
        else:
            engine = create_engine(parsed, pool_pre_ping=True, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise ConfigError(
            f"No driver for database URL scheme '{parsed.drivername}': {exc}. "
            "Install the matching extra, e.g. pip install 'erpsync[postgres]'.",
            field="database_url",
        ) from exc
    return engine


@dataclass
class Database:
    """An engine with its session factories; built by `create_database(settings)`."""

    engine: Engine
    session_factory: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write session: commits on success, rolls back on error."""
        with self.session_factory() as session, session.begin():
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read-only session; on SQLite it begins DEFERRED and does not block writers."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(**{READONLY: True})
            # Closing (not rolling back) ends the transaction without expiring the loaded
            # objects, so callers may use them after the block.
            with Session(bind=connection, expire_on_commit=False) as session:
                yield session

    def dispose(self) -> None:
        self.engine.dispose()


def create_database(url: str, **engine_kwargs: Any) -> Database:
    engine = make_engine(url, **engine_kwargs)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    track_positions(factory)
    return Database(engine=engine, session_factory=factory)
