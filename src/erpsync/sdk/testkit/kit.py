"""The conformance kit's machinery: hooks a connector's tests provide, and `Kit`,
the running harness every check gets.

Checks are plain functions of a `Kit` (no pytest inside) so they can run from the
pytest base class and directly from tests of the kit itself. A failed check raises
`ConformanceFailure` whose message names the check, the connector, the call and the
record: `[search_operators] connector 'demo', call search_advanced, record '10023': …`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import NoReturn, Protocol

from erpsync.sdk.connector import ConfigValues, Connector
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, ActorRef, ActorType, ChangeBatch, Field, FieldType, Value
from erpsync.sdk.pricing import PriceList, Product
from erpsync.sdk.values import normalise

#: The batch size the kit forces, so small samples cross batch boundaries.
SMALL_BATCH = 3


class ConformanceFailure(AssertionError):
    """A check found the connector breaking the contract."""


class CheckSkipped(Exception):
    """A check does not apply (e.g. an optional hook is not provided)."""


class LateCommit(Protocol):
    """What `begin_late_commit` returns: a row written in a transaction still open."""

    @property
    def key(self) -> str: ...

    def commit(self) -> None: ...


class ConformanceHooks:
    """What a connector's test module provides; override in the subclass.

    Required: `make_connector`, `config_values`, `insert_actor`, `update_actor`,
    `delete_actor`. The sample-data hooks write to the ERP directly (not through the
    connector), the way another ERP user would.
    """

    #: Seconds per connector call; generous, since test ERPs may be slow to start.
    timeout: float = 30.0

    def set_up_erp(self, workdir: Path) -> None:
        """Prepare a fresh ERP for one check (e.g. create a test database in `workdir`)."""

    def tear_down_erp(self) -> None:
        """Release what `set_up_erp` made."""

    def make_connector(self) -> Connector:
        raise NotImplementedError("make_connector() must return a new, unopened connector")

    def config_values(self) -> ConfigValues:
        raise NotImplementedError("config_values() must return a working configuration")

    def bad_config_values(self) -> ConfigValues:
        """A configuration that `test_config` must refuse with category `config`."""
        return {}

    def actor_types_to_check(self) -> Sequence[ActorType] | None:
        """Limit the per-type checks (None: every type the connection offers)."""
        return None

    def sample_values(self, actor_type: ActorType, fields: Sequence[Field]) -> dict[str, Value]:
        """Values for a new actor; the default fills every writable field by its type."""
        return default_sample(fields)

    def sample_parent(self, actor_type: ActorType) -> ActorRef | None:
        """The parent a new actor of this type needs (e.g. a company for a person)."""
        return None

    def insert_actor(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None
    ) -> str:
        """Write an actor to the ERP; return its ERP key."""
        raise NotImplementedError("insert_actor() must write an actor to the ERP")

    def insert_actors(
        self,
        actor_type: ActorType,
        rows: Sequence[Mapping[str, Value]],
        parent: ActorRef | None,
    ) -> list[str]:
        """Write several actors, in one ERP transaction where possible (so ERPs with
        timestamps give them equal stamps)."""
        return [self.insert_actor(actor_type, row, parent) for row in rows]

    def update_actor(self, actor_type: ActorType, key: str, values: Mapping[str, Value]) -> None:
        raise NotImplementedError("update_actor() must change an actor in the ERP")

    def delete_actor(self, actor_type: ActorType, key: str) -> None:
        raise NotImplementedError("delete_actor() must delete an actor in the ERP")

    def begin_late_commit(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None
    ) -> LateCommit | None:
        """Optional: write an actor in a transaction left open; its `commit()` makes it
        visible. Make it the hardest case for your ERP (stamp taken early). None skips
        the late-commit check."""
        return None

    def expected_price(self, price_list: PriceList, product: Product) -> Decimal | None:
        """Optional, for pricing connectors: the price the ERP itself computes for this
        product in this list (None skips the comparison)."""
        return None


def default_sample(fields: Sequence[Field]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for field in fields:
        if field.read_only or field.type in (FieldType.PASSWORD, FieldType.LABEL):
            continue
        if field.type is FieldType.LIST:
            continue  # filled by the kit with an item of the field's list
        values[field.key] = _SAMPLES[field.type](field)
    return values


_SAMPLES: dict[FieldType, Callable[[Field], Value]] = {
    FieldType.TEXT: lambda f: f"Sample {f.display_name}"[: f.max_length or None],
    FieldType.CHECKBOX: lambda f: True,
    FieldType.INTEGER: lambda f: 42,
    FieldType.DECIMAL: lambda f: Decimal("1234.50"),
    FieldType.DOUBLE: lambda f: 12.5,
    FieldType.DATE: lambda f: date(2024, 5, 17),
    FieldType.DATETIME: lambda f: datetime(2024, 5, 17, 8, 30, tzinfo=UTC),
}


class Kit:
    """One opened connector under the host, with the hooks, for one check."""

    def __init__(self, hooks: ConformanceHooks, host: ConnectorHost, check: str = "") -> None:
        self.hooks = hooks
        self.host = host
        self.check = check
        self.key = host.key

    @classmethod
    def start(cls, hooks: ConformanceHooks, check: str = "") -> Kit:
        host = ConnectorHost(hooks.make_connector(), timeout=hooks.timeout)
        host.open(f"conformance-{check or 'kit'}", hooks.config_values())
        return cls(hooks, host, check)

    def stop(self) -> None:
        try:
            self.host.close()
        except ConnectorError as exc:
            self.fail("close", f"close() failed: {exc}")

    # --- reporting -----------------------------------------------------------------

    def fail(self, call: str, detail: str, record: str | None = None) -> NoReturn:
        where = f"connector {self.key!r}, call {call}"
        if record is not None:
            where += f", record {record!r}"
        raise ConformanceFailure(f"[{self.check}] {where}: {detail}")

    def expect(self, condition: bool, call: str, detail: str, record: str | None = None) -> None:
        if not condition:
            self.fail(call, detail, record)

    @staticmethod
    def skip(reason: str) -> NoReturn:
        raise CheckSkipped(reason)

    # --- metadata helpers ------------------------------------------------------------

    def types(self) -> list[ActorType]:
        offered = self.host.actor_types()
        chosen = self.hooks.actor_types_to_check()
        return offered if chosen is None else [t for t in offered if t in chosen]

    def fields(self, actor_type: ActorType) -> dict[str, Field]:
        return {field.key: field for field in self.host.actor_fields(actor_type)}

    def unique_text(self) -> str:
        """A word no ERP holds yet: mixed case, so case-insensitive search is tested."""
        return "Qz" + secrets.token_hex(4).upper() + "conformance"

    def text_field(self, actor_type: ActorType) -> Field | None:
        """A writable, searchable Text field to carry the kit's unique words. For a
        read-only connector (every field ReadOnly) the hooks write the ERP directly, so
        any searchable Text field will do."""
        searchable = set(self.host.searchable_fields(actor_type))
        read_only = type(self.host.connector).read_only
        for field in self.host.actor_fields(actor_type):
            long_enough = field.max_length is None or field.max_length >= 32
            writable = (read_only or not field.read_only) and field.key in searchable
            if field.type is FieldType.TEXT and writable and long_enough:
                return field
        return None

    def sample(self, actor_type: ActorType, word: str | None = None) -> dict[str, Value]:
        """Sample values with list fields filled and `word` in the unique-text field."""
        fields = self.host.actor_fields(actor_type)
        values = self.hooks.sample_values(actor_type, fields)
        for field in fields:
            if field.type is FieldType.LIST and field.key not in values and not field.read_only:
                items = [i for i in self.host.list_items(field.list_name or "") if not i.deleted]
                if items:
                    values[field.key] = items[0].id
        text = self.text_field(actor_type)
        if word is not None and text is not None:
            values[text.key] = word
        return values

    def insert(self, actor_type: ActorType, word: str | None = None) -> str:
        parent = self.hooks.sample_parent(actor_type)
        return self.hooks.insert_actor(actor_type, self.sample(actor_type, word), parent)

    def get(self, actor_type: ActorType, key: str) -> Actor:
        found = self.host.get_actors(actor_type, [key])
        self.expect(len(found) == 1, "get_actors", f"expected 1 actor, got {len(found)}", key)
        self.expect(found[0].key == key, "get_actors", f"asked {key!r}, got {found[0].key!r}", key)
        return found[0]

    # --- change stream helpers -------------------------------------------------------

    def read(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> list[ChangeBatch]:
        """Read a stream to its end, checking what every stream must satisfy."""
        batches = list(self.host.changes(actor_type, cursor, field_keys))
        size = self.host.connector.batch_size
        for index, batch in enumerate(batches):
            if batch.rejected:
                self.fail(f"changes({actor_type})", f"the host rejected: {batch.rejected[0]}")
            self.expect(
                len(batch.actors) <= size,
                f"changes({actor_type})",
                f"batch {index} holds {len(batch.actors)} actors, more than batch_size {size}",
            )
        self.expect(
            bool(batches) and batches[-1].complete,
            f"changes({actor_type})",
            "the last batch of a read to the end must have complete=True",
        )
        return batches

    def end_cursor(self, actor_type: ActorType) -> str | None:
        batches = self.read(actor_type, None, [])
        return batches[-1].cursor if batches else None


def same_value(field: Field, left: Value, right: Value) -> bool:
    return normalise(field.type, left) == normalise(field.type, right)


def keys_of(batches: Sequence[ChangeBatch]) -> list[str]:
    return [actor.key for batch in batches for actor in batch.actors]


def last_seen(batches: Sequence[ChangeBatch], key: str) -> Actor | None:
    """The latest version of `key` in a read (overlap re-reads may repeat it)."""
    found = None
    for batch in batches:
        for actor in batch.actors:
            if actor.key == key:
                found = actor
    return found


def run_check(check: Callable[[Kit], None], hooks: ConformanceHooks, workdir: Path) -> None:
    """Run one check on a fresh ERP; connector errors become readable failures."""
    name = check.__name__.removeprefix("check_")
    hooks.set_up_erp(workdir)
    try:
        try:
            kit = Kit.start(hooks, name)
        except ConnectorError as exc:
            raise ConformanceFailure(f"[{name}] connector could not be opened: {exc}") from exc
        try:
            check(kit)
        except ConnectorError as exc:
            raise ConformanceFailure(f"[{name}] {exc}") from exc
        finally:
            kit.stop()
    finally:
        hooks.tear_down_erp()
