"""Databases for the SQL connector tests: one PostgreSQL and one MariaDB session
database with the test ERP schema, uniquely named and dropped at the end, and the
`url` fixture that runs a test on SQLite, PostgreSQL and MariaDB in turn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.connectors.sql import erp_schema as erp
from tests.services import MARIADB_URL, PG_ADMIN_URL, need_service, unique_name


def _server_database(admin_url: str, quote: str, drop_suffix: str) -> Iterator[sa.URL]:
    name = unique_name("erpsync_sqlconn")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {quote}{name}{quote}"))
    url = sa.make_url(admin_url).set(database=name)
    engine = sa.create_engine(url)
    try:
        erp.create_schema(engine)
        engine.dispose()
        yield url
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(
                sa.text(f"DROP DATABASE IF EXISTS {quote}{name}{quote}{drop_suffix}")
            )
        admin.dispose()


@pytest.fixture(scope="session")
def pg_erp_url() -> Iterator[sa.URL]:
    need_service("PostgreSQL", "127.0.0.1", 5432)
    yield from _server_database(PG_ADMIN_URL, '"', " WITH (FORCE)")


@pytest.fixture(scope="session")
def mariadb_erp_url() -> Iterator[sa.URL]:
    need_service("MariaDB", "127.0.0.1", 3306)
    yield from _server_database(MARIADB_URL, "`", "")


DATABASES = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


@pytest.fixture(params=DATABASES)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> sa.URL:
    """The test ERP on each database: a fresh SQLite file, or the session database
    of PostgreSQL or MariaDB seeded anew."""
    if request.param == "sqlite":
        found = sa.make_url(f"sqlite:///{tmp_path / 'erp.sqlite'}")
        engine = sa.create_engine(found)
        erp.create_schema(engine)
    else:
        found = request.getfixturevalue(
            "pg_erp_url" if request.param == "postgres" else "mariadb_erp_url"
        )
        engine = sa.create_engine(found)
        erp.seed(engine)
    engine.dispose()
    return found
