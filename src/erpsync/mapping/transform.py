"""Pure functions turning ERP values into CRM values and back (R-MAP-1, R-SEM-2).

The engine, import, ERP tab and create-in-ERP all go through `to_crm` / `to_erp`, so a
value converts the same way everywhere. A `Rule` is what one field mapping needs: the
ERP field's metadata, the CRM field, the named conversion and, for lists, the item
pairs. Bad values raise `TransformError` naming the field and the value; nothing else
escapes. Outputs are normalised (`sdk.values.normalise`), so they compare with shadows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from erpsync.errors import ValidationError
from erpsync.mapping.crm_fields import CrmField
from erpsync.sdk.model import Field, FieldType, Value
from erpsync.sdk.values import normalise, parse_text, value_check

CrmValue = str | bool | None
TEXTS = (FieldType.TEXT, FieldType.LABEL, FieldType.PASSWORD)
NUMBERS = (FieldType.INTEGER, FieldType.DECIMAL, FieldType.DOUBLE)

# Named conversions and the (ERP type, CRM type) pairs they join.
TEXT_NUMBER = "text_number"
DATE_ISO = "date_iso"
DATE_DMY = "date_dmy"
DATE_MDY = "date_mdy"
DATETIME_ISO = "datetime_iso"
CHECKBOX_TEXT = "checkbox_text"
LIST = "list"

DATE_FORMATS = {DATE_ISO: "%Y-%m-%d", DATE_DMY: "%d.%m.%Y", DATE_MDY: "%m/%d/%Y"}
CONVERSIONS: dict[str, tuple[tuple[FieldType, ...], FieldType]] = {
    TEXT_NUMBER: (NUMBERS, FieldType.TEXT),
    DATE_ISO: ((FieldType.DATE,), FieldType.TEXT),
    DATE_DMY: ((FieldType.DATE,), FieldType.TEXT),
    DATE_MDY: ((FieldType.DATE,), FieldType.TEXT),
    DATETIME_ISO: ((FieldType.DATETIME,), FieldType.TEXT),
    CHECKBOX_TEXT: ((FieldType.CHECKBOX,), FieldType.TEXT),
    LIST: ((FieldType.LIST,), FieldType.LIST),
}
CONVERSION_LABELS = {
    TEXT_NUMBER: "number ↔ text",
    DATE_ISO: "date ↔ text YYYY-MM-DD",
    DATE_DMY: "date ↔ text DD.MM.YYYY",
    DATE_MDY: "date ↔ text MM/DD/YYYY",
    DATETIME_ISO: "date and time ↔ ISO 8601 text (UTC)",
    CHECKBOX_TEXT: "checkbox ↔ text yes/no",
    LIST: "list ↔ list through the list mapping",
}
_YES = ("yes", "y", "true", "1", "x", "on", "ja", "j", "sant")
_NO = ("no", "n", "false", "0", "off", "nej", "falskt")


class TransformError(ValidationError):
    """A value that cannot be converted: names the field and the value."""


@dataclass(frozen=True, slots=True)
class ListPairs:
    """The item pairs of one list mapping: ERP item id ↔ CRM item code."""

    erp_to_crm: Mapping[str, str] = field(default_factory=dict)

    def crm_to_erp(self) -> dict[str, str]:
        return {code.lower(): erp for erp, code in self.erp_to_crm.items()}


@dataclass(frozen=True, slots=True)
class Rule:
    """What converting one mapped field needs."""

    erp: Field
    crm: CrmField
    conversion: str | None = None
    lists: ListPairs | None = None


def direct(erp_type: FieldType, crm_type: FieldType) -> bool:
    """Types that map without a conversion."""
    if crm_type is FieldType.TEXT:
        return erp_type in TEXTS
    return erp_type is crm_type and crm_type is FieldType.CHECKBOX


def conversions_for(erp_type: FieldType, crm_type: FieldType) -> list[str]:
    """The named conversions that join these types (empty: none, maybe not needed)."""
    return [
        name
        for name, (erp_types, crm) in CONVERSIONS.items()
        if erp_type in erp_types and crm is crm_type
    ]


def default_conversion(erp_type: FieldType, crm_type: FieldType) -> str | None:
    """The conversion automap and the service pick when none is named."""
    if direct(erp_type, crm_type):
        return None
    found = conversions_for(erp_type, crm_type)
    return found[0] if found else None


def incompatibility(erp: Field, crm: CrmField, conversion: str | None) -> str | None:
    """Why this pair cannot be mapped with this conversion, or None when it can."""
    if conversion is None:
        if direct(erp.type, crm.type):
            return None
        named = conversions_for(erp.type, crm.type)
        if named:
            return (
                f"the ERP field '{erp.key}' ({erp.type}) and the CRM field '{crm.key}' "
                f"({crm.type}) need a conversion: {', '.join(named)}"
            )
        return (
            f"the ERP field '{erp.key}' ({erp.type}) cannot be mapped to the CRM field "
            f"'{crm.key}' ({crm.type})"
        )
    if conversion not in CONVERSIONS:
        return f"unknown conversion '{conversion}'; the conversions are: {', '.join(CONVERSIONS)}"
    if conversion not in conversions_for(erp.type, crm.type):
        erp_types, crm_type = CONVERSIONS[conversion]
        kinds = "/".join(t.value for t in erp_types)
        return (
            f"the conversion '{conversion}' joins an ERP {kinds} field to a CRM {crm_type} "
            f"field, not '{erp.key}' ({erp.type}) to '{crm.key}' ({crm.type})"
        )
    return None


def _fail(rule_field: str, value: object, why: str) -> TransformError:
    return TransformError(f"{rule_field}: {why} (value {value!r})", field=rule_field, value=value)


def _too_long(side: str, key: str, max_length: int, length: int) -> str:
    return f"the {side} field '{key}' takes at most {max_length} characters; got {length}"


def _refused(erp: Field, value: object, problem: str) -> str:
    """Why the ERP field cannot take a value, in words: its length limit, or its check."""
    if isinstance(value, str) and erp.max_length is not None and len(value) > erp.max_length:
        return _too_long("ERP", erp.key, erp.max_length, len(value))
    return f"the ERP field '{erp.key}' cannot take this value: {problem}"


# --- ERP → CRM -------------------------------------------------------------------------


ToCrm = Callable[[Value], CrmValue]


def to_crm(rule: Rule, value: Value) -> CrmValue:
    """The CRM value for an ERP value of `rule.erp`."""
    return converter(rule)(value)


def converter(rule: Rule) -> ToCrm:
    """`to_crm` for one rule, with its value check and conversion looked up once: what
    the engine applies to every actor of a batch. Plain text (the usual case) is
    answered without a call when it fits both fields; everything else takes the
    general path, so the result and every refusal are the same as `to_crm`'s."""
    check = value_check(rule.erp)
    kind = rule.conversion or ("" if direct(rule.erp.type, rule.crm.type) else "?")
    convert = _TO_CRM.get(kind)
    key, crm_max = rule.erp.key, rule.crm.max_length

    def general(value: Value) -> CrmValue:
        problem = check(value)
        if problem is not None:
            raise _fail(key, value, problem)
        if value is None or value == "":
            return None
        if convert is None:
            raise _fail(key, value, incompatibility(rule.erp, rule.crm, rule.conversion) or "")
        result = convert(rule, value)
        if isinstance(result, str):
            result = result if result != "" else None
        if isinstance(result, str) and crm_max and len(result) > crm_max:
            raise _fail(key, value, _too_long("CRM", rule.crm.key, crm_max, len(result)))
        return result

    if kind != "" or rule.erp.type not in TEXTS:
        return general
    erp_max = rule.erp.max_length
    limit = min(erp_max if erp_max is not None else 2**62, crm_max or 2**62)

    def text(value: Value) -> CrmValue:
        if value.__class__ is str and 0 < len(value) <= limit:
            return value
        return general(value)

    return text


def _same(rule: Rule, value: Value) -> CrmValue:
    if isinstance(value, bool | str):
        return value
    raise _fail(rule.erp.key, value, f"not a {rule.crm.type} value")


def _number_text(rule: Rule, value: Value) -> CrmValue:
    if isinstance(value, Decimal):
        return format(normalise(FieldType.DECIMAL, value), "f")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _date_text(rule: Rule, value: Value) -> CrmValue:
    assert rule.conversion is not None and isinstance(value, date)
    if rule.conversion == DATE_ISO:
        return value.isoformat()
    if value.year < 1000:  # strftime pads differently per platform; keep it explicit
        raise _fail(rule.erp.key, value, "a year before 1000 has no text form here")
    return value.strftime(DATE_FORMATS[rule.conversion])


def _datetime_text(rule: Rule, value: Value) -> CrmValue:
    assert isinstance(value, datetime)
    return value.astimezone(UTC).isoformat()


def _checkbox_text(rule: Rule, value: Value) -> CrmValue:
    return "yes" if value else "no"


def _list_to_crm(rule: Rule, value: Value) -> CrmValue:
    pairs = rule.lists or ListPairs()
    code = pairs.erp_to_crm.get(str(value))
    if code is None:
        raise _fail(
            rule.erp.key,
            value,
            f"the ERP item is not mapped to an item of the CRM list '{rule.crm.list_name}'",
        )
    return code


_TO_CRM: dict[str, Callable[[Rule, Value], CrmValue]] = {
    "": _same,
    TEXT_NUMBER: _number_text,
    DATE_ISO: _date_text,
    DATE_DMY: _date_text,
    DATE_MDY: _date_text,
    DATETIME_ISO: _datetime_text,
    CHECKBOX_TEXT: _checkbox_text,
    LIST: _list_to_crm,
}


# --- CRM → ERP -------------------------------------------------------------------------


def to_erp(rule: Rule, value: CrmValue) -> Value:
    """The ERP value of `rule.erp` for a CRM value; checked against the ERP field."""
    if value is None or value == "":
        return None
    if not isinstance(value, bool | str):
        raise _fail(rule.crm.key, value, "a CRM value is text, a list item code or a checkbox")
    kind = rule.conversion or ("" if direct(rule.erp.type, rule.crm.type) else "?")
    converter = _TO_ERP.get(kind)
    if converter is None:
        raise _fail(rule.crm.key, value, incompatibility(rule.erp, rule.crm, rule.conversion) or "")
    try:
        result = converter(rule, value)
    except (ValueError, InvalidOperation, OverflowError) as exc:
        raise _fail(
            rule.crm.key, value, f"not a valid {rule.erp.type} for '{rule.erp.key}'"
        ) from exc
    problem = value_check(rule.erp)(result)
    if problem is not None:
        raise _fail(rule.crm.key, value, _refused(rule.erp, result, problem))
    return normalise(rule.erp.type, result)


def _same_back(rule: Rule, value: CrmValue) -> Value:
    if isinstance(value, bool) is (rule.erp.type is FieldType.CHECKBOX):
        return value
    raise ValueError("wrong kind")


def _text_number(rule: Rule, value: CrmValue) -> Value:
    number = parse_text(rule.erp.type, str(value))
    if rule.erp.type is FieldType.INTEGER and isinstance(number, int) and abs(number) >= 2**63:
        raise ValueError("too large")
    return number


def _text_date(rule: Rule, value: CrmValue) -> Value:
    assert rule.conversion is not None
    return datetime.strptime(str(value).strip(), DATE_FORMATS[rule.conversion]).date()


def _text_datetime(rule: Rule, value: CrmValue) -> Value:
    return parse_text(FieldType.DATETIME, str(value))


def _text_checkbox(rule: Rule, value: CrmValue) -> Value:
    lowered = str(value).strip().lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise ValueError("expected yes or no")


def _list_to_erp(rule: Rule, value: CrmValue) -> Value:
    erp = (rule.lists or ListPairs()).crm_to_erp().get(str(value).lower())
    if erp is None:
        raise _fail(
            rule.crm.key,
            value,
            f"the CRM item is not mapped to an item of the ERP list '{rule.erp.list_name}'",
        )
    return erp


_TO_ERP: dict[str, Callable[[Rule, CrmValue], Value]] = {
    "": _same_back,
    TEXT_NUMBER: _text_number,
    DATE_ISO: _text_date,
    DATE_DMY: _text_date,
    DATE_MDY: _text_date,
    DATETIME_ISO: _text_datetime,
    CHECKBOX_TEXT: _text_checkbox,
    LIST: _list_to_erp,
}


# --- ERP values as JSON (default values, export) --------------------------------------


def value_to_json(value: Value) -> Any:
    """A typed ERP value as JSON data: numbers and dates as text, exactly."""
    if isinstance(value, Decimal | date | datetime):
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


def value_from_json(erp: Field, data: Any) -> Value:
    """The ERP value of `erp` read from JSON data or text a person typed; checked."""
    try:
        if data is None or (isinstance(data, bool) and erp.type is FieldType.CHECKBOX):
            value: Value = data
        elif isinstance(data, int | float) and not isinstance(data, bool) and erp.type in NUMBERS:
            value = parse_text(erp.type, str(data))
        elif isinstance(data, str):
            value = parse_text(erp.type, data)
        else:
            raise ValueError(f"expected a {erp.type} value")
    except ValueError as exc:
        raise _fail(erp.key, data, str(exc)) from None
    problem = value_check(erp)(value)
    if problem is not None:
        raise _fail(erp.key, data, _refused(erp, value, problem))
    return normalise(erp.type, value)


def dumps(value: Value) -> str:
    return json.dumps(value_to_json(value))
