"""`TrytonConnector`: the open-source ERP Tryton over its JSON-RPC API (R-CON-2).

Parties are customers and suppliers by party category (or every party a customer),
with their first address and contact mechanisms flattened to fields; the lists are
countries, currencies, party categories and, when the account module is activated,
payment terms. Price lists and products: `pricing.py`. Persons are not offered yet:
Tryton's base modules have no link from a contact party to its company (that needs
`party_relationship`). See docs/connectors/tryton.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from erpsync.connectors.tryton.fields import (
    CONFIG_FIELDS,
    LIST_MODELS,
    PARTY_FIELDS,
    PARTY_SEARCHABLE,
)
from erpsync.connectors.tryton.parties import PARTY, Parties, Rule
from erpsync.connectors.tryton.pricing import Pricing
from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.connectors.tryton.search import PartySearch
from erpsync.connectors.tryton.stream import PartyStream, cursor_order
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
    unknown_connection,
)

PARTY_TYPES = (ActorType.CUSTOMER, ActorType.SUPPLIER)


class TrytonConnector(PricingCapability, Connector):
    """Customers and suppliers of one Tryton database, its lists, and (when its modules
    are activated) its price lists and products."""

    key = "tryton"
    name = "Tryton"
    version = "1.0.0"
    description = "The open-source ERP Tryton, over its JSON-RPC API (Tryton 7 and later)."
    change_tracking: ClassVar[ChangeTracking] = ChangeTracking.CURSOR
    supported_actor_types: ClassVar[tuple[ActorType, ...]] = PARTY_TYPES

    def __init__(self) -> None:
        self._client: TrytonClient | None = None
        self._rules: dict[ActorType, Rule] = {}
        self._modules: set[str] = set()
        self._instance_id = ""
        self._overlap = 300

    # --- configuration ------------------------------------------------------------------

    def config_fields(self) -> list[Field]:
        return list(CONFIG_FIELDS)

    def test_config(self, values: ConfigValues) -> Response:
        try:
            client, rules, _ = _connect(values)
        except ConnectorError as exc:
            return exc.to_response()
        try:
            counts = {
                t: client.model(PARTY, "search_count", list(rule.domain))
                for t, rule in rules.items()
            }
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
        self._client, self._rules, self._modules = _connect(values)
        created = self._client.search_read("ir.module", [("name", "=", "ir")], ["create_date"])
        stamp = created[0]["create_date"].isoformat() if created else "?"
        self._instance_id = f"tryton:{self._client.url}/{self._client.database}@{stamp}"
        self._overlap = _number(values, "overlap_seconds", 300, 0, 86_400)
        configured = _number(values, "batch_size", 500, 1, 10_000)
        # A host that lowered the batch size on this instance keeps its lower value.
        lowered = vars(self).get("batch_size")
        self.batch_size = configured if lowered is None else min(lowered, configured)

    def test_connection(self) -> Response:
        client = self._conn()
        client.model(PARTY, "search_count", [])
        return Response.success(f"Tryton database {client.database!r} at {client.url} answers.")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def instance_id(self) -> str:
        self._conn()
        return self._instance_id

    def _conn(self) -> TrytonClient:
        if self._client is None:
            raise unknown_connection("the Tryton connector is not open")
        return self._client

    # --- metadata -----------------------------------------------------------------------

    def actor_types(self) -> list[ActorType]:
        self._conn()
        return list(self._rules)

    def actor_fields(self, actor_type: ActorType) -> list[Field]:
        self._parties(actor_type)
        return list(PARTY_FIELDS)

    def searchable_fields(self, actor_type: ActorType) -> list[str]:
        self._parties(actor_type)
        return list(PARTY_SEARCHABLE)

    def lists(self) -> list[str]:
        self._conn()
        return [name for name, (_, _, module) in LIST_MODELS.items() if module in self._modules]

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

    def _parties(self, actor_type: ActorType) -> Parties:
        client = self._conn()
        rule = self._rules.get(actor_type)
        if rule is None:
            raise ConnectorError(
                Category.DATA, f"This Tryton connection offers no {actor_type}.", code="type"
            )
        return Parties(client, rule)

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        parties = self._parties(actor_type)
        found: list[Actor] = []
        for start in range(0, len(keys), self.batch_size):
            found += parties.get(keys[start : start + self.batch_size], field_keys)
        return found

    def search(
        self,
        actor_type: ActorType,
        text: str,
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        return PartySearch(self._parties(actor_type)).text(text, field_keys, limit)

    def search_advanced(
        self,
        actor_type: ActorType,
        restrictions: Sequence[Restriction],
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        return PartySearch(self._parties(actor_type)).advanced(restrictions, field_keys, limit)

    def children(
        self, parent_type: ActorType, parent_key: str, child_type: ActorType
    ) -> list[Actor]:
        # Customers and suppliers have no children here (persons and projects are not offered).
        self._parties(child_type)
        return []

    def cursor_order(self, cursor: str) -> int:
        return cursor_order(cursor)

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        stream = PartyStream(self._parties(actor_type), self._overlap)
        return stream.changes(cursor, field_keys, max(1, self.batch_size))

    # --- pricing ----------------------------------------------------------------------------

    def _pricing(self) -> Pricing:
        return Pricing(self._conn(), self._modules)

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
        if parent is not None:
            raise data_error(f"A Tryton {actor_type.lower()} has no parent.")
        return self._parties(actor_type).create(values)

    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        results: list[SaveResult] = []
        for actor in actors:
            # Each Tryton call is its own transaction: a refused record undoes no other.
            try:
                changed, stored = self._parties(actor.type).save(actor)
            except ConnectorError as exc:
                if exc.category is not Category.DATA:
                    raise
                exc.actor_key = exc.actor_key or actor.key
                results.append(SaveResult(actor.key, False, exc.to_response()))
            else:
                results.append(SaveResult(actor.key, changed, actor=stored))
        return results


def _text(values: ConfigValues, key: str, label: str) -> str:
    value = values.get(key)
    if not isinstance(value, str) or not value.strip():
        raise config_error(f"Enter the {label}.", code=key)
    return value.strip()


def _number(values: ConfigValues, key: str, default: int, low: int, high: int) -> int:
    value = values.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        label = next(f.display_name for f in CONFIG_FIELDS if f.key == key)
        raise config_error(f"{label} must be a whole number from {low} to {high}.", code=key)
    return value


def _names(values: ConfigValues, key: str) -> list[str]:
    value = values.get(key)
    if not isinstance(value, str):
        return []
    return [name.strip() for name in value.split(",") if name.strip()]


def _connect(values: ConfigValues) -> tuple[TrytonClient, dict[ActorType, Rule], set[str]]:
    """Log in and resolve the customer/supplier rules; close the client on failure."""
    url = _text(values, "url", "server URL")
    if not url.startswith(("http://", "https://")):
        raise config_error(
            f"{url!r} is not a valid server URL: write it like http://erp.example.com:8000.",
            code="url",
        )
    client = TrytonClient(url, _text(values, "database", "database name"))
    try:
        password = values.get("password")
        client.login(_text(values, "user", "user name"), str(password or ""))
        _number(values, "overlap_seconds", 300, 0, 86_400)
        _number(values, "batch_size", 500, 1, 10_000)
        modules = {
            row["name"]
            for row in client.search_read("ir.module", [("state", "=", "activated")], ["name"])
        }
        rules = _rules(client, values)
    except BaseException:
        client.close()
        raise
    return client, rules, modules


def _rules(client: TrytonClient, values: ConfigValues) -> dict[ActorType, Rule]:
    wanted = {
        ActorType.CUSTOMER: _names(values, "customer_categories"),
        ActorType.SUPPLIER: _names(values, "supplier_categories"),
    }
    every = values.get("all_parties_customers") is True
    names = set(wanted[ActorType.SUPPLIER]) | set(wanted[ActorType.CUSTOMER])
    rows = client.search_read("party.category", [("name", "in", sorted(names))], ["id", "name"])
    ids: dict[str, list[int]] = {}
    for row in rows:
        ids.setdefault(row["name"], []).append(row["id"])
    # With every party a customer, the customer categories only label new customers.
    needed = set(wanted[ActorType.SUPPLIER]) | (set() if every else set(wanted[ActorType.CUSTOMER]))
    missing = sorted(needed - set(ids))
    if missing:
        existing = [row["name"] for row in client.search_read("party.category", [], ["name"])]
        raise config_error(
            f"Tryton has no party categor{'y' if len(missing) == 1 else 'ies'} "
            f"{', '.join(repr(m) for m in missing)}; existing ones: "
            f"{', '.join(sorted(existing)) or 'none'}.",
            code="categories",
        )
    rules: dict[ActorType, Rule] = {}
    if every:
        first = [i for n in wanted[ActorType.CUSTOMER][:1] for i in ids.get(n, [])]
        rules[ActorType.CUSTOMER] = Rule(ActorType.CUSTOMER, (), tuple(first))
    for actor_type in PARTY_TYPES:
        if actor_type in rules or not wanted[actor_type]:
            continue
        members = [i for n in wanted[actor_type] for i in ids[n]]
        domain: tuple[Any, ...] = (("categories", "in", members),)
        rules[actor_type] = Rule(actor_type, domain, tuple(ids[wanted[actor_type][0]]))
    if not rules:
        raise config_error(
            "Name at least one customer or supplier category, or make all parties customers.",
            code="customer_categories",
        )
    return rules
