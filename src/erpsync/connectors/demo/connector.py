"""`DemoConnector`: the connector of the demo ERP (R-CON-4), a real connector that
speaks to the demo ERP's SQLite file and passes the conformance kit.

Change tracking is `cursor`: the cursor is the last `row_version` seen. The demo ERP
hands out versions in commit order (writes begin IMMEDIATE), so no overlap window is
needed; an ERP whose stamps are taken before commit would re-read one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar

from erpsync.connectors.demo import prices, setup, writes
from erpsync.connectors.demo.fields import CONFIG_FIELDS, LIST_NAMES, SPECS
from erpsync.connectors.demo.schema import write
from erpsync.connectors.demo.setup import batch_size_of, connect_checked, translated
from erpsync.connectors.demo.store import Reader, list_items
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
    opened_batch_size,
    save_each,
)


class DemoConnector(PricingCapability, Connector):
    """The demo ERP: customers, suppliers, partners, persons, projects and five lists;
    products and two price lists (SEK and EUR)."""

    key = "demo"
    name = "Demo ERP"
    version = "1.0.0"
    description = "A small ERP in one SQLite file, for trying erpsync out and for tutorials."
    change_tracking: ClassVar[ChangeTracking] = ChangeTracking.CURSOR
    supported_actor_types: ClassVar[tuple[ActorType, ...]] = tuple(SPECS)
    idempotent_create = True

    def __init__(self) -> None:
        self._db: OpenedState[sqlite3.Connection] = OpenedState(
            "the demo connector", sqlite3.Connection.close
        )
        self._instance_id = ""

    # --- configuration ------------------------------------------------------------

    def config_fields(self) -> list[Field]:
        return list(CONFIG_FIELDS)

    def test_config(self, values: ConfigValues) -> Response:
        return setup.test_config(values)

    def open(self, connection_id: str, values: ConfigValues) -> None:
        self.close()
        db, meta = connect_checked(values)
        self._db.set(db)
        self._instance_id = meta["instance_id"]
        self.batch_size = opened_batch_size(self, batch_size_of(values))

    def test_connection(self) -> Response:
        with translated():
            (instance,) = (
                self._conn().execute("SELECT value FROM meta WHERE key = 'instance_id'").fetchone()
            )
        if instance != self._instance_id:
            return Response.failure(
                Category.CONFIG, "The demo ERP database file was replaced by another one."
            )
        return Response.success("The demo ERP answers.")

    def close(self) -> None:
        self._db.close()

    def instance_id(self) -> str:
        self._conn()
        return self._instance_id

    def _conn(self) -> sqlite3.Connection:
        return self._db.get()

    # --- metadata ---------------------------------------------------------------------

    def actor_types(self) -> list[ActorType]:
        return list(SPECS)

    def actor_fields(self, actor_type: ActorType) -> list[Field]:
        return list(SPECS[actor_type].fields)

    def searchable_fields(self, actor_type: ActorType) -> list[str]:
        return list(SPECS[actor_type].searchable)

    def lists(self) -> list[str]:
        return list(LIST_NAMES)

    def list_items(self, list_name: str) -> list[ListItem]:
        if list_name not in LIST_NAMES:
            raise ConnectorError(Category.DATA, f"The demo ERP has no list {list_name!r}.")
        with translated():
            return list_items(self._conn(), list_name)

    # --- reading ------------------------------------------------------------------------

    def _reader(self, actor_type: ActorType, field_keys: Sequence[str] | None) -> Reader:
        return Reader(self._conn(), SPECS[actor_type], field_keys)

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        with translated():
            return self._reader(actor_type, field_keys).get(keys)

    def search(
        self,
        actor_type: ActorType,
        text: str,
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        with translated():
            return self._reader(actor_type, field_keys).search(text, limit)

    def search_advanced(
        self,
        actor_type: ActorType,
        restrictions: Sequence[Restriction],
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        with translated():
            return self._reader(actor_type, field_keys).search_advanced(restrictions, limit)

    def children(
        self, parent_type: ActorType, parent_key: str, child_type: ActorType
    ) -> list[Actor]:
        with translated():
            return self._reader(child_type, None).children_of(parent_type, parent_key)

    def cursor_order(self, cursor: str) -> int:
        return int(cursor)

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        after = _version(cursor)
        reader = self._reader(actor_type, field_keys)
        size = max(1, self.batch_size)
        while True:
            with translated():
                actors, after = reader.changed_after(after, size)
            complete = len(actors) < size
            yield ChangeBatch(actors, str(after), complete)
            if complete:
                return

    # --- pricing (PricingCapability) -----------------------------------------------------

    def price_lists(self) -> list[PriceList]:
        with translated():
            return prices.price_lists(self._conn())

    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: Sequence[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        with translated():
            return prices.products(self._conn(), price_list_id, query, restrictions, offset, limit)

    def product(self, price_list_id: str, code: str) -> Product | None:
        with translated():
            return prices.product(self._conn(), price_list_id, code)

    # --- writing ---------------------------------------------------------------------------

    def create(
        self,
        actor_type: ActorType,
        values: Mapping[str, Value],
        parent: ActorRef | None = None,
        idempotency_key: str | None = None,
    ) -> Actor:
        with translated():
            return writes.create(self._conn(), SPECS[actor_type], values, parent, idempotency_key)

    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        db = self._conn()
        with translated(), write(db):
            return save_each(
                actors,
                lambda actor: writes.save_one(db, SPECS[actor.type], actor),
                refused=tuple(Category),  # each record has its own savepoint
            )


def _version(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    if not cursor.isdigit():
        raise ConnectorError(
            Category.SYSTEM,
            f"The demo ERP cannot resume from cursor {cursor!r}; reset the sync cursor.",
            code="bad_cursor",
        )
    return int(cursor)
