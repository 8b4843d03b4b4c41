"""`SpreadsheetConnector` (R-CON-3): ERPs that only export files, CSV or Excel.

One file (CSV or xlsx) or one sheet of a workbook per actor type, declared by a
mapping text (`mapping.py`). Read-only: every field is `ReadOnly`, so mappings can
only bring values to the CRM, and `create`/`save` are refused. Change tracking is
`snapshot`: every read streams every row (memory stays flat but for the set of keys
that catches duplicates), and an actor absent from a complete read is deleted.
Every call reads the file again, so an export replaced between calls is seen.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from erpsync.connectors.spreadsheet.files import fingerprint, open_table
from erpsync.connectors.spreadsheet.setup import CONFIG_FIELDS, DEFAULT_BATCH, Opened, Sheet
from erpsync.sdk import (
    Actor,
    ActorRef,
    ActorType,
    ChangeBatch,
    ChangeTracking,
    ConfigValues,
    Connector,
    ConnectorError,
    Field,
    FieldType,
    ListItem,
    OpenedState,
    Response,
    Restriction,
    SaveResult,
    Value,
    config_error,
    data_error,
    matches,
    opened_batch_size,
    search_rank,
)

log = logging.getLogger(__name__)


class SpreadsheetConnector(Connector):
    """CSV and Excel files exported by an ERP; read-only, snapshot change tracking."""

    key = "spreadsheet"
    name = "Spreadsheet files (CSV, Excel)"
    version = "1.0.0"
    description = "Reads an ERP's exported CSV files or Excel sheets, one per actor type."
    change_tracking: ClassVar[ChangeTracking] = ChangeTracking.SNAPSHOT
    supported_actor_types: ClassVar[tuple[ActorType, ...]] = tuple(ActorType)
    read_only: ClassVar[bool] = True
    batch_size = DEFAULT_BATCH

    def __init__(self) -> None:
        self._opened: OpenedState[Opened] = OpenedState("the spreadsheet connector")

    # --- configuration ------------------------------------------------------------

    def config_fields(self) -> list[Field]:
        return list(CONFIG_FIELDS)

    def test_config(self, values: ConfigValues) -> Response:
        try:
            opened = Opened(values)
        except ConnectorError as exc:
            log.info("Spreadsheet connector test failed: %s", exc)
            return exc.to_response()
        found = "; ".join(
            f"{sheet.source.label} ({actor_type}, {len(sheet.fields)} fields)"
            for actor_type, sheet in opened.sheets.items()
        )
        return Response.success(f"Read the headers of {found}.")

    def open(self, connection_id: str, values: ConfigValues) -> None:
        opened = self._opened.set(Opened(values))
        self.batch_size = opened_batch_size(self, opened.batch_size)

    def test_connection(self) -> Response:
        opened = self._state()
        for sheet in opened.sheets.values():
            with open_table(sheet.source, opened.options) as table:
                sheet.reader(table, None)
        return Response.success(f"{opened.path} can be read.")

    def close(self) -> None:
        self._opened.close()

    def instance_id(self) -> str:
        digest = hashlib.sha256(fingerprint(self._state().path).encode()).hexdigest()
        return f"spreadsheet:{digest[:24]}"

    def _state(self) -> Opened:
        return self._opened.get()

    def _sheet(self, actor_type: ActorType) -> Sheet:
        sheet = self._state().sheets.get(actor_type)
        if sheet is None:
            raise config_error(f"The mapping declares no {actor_type}.", code="actor_type")
        return sheet

    # --- metadata -------------------------------------------------------------------

    def actor_types(self) -> list[ActorType]:
        return list(self._state().sheets)

    def actor_fields(self, actor_type: ActorType) -> list[Field]:
        return list(self._sheet(actor_type).fields)

    def searchable_fields(self, actor_type: ActorType) -> list[str]:
        return [c.key for c in self._sheet(actor_type).columns if c.searchable]

    def lists(self) -> list[str]:
        return []

    def list_items(self, list_name: str) -> list[ListItem]:
        raise data_error(f"Spreadsheet connections have no lists (asked for {list_name!r}).")

    # --- reading ----------------------------------------------------------------------

    def _rows(self, actor_type: ActorType, field_keys: Sequence[str] | None) -> Iterator[Actor]:
        """Every row of the actor type's file as an actor; a key seen twice is a data error."""
        sheet, options = self._sheet(actor_type), self._state().options
        with open_table(sheet.source, options) as table:
            reader = sheet.reader(table, field_keys)
            seen: dict[str, int] = {}
            for number, row in table.rows:
                actor = reader(number, row)
                first = seen.setdefault(actor.key, number)
                if first != number:
                    raise data_error(
                        f"{table.label}, rows {first} and {number}, column {sheet.spec.key!r}: "
                        f"the key {actor.key!r} is used twice.",
                        code="duplicate_key",
                        key=actor.key,
                    )
                yield actor

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        wanted = set(keys)
        found = {a.key: a for a in self._rows(actor_type, field_keys) if a.key in wanted}
        return [found[key] for key in dict.fromkeys(keys) if key in found]

    def search(
        self,
        actor_type: ActorType,
        text: str,
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        sheet = self._sheet(actor_type)
        texts = [c.key for c in sheet.columns if c.searchable and c.type is FieldType.TEXT]
        ranked: list[tuple[int, Actor]] = []
        for actor in self._rows(actor_type, None):
            rank = search_rank(text, [actor.values[key] for key in texts])
            if rank is not None:
                ranked.append((rank, actor))
        ranked.sort(key=lambda pair: pair[0])  # stable: file order within a rank
        return [_narrowed(actor, field_keys) for _, actor in ranked[:limit]]

    def search_advanced(
        self,
        actor_type: ActorType,
        restrictions: Sequence[Restriction],
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        found: list[Actor] = []
        for actor in self._rows(actor_type, None):
            if all(matches(r, actor.values.get(r.field)) for r in restrictions):
                found.append(_narrowed(actor, field_keys))
                if len(found) >= limit:
                    break
        return found

    def children(
        self, parent_type: ActorType, parent_key: str, child_type: ActorType
    ) -> list[Actor]:
        if self._sheet(child_type).spec.parent_type is not parent_type:
            return []
        return [
            actor
            for actor in self._rows(child_type, None)
            if actor.parent_type is parent_type and actor.parent_key == parent_key
        ]

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        """Every row, in file order, batch by batch; the last batch is `complete`.

        The cursor only counts the rows read: a snapshot read always starts at the top.
        """
        size = max(1, self.batch_size)
        pending: list[Actor] | None = None
        count = 0
        batch: list[Actor] = []
        for actor in self._rows(actor_type, field_keys):
            batch.append(actor)
            if len(batch) == size:
                if pending is not None:
                    yield ChangeBatch(pending, f"rows:{count}")
                count += len(batch)
                pending, batch = batch, []
        if pending is not None:
            if not batch:
                yield ChangeBatch(pending, f"rows:{count}", complete=True)
                return
            yield ChangeBatch(pending, f"rows:{count}")
        yield ChangeBatch(batch, f"rows:{count + len(batch)}", complete=True)

    # --- writing ----------------------------------------------------------------------

    def create(
        self,
        actor_type: ActorType,
        values: Mapping[str, Value],
        parent: ActorRef | None = None,
        idempotency_key: str | None = None,
    ) -> Actor:
        raise _read_only(self._state().path)

    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        if not actors:
            return []
        raise _read_only(self._state().path)


def _read_only(path: Path) -> ConnectorError:
    return config_error(
        f"The spreadsheet connection only reads the files in {path}; change the records in "
        "the ERP and export them again. Map its fields as 'to CRM' only.",
        code="read_only",
    )


def _narrowed(actor: Actor, field_keys: Sequence[str] | None) -> Actor:
    if field_keys is None:
        return actor
    actor.values = {key: actor.values.get(key) for key in field_keys}
    return actor
