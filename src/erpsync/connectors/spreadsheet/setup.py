"""A spreadsheet connection's configuration checked and opened: the path, the CSV
options, the mapping text, and for each actor type its file or sheet with the columns
it offers (read from the header, so a named column the file lacks is a `config` error).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from erpsync.connectors.spreadsheet.cells import Column, RowReader
from erpsync.connectors.spreadsheet.files import (
    ENCODINGS,
    Options,
    Source,
    Table,
    check_path,
    open_table,
    resolve,
)
from erpsync.connectors.spreadsheet.mapping import (
    ColumnSpec,
    MappingError,
    SheetMapping,
    SheetSpec,
    field_key,
    parse_mapping,
)
from erpsync.sdk import (
    Access,
    ConfigValues,
    Field,
    FieldType,
    Value,
    config_error,
    data_error,
)

DEFAULT_BATCH = 1000

CONFIG_FIELDS = [
    Field(
        "path",
        "Folder or file",
        access=Access.MANDATORY,
        description="A folder of exported CSV or Excel files, one CSV file, or one Excel "
        "workbook (.xlsx) with a sheet per actor type.",
    ),
    Field(
        "mapping",
        "Mapping (YAML)",
        access=Access.MANDATORY,
        description="Per actor type: file (or sheet), key column, optional parent column "
        "and fields with their types. See the connector guide.",
    ),
    Field("delimiter", "CSV delimiter", description="Empty: detected (comma, semicolon, tab, |)."),
    Field(
        "encoding",
        "CSV encoding",
        description="utf-8, utf-8-sig or cp1252; empty: detected.",
    ),
    Field("batch_size", "Batch size", FieldType.INTEGER, default=DEFAULT_BATCH),
]


@dataclass
class Sheet:
    """One actor type's file and the fields it offers."""

    spec: SheetSpec
    source: Source
    columns: list[ColumnSpec]
    fields: list[Field]

    def reader(self, table: Table, field_keys: Sequence[str] | None) -> RowReader:
        """A row reader for the header as it is now (a re-exported file may differ)."""
        spec = self.spec
        wanted = [c.column for c in self.columns] + [spec.key]
        wanted += [spec.parent_column] if spec.parent_column else []
        missing = [name for name in dict.fromkeys(wanted) if name not in table.header]
        if missing:
            listing = ", ".join(name for name in table.header if name) or "none"
            raise config_error(
                f"{table.label} has no column {', '.join(repr(m) for m in missing)} "
                f"(columns: {listing}).",
                code="mapping",
            )
        position = {name: table.header.index(name) for name in wanted}
        keys = [c.key for c in self.columns] if field_keys is None else list(field_keys)
        by_key = {c.key: c for c in self.columns}
        unknown = [key for key in keys if key not in by_key]
        if unknown:
            raise data_error(f"{spec.actor_type} has no field {unknown[0]!r}.", field=unknown[0])
        columns = [
            Column(key, by_key[key].type, by_key[key].column, position[by_key[key].column])
            for key in keys
        ]
        key = Column("", FieldType.TEXT, spec.key, position[spec.key])
        parent = None
        if spec.parent_column and spec.parent_type:
            parent_column = Column(
                "", FieldType.TEXT, spec.parent_column, position[spec.parent_column]
            )
            parent = (spec.parent_type, parent_column)
        return RowReader(spec.actor_type, table.label, key, parent, columns, self.source.workbook)


def _auto_columns(header: list[str], spec: SheetSpec) -> list[ColumnSpec]:
    """Every named column but the parent's, as Text, when the mapping lists no fields."""
    columns, used = [], set()
    for name in header:
        if not name or name == spec.parent_column:
            continue
        key = field_key(name)
        while key in used:
            key += "_2"
        used.add(key)
        columns.append(ColumnSpec(key, name, name))
    return columns


class Opened:
    """What `open` sets up: checked configuration and each actor type's sheet."""

    def __init__(self, values: ConfigValues) -> None:
        self.path = check_path(str(values.get("path") or ""))
        encoding = str(values.get("encoding") or "").strip().lower()
        if encoding and encoding not in ENCODINGS:
            raise config_error(
                f"Unknown encoding {encoding!r}; choose {', '.join(ENCODINGS)} or leave it "
                "empty to detect it.",
                code="encoding",
            )
        delimiter = str(values.get("delimiter") or "")
        if delimiter == "\\t" or delimiter.lower() == "tab":
            delimiter = "\t"
        if len(delimiter) > 1:
            raise config_error("The CSV delimiter is one character, e.g. ; or ,", code="delimiter")
        self.options = Options(delimiter, encoding)
        self.batch_size = _batch_size(values.get("batch_size"))
        try:
            self.mapping: SheetMapping = parse_mapping(str(values.get("mapping") or ""))
        except MappingError as exc:
            raise config_error(f"The mapping is not valid: {exc}", code="mapping") from None
        self.sheets = {t: self._sheet(spec) for t, spec in self.mapping.actors.items()}

    def _sheet(self, spec: SheetSpec) -> Sheet:
        where = f"actors.{spec.actor_type}"
        source = resolve(self.path, spec.file, spec.sheet, where)
        with open_table(source, self.options) as table:
            columns = list(spec.fields) if spec.fields else _auto_columns(table.header, spec)
            sheet = Sheet(spec, source, columns, [])
            sheet.reader(table, None)  # every named column exists
        sheet.fields = [
            Field(c.key, c.name, c.type, access=Access.READ_ONLY, rank=10 * rank)
            for rank, c in enumerate(columns, start=1)
        ]
        return sheet


def _batch_size(value: Value) -> int:
    if value is None or value == "":
        return DEFAULT_BATCH
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
        raise config_error("batch_size must be a whole number from 1 to 100000.", code="batch_size")
    return value
