"""A scratch ERP database for one SQL connector test module: created with the given
statements, served through a `ConnectorHost` with the given mapping, dropped at the end."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa

from erpsync.connectors.sql import SqlConnector
from erpsync.sdk.host import ConnectorHost
from tests.services import MARIADB_URL, PG_ADMIN_URL, need_service, unique_name

#: dialect → (admin URL, port, identifier quote, DROP DATABASE suffix)
SERVERS = {
    "postgresql": (PG_ADMIN_URL, 5432, '"', " WITH (FORCE)"),
    "mariadb": (MARIADB_URL, 3306, "`", ""),
}


@contextmanager
def scratch_host(
    dialect: str, prefix: str, statements: Sequence[str], mapping: str
) -> Iterator[ConnectorHost]:
    admin_url, port, quote, drop_suffix = SERVERS[dialect]
    need_service(dialect, "127.0.0.1", port)
    name = unique_name(prefix)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {quote}{name}{quote}"))
    url = sa.make_url(admin_url).set(database=name)
    engine = sa.create_engine(url)
    hosted = ConnectorHost(SqlConnector())
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))
        values = {"dialect": dialect, "host": url.host, "port": url.port or port,
                  "database": name, "user": url.username, "mapping": mapping}  # fmt: skip
        hosted.open(prefix, values)
        yield hosted
    finally:
        hosted.close()
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(
                sa.text(f"DROP DATABASE IF EXISTS {quote}{name}{quote}{drop_suffix}")
            )
        admin.dispose()
