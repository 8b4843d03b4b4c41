"""Cells to field values, and rows to actors, for the spreadsheet connector.

CSV cells are text; xlsx cells are already typed (int, float, datetime, bool, str).
One converter per field type takes either. Rows become actors through a generated
function (a dict display with constant keys, as in the SQL connector), which is the
hot path of a 100,000-row read; when it meets a cell it cannot read, the careful path
finds the cell and raises a `data` error naming file, row and column.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from erpsync.sdk import Actor, ActorType, ConnectorError, FieldType, Value, data_error

Convert = Callable[[Any], Value]


def _blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def to_text(value: Any) -> str | None:
    if type(value) is str:
        return value or None
    if value is None:
        return None
    if type(value) is float and value.is_integer():
        return str(int(value))  # a number typed into a key or code cell
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def to_key(value: Any) -> str:
    text = to_text(value)
    if text is None or not text.strip():
        raise ValueError("the key is empty")
    return text.strip()


def _number_text(value: str) -> str:
    text = value.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma (Swedish, German exports)
    return text


def to_integer(value: Any) -> int | None:
    if _blank(value):
        return None
    if type(value) is int:
        return value
    if type(value) is float:
        if not value.is_integer():
            raise ValueError("not a whole number")
        return int(value)
    if type(value) is str:
        return int(_number_text(value))
    raise ValueError(f"a {type(value).__name__} is not a whole number")


def to_decimal(value: Any) -> Decimal | None:
    if _blank(value):
        return None
    if type(value) is float:
        number = Decimal(repr(value))
    elif type(value) is int:
        number = Decimal(value)
    elif type(value) is str:
        try:
            number = Decimal(_number_text(value))
        except InvalidOperation:
            raise ValueError("not a number") from None
    else:
        raise ValueError(f"a {type(value).__name__} is not a number")
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def to_double(value: Any) -> float | None:
    if _blank(value):
        return None
    if type(value) in (int, float):
        number = float(value)
    elif type(value) is str:
        number = float(_number_text(value))
    else:
        raise ValueError(f"a {type(value).__name__} is not a number")
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


_TRUE = {"1", "true", "yes", "y", "x", "ja", "j", "sant"}
_FALSE = {"0", "false", "no", "n", "nej", "falskt"}


def to_checkbox(value: Any) -> bool | None:
    if _blank(value):
        return None
    if type(value) is bool:
        return value
    if type(value) in (int, float) and value in (0, 1):
        return bool(value)
    lowered = str(value).strip().casefold()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected yes/no, true/false or 1/0")


def to_date(value: Any) -> date | None:
    if _blank(value):
        return None
    if type(value) is datetime:
        return value.date()
    if type(value) is date:
        return value
    if type(value) is str:
        text = value.strip()
        return date.fromisoformat(text[:10] if len(text) > 10 and text[10] in " T" else text)
    raise ValueError(f"a {type(value).__name__} is not a date")


def to_datetime(value: Any) -> datetime | None:
    if _blank(value):
        return None
    if type(value) is str:
        value = datetime.fromisoformat(value.strip())
    elif type(value) is date:
        value = datetime(value.year, value.month, value.day)
    if type(value) is not datetime:
        raise ValueError(f"a {type(value).__name__} is not a date and time")
    moment: datetime = value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # naive cells are read as UTC
    return moment.astimezone(UTC)


CONVERTERS: dict[FieldType, Convert] = {
    FieldType.TEXT: to_text,
    FieldType.INTEGER: to_integer,
    FieldType.DECIMAL: to_decimal,
    FieldType.DOUBLE: to_double,
    FieldType.CHECKBOX: to_checkbox,
    FieldType.DATE: to_date,
    FieldType.DATETIME: to_datetime,
}
_EXPECTED = {
    FieldType.TEXT: "text",
    FieldType.INTEGER: "whole number",
    FieldType.DECIMAL: "number",
    FieldType.DOUBLE: "number",
    FieldType.CHECKBOX: "yes/no value",
    FieldType.DATE: "date (YYYY-MM-DD)",
    FieldType.DATETIME: "date and time (YYYY-MM-DD HH:MM)",
}


def _parent_of(parent_type: ActorType) -> Callable[[Any], tuple[ActorType | None, str | None]]:
    def parent(cell: Any) -> tuple[ActorType | None, str | None]:
        text = to_text(cell)
        text = None if text is None else text.strip()
        return (parent_type, text) if text else (None, None)

    return parent


@dataclass(frozen=True)
class Column:
    """One asked field: its key, type, header text and position in the row."""

    key: str
    type: FieldType
    header: str
    position: int


class RowReader:
    """Rows of one file to Actors of one type, for one set of asked fields."""

    def __init__(
        self,
        actor_type: ActorType,
        label: str,
        key: Column,
        parent: tuple[ActorType, Column] | None,
        columns: Sequence[Column],
        typed_cells: bool,
    ) -> None:
        self.actor_type, self.label, self.key = actor_type, label, key
        self.parent, self.columns = parent, list(columns)
        self.typed_cells = typed_cells  # xlsx: numbers and dates; CSV: always str
        self.width = 1 + max(
            [key.position, *(c.position for c in self.columns)]
            + ([parent[1].position] if parent else [])
        )
        self.fast = self._generate()

    def _generate(self) -> Callable[[Sequence[Any]], Actor]:
        namespace: dict[str, Any] = {"Actor": Actor, "T": self.actor_type, "key": to_key}
        items = []
        for index, column in enumerate(self.columns):
            cell = f"r[{column.position}]"
            if column.type is FieldType.TEXT and not self.typed_cells:
                value = f"{cell} or None"  # CSV text needs no call
            else:
                namespace[f"c{index}"] = CONVERTERS[column.type]
                value = f"c{index}({cell})"
            items.append(f"{column.key!r}: {value}")
        parent = "None, None"
        if self.parent is not None:
            namespace["parent"] = _parent_of(self.parent[0])
            parent = f"*parent(r[{self.parent[1].position}])"
        source = (
            "def read(r):\n"
            f"    return Actor(T, key(r[{self.key.position}]), "
            f"{{{', '.join(items)}}}, {parent})\n"
        )
        exec(source, namespace)  # noqa: S102 - source built from reprs, no user code
        read: Callable[[Sequence[Any]], Actor] = namespace["read"]
        return read

    def __call__(self, number: int, row: Sequence[Any]) -> Actor:
        if len(row) < self.width:
            row = [*row, *([None] * (self.width - len(row)))]
        try:
            return self.fast(row)
        except (TypeError, ValueError, ArithmeticError, IndexError):
            raise self.explain(number, row) from None

    def explain(self, number: int, row: Sequence[Any]) -> ConnectorError:
        """The `data` error naming file, row and column of the first unreadable cell."""
        where = f"{self.label}, row {number}"
        try:
            key = to_key(row[self.key.position])
        except ValueError:
            return data_error(
                f"{where}, column {self.key.header!r}: the key is empty.",
                code="missing_key",
                field=self.key.header,
            )
        for column in self.columns:
            cell = row[column.position]
            try:
                CONVERTERS[column.type](cell)
            except (TypeError, ValueError, ArithmeticError) as exc:
                reason = str(exc)
                detail = "" if not reason or reason.startswith("not a") else f" ({reason})"
                return data_error(
                    f"{where}, column {column.header!r}: {cell!r} is not a "
                    f"{_EXPECTED[column.type]}{detail}.",
                    code="bad_cell",
                    key=key,
                    field=column.key,
                )
        return data_error(f"{where}: the row cannot be read.", key=key)
