"""The typed operators of advanced search (R-SDK-4): which fit which field type, and
what they mean.

`matches` is the reference meaning every connector must agree with; the conformance
kit compares a connector's answers with it. `search_rank` is the same for the plain
text search (begins-with before contains).
"""

from __future__ import annotations

import operator as compare
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from erpsync.sdk.model import Field, FieldType, Operator, Restriction, Value
from erpsync.sdk.values import value_check

TEXT_OPERATORS = frozenset({Operator.EQUALS, Operator.BEGINS, Operator.CONTAINS, Operator.ENDS})
NUMBER_OPERATORS = frozenset(
    {Operator.EQ, Operator.NE, Operator.LT, Operator.LE, Operator.GT, Operator.GE, Operator.BETWEEN}
)
TIME_OPERATORS = frozenset({Operator.BEFORE, Operator.AFTER, Operator.BETWEEN})

OPERATORS: dict[FieldType, frozenset[Operator]] = {
    FieldType.TEXT: TEXT_OPERATORS,
    FieldType.INTEGER: NUMBER_OPERATORS,
    FieldType.DECIMAL: NUMBER_OPERATORS,
    FieldType.DOUBLE: NUMBER_OPERATORS,
    FieldType.LIST: frozenset({Operator.ONE_OF, Operator.NOT_ONE_OF}),
    FieldType.DATE: TIME_OPERATORS,
    FieldType.DATETIME: TIME_OPERATORS,
    FieldType.CHECKBOX: frozenset({Operator.IS}),
    FieldType.PASSWORD: frozenset(),
    FieldType.LABEL: frozenset(),
}


def operators_for(field_type: FieldType) -> frozenset[Operator]:
    return OPERATORS[field_type]


def restriction_problem(restriction: Restriction, field: Field) -> str | None:
    """Why `restriction` cannot apply to `field`, or None when it can."""
    allowed = OPERATORS[field.type]
    if restriction.operator not in allowed:
        names = ", ".join(sorted(allowed)) or "none"
        return (
            f"operator {restriction.operator!s} does not apply to {field.type} field "
            f"{field.key!r} (allowed: {names})"
        )
    count = len(restriction.values)
    if restriction.operator is Operator.BETWEEN and count != 2:
        return f"between needs 2 values, got {count}"
    if restriction.operator in (Operator.ONE_OF, Operator.NOT_ONE_OF) and count < 1:
        return f"{restriction.operator} needs at least one value"
    single = restriction.operator not in (Operator.BETWEEN, Operator.ONE_OF, Operator.NOT_ONE_OF)
    if single and count != 1:
        return f"{restriction.operator} needs 1 value, got {count}"
    check = value_check(Field(field.key, field.key, field.type))
    for value in restriction.values:
        if value is None:
            return "restriction values may not be empty"
        problem = check(value)
        if problem:
            return f"value of field {field.key!r}: {problem}"
    return None


def fold(text: str) -> str:
    """Case-insensitive form used by every text operator and by plain search."""
    return text.casefold()


def matches(restriction: Restriction, value: Value) -> bool:
    """The reference meaning of a restriction on one (non-empty) value."""
    if value is None:
        return False
    op, args = restriction.operator, restriction.values
    if op in TEXT_OPERATORS:
        return _text_matches(op, str(value), str(args[0]))
    if op is Operator.IS:
        return bool(value) is bool(args[0])
    if op is Operator.ONE_OF:
        return value in args
    if op is Operator.NOT_ONE_OF:
        return value not in args
    return _ordered_matches(op, _comparable(value), [_comparable(arg) for arg in args])


def _text_matches(op: Operator, value: str, arg: str) -> bool:
    folded, needle = fold(value), fold(arg)
    if op is Operator.EQUALS:
        return folded == needle
    if op is Operator.BEGINS:
        return folded.startswith(needle)
    if op is Operator.ENDS:
        return folded.endswith(needle)
    return needle in folded


Comparable = int | float | Decimal | date | datetime


def _comparable(value: Value) -> Comparable:
    if isinstance(value, int | float | Decimal | date):
        return value
    raise TypeError(f"{value!r} cannot be compared")


def _ordered_matches(op: Operator, value: Comparable, args: list[Comparable]) -> bool:
    first = args[0]
    if op is Operator.BETWEEN:
        return bool(first <= value <= args[1])  # type: ignore[operator]
    return bool(_COMPARE[op](value, first))


_COMPARE: dict[Operator, Callable[[Any, Any], Any]] = {
    Operator.EQ: compare.eq,
    Operator.NE: compare.ne,
    Operator.LT: compare.lt,
    Operator.BEFORE: compare.lt,
    Operator.LE: compare.le,
    Operator.GT: compare.gt,
    Operator.AFTER: compare.gt,
    Operator.GE: compare.ge,
}


def search_rank(text: str, values: list[Value]) -> int | None:
    """Plain search (R-SDK-4): 0 when a searchable text begins with `text`, 1 when one
    contains it, None when none does. Results list rank 0 before rank 1."""
    needle = fold(text)
    best: int | None = None
    for value in values:
        if not isinstance(value, str):
            continue
        folded = fold(value)
        if folded.startswith(needle):
            return 0
        if needle in folded:
            best = 1
    return best
