"""`DemoErp`: the demo ERP's own "user interface" — show, set, insert, delete by hand.

The CLI (`erpsync demo erp set customer 10023 phone=…`) and the conformance kit's
sample-data hooks use it, so their changes are ordinary ERP writes that the
connector then sees in its change stream.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import TracebackType

from erpsync.connectors.demo import prices, products_seed, writes
from erpsync.connectors.demo.fields import SPECS, TableSpec
from erpsync.connectors.demo.schema import check_schema, connect, now_text, write
from erpsync.connectors.demo.store import Reader
from erpsync.sdk import Actor, ActorRef, ActorType, FieldType, Value, data_error
from erpsync.sdk.values import parse_text


def actor_type_named(name: str) -> ActorType:
    """`customer`, `Customer` or `customers` → ActorType.CUSTOMER; ValueError otherwise."""
    wanted = name.strip().lower().removesuffix("s")
    for actor_type in SPECS:
        if actor_type.value.lower() == wanted:
            return actor_type
    known = ", ".join(t.value.lower() for t in SPECS)
    raise ValueError(f"unknown actor type {name!r} (known: {known})")


class LateCommit:
    """A row written in a transaction that is still open; `commit()` makes it visible."""

    def __init__(self, db: sqlite3.Connection, actor: Actor) -> None:
        self.db = db
        self.actor = actor

    @property
    def key(self) -> str:
        return self.actor.key

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.close()

    def rollback(self) -> None:
        self.db.execute("ROLLBACK")
        self.db.close()


class DemoErp:
    """Hand edits of one demo ERP database file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db = connect(self.path)
        check_schema(self.db)

    def __enter__(self) -> DemoErp:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def show(self, actor_type: ActorType, key: str) -> Actor | None:
        found = Reader(self.db, SPECS[actor_type], None).get([key])
        return found[0] if found else None

    def set(
        self, actor_type: ActorType, key: str, values: Mapping[str, Value]
    ) -> tuple[bool, Actor]:
        return writes.set_values(self.db, SPECS[actor_type], key, values)

    def parse(self, actor_type: ActorType, assignments: Sequence[str]) -> dict[str, Value]:
        """`field=value` texts → typed values; List fields accept an item's id or code."""
        spec = SPECS[actor_type]
        values: dict[str, Value] = {}
        for assignment in assignments:
            field_key, sep, text = assignment.partition("=")
            field = spec.field_map.get(field_key.strip())
            if not sep or field is None:
                known = ", ".join(spec.field_map)
                raise data_error(
                    f"Write field=value with a field of {actor_type}: {known}.",
                    field=field_key.strip(),
                )
            try:
                value = parse_text(field.type, text)
            except ValueError as exc:
                raise data_error(f"{field.key}: {exc}", field=field.key) from None
            if field.type is FieldType.LIST and isinstance(value, str):
                value = self._list_item_id(spec, field.list_name or "", value)
            values[field.key] = value
        return values

    def _list_item_id(self, spec: TableSpec, list_name: str, given: str) -> str:
        row = self.db.execute(
            "SELECT id FROM list_item WHERE list_name = ? AND (id = ? OR lower(code) = lower(?))"
            " ORDER BY id = ? DESC",
            (list_name, given, given, given),
        ).fetchone()
        return str(row[0]) if row else given

    def delete(self, actor_type: ActorType, key: str) -> bool:
        return writes.delete(self.db, SPECS[actor_type], key)

    def insert(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None = None
    ) -> Actor:
        return writes.create(self.db, SPECS[actor_type], values, parent)

    def insert_many(
        self,
        actor_type: ActorType,
        rows: Sequence[Mapping[str, Value]],
        parent: ActorRef | None = None,
    ) -> list[Actor]:
        """Several actors in one transaction (one commit, consecutive versions)."""
        with write(self.db):
            return [writes.insert(self.db, SPECS[actor_type], row, parent) for row in rows]

    def begin_late_commit(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None = None
    ) -> LateCommit:
        """Write an actor in a transaction left open: readers do not see it until
        `commit()`. Its version is taken now, before anything written after it."""
        db = connect(self.path)
        db.execute("BEGIN IMMEDIATE")
        try:
            actor = writes.insert(db, SPECS[actor_type], values, parent)
        except BaseException:
            db.execute("ROLLBACK")
            db.close()
            raise
        return LateCommit(db, actor)

    def counts(self) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT kind, COUNT(*) FROM company WHERE deleted = 0 GROUP BY kind"
        ).fetchall()
        counts = {str(kind): int(count) for kind, count in rows}
        for table in ("person", "project"):
            (count,) = self.db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE deleted = 0"  # noqa: S608 - fixed names
            ).fetchone()
            counts[table] = int(count)
        if self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'product'").fetchone():
            (count,) = self.db.execute("SELECT COUNT(*) FROM product WHERE deleted = 0").fetchone()
            counts["product"] = int(count)
        return counts

    # --- products and prices ------------------------------------------------------------

    def upgrade(self) -> bool:
        """Add products and price lists to a database made before they existed."""
        return products_seed.upgrade(self.db)

    def price_of(self, price_list_id: str, code: str) -> Decimal | None:
        """The price the demo ERP computes for a product in a list (None: no such product
        or list), straight from its tables and `compute_price`, not through a search."""
        prices.require_products(self.db)
        row = self.db.execute(
            "SELECT p.list_price, l.rate, l.step, f.price FROM product p "
            "JOIN price_list l ON l.id = ? LEFT JOIN fixed_price f "
            "ON f.price_list_id = l.id AND f.product_code = p.code WHERE p.code = ?",
            (price_list_id, code),
        ).fetchone()
        if row is None:
            return None
        list_price, rate, step, fixed = row
        if fixed is not None:
            return Decimal(str(fixed))
        return prices.compute_price(Decimal(list_price), Decimal(rate), Decimal(step))

    def product_prices(self, code: str) -> dict[str, Decimal | None]:
        """The product's list price (key `list_price`) and its price in every list."""
        prices.require_products(self.db)
        found = self.db.execute("SELECT list_price FROM product WHERE code = ?", (code,))
        row = found.fetchone()
        if row is None:
            raise data_error(f"The demo ERP has no product {code!r}.", key=code)
        result: dict[str, Decimal | None] = {"list_price": Decimal(row[0])}
        for (list_id,) in self.db.execute("SELECT id FROM price_list ORDER BY rowid").fetchall():
            result[str(list_id)] = self.price_of(str(list_id), code)
        return result

    def set_price(self, code: str, price: Decimal, price_list_id: str | None = None) -> None:
        """Set a product's list price (SEK), or its fixed price in one price list."""
        self.product_prices(code)  # names an unknown product
        with write(self.db):
            if price_list_id is None:
                self.db.execute(
                    "UPDATE product SET list_price = ?, modified_at = ? WHERE code = ?",
                    (str(price), now_text(), code),
                )
                return
            known = self.db.execute("SELECT 1 FROM price_list WHERE id = ?", (price_list_id,))
            if known.fetchone() is None:
                raise data_error(f"The demo ERP has no price list {price_list_id!r}.")
            self.db.execute(
                "INSERT INTO fixed_price (price_list_id, product_code, price) VALUES (?, ?, ?) "
                "ON CONFLICT (price_list_id, product_code) DO UPDATE SET price = excluded.price",
                (price_list_id, code, str(price)),
            )

    def clear_fixed_price(self, code: str, price_list_id: str) -> bool:
        """Let the list compute the product's price again; True if a fixed one was removed."""
        with write(self.db):
            gone = self.db.execute(
                "DELETE FROM fixed_price WHERE price_list_id = ? AND product_code = ?",
                (price_list_id, code),
            )
        return gone.rowcount > 0
