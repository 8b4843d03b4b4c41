"""The ERP's lists as the mapping declares them (`lists:`): id, code, label and the
optional deleted flag of each item, read in id order."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from erpsync.connectors.sql.query import ActorQuery
from erpsync.connectors.sql.setup import Opened
from erpsync.sdk import ListItem, data_error


def list_items(opened: Opened, list_name: str) -> list[ListItem]:
    spec = opened.mapping.lists.get(list_name)
    if spec is None:
        raise data_error(f"The mapping declares no list {list_name!r}.")
    table = opened.schema.tables[spec.table]
    gone = table.c[spec.deleted.column] if spec.deleted else sa.null()
    statement = sa.select(table.c[spec.id], table.c[spec.code], table.c[spec.label], gone)
    for ref, value in spec.filter:
        statement = statement.where(
            table.c[ref.column] == ActorQuery.bind(table.c[ref.column], value)
        )
    deleted_value = None if spec.deleted is None else spec.deleted.value
    with opened.translated(), opened.engine.connect() as connection:
        rows = connection.execute(statement.order_by(table.c[spec.id])).all()
    return [
        ListItem(
            str(ident),
            "" if code is None else str(code),
            str(name if name not in (None, "") else code or ident),
            gone_value is not None and _deleted(gone_value, deleted_value),
        )
        for ident, code, name, gone_value in rows
    ]


def _deleted(stored: Any, deleted_value: Any) -> bool:
    if isinstance(deleted_value, bool) or isinstance(stored, bool):
        return bool(stored) is bool(deleted_value)
    return bool(stored == deleted_value or str(stored) == str(deleted_value))
