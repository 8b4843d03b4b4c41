"""The restrictions of an advanced search as SQL conditions, for actors and products
alike: text operators compare lower-cased with LIKE wildcards escaped, the others
compare values converted to the column's type first."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from erpsync.sdk import Operator, Restriction
from erpsync.sdk.operators import TEXT_OPERATORS

_COMPARE: dict[Operator, Callable[[Any, Any], Any]] = {
    Operator.EQ: operator.eq,
    Operator.NE: operator.ne,
    Operator.LT: operator.lt,
    Operator.BEFORE: operator.lt,
    Operator.LE: operator.le,
    Operator.GT: operator.gt,
    Operator.AFTER: operator.gt,
    Operator.GE: operator.ge,
}


def condition(
    column: Any, restriction: Restriction, convert: Callable[[Any], Any]
) -> ColumnElement[bool]:
    """`restriction` on `column`; `convert` turns a restriction value into the column's."""
    op, args = restriction.operator, restriction.values
    if op in TEXT_OPERATORS:
        return _text(column, op, str(args[0]))
    values = [convert(arg) for arg in args]
    if op in (Operator.ONE_OF, Operator.NOT_ONE_OF):
        found = column.in_(values)
        return found if op is Operator.ONE_OF else sa.and_(column.isnot(None), ~found)
    if op is Operator.IS:
        return sa.and_(column.isnot(None), column == values[0])
    if op is Operator.BETWEEN:
        between: ColumnElement[bool] = column.between(values[0], values[1])
        return between
    result: ColumnElement[bool] = _COMPARE[op](column, values[0])
    return result


def _text(column: Any, op: Operator, text: str) -> ColumnElement[bool]:
    lowered, needle = sa.func.lower(column), text.lower()
    if op is Operator.EQUALS:
        return lowered == needle
    if op is Operator.BEGINS:
        return lowered.startswith(needle, autoescape=True)
    if op is Operator.ENDS:
        return lowered.endswith(needle, autoescape=True)
    contains: ColumnElement[bool] = lowered.contains(needle, autoescape=True)
    return contains
