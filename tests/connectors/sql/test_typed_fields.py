"""Which SQL connector fields skip the host's type check (`Connector.typed_fields`):
only those whose values PostgreSQL or MariaDB types exactly as the contract wants —
never on SQLite, whose columns hold any type, never a converted value (a List over an
integer id, a MariaDB TINYINT(1) flag or DOUBLE), never text a mapping limits below
its column's length."""

from __future__ import annotations

import sqlalchemy as sa

from erpsync.connectors.sql import SqlConnector
from erpsync.sdk import ActorType
from tests.connectors.sql import erp_schema as erp
from tests.connectors.sql.hooks import config_for

BOTH = {"id", "code", "name", "org_no", "email", "phone", "city", "country",
        "credit_limit", "employees", "founded", "modified_at"}  # fmt: skip
EXPECTED = {"sqlite": set(), "postgresql": BOTH | {"discount", "blocked"}, "mysql": BOTH}


def _typed(url: sa.URL, mapping: str = erp.MAPPING) -> frozenset[str]:
    connector = SqlConnector()
    connector.open("typed", {**config_for(url), "mapping": mapping})
    try:
        return connector.typed_fields(ActorType.CUSTOMER)
    finally:
        connector.close()


def test_only_values_the_database_types_exactly_are_declared_typed(url: sa.URL) -> None:
    assert _typed(url) == EXPECTED[url.get_backend_name()]


def test_text_limited_below_its_column_is_checked(url: sa.URL) -> None:
    city = "{key: city, name: City}"
    assert city in erp.MAPPING
    limited = _typed(url, erp.MAPPING.replace(city, "{key: city, name: City, max_length: 5}"))
    assert "city" not in limited
    assert "email" in limited or url.get_backend_name() == "sqlite"
