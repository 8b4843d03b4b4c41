"""`SqlConnector` (R-CON-1): an ERP whose data sits in a SQL database.

Configured by URL parts and a mapping text (see `mapping.py`); the mapping is
checked against the reflected schema at `test_config` and `open` (`setup.py`), so
every name that reaches SQL is a reflected table or column. Reads stream
(`stream.py`), lists come from `lists.py`, writes run in one transaction per actor
(`writes.py`). This class only routes each call of the contract to them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

import sqlalchemy as sa

from erpsync.connectors.sql import setup, stream, writes
from erpsync.connectors.sql.database import Target, instance_id
from erpsync.connectors.sql.lists import list_items
from erpsync.connectors.sql.pricing import Pricing
from erpsync.connectors.sql.query import ActorQuery
from erpsync.connectors.sql.setup import CONFIG_FIELDS, DEFAULT_BATCH, Opened
from erpsync.sdk import (
    Actor,
    ActorRef,
    ActorType,
    Category,
    ChangeBatch,
    ChangeTracking,
    ConfigValues,
    Connector,
    ConnectorError,
    Field,
    ListItem,
    OpenedState,
    PriceList,
    PricingCapability,
    Product,
    ProductPage,
    Response,
    Restriction,
    SaveResult,
    Value,
    config_error,
    data_error,
    opened_batch_size,
    save_each,
)


class SqlConnector(PricingCapability, Connector):
    """Any ERP whose tables SQLAlchemy reaches: PostgreSQL, MariaDB/MySQL, SQLite."""

    key = "sql"
    name = "SQL database"
    version = "1.0.0"
    description = "Reads and writes an ERP's own tables, declared by a mapping text."
    change_tracking: ClassVar[ChangeTracking] = ChangeTracking.CURSOR
    supported_actor_types: ClassVar[tuple[ActorType, ...]] = tuple(ActorType)
    batch_size = DEFAULT_BATCH

    def __init__(self) -> None:
        self._opened: OpenedState[Opened] = OpenedState(
            "the SQL connector", lambda opened: opened.engine.dispose()
        )

    # --- configuration ------------------------------------------------------------

    def config_fields(self) -> list[Field]:
        return list(CONFIG_FIELDS)

    def test_config(self, values: ConfigValues) -> Response:
        return setup.test_config(values)

    def open(self, connection_id: str, values: ConfigValues) -> None:
        self.close()
        opened = self._opened.set(Opened(values))
        self.batch_size = opened_batch_size(self, opened.batch_size)

    def test_connection(self) -> Response:
        opened = self._state()
        with opened.translated(), opened.engine.connect() as connection:
            connection.execute(sa.select(1))
        return Response.success(f"{opened.target.where()} answers.")

    def close(self) -> None:
        self._opened.close()

    def instance_id(self) -> str:
        opened = self._state()
        with opened.translated():
            return instance_id(opened.engine, opened.target)

    def _state(self) -> Opened:
        return self._opened.get()

    def _query(self, actor_type: ActorType) -> ActorQuery:
        query = self._state().queries.get(actor_type)
        if query is None:
            raise config_error(f"The mapping declares no {actor_type}.", code="actor_type")
        return query

    @property
    def target(self) -> Target:
        return self._state().target

    # --- metadata -------------------------------------------------------------------

    def actor_types(self) -> list[ActorType]:
        return list(self._state().queries)

    def actor_fields(self, actor_type: ActorType) -> list[Field]:
        return list(self._query(actor_type).fields)

    def typed_fields(self, actor_type: ActorType) -> frozenset[str]:
        return self._query(actor_type).typed_fields()

    def searchable_fields(self, actor_type: ActorType) -> list[str]:
        query = self._query(actor_type)
        return [spec.key for spec in query.spec.fields if spec.searchable]

    def lists(self) -> list[str]:
        return list(self._state().mapping.lists)

    def list_items(self, list_name: str) -> list[ListItem]:
        return list_items(self._state(), list_name)

    # --- reading ----------------------------------------------------------------------

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        opened, query = self._state(), self._query(actor_type)
        with opened.translated(), opened.engine.connect() as connection:
            return writes.read(connection, query, keys, field_keys)

    def _live(
        self, query: ActorQuery, field_keys: Sequence[str] | None, where: list[Any], order: Any
    ) -> Any:
        statement, names = query.select(field_keys)
        statement = statement.where(query.live(), *where).order_by(*order, query.key)
        return statement, query.row_reader(names)

    def search(
        self,
        actor_type: ActorType,
        text: str,
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        opened, query = self._state(), self._query(actor_type)
        condition, rank = query.search_text(text, self.searchable_fields(actor_type))
        statement, reader = self._live(query, field_keys, [condition], [rank])
        with opened.translated(), opened.engine.connect() as connection:
            return [reader(row) for row in connection.execute(statement.limit(limit))]

    def search_advanced(
        self,
        actor_type: ActorType,
        restrictions: Sequence[Restriction],
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        opened, query = self._state(), self._query(actor_type)
        try:
            where = [query.restriction(restriction) for restriction in restrictions]
        except (TypeError, ValueError) as exc:
            raise data_error(f"Cannot search {actor_type}: {exc}.") from None
        statement, reader = self._live(query, field_keys, where, [])
        with opened.translated(), opened.engine.connect() as connection:
            return [reader(row) for row in connection.execute(statement.limit(limit))]

    def children(
        self, parent_type: ActorType, parent_key: str, child_type: ActorType
    ) -> list[Actor]:
        opened, query = self._state(), self._query(child_type)
        if query.parent is None or query.spec.parent_type is not parent_type:
            return []
        try:
            key = ActorQuery.bind(query.parent, parent_key)
        except (TypeError, ValueError):
            return []
        statement, reader = self._live(query, None, [query.parent == key], [])
        with opened.translated(), opened.engine.connect() as connection:
            return [reader(row) for row in connection.execute(statement)]

    def cursor_order(self, cursor: str) -> str:
        return stream.order_key(cursor)

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        opened, query = self._state(), self._query(actor_type)
        batches = stream.changes(
            opened.engine, query, cursor, field_keys, self.batch_size, opened.overlap
        )
        while True:
            with opened.translated():
                batch = next(batches, None)
            if batch is None:
                return
            yield batch

    # --- writing ----------------------------------------------------------------------

    def create(
        self,
        actor_type: ActorType,
        values: Mapping[str, Value],
        parent: ActorRef | None = None,
        idempotency_key: str | None = None,
    ) -> Actor:
        opened, query = self._state(), self._query(actor_type)
        with opened.translated(), opened.engine.begin() as connection:
            key = writes.create(connection, query, values, parent)
            return writes.read(connection, query, [key])[0]

    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        opened = self._state()

        def save_one(actor: Actor) -> tuple[bool, Actor | None]:
            query = self._query(actor.type)
            with opened.translated(), opened.engine.begin() as connection:
                return writes.save_one(connection, query, actor)

        # A refused record (data) or a bug in one (system) is its own failed result.
        return save_each(actors, save_one, refused=(Category.DATA, Category.SYSTEM), named=True)

    # --- pricing (declared by the mapping's `pricing` section) ---------------------------

    def price_lists(self) -> list[PriceList]:
        opened = self._state()
        if opened.pricing is None:
            return []  # the mapping declares no pricing: no price lists
        with opened.translated(), opened.engine.connect() as connection:
            return opened.pricing.price_lists(connection)

    def _pricing(self, price_list_id: str) -> Pricing:
        pricing = self._state().pricing
        if pricing is None:
            raise ConnectorError(
                "data",
                f"The ERP has no price list {price_list_id!r}: the mapping declares no pricing.",
                code="unknown_price_list",
                field="price_list",
            )
        return pricing

    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: Sequence[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        pricing, opened = self._pricing(price_list_id), self._state()
        with opened.translated(), opened.engine.connect() as connection:
            return pricing.products(
                connection, price_list_id, query, list(restrictions), offset, limit
            )

    def product(self, price_list_id: str, code: str) -> Product | None:
        pricing, opened = self._pricing(price_list_id), self._state()
        with opened.translated(), opened.engine.connect() as connection:
            return pricing.product(connection, price_list_id, code)
