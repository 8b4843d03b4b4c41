"""ERP values as people and JSON see them: exact text for numbers and dates, the item's
name for List values (with its id), true/false for checkboxes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from erpsync.linking.schemas import ShownValue, TabField
from erpsync.sdk.model import Field, FieldType, Value


def shown(value: Value) -> ShownValue:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    return value


def tab_field(field: Field, value: Value, items: Mapping[str, str]) -> TabField:
    """One field for the tab; a List value shows its item's name, an unknown id itself."""
    if field.type is FieldType.LIST and value is not None:
        return TabField(
            key=field.key,
            label=field.display_name,
            value=items.get(str(value), str(value)),
            item=str(value),
        )
    return TabField(key=field.key, label=field.display_name, value=shown(value))
