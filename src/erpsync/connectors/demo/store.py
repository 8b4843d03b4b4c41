"""Reading the demo ERP: rows to actors, key lookups, plain and advanced search,
children and the change stream (keyset pages over `row_version`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from erpsync.connectors.demo.fields import KIND_TO_TYPE, SPECS, TYPE_TO_KIND, TableSpec
from erpsync.connectors.demo.schema import from_column, to_column
from erpsync.sdk import Actor, ActorType, Field, FieldType, ListItem, Operator, Restriction
from erpsync.sdk.operators import TEXT_OPERATORS

_PARENT_SQL = {
    "company": "NULL, NULL",
    "person": "parent_kind, parent_number",
    "project": "CASE WHEN customer_number IS NULL THEN NULL ELSE 'customer' END, customer_number",
}
_ORDERED_SQL = {
    Operator.EQ: "=",
    Operator.NE: "!=",
    Operator.LT: "<",
    Operator.BEFORE: "<",
    Operator.LE: "<=",
    Operator.GT: ">",
    Operator.AFTER: ">",
    Operator.GE: ">=",
}


def column(field_key: str) -> str:
    """The SQL expression of a field (keys are checked against the spec by callers)."""
    return "CAST(number AS TEXT)" if field_key == "number" else field_key


def numeric_key(key: str) -> int | None:
    return int(key) if key.isdigit() and len(key) < 12 else None


class Reader:
    """Reads actors of one type; `fields` None means all fields."""

    def __init__(
        self, db: sqlite3.Connection, spec: TableSpec, field_keys: Sequence[str] | None
    ) -> None:
        self.db = db
        self.spec = spec
        by_key = spec.field_map
        self.fields: list[Field] = (
            spec.fields if field_keys is None else [by_key[key] for key in field_keys]
        )
        exprs = ", ".join(column(field.key) for field in self.fields) or "NULL"
        self.select = (
            f"SELECT number, {_PARENT_SQL[spec.table]}, deleted, row_version, {exprs} "  # noqa: S608 - names from the spec
            f"FROM {spec.table} WHERE " + ("kind = ?" if spec.kind else "1 = 1")
        )
        self.base_params: list[object] = [spec.kind] if spec.kind else []

    def rows(self, where: str, params: Sequence[object], tail: str = "") -> list[Actor]:
        sql = f"{self.select} AND {where} {tail}" if where else f"{self.select} {tail}"
        cursor = self.db.execute(sql, [*self.base_params, *params])
        return [self._actor(row) for row in cursor.fetchall()]

    def _actor(self, row: tuple[object, ...]) -> Actor:
        number, parent_kind, parent_number, deleted = row[0], row[1], row[2], row[3]
        values = {
            field.key: from_column(field.type, stored)
            for field, stored in zip(self.fields, row[5:], strict=False)
        }
        parent_type = KIND_TO_TYPE.get(str(parent_kind)) if parent_kind else None
        return Actor(
            self.spec.actor_type,
            str(number),
            values,
            parent_type,
            None if parent_type is None else str(parent_number),
            bool(deleted),
        )

    def get(self, keys: Sequence[str]) -> list[Actor]:
        numbers = [number for key in keys if (number := numeric_key(key)) is not None]
        found: list[Actor] = []
        for start in range(0, len(numbers), 500):  # stay below SQLite's variable limit
            chunk = numbers[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found += self.rows(f"number IN ({marks})", chunk)
        order = {key: index for index, key in enumerate(keys)}
        return sorted(found, key=lambda actor: order.get(actor.key, 0))

    def search(self, text: str, limit: int) -> list[Actor]:
        texts = [
            column(key)
            for key in self.spec.searchable
            if self.spec.field_map[key].type is FieldType.TEXT
        ]
        rank = f"erp_rank(?, {', '.join(texts)})"
        sql = (
            f"{self.select} AND deleted = 0 AND {rank} IS NOT NULL ORDER BY {rank}, number LIMIT ?"
        )
        cursor = self.db.execute(sql, [*self.base_params, text, text, limit])
        return [self._actor(row) for row in cursor.fetchall()]

    def search_advanced(self, restrictions: Sequence[Restriction], limit: int) -> list[Actor]:
        where = ["deleted = 0"]
        params: list[object] = []
        for restriction in restrictions:
            sql, args = restriction_sql(self.spec.field_map[restriction.field], restriction)
            where.append(sql)
            params += args
        return self.rows(" AND ".join(where), [*params, limit], "ORDER BY number LIMIT ?")

    def children_of(self, parent_type: ActorType, parent_key: str) -> list[Actor]:
        number = numeric_key(parent_key)
        if number is None or parent_type not in self.spec.parent_types:
            return []
        if self.spec.table == "project":
            return self.rows("deleted = 0 AND customer_number = ?", [number], "ORDER BY number")
        return self.rows(
            "deleted = 0 AND parent_kind = ? AND parent_number = ?",
            [TYPE_TO_KIND[parent_type], number],
            "ORDER BY number",
        )

    def changed_after(self, version: int, limit: int) -> tuple[list[Actor], int]:
        """The next page of the change stream and the last version in it."""
        sql = f"{self.select} AND row_version > ? ORDER BY row_version LIMIT ?"
        rows = self.db.execute(sql, [*self.base_params, version, limit]).fetchall()
        last = int(rows[-1][4]) if rows else version
        return [self._actor(row) for row in rows], last


def restriction_sql(field: Field, restriction: Restriction) -> tuple[str, list[object]]:
    """SQL for one (host-checked) restriction, with the meaning of `sdk.operators`."""
    col, op, args = column(field.key), restriction.operator, restriction.values
    if op in TEXT_OPERATORS:
        return f"erp_text(?, {col}, ?) = 1", [str(op), args[0]]
    if op is Operator.IS:
        return f"{col} = ?", [1 if args[0] else 0]
    if op in (Operator.ONE_OF, Operator.NOT_ONE_OF):
        marks = ", ".join("?" * len(args))
        negate = "NOT " if op is Operator.NOT_ONE_OF else ""
        return f"{col} {negate}IN ({marks})", list(args)
    stored = [to_column(field.type, arg) for arg in args]
    if field.type is FieldType.DECIMAL:
        # Stored as exact text; compare as decimals, not as floats or strings.
        if op is Operator.BETWEEN:
            return f"(erp_dec_cmp({col}, ?) >= 0 AND erp_dec_cmp({col}, ?) <= 0)", stored
        return f"erp_dec_cmp({col}, ?) {_ORDERED_SQL[op]} 0", stored
    if op is Operator.BETWEEN:
        return f"{col} BETWEEN ? AND ?", stored
    return f"{col} {_ORDERED_SQL[op]} ?", stored


def list_items(db: sqlite3.Connection, list_name: str) -> list[ListItem]:
    rows = db.execute(
        "SELECT id, code, name, deleted FROM list_item WHERE list_name = ? ORDER BY rowid",
        (list_name,),
    ).fetchall()
    return [ListItem(str(i), str(code), str(name), bool(gone)) for i, code, name, gone in rows]


def spec_for(actor_type: ActorType) -> TableSpec:
    return SPECS[actor_type]
