"""Two-way sync through the SQL connector on MariaDB (issue 8 scenarios, R-SYNC-1, R-SYNC-2,
R-SYNC-4, R-SYNC-7, R-MAP-3): an ERP change reaches the CRM, a CRM change reaches the ERP's
table and is not sent back, list values travel through the list mapping, and a row
flagged deleted in the ERP marks the link and keeps the CRM record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.crm import service as crm
from erpsync.crm.models import Company, ListItem
from erpsync.crm.schemas import CompanyUpdate
from erpsync.mapping.models import ListItemMapping, ListMapping
from erpsync.sync.models import LINK_DELETED_IN_ERP
from tests.connectors.sql import erp_schema as erp
from tests.connectors.sql.hooks import config_for
from tests.services import MARIADB_URL, need_service, unique_name
from tests.sync.conftest import SyncEnv

FIELDS = [
    ("code", "number", "to_crm"),
    ("name", "name", "both"),
    ("phone", "phone", "both"),
    ("city", "city", "to_crm"),
    ("country", "country", "both"),
]


@pytest.fixture
def erp_url() -> Iterator[sa.URL]:
    """A MariaDB database of this test's own with the SQL test ERP's schema and seed."""
    need_service("MariaDB", "127.0.0.1", 3306)
    name = unique_name("erpsync_syncsql")
    admin = sa.create_engine(MARIADB_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(sa.text(f"CREATE DATABASE `{name}`"))
    url = sa.make_url(MARIADB_URL).set(database=name)
    engine = sa.create_engine(url)
    try:
        erp.create_schema(engine)
        yield url
    finally:
        engine.dispose()
        with admin.connect() as db:
            db.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def _connect(env: SyncEnv, url: sa.URL) -> None:
    """Points the test's connection at the MariaDB ERP, sync on, countries mapped by code."""
    with env.database.session() as session:
        data = ConnectionCreate(name="SQL ERP", connector="sql", config=config_for(url))
        result, connection = connections.create_tested(session, env.keys, env.admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = True
        env.connection_id = connection.id
        countries = dict(
            session.execute(
                select(ListItem.code, ListItem.id).where(ListItem.list_name == "country")
            ).all()
        )
        mapping = ListMapping(connection_id=connection.id, erp_list="countries", crm_list="country")
        mapping.items = [
            ListItemMapping(erp_item=code, crm_item_id=countries[code]) for code in ("SE", "NO")
        ]
        session.add(mapping)
    env.map("Customer", FIELDS, create=True)


def _erp_row(url: sa.URL, name: str) -> dict[str, Any]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as db:
            row = db.execute(select(erp.company).where(erp.company.c.name == name)).one()
            return dict(row._mapping)
    finally:
        engine.dispose()


def _erp_update(url: sa.URL, erp_key: str, **values: Any) -> None:
    """An edit in the ERP: the row and its stamp, a second later than anything before."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as db:
            stamp = erp.now() + timedelta(seconds=1)
            db.execute(
                erp.company.update()
                .where(erp.company.c.id == int(erp_key))
                .values(updated_at=stamp, **values)
            )
    finally:
        engine.dispose()


def test_changes_travel_both_ways_through_the_sql_connector_on_mariadb(
    env: SyncEnv, erp_url: sa.URL
) -> None:
    _connect(env, erp_url)
    first = env.run()
    assert first.state == "succeeded", first.error
    acme_key = str(_erp_row(erp_url, "Acme AB")["id"])
    assert set(env.links()) == {acme_key, str(_erp_row(erp_url, "Both Oy")["id"])}
    acme = env.company(acme_key)
    assert (acme.name, acme.number, acme.country.code if acme.country else None) == (
        "Acme AB",
        "C1",
        "SE",
    )
    assert env.saves == []  # what came from the ERP is not written back

    _erp_update(erp_url, acme_key, city="Visby", phone="+46 498 100")
    result = env.run()
    assert result.state == "succeeded", result.error
    assert result.counts["updated"] == 1 and env.saves == []
    acme = env.company(acme_key)
    assert (acme.city, acme.phone) == ("Visby", "+46 498 100")
    assert {e.field for e in env.log(action="to_crm", erp_key=acme_key)} == {"city", "phone"}

    with env.database.session() as session:
        crm.update_company(session, acme.id, CompanyUpdate(phone="+46 8 700", country="NO"))
    result = env.run()
    assert result.state == "succeeded", result.error
    row = _erp_row(erp_url, "Acme AB")
    assert (row["phone"], row["country_code"]) == ("+46 8 700", "NO")
    assert [(a.key, a.values) for a in env.saves] == [
        (acme_key, {"phone": "+46 8 700", "country": "NO"})
    ]
    env.saves.clear()
    again = env.run()  # the ERP's new stamp brings the row back: equal to the shadow
    assert again.state == "succeeded" and env.saves == []
    assert again.counts.get("updated", 0) == 0

    _erp_update(erp_url, acme_key, deleted=True)
    deleted = env.run()
    assert deleted.counts["deleted"] == 1
    assert env.links()[acme_key].state == LINK_DELETED_IN_ERP
    with env.database.read_session() as session:
        kept = session.get(Company, acme.id)
        assert kept is not None and kept.deleted_at is None and kept.active
