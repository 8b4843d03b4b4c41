"""Conformance hooks of the spreadsheet connector: sample data written into the
exported files (as the next export of the ERP would), as CSV or as an xlsx workbook."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from erpsync.connectors.spreadsheet import SpreadsheetConnector
from erpsync.sdk import ActorRef, ActorType, ConfigValues, Connector, Field, FieldType, Value
from erpsync.sdk.testkit import ConformanceHooks
from tests.connectors.spreadsheet.sheets import SheetErp, mapping

SAMPLES: dict[FieldType, Value] = {
    FieldType.TEXT: "Sample",
    FieldType.CHECKBOX: True,
    FieldType.INTEGER: 42,
    FieldType.DECIMAL: Decimal("1234.50"),
    FieldType.DOUBLE: 12.5,
    FieldType.DATE: date(2024, 5, 17),
    FieldType.DATETIME: datetime(2024, 5, 17, 8, 30, tzinfo=UTC),
}


class SheetHooks(ConformanceHooks):
    """Subclasses set `kind`: 'csv' (a folder of files) or 'xlsx' (one workbook)."""

    timeout = 30.0
    kind = "csv"
    erp: SheetErp

    def set_up_erp(self, workdir: Path) -> None:
        self.erp = SheetErp(workdir, self.kind)
        self.erp.seed()

    def make_connector(self) -> Connector:
        return SpreadsheetConnector()

    def config_values(self) -> ConfigValues:
        return {"path": str(self.erp.path), "mapping": mapping(self.kind)}

    def bad_config_values(self) -> ConfigValues:
        return {**self.config_values(), "mapping": mapping(self.kind).replace("Org no", "Org nr")}

    def sample_values(self, actor_type: ActorType, fields: Sequence[Field]) -> dict[str, Value]:
        # Every field is ReadOnly for the connector, but the export holds them all.
        return {
            field.key: f"{SAMPLES[FieldType.TEXT]} {field.display_name}"
            if field.type is FieldType.TEXT
            else SAMPLES[field.type]
            for field in fields
            if field.key != "number"  # the key column: the ERP numbers its rows
        }

    def sample_parent(self, actor_type: ActorType) -> ActorRef | None:
        if actor_type is not ActorType.PERSON:
            return None
        return ActorRef(ActorType.CUSTOMER, self.insert_actor(ActorType.CUSTOMER, {}, None))

    def insert_actor(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None
    ) -> str:
        return self.insert_actors(actor_type, [values], parent)[0]

    def insert_actors(
        self, actor_type: ActorType, rows: Sequence[Mapping[str, Value]], parent: ActorRef | None
    ) -> list[str]:
        return self.erp.insert(actor_type, rows, None if parent is None else parent.key)

    def update_actor(self, actor_type: ActorType, key: str, values: Mapping[str, Value]) -> None:
        self.erp.update(actor_type, key, values)

    def delete_actor(self, actor_type: ActorType, key: str) -> None:
        self.erp.delete(actor_type, key)
