"""MariaDB values as the contract types them (R-CON-1): mysqlclient decodes DATETIME
and TIMESTAMP straight to aware UTC datetimes and TINYINT(1) flags become bools, in
the change stream and in `get_actors` alike — whatever the precision of the column,
and a zero date reads as empty, as the driver has always answered it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from erpsync.sdk import ActorType
from erpsync.sdk.host import ConnectorHost
from tests.connectors.sql.scratch import scratch_host
from tests.services import MARIADB_URL

pytestmark = pytest.mark.mariadb

MAPPING = """
actors:
  Customer:
    table: party
    key: id
    modified: updated_at
    fields:
      - {key: flag, type: Checkbox}
      - {key: at0, type: Datetime}
      - {key: at2, type: Datetime}
      - {key: seen, type: Datetime}
      - {key: born, type: Date}
      - {key: share, type: Double}
"""
TABLE = (
    "CREATE TABLE party (id INT PRIMARY KEY, flag TINYINT(1), at0 DATETIME, "
    "at2 DATETIME(2), seen TIMESTAMP NULL, born DATE, share DOUBLE, "
    "updated_at DATETIME(6) NOT NULL)"
)
ROWS = [
    "(1, 1, '2024-05-06 07:08:09', '2024-05-06 07:08:09.12', '2024-05-06 07:08:09', "
    "'1999-12-31', 0.25, '2024-05-06 07:08:09.123456')",
    "(2, 0, '0000-00-00 00:00:00', NULL, NULL, '0000-00-00', 2, '2024-05-06 07:08:10')",
    "(3, 2, NULL, '2024-05-06 07:08:09.5', NULL, NULL, NULL, '2024-05-06 07:08:11')",
    "(4, NULL, NULL, NULL, NULL, NULL, NULL, '2024-05-06 07:08:12')",
]
MOMENT = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
EXPECTED = {
    "1": {"flag": True, "at0": MOMENT, "at2": MOMENT.replace(microsecond=120000),
          "seen": MOMENT, "born": date(1999, 12, 31), "share": 0.25},
    "2": {"flag": False, "at0": None, "at2": None, "seen": None, "born": None, "share": 2.0},
    "3": {"flag": True, "at0": None, "at2": MOMENT.replace(microsecond=500000),
          "seen": None, "born": None, "share": None},
    "4": dict.fromkeys(["flag", "at0", "at2", "seen", "born", "share"]),
}  # fmt: skip


@pytest.fixture(scope="module")
def host() -> Iterator[ConnectorHost]:
    statements = [
        "SET SESSION sql_mode = ''",  # zero dates allowed
        TABLE,
        f"INSERT INTO party VALUES {', '.join(ROWS)}",
    ]
    with scratch_host("mariadb", "erpsync_sqlvalues", statements, MAPPING) as hosted:
        yield hosted


def test_stream_answers_aware_utc_datetimes_and_bool_flags(host: ConnectorHost) -> None:
    batches = list(host.changes(ActorType.CUSTOMER, None))
    assert [rejected for batch in batches for rejected in batch.rejected] == []
    read = {actor.key: actor.values for batch in batches for actor in batch.actors}
    assert read == EXPECTED
    assert all(type(v["flag"]) is bool for v in read.values() if v["flag"] is not None)


def test_get_actors_answers_the_same_values_as_the_stream(host: ConnectorHost) -> None:
    actors = host.get_actors(ActorType.CUSTOMER, list(EXPECTED))
    assert {actor.key: actor.values for actor in actors} == EXPECTED


@pytest.fixture
def server_in_local_time() -> Iterator[None]:
    """The MariaDB server's zone set to UTC+05:00 for new sessions, as a server kept in
    local time has it; restored afterwards."""
    admin = sa.create_engine(MARIADB_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        was = connection.execute(sa.text("SELECT @@GLOBAL.time_zone")).scalar_one()
        connection.execute(sa.text("SET GLOBAL time_zone = '+05:00'"))
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text("SET GLOBAL time_zone = :zone"), {"zone": was})
        admin.dispose()


def test_timestamps_read_in_utc_when_the_server_keeps_local_time(
    server_in_local_time: None,
) -> None:
    """A TIMESTAMP is stored as an instant; a session in the server's zone would answer
    it five hours off, and the CRM would show (and sync back) the wrong time."""
    mapping = """
actors:
  Customer:
    table: party
    key: id
    modified: stamped
    fields:
      - {key: seen, type: Datetime}
"""
    statements = [
        "CREATE TABLE party (id INT PRIMARY KEY, seen TIMESTAMP NULL, stamped TIMESTAMP(6) NULL)",
        "SET time_zone = '+00:00'",
        "INSERT INTO party VALUES (1, '2024-05-06 07:08:09', '2024-05-06 07:08:09'), "
        "(2, NULL, '2024-05-06 07:08:10')",
    ]
    with scratch_host("mariadb", "erpsync_sqlzone", statements, mapping) as hosted:
        batches = list(hosted.changes(ActorType.CUSTOMER, None))
        read = {actor.key: actor.values for batch in batches for actor in batch.actors}
        assert read == {"1": {"seen": MOMENT}, "2": {"seen": None}}
        [fetched] = hosted.get_actors(ActorType.CUSTOMER, ["1"])
    assert fetched.values == {"seen": MOMENT}
