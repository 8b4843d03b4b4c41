"""A test ERP that exports files: customers and their contacts as CSV (semicolon,
cp1252, decimal commas, as a Swedish ERP writes them) or as sheets of one workbook.

`SheetErp` edits the files the way a new export would: read everything, change,
write everything again. `MAPPING` is what an administrator would write for them.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from erpsync.sdk import ActorType, Value

CUSTOMERS = ["Number", "Name", "Org no", "E-mail", "City", "Credit limit", "Discount",
             "Employees", "Active", "Founded", "Changed"]  # fmt: skip
CONTACTS = ["Id", "Customer number", "First name", "Last name", "E-mail"]
HEADERS = {ActorType.CUSTOMER: CUSTOMERS, ActorType.PERSON: CONTACTS}
FILES = {ActorType.CUSTOMER: "customers", ActorType.PERSON: "contacts"}
# field key → column of the mapping below
COLUMNS = {
    ActorType.CUSTOMER: {"name": "Name", "number": "Number", "org_no": "Org no",
                         "email": "E-mail", "city": "City", "credit_limit": "Credit limit",
                         "discount": "Discount", "employees": "Employees", "active": "Active",
                         "founded": "Founded", "changed": "Changed"},
    ActorType.PERSON: {"last_name": "Last name", "first_name": "First name", "email": "E-mail"},
}  # fmt: skip
PARENT_COLUMN = "Customer number"

_FIELDS = """\
    fields:
      - {key: name, column: Name}
      - {key: number, column: Number, name: Customer number}
      - {key: org_no, column: Org no}
      - {key: email, column: E-mail}
      - {key: city, column: City}
      - {key: credit_limit, column: Credit limit, type: Decimal}
      - {key: discount, column: Discount, type: Double}
      - {key: employees, column: Employees, type: Integer}
      - {key: active, column: Active, type: Checkbox}
      - {key: founded, column: Founded, type: Date}
      - {key: changed, column: Changed, type: Datetime}
  Person:
    {where_contacts}
    key: Id
    parent: {column: Customer number, type: Customer}
    fields:
      - {key: last_name, column: Last name}
      - {key: first_name, column: First name}
      - {key: email, column: E-mail}
"""


def mapping(kind: str) -> str:
    if kind == "csv":
        customers, contacts = "file: customers.csv", "file: contacts.csv"
    else:
        customers, contacts = "sheet: Customers", "sheet: Contacts"
    head = f"actors:\n  Customer:\n    {customers}\n    key: Number\n"
    return head + _FIELDS.replace("{where_contacts}", contacts)


SEED: dict[ActorType, list[dict[str, Any]]] = {
    ActorType.CUSTOMER: [
        {"Number": "10001", "Name": "Åkesson Bygg AB", "Org no": "556677-8899",
         "E-mail": "info@akesson.se", "City": "Göteborg", "Credit limit": Decimal("15000.50"),
         "Discount": 2.5, "Employees": 12, "Active": True, "Founded": date(1998, 3, 1),
         "Changed": datetime(2026, 11, 1, 8, 30)},
        {"Number": "10002", "Name": "Nordic Parts", "Org no": "556000-1111",
         "E-mail": "", "City": "Malmö", "Credit limit": Decimal("0"), "Discount": 0.0,
         "Employees": 3, "Active": False, "Founded": date(2010, 6, 15),
         "Changed": datetime(2026, 11, 2, 9, 0)},
    ],
    ActorType.PERSON: [
        {"Id": "1", "Customer number": "10001", "First name": "Anna", "Last name": "Berg",
         "E-mail": "anna@akesson.se"},
    ],
}  # fmt: skip


def cell_text(value: Any) -> str:
    """A value as the Swedish CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class SheetErp:
    """The exported files of the test ERP, in `folder` (CSV) or one workbook (xlsx)."""

    def __init__(self, folder: Path, kind: str) -> None:
        self.folder, self.kind = folder, kind
        self.workbook = folder / "erp.xlsx"

    @property
    def path(self) -> Path:
        return self.folder if self.kind == "csv" else self.workbook

    def csv_path(self, actor_type: ActorType) -> Path:
        return self.folder / f"{FILES[actor_type]}.csv"

    def read(self, actor_type: ActorType) -> list[dict[str, Any]]:
        if self.kind == "csv":
            with self.csv_path(actor_type).open(newline="", encoding="cp1252") as handle:
                return list(csv.DictReader(handle, delimiter=";"))
        book = load_workbook(self.workbook)
        rows = list(book[FILES[actor_type].capitalize()].iter_rows(values_only=True))
        book.close()
        return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]

    def write(self, tables: Mapping[ActorType, Sequence[Mapping[str, Any]]]) -> None:
        if self.kind == "csv":
            for actor_type, rows in tables.items():
                with self.csv_path(actor_type).open("w", newline="", encoding="cp1252") as out:
                    writer = csv.writer(out, delimiter=";")
                    writer.writerow(HEADERS[actor_type])
                    for row in rows:
                        writer.writerow([cell_text(row.get(c)) for c in HEADERS[actor_type]])
            return
        book = Workbook()
        book.remove(book.active)
        for actor_type, rows in tables.items():
            sheet = book.create_sheet(FILES[actor_type].capitalize())
            sheet.append(HEADERS[actor_type])
            for row in rows:
                sheet.append([_xlsx(row.get(c)) for c in HEADERS[actor_type]])
        book.save(self.workbook)

    def tables(self) -> dict[ActorType, list[dict[str, Any]]]:
        return {actor_type: self.read(actor_type) for actor_type in HEADERS}

    def seed(self) -> None:
        self.write(SEED)

    # --- edits as a new export would make them ----------------------------------------

    def insert(
        self, actor_type: ActorType, rows: Sequence[Mapping[str, Value]], parent: str | None
    ) -> list[str]:
        tables = self.tables()
        key_column = HEADERS[actor_type][0]
        taken = [int(row[key_column]) for row in tables[actor_type]]
        keys = []
        for values in rows:
            key = str(max(taken, default=0) + 1)
            taken.append(int(key))
            row = {COLUMNS[actor_type][k]: v for k, v in values.items()}
            row[key_column] = key
            if parent is not None:
                row[PARENT_COLUMN] = parent
            tables[actor_type].append(row)
            keys.append(key)
        self.write(tables)
        return keys

    def update(self, actor_type: ActorType, key: str, values: Mapping[str, Value]) -> None:
        tables = self.tables()
        for row in tables[actor_type]:
            if str(row[HEADERS[actor_type][0]]) == key:
                row.update({COLUMNS[actor_type][k]: v for k, v in values.items()})
        self.write(tables)

    def delete(self, actor_type: ActorType, key: str) -> None:
        tables = self.tables()
        column = HEADERS[actor_type][0]
        tables[actor_type] = [r for r in tables[actor_type] if str(r[column]) != key]
        self.write(tables)


def _xlsx(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # Excel stores numbers as doubles
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # naive UTC: Excel has no time zones
    if value == "":
        return None
    return value
