"""The SQL connector passes the whole conformance kit on PostgreSQL, MariaDB and
SQLite, against the test ERP schema (R-CON-1, R-SDK-8)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from erpsync.sdk.testkit import ConnectorConformance
from tests.connectors.sql.hooks import SqlHooks


class TestSqlOnSqlite(SqlHooks, ConnectorConformance):
    """A fresh SQLite file per check."""


@pytest.mark.postgres
class TestSqlOnPostgres(SqlHooks, ConnectorConformance):
    @pytest.fixture(autouse=True)
    def _database(self, pg_erp_url: sa.URL) -> None:
        self.url = pg_erp_url


@pytest.mark.mariadb
class TestSqlOnMariadb(SqlHooks, ConnectorConformance):
    @pytest.fixture(autouse=True)
    def _database(self, mariadb_erp_url: sa.URL) -> None:
        self.url = mariadb_erp_url
