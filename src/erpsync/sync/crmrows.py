"""The CRM side of the engine in bulk: read records by id, update and insert them with
Core statements and change positions (R-SEM-3), find changes after a position.

A CRM row is a dict of CRM field keys (as in `mapping.crm_fields`) to CRM values:
text, the *code* of a list item, or a checkbox; `company_id` and `change_pos` ride
along. No ORM objects are made here: the hot path of a sync is executemany.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, and_, exists, select
from sqlalchemy.orm import Session

from erpsync.crm import matchkeys
from erpsync.crm.models import Company, ListItem, Person, Project
from erpsync.db import bulk, bulk_update
from erpsync.db.base import utcnow
from erpsync.db.positions import allocate_positions
from erpsync.errors import DataError
from erpsync.mapping.crm_fields import CATALOGUE, COMPANY, PERSON, PROJECT
from erpsync.sdk.model import FieldType
from erpsync.sync.models import LINK_ACTIVE, Link

CrmRow = dict[str, Any]
TABLES: dict[str, Table] = {
    COMPANY: Company.__table__,  # type: ignore[dict-item]
    PERSON: Person.__table__,  # type: ignore[dict-item]
    PROJECT: Project.__table__,  # type: ignore[dict-item]
}
#: CRM list fields are stored as item ids in `<field>_id` columns.
_LISTS = {
    kind: {f.key: f.list_name or "" for f in fields if f.type is FieldType.LIST}
    for kind, fields in CATALOGUE.items()
}
_EXTRA = ("company_id", "change_pos", "deleted_at", "active")


class ListCodes:
    """CRM list items by id and by (list, code), loaded once per run (lists are small)."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(select(ListItem.id, ListItem.list_name, ListItem.code)).all()
        self.code_of: dict[int, str] = {item_id: code for item_id, _, code in rows}
        self.id_of: dict[tuple[str, str], int] = {
            (list_name, code.lower()): item_id for item_id, list_name, code in rows
        }

    def item_id(self, list_name: str, field: str, code: object) -> int | None:
        if code is None:
            return None
        found = self.id_of.get((list_name, str(code).lower()))
        if found is None:
            raise DataError(
                f"{field}: the CRM list '{list_name}' has no item with code '{code}'",
                field=field,
                value=code,
            )
        return found


def list_fields(kind: str) -> dict[str, str]:
    """The kind's CRM list fields → their list names."""
    return _LISTS[kind]


def column_of(kind: str, key: str) -> str:
    return f"{key}_id" if key in _LISTS[kind] else key


def _to_row(kind: str, raw: Any, codes: ListCodes) -> CrmRow:
    data = raw._mapping
    row: CrmRow = {}
    for field in CATALOGUE[kind]:
        value = data[column_of(kind, field.key)]
        row[field.key] = codes.code_of.get(value) if field.key in _LISTS[kind] else value
    for extra in _EXTRA:
        if extra in data:
            row[extra] = data[extra]
    return row


def read(session: Session, kind: str, ids: Iterable[int], codes: ListCodes) -> dict[int, CrmRow]:
    """The records with these ids, one query."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    table = TABLES[kind]
    found = session.execute(select(table).where(bulk.among(session, table.c.id, wanted))).all()
    return {raw.id: _to_row(kind, raw, codes) for raw in found}


def ids_by_number(session: Session, numbers: Iterable[str]) -> dict[str, int]:
    """Live companies by number (the first by id when several share one)."""
    wanted = sorted({n for n in numbers if n})
    if not wanted:
        return {}
    table = TABLES[COMPANY]
    rows = session.execute(
        select(table.c.number, table.c.id)
        .where(bulk.among(session, table.c.number, wanted), table.c.deleted_at.is_(None))
        .order_by(table.c.id.desc())
    ).all()
    return {number: record_id for number, record_id in rows}


def _not_null(table: Table) -> dict[str, Any]:
    """NOT NULL columns → their scalar default (None: none, or a callable one)."""
    found: dict[str, Any] = {}
    for column in table.columns:
        if not column.nullable:
            default = getattr(column.default, "arg", None)
            found[column.key] = None if callable(default) else default
    return found


_NOT_NULL = {kind: _not_null(table) for kind, table in TABLES.items()}
#: Columns with a scalar default → it (what a row of an insert batch that lacks the key gets).
_DEFAULTS = {
    kind: {
        column.key: column.default.arg  # type: ignore[attr-defined]
        for column in table.columns
        if column.default is not None and getattr(column.default, "is_scalar", False)
    }
    for kind, table in TABLES.items()
}


def columns(kind: str, values: dict[str, Any], codes: ListCodes) -> dict[str, Any]:
    """CRM values → column values; None into a NOT NULL column takes its default or fails."""
    lists, not_null = _LISTS[kind], _NOT_NULL[kind]
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in lists:
            out[f"{key}_id"] = codes.item_id(lists[key], key, value)
            continue
        if value is None and key in not_null:
            value = not_null[key]
            if value is None:
                raise DataError(f"{key}: the CRM {kind} needs a value here", field=key)
        out[key] = value
    return out


def update_rows(session: Session, kind: str, changes: dict[int, dict[str, Any]]) -> None:
    """Write column values per record id: one statement per set of columns (R-SYNC-2).

    Every record takes a new change position (R-SEM-3), in id order, whether or not its
    values changed (an empty dict only marks it written)."""
    if not changes:
        return
    table = TABLES[kind]
    last = allocate_positions(session, len(changes))
    position = last - len(changes)
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for record_id, values in sorted(changes.items()):
        position += 1
        names = tuple(sorted(key for key in values if key not in _STAMPED))
        groups.setdefault(names, []).append([record_id, *(values[n] for n in names), position])
    stamp = {"updated_at": utcnow()}
    for names, rows in groups.items():
        bulk_update.update_by_id(session, table, [*names, "change_pos"], rows, stamp)
    keyed = [i for i, values in changes.items() if matchkeys.KEY_COLUMNS[kind].intersection(values)]
    matchkeys.refresh(session, kind, keyed)  # duplicate rules find records by these (R-SEM-10)


#: Columns `update_rows` sets itself.
_STAMPED = frozenset({"change_pos", "updated_at"})


def insert_rows(
    session: Session,
    kind: str,
    rows: Sequence[dict[str, Any]],
    positions: list[tuple[int, int]] | None = None,
) -> list[int]:
    """Insert records (column values); returns their ids in the given order and appends
    the range of change positions they took to `positions`. A column some rows of the
    batch lack takes its default in those rows, as in a single-row INSERT."""
    if not rows:
        return []
    table = TABLES[kind]
    last = allocate_positions(session, len(rows))
    if positions is not None:
        positions.append((last - len(rows) + 1, last))
    now = utcnow()
    keys = sorted({key for row in rows for key in row})
    fills = [_DEFAULTS[kind].get(key) for key in keys]  # for a key some rows lack
    first = last - len(rows) + 1
    values = [
        [*(row.get(key, fill) for key, fill in zip(keys, fills, strict=True)), first + offset]
        for offset, row in enumerate(rows)
    ]
    times = {"created_at": now, "updated_at": now}
    ids = bulk.insert_tuples(session, table, [*keys, "change_pos"], values, times, True)
    matchkeys.add(session, kind, zip(ids, rows, strict=True))  # R-SEM-10
    return ids


def linked_changes(
    session: Session,
    kind: str,
    connection_id: int,
    actor_types: Sequence[str],
    position: int,
    limit: int,
    codes: ListCodes,
    below: int | None = None,
) -> dict[int, CrmRow]:
    """Records written after `position` (and before `below`) that have an active link of
    these actor types in this connection, by id in position order, with their values:
    one query (R-SYNC-2)."""
    table = TABLES[kind]
    links = Link.__table__
    linked = exists().where(
        and_(
            links.c.connection_id == connection_id,
            links.c.crm_kind == kind,
            links.c.crm_id == table.c.id,
            links.c.actor_type.in_(list(actor_types)),
            links.c.state == LINK_ACTIVE,
        )
    )
    window = table.c.change_pos > position
    if below is not None:
        window = and_(window, table.c.change_pos < below)
    rows = session.execute(
        select(table).where(window, linked).order_by(table.c.change_pos, table.c.id).limit(limit)
    ).all()
    return {int(raw.id): _to_row(kind, raw, codes) for raw in rows}
