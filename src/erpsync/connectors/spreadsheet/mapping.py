"""The mapping text of the spreadsheet connector: which file or sheet holds each actor type.

An administrator writes it in YAML; this module parses it into frozen dataclasses and
names every structural mistake with its path (`actors.Customer.fields[2].type`).
Column names are checked against the files' header rows later (`files.py`). Every
field is `ReadOnly`: the connector only reads.

    actors:
      Customer:
        file: customers.csv          # in the folder; in a workbook: sheet: Customers
        key: Number                  # the key column (header text)
        fields:                      # optional: every other column as Text when left out
          - {key: name, column: Name}
          - {key: credit_limit, column: Credit limit, type: Decimal}
          - {key: founded, column: Founded, type: Date}
      Person:
        file: contacts.csv
        key: Id
        parent: {column: Customer number, type: Customer}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from erpsync.sdk import ActorType, FieldType

#: Field types a cell can hold (List needs ERP lists, which files do not have).
CELL_TYPES = (
    FieldType.TEXT,
    FieldType.CHECKBOX,
    FieldType.INTEGER,
    FieldType.DECIMAL,
    FieldType.DOUBLE,
    FieldType.DATE,
    FieldType.DATETIME,
)


class MappingError(ValueError):
    """The mapping text is not valid; the message names where."""


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One field of an actor type: the column that holds it and how to read it."""

    key: str
    column: str
    name: str
    type: FieldType = FieldType.TEXT
    searchable: bool = True


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """Where one actor type lives: a file (CSV or xlsx) and, in a workbook, a sheet."""

    actor_type: ActorType
    file: str | None
    sheet: str | None
    key: str
    fields: tuple[ColumnSpec, ...] | None  # None: every column but the key, as Text
    parent_column: str | None = None
    parent_type: ActorType | None = None


@dataclass(frozen=True, slots=True)
class SheetMapping:
    actors: dict[ActorType, SheetSpec]


def parse_mapping(text: str) -> SheetMapping:
    """Parse and check the structure of a mapping text; raise `MappingError`."""
    try:
        data = yaml.safe_load(text or "")
    except yaml.YAMLError as exc:
        raise MappingError(f"The mapping is not valid YAML: {exc}") from None
    root = _dict(data, "mapping")
    _only(root, "mapping", {"actors"})
    actors: dict[ActorType, SheetSpec] = {}
    for name, value in _dict(root.get("actors"), "actors").items():
        actor_type = _actor_type(name, f"actors.{name}")
        actors[actor_type] = _sheet(actor_type, _dict(value, f"actors.{name}"), f"actors.{name}")
    if not actors:
        raise MappingError("The mapping declares no actor type under 'actors'.")
    for spec in actors.values():
        if spec.parent_type is not None and spec.parent_type not in actors:
            raise MappingError(
                f"actors.{spec.actor_type}.parent.type: {spec.parent_type} is not an actor "
                "type of this mapping."
            )
    return SheetMapping(actors)


def _sheet(actor_type: ActorType, data: dict[str, Any], path: str) -> SheetSpec:
    _only(data, path, {"file", "sheet", "key", "fields", "parent"})
    parent_column, parent_type = None, None
    if data.get("parent") is not None:
        parent = _dict(data["parent"], f"{path}.parent")
        _only(parent, f"{path}.parent", {"column", "type"})
        parent_column = _name(parent.get("column"), f"{path}.parent.column")
        parent_type = _actor_type(parent.get("type"), f"{path}.parent.type")
    fields = None
    if data.get("fields") is not None:
        items = data["fields"]
        if not isinstance(items, list) or not items:
            raise MappingError(f"{path}.fields: expected a list of at least one field.")
        fields = tuple(
            _field(_dict(item, f"{path}.fields[{i}]"), f"{path}.fields[{i}]")
            for i, item in enumerate(items)
        )
        keys = [spec.key for spec in fields]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise MappingError(f"{path}.fields: field keys used twice: {', '.join(twice)}.")
    file = None if data.get("file") is None else _name(data["file"], f"{path}.file")
    sheet = None if data.get("sheet") is None else _name(data["sheet"], f"{path}.sheet")
    return SheetSpec(
        actor_type=actor_type,
        file=file,
        sheet=sheet,
        key=_name(data.get("key"), f"{path}.key"),
        fields=fields,
        parent_column=parent_column,
        parent_type=parent_type,
    )


def _field(data: dict[str, Any], path: str) -> ColumnSpec:
    _only(data, path, {"key", "column", "name", "type", "search"})
    column = _name(data.get("column", data.get("key")), f"{path}.column")
    key = _name(data.get("key", field_key(column)), f"{path}.key")
    kind = FieldType.TEXT
    if "type" in data:
        try:
            kind = FieldType(data["type"])
        except ValueError:
            kind = None  # type: ignore[assignment]
        if kind not in CELL_TYPES:
            allowed = ", ".join(str(item) for item in CELL_TYPES)
            raise MappingError(f"{path}.type: {data['type']!r} is not one of {allowed}.")
    return ColumnSpec(
        key=key,
        column=column,
        name=str(data.get("name") or column),
        type=kind,
        searchable=bool(data.get("search", True)),
    )


def field_key(column: str) -> str:
    """A field key from a column header: `Credit limit` → `credit_limit`."""
    return re.sub(r"\W+", "_", column.strip().casefold()).strip("_") or "column"


# --- small structural helpers --------------------------------------------------------


def _dict(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise MappingError(f"{path}: expected a mapping of names to values.")
    return {str(key): item for key, item in value.items()}


def _only(data: Mapping[str, Any], path: str, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MappingError(
            f"{path}: unknown setting {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})."
        )


def _name(value: object, path: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # a header such as 2024
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"{path}: expected a name.")
    return value.strip()


def _actor_type(value: object, path: str) -> ActorType:
    try:
        return ActorType(str(value))
    except ValueError:
        allowed = ", ".join(member.value for member in ActorType)
        raise MappingError(f"{path}: {value!r} is not one of {allowed}.") from None
