"""The mapping text of the SQL connector: where each actor type and list lives.

An administrator writes it in YAML; this module parses it into the frozen dataclasses
of `spec.py` and
names every structural mistake with its path (`actors.Customer.fields[2].type`).
Nothing here is SQL: column names are checked against the reflected schema in
`schema.py`, and values (filters, fixed values) are always bound parameters later.

    actors:
      Customer:
        table: company
        key: id
        filter: {is_customer: true}          # column: value pairs, ANDed
        create: {is_customer: true}          # fixed values written on create
        modified: updated_at                 # or a list, e.g. [updated_at, address.updated_at]
        joins: {address: {from: address_id, to: id}}   # many-to-one LEFT JOINs
        parent: {column: company_id, type: Customer}
        deleted: {column: deleted, value: true}        # soft delete, or a tombstone table:
        # deleted: {table: deleted_record, key: record_id, modified: deleted_at,
        #           filter: {table_name: company}}
        fields:
          - {key: name, column: name, name: Name, access: Mandatory}
          - {key: city, column: address.city}          # joined columns are read-only
          - {key: terms, column: payment_term_id, type: List, list: payment_terms}
    lists:
      payment_terms: {table: payment_term, id: id, code: code, name: name,
                      deleted: {column: active, value: false}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from erpsync.connectors.sql.spec import (
    ActorSpec,
    ColumnRef,
    FieldSpec,
    Join,
    ListSpec,
    MappingSpec,
    Scalar,
    SoftDelete,
    Tombstone,
)
from erpsync.sdk import Access, ActorType, FieldType


class MappingError(ValueError):
    """The mapping text is not valid; the message names where."""


def parse_mapping(text: str) -> MappingSpec:
    """Parse and check the structure of a mapping text; raise `MappingError`."""
    try:
        data = yaml.safe_load(text or "")
    except yaml.YAMLError as exc:
        raise MappingError(f"The mapping is not valid YAML: {exc}") from None
    root = _dict(data, "mapping")
    _only(root, "mapping", {"actors", "lists", "pricing"})  # pricing: see `pricing.py`
    actors = {}
    for name, value in _dict(root.get("actors"), "actors").items():
        actor_type = _actor_type(name, f"actors.{name}")
        actors[actor_type] = _actor(actor_type, _dict(value, f"actors.{name}"), f"actors.{name}")
    if not actors:
        raise MappingError("The mapping declares no actor type under 'actors'.")
    lists = {
        str(name): _list(str(name), _dict(value, f"lists.{name}"), f"lists.{name}")
        for name, value in _dict(root.get("lists") or {}, "lists").items()
    }
    spec = MappingSpec(actors, lists)
    _check_references(spec)
    return spec


def _actor(actor_type: ActorType, data: dict[str, Any], path: str) -> ActorSpec:
    _only(
        data,
        path,
        {"table", "key", "fields", "modified", "filter", "create", "joins", "parent", "deleted"},
    )
    joins = tuple(
        _join(str(table), _dict(value, f"{path}.joins.{table}"), f"{path}.joins.{table}")
        for table, value in _dict(data.get("joins") or {}, f"{path}.joins").items()
    )
    joined = {join.table for join in joins}
    modified = data.get("modified")
    stamps = [modified] if isinstance(modified, str) else _list_of(modified or [], path)
    parent_column, parent_type = None, None
    if data.get("parent") is not None:
        parent = _dict(data["parent"], f"{path}.parent")
        _only(parent, f"{path}.parent", {"column", "type"})
        parent_column = _name(parent.get("column"), f"{path}.parent.column")
        parent_type = _actor_type(parent.get("type"), f"{path}.parent.type")
    tombstone = _tombstone(data.get("deleted"), f"{path}.deleted")
    fields = tuple(
        _field(_dict(item, f"{path}.fields[{i}]"), f"{path}.fields[{i}]", joined)
        for i, item in enumerate(_list_of(data.get("fields"), f"{path}.fields"))
    )
    if not fields:
        raise MappingError(f"{path}.fields: declare at least one field.")
    keys = [spec.key for spec in fields]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise MappingError(f"{path}.fields: field keys used twice: {', '.join(duplicates)}.")
    return ActorSpec(
        actor_type=actor_type,
        table=_name(data.get("table"), f"{path}.table"),
        key=_name(data.get("key"), f"{path}.key"),
        fields=fields,
        modified=tuple(
            _ref(stamp, f"{path}.modified[{i}]", joined) for i, stamp in enumerate(stamps)
        ),
        filter=_filter(data.get("filter"), f"{path}.filter", joined),
        create=tuple(
            (_name(column, f"{path}.create"), _scalar(value, f"{path}.create.{column}"))
            for column, value in _dict(data.get("create") or {}, f"{path}.create").items()
        ),
        joins=joins,
        parent_column=parent_column,
        parent_type=parent_type,
        deleted=None if tombstone else _soft_delete(data.get("deleted"), f"{path}.deleted"),
        tombstone=tombstone,
    )


def _field(data: dict[str, Any], path: str, joined: set[str]) -> FieldSpec:
    _only(data, path, {"key", "column", "name", "type", "access", "list", "search", "max_length"})
    column = _ref(data.get("column", data.get("key")), f"{path}.column", joined)
    key = _name(data.get("key", column.column), f"{path}.key")
    kind = _enum(FieldType, data.get("type"), f"{path}.type") if "type" in data else None
    if kind in (FieldType.PASSWORD, FieldType.LABEL):
        raise MappingError(f"{path}.type: an actor field cannot be a {kind}.")
    access = _enum(Access, data.get("access", "Normal"), f"{path}.access")
    if column.table is not None:
        access = Access.READ_ONLY  # writes go to the actor's own table only
    list_name = data.get("list")
    if (kind is FieldType.LIST) != (list_name is not None):
        raise MappingError(f"{path}: a List field names its list ('list'), and only it does.")
    max_length = data.get("max_length")
    if max_length is not None and (type(max_length) is not int or max_length < 1):
        raise MappingError(f"{path}.max_length: expected a positive whole number.")
    return FieldSpec(
        key=key,
        column=column,
        name=str(data.get("name") or key.replace("_", " ").capitalize()),
        type=kind,
        access=access,
        list_name=None if list_name is None else str(list_name),
        searchable=bool(data.get("search", True)),
        max_length=max_length,
    )


def _list(name: str, data: dict[str, Any], path: str) -> ListSpec:
    _only(data, path, {"table", "id", "code", "name", "deleted", "filter"})
    ident = _name(data.get("id"), f"{path}.id")
    return ListSpec(
        name=name,
        table=_name(data.get("table"), f"{path}.table"),
        id=ident,
        code=_name(data.get("code", ident), f"{path}.code"),
        label=_name(data.get("name", data.get("code", ident)), f"{path}.name"),
        deleted=_soft_delete(data.get("deleted"), f"{path}.deleted"),
        filter=_filter(data.get("filter"), f"{path}.filter", set()),
    )


def _join(table: str, data: dict[str, Any], path: str) -> Join:
    _only(data, path, {"from", "to"})
    return Join(table, _name(data.get("from"), f"{path}.from"), _name(data.get("to"), f"{path}.to"))


def _check_references(spec: MappingSpec) -> None:
    for actor in spec.actors.values():
        path = f"actors.{actor.actor_type}"
        if actor.parent_type is not None and actor.parent_type not in spec.actors:
            raise MappingError(
                f"{path}.parent.type: {actor.parent_type} is not an actor type of this mapping."
            )
        for item in actor.fields:
            if item.list_name is not None and item.list_name not in spec.lists:
                known = ", ".join(sorted(spec.lists)) or "none"
                raise MappingError(
                    f"{path}.fields.{item.key}: list {item.list_name!r} is not declared "
                    f"under 'lists' (declared: {known})."
                )


# --- small structural helpers --------------------------------------------------------


def _dict(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise MappingError(f"{path}: expected a mapping of names to values.")
    return {str(key): item for key, item in value.items()}


def _list_of(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise MappingError(f"{path}: expected a list.")
    return value


def _only(data: Mapping[str, Any], path: str, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MappingError(
            f"{path}: unknown setting {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})."
        )


def _name(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"{path}: expected a name.")
    return value.strip()


def _ref(value: object, path: str, joined: set[str]) -> ColumnRef:
    name = _name(value, path)
    table, dot, column = name.rpartition(".")
    if not dot:
        return ColumnRef(name)
    if table not in joined:
        known = ", ".join(sorted(joined)) or "none"
        raise MappingError(f"{path}: {table!r} is not a joined table (joins: {known}).")
    return ColumnRef(column, table)


def _scalar(value: object, path: str) -> Scalar:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise MappingError(f"{path}: expected a single value (text, number, true/false or null).")


def _filter(value: object, path: str, joined: set[str]) -> tuple[tuple[ColumnRef, Scalar], ...]:
    pairs = _dict(value or {}, path)
    return tuple(
        (_ref(column, path, joined), _scalar(item, f"{path}.{column}"))
        for column, item in pairs.items()
    )


def _soft_delete(value: object, path: str) -> SoftDelete | None:
    if value is None:
        return None
    data = _dict(value, path)
    _only(data, path, {"column", "value"})
    if "value" not in data:
        raise MappingError(f"{path}: give the value that means deleted ('value').")
    return SoftDelete(_name(data.get("column"), f"{path}.column"), _scalar(data["value"], path))


def _tombstone(value: object, path: str) -> Tombstone | None:
    """`deleted: {table, key, modified, filter}` names a tombstone table."""
    if not isinstance(value, Mapping) or "table" not in value:
        return None
    data = _dict(value, path)
    _only(data, path, {"table", "key", "modified", "filter"})
    return Tombstone(
        table=_name(data.get("table"), f"{path}.table"),
        key=_name(data.get("key"), f"{path}.key"),
        modified=_name(data.get("modified"), f"{path}.modified"),
        filter=_filter(data.get("filter"), f"{path}.filter", set()),
    )


def _actor_type(value: object, path: str) -> ActorType:
    found: ActorType = _enum(ActorType, value, path)
    return found


def _enum(kind: Any, value: object, path: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise MappingError(f"{path}: {value!r} is not one of {allowed}.") from None
