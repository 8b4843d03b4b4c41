"""BIT(1) columns as flags (R-CON-1): PostgreSQL answers the bit string '0' or '1' and
mysqlclient the bytes b'\\x00' or b'\\x01', both truthy in Python, so a Checkbox that is
off must still read as False, and a soft-delete BIT column that is off must not mark the
record deleted — in the change stream a sync reads and in `get_actors` alike; a saved
Checkbox is written back as a bit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from erpsync.connectors.sql import SqlConnector
from erpsync.sdk import Actor, ActorType
from erpsync.sdk.host import ConnectorHost
from tests.services import MARIADB_URL, PG_ADMIN_URL, need_service, unique_name

MAPPING = """
actors:
  Customer:
    table: party
    key: id
    modified: updated_at
    deleted: {column: gone, value: true}
    fields:
      - {key: flag, type: Checkbox}
"""
EXPECTED = {"1": {"flag": True}, "2": {"flag": False}, "3": {"flag": None}}
#: Row 4 is soft-deleted (its `gone` bit is on).
DELETED = {"1": False, "2": False, "3": False, "4": True}
SERVERS = {
    "postgresql": (PG_ADMIN_URL, 5432, '"', "TIMESTAMP", "B'1'", "B'0'"),
    "mariadb": (MARIADB_URL, 3306, "`", "DATETIME(6)", "b'1'", "b'0'"),
}


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ],
)
def host(request: pytest.FixtureRequest) -> Iterator[ConnectorHost]:
    dialect = request.param
    admin_url, port, quote, stamp, on, off = SERVERS[dialect]
    need_service(dialect, "127.0.0.1", port)
    name = unique_name("erpsync_bitflag")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {quote}{name}{quote}"))
    url = sa.make_url(admin_url).set(database=name)
    engine = sa.create_engine(url)
    hosted = ConnectorHost(SqlConnector())
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    f"CREATE TABLE party (id INT PRIMARY KEY, flag BIT(1), gone BIT(1), "
                    f"updated_at {stamp})"
                )
            )
            connection.execute(
                sa.text(
                    f"INSERT INTO party VALUES (1, {on}, {off}, '2024-05-06 07:08:09'), "
                    f"(2, {off}, {off}, '2024-05-06 07:08:10'), "
                    f"(3, NULL, NULL, '2024-05-06 07:08:11'), "
                    f"(4, {off}, {on}, '2024-05-06 07:08:12')"
                )
            )
        values = {"dialect": dialect, "host": url.host, "port": url.port or port,
                  "database": name, "user": url.username, "mapping": MAPPING}  # fmt: skip
        hosted.open("bits", values)
        yield hosted
    finally:
        hosted.close()
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {quote}{name}{quote}"))
        admin.dispose()


def test_the_change_stream_reads_a_bit_flag_that_is_off_as_false(host: ConnectorHost) -> None:
    batches = list(host.changes(ActorType.CUSTOMER, None))
    actors = [actor for batch in batches for actor in batch.actors]
    assert {actor.key: actor.deleted for actor in actors} == DELETED
    assert {actor.key: actor.values for actor in actors if not actor.deleted} == EXPECTED


def test_get_actors_reads_bit_flags_as_the_stream_does(host: ConnectorHost) -> None:
    actors = host.get_actors(ActorType.CUSTOMER, list(EXPECTED))
    assert {actor.key: actor.values for actor in actors} == EXPECTED


def test_a_live_bit_flag_record_is_saved_as_a_bit(host: ConnectorHost) -> None:
    [result] = host.save([Actor(ActorType.CUSTOMER, "1", {"flag": False})])
    assert result.ok, result.response
    [read] = host.get_actors(ActorType.CUSTOMER, ["1"])
    assert (read.values, read.deleted) == ({"flag": False}, False)
    [back] = host.save([Actor(ActorType.CUSTOMER, "1", {"flag": True})])
    assert back.ok and back.actor is not None and back.actor.values == {"flag": True}
