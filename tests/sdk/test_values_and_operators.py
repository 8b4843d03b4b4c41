"""Value types per field type, parsing typed text, and the reference meaning of the
search operators (R-SDK-4)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from erpsync.sdk import Field, FieldType, Operator, Restriction, matches, normalise, parse_text
from erpsync.sdk.operators import operators_for, restriction_problem, search_rank
from erpsync.sdk.values import value_check


def test_values_are_typed_by_the_field() -> None:
    assert value_check(Field("m", "M", FieldType.DECIMAL))(Decimal("1.5")) is None
    assert "never float" in str(value_check(Field("m", "M", FieldType.DECIMAL))(1.5))
    assert value_check(Field("d", "D", FieldType.DOUBLE))(2) is None
    assert "expected date" in str(value_check(Field("d", "D", FieldType.DATE))(datetime.now(UTC)))
    assert "no time zone" in str(value_check(Field("t", "T", FieldType.DATETIME))(datetime.now()))
    assert value_check(Field("l", "L", FieldType.LIST, list_name="x"))("752") is None


def test_parse_text_reads_what_people_type() -> None:
    assert parse_text(FieldType.DECIMAL, "1 500,50") == Decimal("1500.50")
    assert parse_text(FieldType.CHECKBOX, "yes") is True
    assert parse_text(FieldType.DATE, "2024-02-29") == date(2024, 2, 29)
    assert parse_text(FieldType.DATETIME, "2024-02-29T10:00") == datetime(
        2024, 2, 29, 10, tzinfo=UTC
    )
    assert parse_text(FieldType.INTEGER, " ") is None
    with pytest.raises(ValueError, match="not a valid Integer value"):
        parse_text(FieldType.INTEGER, "many")


def test_normalise_makes_equal_meanings_equal() -> None:
    assert normalise(FieldType.DECIMAL, Decimal("12.50")) == normalise(
        FieldType.DECIMAL, Decimal("12.5")
    )
    assert normalise(FieldType.TEXT, "") is None


@pytest.mark.parametrize(
    ("operator", "args", "value", "expected"),
    [
        (Operator.EQUALS, ("ÅSA",), "åsa", True),
        (Operator.BEGINS, ("nord",), "Nordvik AB", True),
        (Operator.ENDS, ("ab",), "Nordvik AB", True),
        (Operator.CONTAINS, ("VIK",), "Nordvik AB", True),
        (Operator.CONTAINS, ("x",), None, False),
        (Operator.BETWEEN, (Decimal(1), Decimal(2)), Decimal(2), True),
        (Operator.NE, (5,), None, False),
        (Operator.BEFORE, (date(2024, 1, 2),), date(2024, 1, 2), False),
        (Operator.NOT_ONE_OF, ("1", "2"), "3", True),
        (Operator.IS, (False,), False, True),
    ],
)
def test_reference_meaning_of_operators(
    operator: Operator, args: tuple[object, ...], value: object, expected: bool
) -> None:
    assert matches(Restriction("f", operator, args), value) is expected  # type: ignore[arg-type]


def test_operators_fit_field_types() -> None:
    assert operators_for(FieldType.CHECKBOX) == {Operator.IS}
    assert not operators_for(FieldType.PASSWORD)
    text = Field("name", "Name")
    assert restriction_problem(Restriction("name", Operator.BEGINS, ("A",)), text) is None
    problem = restriction_problem(Restriction("name", Operator.GT, ("A",)), text)
    assert problem is not None and "allowed: begins, contains, ends, equals" in problem


def test_plain_search_ranks_begins_before_contains() -> None:
    assert search_rank("nord", ["Nordvik", None]) == 0
    assert search_rank("vik", ["Nordvik"]) == 1
    assert search_rank("zzz", ["Nordvik"]) is None
