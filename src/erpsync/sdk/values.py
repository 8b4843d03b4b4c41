"""Which Python value fits which field type: cheap checks, text parsing, normalising.

The checks are built once per field (`value_check`) and then applied to whole
batches by the host, so they are written for speed: an exact `type(...)` lookup
first, the slower rules only where a type needs them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from erpsync.sdk.model import Field, FieldType, Value

#: Returns None when the value fits, else a short reason.
Check = Callable[[object], str | None]

_EXPECTED: dict[FieldType, str] = {
    FieldType.TEXT: "str",
    FieldType.PASSWORD: "str",
    FieldType.LABEL: "str",
    FieldType.LIST: "str (the list item id)",
    FieldType.CHECKBOX: "bool",
    FieldType.INTEGER: "int",
    FieldType.DECIMAL: "Decimal (never float)",
    FieldType.DOUBLE: "float",
    FieldType.DATE: "date",
    FieldType.DATETIME: "tz-aware datetime",
}


def expected_type(field_type: FieldType) -> str:
    return _EXPECTED[field_type]


def _wrong(value: object, field_type: FieldType) -> str:
    return f"expected {_EXPECTED[field_type]}, got {type(value).__name__} {value!r}"


def value_check(field: Field) -> Check:
    """A function that says why a value does not fit `field`, or None when it does."""
    kind = field.type
    if kind in (FieldType.TEXT, FieldType.PASSWORD, FieldType.LABEL, FieldType.LIST):
        return _text_check(kind, field.max_length)
    if kind is FieldType.DECIMAL:
        return _decimal_check
    if kind is FieldType.DATETIME:
        return _datetime_check
    if kind is FieldType.DOUBLE:
        return _double_check
    exact = {FieldType.CHECKBOX: bool, FieldType.INTEGER: int, FieldType.DATE: date}[kind]

    def check(value: object) -> str | None:
        if value is None or type(value) is exact:
            return None
        return _wrong(value, kind)

    return check


def _text_check(kind: FieldType, max_length: int | None) -> Check:
    def check(value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            return _wrong(value, kind)
        if max_length is not None and len(value) > max_length:
            return f"{len(value)} characters, longer than the maximum {max_length}"
        return None

    return check


def _decimal_check(value: object) -> str | None:
    if value is None:
        return None
    if type(value) is not Decimal:
        return _wrong(value, FieldType.DECIMAL)
    if not value.is_finite():
        return f"expected a finite Decimal, got {value!r}"
    return None


def _double_check(value: object) -> str | None:
    if value is None or type(value) is float:
        return None
    if type(value) is int:  # an int is an exact float value; some ERPs answer 0, not 0.0
        return None
    return _wrong(value, FieldType.DOUBLE)


def _datetime_check(value: object) -> str | None:
    if value is None:
        return None
    if type(value) is not datetime:
        return _wrong(value, FieldType.DATETIME)
    if value.utcoffset() is None:
        return f"datetime {value.isoformat()} has no time zone; answer tz-aware UTC datetimes"
    return None


def normalise(field_type: FieldType, value: Value) -> Value:
    """The form in which two values of a field compare equal when they mean the same.

    Decimal loses trailing zeros, Datetime becomes UTC, an empty text becomes None.
    Used by the conformance kit and by shadow compares.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if field_type is FieldType.DECIMAL and isinstance(value, Decimal):
        return value.normalize() if value != 0 else Decimal(0)
    if field_type is FieldType.DATETIME and isinstance(value, datetime):
        return value.astimezone(UTC)
    if field_type is FieldType.DOUBLE and isinstance(value, int | float):
        return float(value)
    return value


def parse_text(field_type: FieldType, text: str) -> Value:
    """Read a value typed by a person (CLI, files) for a field of `field_type`.

    Raises ValueError naming what was expected. An empty text is None.
    """
    text = text.strip() if field_type not in (FieldType.TEXT, FieldType.PASSWORD) else text
    if text == "":
        return None
    try:
        return _PARSERS[field_type](text)
    except (ValueError, InvalidOperation) as exc:
        raise ValueError(f"{text!r} is not a valid {field_type} value: {exc}") from None


def _parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "y", "on", "x"):
        return True
    if lowered in ("0", "false", "no", "n", "off"):
        return False
    raise ValueError("expected yes/no, true/false or 1/0")


def _parse_double(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("expected a finite number")
    return number


def _parse_decimal(text: str) -> Decimal:
    number = Decimal(text.replace(" ", "").replace(",", "."))
    if not number.is_finite():
        raise ValueError("expected a finite number")
    return number


def _parse_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _identity(text: str) -> str:
    return text


_PARSERS: dict[FieldType, Callable[[str], Value]] = {
    FieldType.TEXT: _identity,
    FieldType.PASSWORD: _identity,
    FieldType.LABEL: _identity,
    FieldType.LIST: _identity,
    FieldType.CHECKBOX: _parse_bool,
    FieldType.INTEGER: int,
    FieldType.DECIMAL: _parse_decimal,
    FieldType.DOUBLE: _parse_double,
    FieldType.DATE: date.fromisoformat,
    FieldType.DATETIME: _parse_datetime,
}
