"""BIT(1) columns as flags (R-CON-1): PostgreSQL answers the bit string '0' or '1' and
mysqlclient the bytes b'\\x00' or b'\\x01', both truthy in Python, so a Checkbox that is
off must still read as False, and a soft-delete BIT column that is off must not mark the
record deleted — in the change stream a sync reads and in `get_actors` alike; a saved
Checkbox is written back as a bit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from erpsync.sdk import Actor, ActorType
from erpsync.sdk.host import ConnectorHost
from tests.connectors.sql.scratch import scratch_host

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
STAMPS = {  # dialect → (stamp column type, bit on, bit off)
    "postgresql": ("TIMESTAMP", "B'1'", "B'0'"),
    "mariadb": ("DATETIME(6)", "b'1'", "b'0'"),
}


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ],
)
def host(request: pytest.FixtureRequest) -> Iterator[ConnectorHost]:
    stamp, on, off = STAMPS[request.param]
    statements = [
        f"CREATE TABLE party (id INT PRIMARY KEY, flag BIT(1), gone BIT(1), updated_at {stamp})",
        f"INSERT INTO party VALUES (1, {on}, {off}, '2024-05-06 07:08:09'), "
        f"(2, {off}, {off}, '2024-05-06 07:08:10'), "
        f"(3, NULL, NULL, '2024-05-06 07:08:11'), "
        f"(4, {off}, {on}, '2024-05-06 07:08:12')",
    ]
    with scratch_host(request.param, "erpsync_bitflag", statements, MAPPING) as hosted:
        yield hosted


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
