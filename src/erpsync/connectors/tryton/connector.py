"""`TrytonConnector`: the open-source ERP Tryton over its JSON-RPC API (R-CON-2).

Parties are customers and suppliers by party category (or every party a customer),
with their first address and contact mechanisms flattened to fields; persons are
parties with the configured relation to a customer or supplier (`persons.py`);
projects are `project.work` of type project (`projects.py`). The lists are countries,
currencies, party categories, project statuses and, when the account module is
activated, payment terms. Price lists and products: `pricing.py`. Opening and its
checks: `setup.py`. See docs/connectors/tryton.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar

from erpsync.connectors.tryton.fields import (
    CONFIG_FIELDS,
    LIST_MODELS,
    PARTY_FIELDS,
    PARTY_SEARCHABLE,
    PERSON_FIELDS,
    PERSON_SEARCHABLE,
    PROJECT_FIELDS,
    PROJECT_SEARCHABLE,
)
from erpsync.connectors.tryton.parties import PARTY, PARTY_TYPES, Parties
from erpsync.connectors.tryton.pricing import Pricing
from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.connectors.tryton.search import RecordSearch
from erpsync.connectors.tryton.setup import Opened, Records, connect, number, offered, records_of
from erpsync.connectors.tryton.stream import RecordStream, cursor_order
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
    data_error,
    opened_batch_size,
    save_each,
)

FIELDS: dict[ActorType, tuple[tuple[Field, ...], tuple[str, ...]]] = {
    ActorType.CUSTOMER: (PARTY_FIELDS, PARTY_SEARCHABLE),
    ActorType.SUPPLIER: (PARTY_FIELDS, PARTY_SEARCHABLE),
    ActorType.PERSON: (PERSON_FIELDS, PERSON_SEARCHABLE),
    ActorType.PROJECT: (PROJECT_FIELDS, PROJECT_SEARCHABLE),
}


class TrytonConnector(PricingCapability, Connector):
    """Customers, suppliers, persons and projects of one Tryton database, its lists,
    and (when its modules are activated) its price lists and products."""

    key = "tryton"
    name = "Tryton"
    version = "1.1.0"
    description = "The open-source ERP Tryton, over its JSON-RPC API (Tryton 7 and later)."
    change_tracking: ClassVar[ChangeTracking] = ChangeTracking.CURSOR
    supported_actor_types: ClassVar[tuple[ActorType, ...]] = (
        *PARTY_TYPES,
        ActorType.PERSON,
        ActorType.PROJECT,
    )

    def __init__(self) -> None:
        self._opened: OpenedState[Opened] = OpenedState(
            "the Tryton connector", lambda opened: opened.client.close()
        )
        self._instance_id = ""
        self._overlap = 300

    # --- configuration ------------------------------------------------------------------

    def config_fields(self) -> list[Field]:
        return list(CONFIG_FIELDS)

    def test_config(self, values: ConfigValues) -> Response:
        try:
            opened = connect(values)
        except ConnectorError as exc:
            return exc.to_response()
        client = opened.client
        try:
            counts = {}
            for actor_type in offered(opened):
                records = records_of(opened, actor_type)
                counts[actor_type] = client.model(
                    records.model, "search_count", records.base_domain()
                )
        except ConnectorError as exc:
            return exc.to_response()
        finally:
            client.close()
        shown = ", ".join(f"{n} {t.lower()}s" for t, n in counts.items())
        return Response.success(
            f"Connected to Tryton database {client.database!r} at {client.url} as "
            f"{client.user!r} ({shown}).",
        )

    def open(self, connection_id: str, values: ConfigValues) -> None:
        self.close()
        client = self._opened.set(connect(values)).client
        created = client.search_read("ir.module", [("name", "=", "ir")], ["create_date"])
        stamp = created[0]["create_date"].isoformat() if created else "?"
        self._instance_id = f"tryton:{client.url}/{client.database}@{stamp}"
        self._overlap = number(values, "overlap_seconds", 300, 0, 86_400)
        self.batch_size = opened_batch_size(self, number(values, "batch_size", 500, 1, 10_000))

    def test_connection(self) -> Response:
        client = self._conn()
        client.model(PARTY, "search_count", [])
        return Response.success(f"Tryton database {client.database!r} at {client.url} answers.")

    def close(self) -> None:
        self._opened.close()

    def instance_id(self) -> str:
        self._conn()
        return self._instance_id

    def _state(self) -> Opened:
        return self._opened.get()

    def _conn(self) -> TrytonClient:
        return self._state().client

    # --- metadata -----------------------------------------------------------------------

    def actor_types(self) -> list[ActorType]:
        return offered(self._state())

    def actor_fields(self, actor_type: ActorType) -> list[Field]:
        self._records(actor_type)
        return list(FIELDS[actor_type][0])

    def searchable_fields(self, actor_type: ActorType) -> list[str]:
        self._records(actor_type)
        return list(FIELDS[actor_type][1])

    def lists(self) -> list[str]:
        modules = self._state().modules
        return [name for name, (_, _, module) in LIST_MODELS.items() if module in modules]

    def list_items(self, list_name: str) -> list[ListItem]:
        if list_name not in self.lists():
            raise ConnectorError(
                Category.DATA, f"This Tryton database has no list {list_name!r}.", code="list"
            )
        model, code, _ = LIST_MODELS[list_name]
        fields = ["id", "name", "active", *([code] if code else [])]
        rows = self._conn().search_read(
            model,
            [],
            fields,
            order=[("name", "ASC"), ("id", "ASC")],
            context={"active_test": False},
        )
        return [
            ListItem(
                str(row["id"]),
                str(row.get(code) or "") if code else str(row["id"]),
                str(row["name"]),
                deleted=not row.get("active", True),
            )
            for row in rows
        ]

    # --- reading ---------------------------------------------------------------------------

    def _records(self, actor_type: ActorType) -> Records:
        opened = self._state()
        if actor_type not in offered(opened):
            raise ConnectorError(
                Category.DATA, f"This Tryton connection offers no {actor_type}.", code="type"
            )
        return records_of(opened, actor_type)

    def _search(self, actor_type: ActorType) -> RecordSearch:
        fields, searchable = FIELDS[actor_type]
        return RecordSearch(self._records(actor_type), fields, searchable)

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        records = self._records(actor_type)
        found: list[Actor] = []
        for start in range(0, len(keys), self.batch_size):
            found += records.get(keys[start : start + self.batch_size], field_keys)
        return found

    def search(
        self,
        actor_type: ActorType,
        text: str,
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        return self._search(actor_type).text(text, field_keys, limit)

    def search_advanced(
        self,
        actor_type: ActorType,
        restrictions: Sequence[Restriction],
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        return self._search(actor_type).advanced(restrictions, field_keys, limit)

    def children(
        self, parent_type: ActorType, parent_key: str, child_type: ActorType
    ) -> list[Actor]:
        records = self._records(child_type)
        if isinstance(records, Parties) or parent_type not in PARTY_TYPES:
            return []  # customers and suppliers have no parents
        return records.children(parent_type, parent_key)

    def cursor_order(self, cursor: str) -> int:
        return cursor_order(cursor)

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        stream = RecordStream(self._records(actor_type), self._overlap)
        return stream.changes(cursor, field_keys, max(1, self.batch_size))

    # --- pricing ----------------------------------------------------------------------------

    def _pricing(self) -> Pricing:
        return Pricing(self._conn(), self._state().modules)

    def price_lists(self) -> list[PriceList]:
        return self._pricing().price_lists()

    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: Sequence[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        return self._pricing().products(price_list_id, query, restrictions, offset, limit)

    def product(self, price_list_id: str, code: str) -> Product | None:
        return self._pricing().product(price_list_id, code)

    # --- writing ----------------------------------------------------------------------------

    def create(
        self,
        actor_type: ActorType,
        values: Mapping[str, Value],
        parent: ActorRef | None = None,
        idempotency_key: str | None = None,
    ) -> Actor:
        records = self._records(actor_type)
        if isinstance(records, Parties):
            if parent is not None:
                raise data_error(f"A Tryton {actor_type.lower()} has no parent.", field="parent")
            return records.create(values)
        return records.create(values, parent)

    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        # Each Tryton call is its own transaction: a refused record undoes no other.
        return save_each(actors, lambda actor: self._records(actor.type).save(actor))
