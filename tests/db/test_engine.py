"""SQLite as a real option (R-SEM-8): WAL, foreign keys, busy timeout, IMMEDIATE writes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from erpsync.db import create_database, migrate
from erpsync.db.engine import make_engine
from erpsync.errors import ConfigError
from tests.db import counter


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = create_database(f"sqlite:///{tmp_path / 'a.db'}")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_sqlite_refuses_a_dangling_foreign_key(tmp_path: Path) -> None:
    database = create_database(f"sqlite:///{tmp_path / 'fk.db'}")
    migrate.upgrade(database.engine)
    with pytest.raises(IntegrityError), database.session() as session:
        session.execute(text("INSERT INTO group_members (group_id, user_id) VALUES (77, 88)"))


def test_concurrent_sqlite_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    """Each writer reads then writes; with deferred BEGIN one of them would get 'locked'."""
    database = create_database(f"sqlite:///{tmp_path / 'busy.db'}")
    migrate.upgrade(database.engine)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(25):
                counter.increment(database)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.read_session() as session:
        final = session.execute(text("SELECT value FROM change_counter")).scalar_one()
    assert final == 100  # no lost update: writers were serialised


def test_a_malformed_database_url_is_a_config_error_naming_the_setting() -> None:
    with pytest.raises(ConfigError) as caught:
        make_engine("not a url")
    assert caught.value.field == "database_url"


def test_an_unreachable_database_is_a_config_error_without_traceback() -> None:
    database = create_database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(ConfigError) as caught:
        migrate.upgrade(database.engine)
    assert "Cannot reach the database" in caught.value.message
