"""The transform (R-MAP-1, R-SEM-2): round trips per conversion, clear errors, no crashes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erpsync.mapping import transform as t
from erpsync.mapping.crm_fields import CrmField, crm_field
from erpsync.sdk.model import Field, FieldType, Value
from erpsync.sdk.values import normalise

TEXT = CrmField("city", "City", FieldType.TEXT, max_length=500)
LIST = CrmField("country", "Country", FieldType.LIST, "country")
CHECK = CrmField("active", "Active", FieldType.CHECKBOX)


def _rule(kind: FieldType, conversion: str | None, crm: CrmField = TEXT) -> t.Rule:
    pairs = t.ListPairs({"752": "SE", "578": "NO"})
    return t.Rule(
        Field("erp_field", "ERP field", kind, list_name="countries"), crm, conversion, pairs
    )


def _round_trip(rule: t.Rule, value: Value) -> None:
    crm = t.to_crm(rule, value)
    assert t.to_erp(rule, crm) == normalise(rule.erp.type, value)


@given(st.integers(min_value=-(2**62), max_value=2**62))
def test_integer_text_round_trip(value: int) -> None:
    _round_trip(_rule(FieldType.INTEGER, t.TEXT_NUMBER), value)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, max_value=10**12, min_value=-(10**12)
    )
)
def test_decimal_text_round_trip(value: Decimal) -> None:
    _round_trip(_rule(FieldType.DECIMAL, t.TEXT_NUMBER), value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_double_text_round_trip(value: float) -> None:
    _round_trip(_rule(FieldType.DOUBLE, t.TEXT_NUMBER), value)


@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from([t.DATE_ISO, t.DATE_DMY, t.DATE_MDY]))
def test_date_text_round_trip(value: date, conversion: str) -> None:
    _round_trip(_rule(FieldType.DATE, conversion), value)


@given(st.datetimes(timezones=st.just(UTC)))
def test_datetime_text_round_trip(value: datetime) -> None:
    _round_trip(_rule(FieldType.DATETIME, t.DATETIME_ISO), value)


@given(st.booleans())
def test_checkbox_round_trips_to_text_and_to_checkbox(value: bool) -> None:
    _round_trip(_rule(FieldType.CHECKBOX, t.CHECKBOX_TEXT), value)
    _round_trip(_rule(FieldType.CHECKBOX, None, CHECK), value)


@given(st.text(max_size=500))
def test_text_round_trip(value: str) -> None:
    _round_trip(_rule(FieldType.TEXT, None), value)


@given(st.sampled_from(["752", "578"]))
def test_list_round_trip_through_the_list_mapping(value: str) -> None:
    _round_trip(_rule(FieldType.LIST, t.LIST, LIST), value)


ALL_RULES = [
    _rule(FieldType.INTEGER, t.TEXT_NUMBER),
    _rule(FieldType.DECIMAL, t.TEXT_NUMBER),
    _rule(FieldType.DOUBLE, t.TEXT_NUMBER),
    _rule(FieldType.DATE, t.DATE_ISO),
    _rule(FieldType.DATE, t.DATE_DMY),
    _rule(FieldType.DATETIME, t.DATETIME_ISO),
    _rule(FieldType.CHECKBOX, t.CHECKBOX_TEXT),
    _rule(FieldType.LIST, t.LIST, LIST),
    _rule(FieldType.TEXT, None),
    _rule(FieldType.DATE, None),  # incompatible without a conversion
]


@given(st.sampled_from(ALL_RULES), st.text() | st.booleans())
def test_any_crm_value_gives_a_value_or_a_clear_error_never_a_crash(
    rule: t.Rule, value: str | bool
) -> None:
    try:
        t.to_erp(rule, value)
    except t.TransformError as exc:
        assert exc.field == rule.crm.key
        assert exc.message.startswith(f"{rule.crm.key}: ")


@given(
    st.sampled_from(ALL_RULES),
    st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.dates(), st.decimals()),
)
def test_any_erp_value_gives_a_value_or_a_clear_error_never_a_crash(
    rule: t.Rule, value: Value
) -> None:
    try:
        t.to_crm(rule, value)
    except t.TransformError as exc:
        assert exc.field == "erp_field"


def test_errors_name_the_field_and_the_value() -> None:
    with pytest.raises(t.TransformError) as caught:
        t.to_erp(_rule(FieldType.INTEGER, t.TEXT_NUMBER), "twelve")
    assert caught.value.message == ("city: not a valid Integer for 'erp_field' (value 'twelve')")
    with pytest.raises(t.TransformError, match="not mapped to an item of the CRM list"):
        t.to_crm(_rule(FieldType.LIST, t.LIST, LIST), "999")
    with pytest.raises(t.TransformError, match="need a conversion: date_iso"):
        t.to_crm(_rule(FieldType.DATE, None), date(2024, 1, 2))


def test_formats_people_read() -> None:
    assert t.to_crm(_rule(FieldType.DATE, t.DATE_DMY), date(2024, 3, 9)) == "09.03.2024"
    assert t.to_crm(_rule(FieldType.DECIMAL, t.TEXT_NUMBER), Decimal("1.50")) == "1.5"
    assert t.to_crm(_rule(FieldType.DECIMAL, t.TEXT_NUMBER), Decimal("1E+3")) == "1000"
    assert t.to_erp(_rule(FieldType.DECIMAL, t.TEXT_NUMBER), "1 234,5") == Decimal("1234.5")
    assert t.to_erp(_rule(FieldType.CHECKBOX, t.CHECKBOX_TEXT), "Ja") is True
    assert t.to_erp(_rule(FieldType.LIST, t.LIST, LIST), "se") == "752"


def test_too_long_for_the_crm_field_is_an_error() -> None:
    rule = t.Rule(Field("zip", "Zip"), crm_field("Customer", "zip"))
    with pytest.raises(t.TransformError) as caught:
        t.to_crm(rule, "x" * 21)
    assert "the CRM field 'zip' takes at most 20 characters; got 21" in caught.value.message


def test_too_long_for_the_erp_field_says_its_limit_and_the_length() -> None:
    rule = t.Rule(Field("name", "Name", max_length=80), crm_field("Customer", "name"))
    with pytest.raises(t.TransformError) as caught:
        t.to_erp(rule, "x" * 81)
    assert caught.value.field == "name"
    assert "the ERP field 'name' takes at most 80 characters; got 81" in caught.value.message
    with pytest.raises(t.TransformError, match="takes at most 80 characters; got 90"):
        t.value_from_json(rule.erp, "y" * 90)


def test_compatibility_and_named_conversions() -> None:
    erp = Field("founded", "Founded", FieldType.DATE)
    assert t.incompatibility(erp, TEXT, t.DATE_ISO) is None
    assert "need a conversion" in (t.incompatibility(erp, TEXT, None) or "")
    assert "joins an ERP Integer/Decimal/Double" in (
        t.incompatibility(erp, TEXT, t.TEXT_NUMBER) or ""
    )
    assert "cannot be mapped" in (t.incompatibility(erp, LIST, None) or "")
    assert "unknown conversion 'rot13'" in (t.incompatibility(erp, TEXT, "rot13") or "")
    assert t.default_conversion(FieldType.INTEGER, FieldType.TEXT) == t.TEXT_NUMBER


@given(st.sampled_from(ALL_RULES[:-1]), st.data())
def test_default_values_survive_json(rule: t.Rule, data: st.DataObject) -> None:
    samples: dict[FieldType, st.SearchStrategy[Value]] = {
        FieldType.INTEGER: st.integers(),
        FieldType.DECIMAL: st.decimals(allow_nan=False, allow_infinity=False),
        FieldType.DOUBLE: st.floats(allow_nan=False, allow_infinity=False),
        FieldType.DATE: st.dates(),
        FieldType.DATETIME: st.datetimes(timezones=st.just(UTC)),
        FieldType.CHECKBOX: st.booleans(),
        FieldType.LIST: st.text(min_size=1).filter(str.strip),
        FieldType.TEXT: st.text(min_size=1),
    }
    value = data.draw(samples[rule.erp.type])
    back = t.value_from_json(rule.erp, json.loads(t.dumps(value)))
    assert back == normalise(
        rule.erp.type, value if rule.erp.type is not FieldType.LIST else value.strip()
    )  # type: ignore[union-attr]
