"""Values between the SQL driver and the contract: a value as a column expects it
(`to_column`), per field the converter of what the driver answers (`converter`),
None where the driver already answers the contract's type, and the decoders given to
mysqlclient (`mysql_conversions`) so that it answers contract types itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from erpsync.sdk import Field, FieldType, Value

Convert = Callable[[Any], Value]

#: Dialects whose columns always answer one Python type (SQLite's do not).
STRICT_DIALECTS = frozenset({"postgresql", "mysql", "mariadb"})


def to_column(column: sa.Column[Any], value: object) -> Any:
    """A value as the column expects it: bool/int flags, naive UTC for naive datetimes,
    typed keys. Raises ValueError when it cannot fit."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return bool(value)
    if isinstance(kind, postgresql.BIT) and isinstance(value, bool | int):
        return format(int(value), "b").zfill(kind.length or 1)  # a bit string: '0', '1'
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


def _int_flag(value: Any) -> Value:
    flag: bool = value != 0
    return flag


def _bit_flag(value: Any) -> Value:
    """A BIT column's value as a flag: PostgreSQL answers the bit string ('0', '1') and
    mysqlclient bytes (b'\\x00'), both truthy in Python whatever the bits say;
    SQLAlchemy's MySQL type answers an int."""
    if isinstance(value, bytes | bytearray):
        return any(value)
    if isinstance(value, str):
        return "1" in value
    flag: bool = value != 0
    return flag


def _is_bit(column_type: Any) -> bool:
    return isinstance(column_type, mysql.BIT | postgresql.BIT)


def bit_flag(column: sa.Column[Any] | None) -> Convert | None:
    """How a soft-delete column's value reads as a flag: `_bit_flag` for a BIT column,
    None (as stored) for any other."""
    return _bit_flag if column is not None and _is_bit(column.type) else None


#: Converters that row readers write inline, as an expression over the value (`{}`),
#: instead of calling them once per value.
INLINE: dict[Convert, str] = {_int_flag: "{} != 0"}


def converter(
    field: Field, column: sa.Column[Any], dialect: str, driver_rows: bool = False
) -> Convert | None:
    """How a driver value becomes a field value; None when it already is one.

    PostgreSQL and MariaDB columns always answer one Python type, so the cheap cases
    need no call per value, which keeps 1M-row streams fast. PostgreSQL sessions run
    in UTC (a `timestamptz` answers aware UTC datetimes) and mysqlclient decodes every
    DATETIME as aware UTC (`mysql_conversions`). `driver_rows`: the values are the
    driver's own (the stream's fast path), where a floating-point column always answers
    float, while SQLAlchemy turns one declared `asdecimal` (MariaDB's DOUBLE) into
    Decimal.
    """
    kind, ctype = field.type, column.type
    strict = dialect in STRICT_DIALECTS
    if kind in (FieldType.TEXT, FieldType.LIST):
        return None if strict and isinstance(ctype, sa.String) else _to_text
    if kind is FieldType.CHECKBOX:
        if _is_bit(ctype):
            return _bit_flag
        if strict and isinstance(ctype, sa.Boolean):
            return None
        return _int_flag if strict and isinstance(ctype, sa.Integer) else bool
    if kind is FieldType.INTEGER:
        return None if strict and isinstance(ctype, sa.Integer) else int
    if kind is FieldType.DECIMAL:
        exact = isinstance(ctype, sa.Numeric) and not isinstance(ctype, sa.Float)
        return None if strict and exact and getattr(ctype, "asdecimal", False) else to_decimal
    if kind is FieldType.DOUBLE:
        floats = isinstance(ctype, sa.Float) and (driver_rows or not ctype.asdecimal)
        return None if strict and floats else float
    if kind is FieldType.DATE:
        return None if strict and isinstance(ctype, sa.Date) else _to_date
    if kind is FieldType.DATETIME:
        return None if strict and _answers_utc(ctype, dialect) else to_datetime
    return None


def _answers_utc(kind: Any, dialect: str) -> bool:
    if not isinstance(kind, sa.DateTime):
        return False
    return dialect != "postgresql" or bool(getattr(kind, "timezone", False))


def mysql_conversions() -> dict[Any, Any]:
    """mysqlclient's decoders, with DATETIME and TIMESTAMP answered as aware UTC
    datetimes (naive columns hold UTC) and DATE parsed in C.

    The driver's own decoders are Python functions (≈ 1 µs a value), and a naive
    datetime needed a second call to become aware; `fromisoformat` does both in one
    parse. Values it cannot read (zero dates, odd precisions) go to the driver's own.
    """
    from MySQLdb.constants import FIELD_TYPE
    from MySQLdb.converters import conversions

    decoders = dict(conversions)
    decoders[FIELD_TYPE.DATETIME] = decoders[FIELD_TYPE.TIMESTAMP] = _mysql_datetime
    decoders[FIELD_TYPE.DATE] = _mysql_date
    return decoders


_from_iso = datetime.fromisoformat
_date_from_iso = date.fromisoformat


def _mysql_datetime(text: str) -> datetime | None:
    try:
        return _from_iso(text + "+00:00")
    except ValueError:
        from MySQLdb.times import DateTime_or_None

        found = DateTime_or_None(text)
        return None if found is None else to_datetime(found)


def _mysql_date(text: str) -> date | None:
    try:
        return _date_from_iso(text)
    except ValueError:
        from MySQLdb.times import Date_or_None

        found: date | None = Date_or_None(text)
        return found
