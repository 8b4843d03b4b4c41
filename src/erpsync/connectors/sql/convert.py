"""Values between the SQL driver and the contract: a value as a column expects it
(`to_column`), and per field the converter of what the driver answers (`converter`),
None where the driver already answers the contract's type.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from erpsync.sdk import Field, FieldType, Value

Convert = Callable[[Any], Value]


def to_column(column: sa.Column[Any], value: object) -> Any:
    """A value as the column expects it: bool/int flags, naive UTC for naive datetimes,
    typed keys. Raises ValueError when it cannot fit."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return bool(value)
    if isinstance(kind, sa.DateTime) and isinstance(value, datetime):
        if value.tzinfo is not None and not getattr(kind, "timezone", False):
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(kind, sa.Integer):
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, str):
            return int(value)
        return value
    if isinstance(kind, sa.String) and not isinstance(value, str):
        return str(value)
    return value


# Zones that already are UTC (PostgreSQL sessions are opened in UTC): no conversion.
_UTC_ZONES = {UTC, ZoneInfo("UTC"), ZoneInfo("Etc/UTC")}


def to_datetime(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite files written by other programs
        value = datetime.fromisoformat(value)
    if type(value) is date:
        value = datetime(value.year, value.month, value.day)
    moment: datetime = value
    zone = moment.tzinfo
    if zone is None:
        return moment.replace(tzinfo=UTC)  # naive columns hold UTC
    return moment if zone in _UTC_ZONES else moment.astimezone(UTC)


def to_decimal(value: Any) -> Value:
    return value if type(value) is Decimal else Decimal(str(value))


def _to_date(value: Any) -> Value:
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(value) if isinstance(value, str) else value


def _to_text(value: Any) -> Value:
    return value if type(value) is str else str(value)


def converter(
    field: Field, column: sa.Column[Any], strict_types: bool, utc_session: bool = False
) -> Convert | None:
    """How a driver value becomes a field value; None when it already is one.

    With `strict_types` (PostgreSQL, MariaDB: a column always returns one Python
    type) the cheap cases need no call per value, which keeps 1M-row streams fast.
    With `utc_session` (PostgreSQL sessions are opened in UTC) a `timestamptz` column
    already answers tz-aware UTC datetimes.
    """
    kind, ctype = field.type, column.type
    if kind in (FieldType.TEXT, FieldType.LIST):
        return None if strict_types and isinstance(ctype, sa.String) else _to_text
    if kind is FieldType.CHECKBOX:
        return None if strict_types and isinstance(ctype, sa.Boolean) else bool
    if kind is FieldType.INTEGER:
        return None if strict_types and isinstance(ctype, sa.Integer) else int
    if kind is FieldType.DECIMAL:
        exact = isinstance(ctype, sa.Numeric) and ctype.asdecimal
        return None if strict_types and exact else to_decimal
    if kind is FieldType.DOUBLE:
        # MySQL's reflected DOUBLE answers Decimal unless told otherwise.
        floats = isinstance(ctype, sa.Numeric) and not ctype.asdecimal
        return None if strict_types and floats else float
    if kind is FieldType.DATE:
        return None if strict_types and isinstance(ctype, sa.Date) else _to_date
    if kind is FieldType.DATETIME:
        aware = isinstance(ctype, sa.DateTime) and bool(getattr(ctype, "timezone", False))
        return None if strict_types and utc_session and aware else to_datetime
    return None
