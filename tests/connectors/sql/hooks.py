"""Conformance hooks of the SQL connector: sample data written straight into the test
ERP's tables (as another ERP user would), on PostgreSQL, MariaDB or SQLite."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from erpsync.connectors.sql import SqlConnector, parse_mapping
from erpsync.sdk import (
    ActorRef,
    ActorType,
    ConfigValues,
    Connector,
    PriceList,
    Product,
    Value,
)
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.testkit import ConformanceHooks, LateCommit
from tests.connectors.sql import erp_schema as erp

SPEC = parse_mapping(erp.MAPPING)
TABLES = {"company": erp.company, "contact": erp.contact, "project": erp.project}
PARENT = {ActorType.PERSON: "company_id", ActorType.PROJECT: "customer_id"}


def config_for(url: sa.URL) -> dict[str, Value]:
    """Connector configuration values for a database URL (SQLite: a file path)."""
    if url.get_backend_name() == "sqlite":
        return {"dialect": "sqlite", "database": url.database, "mapping": erp.MAPPING}
    return {
        "dialect": "postgresql" if url.get_backend_name() == "postgresql" else "mariadb",
        "host": url.host,
        "port": url.port or (5432 if url.get_backend_name() == "postgresql" else 3306),
        "database": url.database,
        "user": url.username,
        "password": url.password or "",
        "mapping": erp.MAPPING,
    }


def row_of(actor_type: ActorType, values: Mapping[str, Value]) -> dict[str, Any]:
    """Field values as columns of the actor's table (the mapping's column names)."""
    spec = SPEC.actors[actor_type]
    table = TABLES[spec.table]
    row: dict[str, Any] = {}
    for key, value in values.items():
        field = spec.field(key)
        assert field is not None and field.column.table is None, key
        column = table.c[field.column.column]
        if value is not None and isinstance(column.type, sa.Integer) and isinstance(value, str):
            value = int(value)
        row[field.column.column] = value
    return row


class _Late:
    def __init__(self, connection: sa.Connection, key: str) -> None:
        self.connection = connection
        self.key = key

    def commit(self) -> None:
        self.connection.commit()
        self.connection.close()


class SqlHooks(ConformanceHooks):
    """Subclasses set `url` (PostgreSQL/MariaDB: a session database) or leave it None
    (SQLite: a fresh file per check)."""

    timeout = 30.0
    url: sa.URL | None = None
    engine: sa.Engine

    def set_up_erp(self, workdir: Path) -> None:
        if self.url is None:
            self.active_url = sa.make_url(f"sqlite:///{workdir / 'erp.sqlite'}")
            self.engine = sa.create_engine(self.active_url)
            erp.create_schema(self.engine)
        else:
            self.active_url = self.url
            self.engine = sa.create_engine(self.url)
            erp.seed(self.engine)

    def tear_down_erp(self) -> None:
        self.engine.dispose()

    def make_connector(self) -> Connector:
        return SqlConnector()

    def config_values(self) -> ConfigValues:
        return config_for(self.active_url)

    def bad_config_values(self) -> ConfigValues:
        return {**config_for(self.active_url), "mapping": erp.MAPPING.replace("org_no", "org_nr")}

    def sample_parent(self, actor_type: ActorType) -> ActorRef | None:
        if actor_type not in PARENT:
            return None
        key = self.insert_actor(ActorType.CUSTOMER, {"name": "Parent AB"}, None)
        return ActorRef(ActorType.CUSTOMER, key)

    def _insert(
        self,
        db: sa.Connection,
        actor_type: ActorType,
        values: Mapping[str, Value],
        parent: ActorRef | None,
    ) -> str:
        spec = SPEC.actors[actor_type]
        row = row_of(actor_type, values)
        row.update({column: value for column, value in spec.create})
        if parent is not None:
            row[PARENT[actor_type]] = int(parent.key)
        row["updated_at"] = erp.now()
        result = db.execute(TABLES[spec.table].insert().values(row))
        return str(result.inserted_primary_key[0])

    def insert_actor(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None
    ) -> str:
        with self.engine.begin() as db:
            return self._insert(db, actor_type, values, parent)

    def insert_actors(
        self, actor_type: ActorType, rows: Sequence[Mapping[str, Value]], parent: ActorRef | None
    ) -> list[str]:
        with self.engine.begin() as db:
            return [self._insert(db, actor_type, row, parent) for row in rows]

    def update_actor(self, actor_type: ActorType, key: str, values: Mapping[str, Value]) -> None:
        spec = SPEC.actors[actor_type]
        table = TABLES[spec.table]
        row = {**row_of(actor_type, values), "updated_at": erp.now()}
        with self.engine.begin() as db:
            db.execute(table.update().where(table.c.id == int(key)).values(row))

    def delete_actor(self, actor_type: ActorType, key: str) -> None:
        spec = SPEC.actors[actor_type]
        table = TABLES[spec.table]
        with self.engine.begin() as db:
            if spec.tombstone is not None:  # a hard delete, logged in the tombstone table
                db.execute(table.delete().where(table.c.id == int(key)))
                tomb = {"table_name": spec.table, "record_id": key, "deleted_at": erp.now()}
                db.execute(erp.deleted_record.insert().values(tomb))
                return
            assert spec.deleted is not None
            row = {spec.deleted.column: spec.deleted.value, "updated_at": erp.now()}
            db.execute(table.update().where(table.c.id == int(key)).values(row))

    def expected_price(self, price_list: PriceList, product: Product) -> Decimal | None:
        """The price the ERP holds for the product in the list, read straight from it."""
        line, item = erp.price_list_line, erp.product
        statement = (
            sa.select(line.c.price)
            .join(item, item.c.id == line.c.product_id)
            .where(line.c.price_list_id == int(price_list.id), item.c.code == product.code)
        )
        with self.engine.connect() as db:
            found = db.execute(statement).scalar_one()
        return Decimal(str(found)).quantize(erp.CENT)

    def begin_late_commit(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None
    ) -> LateCommit | None:
        connection = self.engine.connect()
        key = self._insert(connection, actor_type, values, parent)
        return _Late(connection, key)


@contextmanager
def open_host(url: sa.URL, name: str) -> Iterator[ConnectorHost]:
    """The SQL connector hosted and opened on `url` as connection `name`."""
    hosted = ConnectorHost(SqlConnector(), timeout=30)
    hosted.open(name, config_for(url))
    try:
        yield hosted
    finally:
        hosted.close()
