"""Values reach the database only as bound parameters (R-CON-1), on SQLite, PostgreSQL
and MariaDB: quotes and SQL in a name are stored and found as plain text, search text
with SQL in it matches text and runs nothing, and LIKE wildcards in search text match
themselves rather than everything."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from erpsync.sdk import Actor, ActorType, Operator, Restriction
from erpsync.sdk.host import ConnectorHost
from tests.connectors.sql.hooks import open_host

CUSTOMER = ActorType.CUSTOMER
SNEAKY = 'O\'Brien "Bygg"; DROP TABLE company; --'


@pytest.fixture
def host(url: sa.URL) -> Iterator[ConnectorHost]:
    with open_host(url, "bound") as hosted:
        yield hosted


def _names(host: ConnectorHost, text: str) -> list[object]:
    return sorted(str(a.values["name"]) for a in host.search(CUSTOMER, text, ["name"]))


def _tables(url: sa.URL) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_sql_in_values_and_search_text_is_only_ever_text(host: ConnectorHost, url: sa.URL) -> None:
    before = _tables(url)
    created = host.create(CUSTOMER, {"name": SNEAKY, "city": "x' OR '1'='1"})
    [actor] = host.get_actors(CUSTOMER, [created.key], ["name", "city"])
    assert actor.values == {"name": SNEAKY, "city": "x' OR '1'='1"}
    assert _names(host, "o'brien") == [SNEAKY]
    assert _names(host, "; DROP TABLE company; --") == [SNEAKY]
    assert _names(host, "x' OR '1'='1") == [SNEAKY]  # its city, as text
    assert _names(host, "zz' OR 'a'='a") == []
    equals = Restriction("name", Operator.EQUALS, ("x' OR '1'='1",))
    assert host.search_advanced(CUSTOMER, [equals], ["name"]) == []
    saved = host.save([Actor(CUSTOMER, created.key, {"city": "'); DELETE FROM company; --"})])
    assert saved[0].ok
    assert _tables(url) == before
    assert len(host.search(CUSTOMER, "", ["name"], limit=500)) > 1  # nothing was deleted


def test_like_wildcards_in_search_text_match_only_themselves(host: ConnectorHost) -> None:
    for name in ("100% Bygg AB", "Under_score AB", "Plain Trading AB"):
        host.create(CUSTOMER, {"name": name})
    assert _names(host, "%") == ["100% Bygg AB"]
    assert _names(host, "_") == ["Under_score AB"]
    contains = Restriction("name", Operator.CONTAINS, ("%",))
    assert [a.values["name"] for a in host.search_advanced(CUSTOMER, [contains], ["name"])] == [
        "100% Bygg AB"
    ]
