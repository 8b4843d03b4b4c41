"""Spreadsheet files for `bench/connectors.py` (R-CON-3): N customer rows with the
same 17 columns written to a temporary folder as CSV or xlsx, read by a raw loop
(`csv.reader`, openpyxl's read-only `iter_rows`), through `SpreadsheetConnector.changes`
and through the `ConnectorHost`."""

from __future__ import annotations

import csv
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from _connector_common import COLUMNS, TYPES, Phase, compare

from erpsync.connectors.spreadsheet import SpreadsheetConnector
from erpsync.sdk import ActorType
from erpsync.sdk.host import ConnectorHost

FILE_MAPPING = "actors:\n  Customer:\n    file: {file}\n    key: id\n    fields:\n" + "".join(
    f"      - {{key: {c}, column: {c}, type: {TYPES.get(c, 'Text')}}}\n" for c in COLUMNS
)


def _file_row(n: int) -> list[Any]:
    texts: list[Any] = [f"{c[:4]}-{n}" for c in COLUMNS[:10]]
    stamp = datetime(2024, 1, 1) + timedelta(seconds=n // 7)
    founded = date(2000, 1, 1) + timedelta(days=n % 9000)
    return [n, *texts, n * 1.25, n / 3.0, n % 500, n % 2 == 0, founded, stamp]


def write_file(folder: Path, kind: str, rows: int) -> Path:
    started = time.perf_counter()
    header = ["id", *COLUMNS]
    if kind == "csv":
        path = folder / "customers.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(header)
            for n in range(1, rows + 1):
                row = _file_row(n)
                row[-1] = row[-1].isoformat(sep=" ")
                writer.writerow(row)
    else:
        from openpyxl import Workbook

        path = folder / "customers.xlsx"
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Customers")
        sheet.append(header)
        for n in range(1, rows + 1):
            sheet.append(_file_row(n))
        book.save(path)
    print(f"  wrote {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def raw_file_loop(path: Path) -> int:
    count = 0
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle, delimiter=";")
            next(reader)
            for _ in reader:
                count += 1
        return count
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    for _ in book["Customers"].iter_rows(min_row=2, values_only=True):
        count += 1
    book.close()
    return count


def _file_values(path: Path) -> dict[str, Any]:
    return {"path": str(path), "mapping": FILE_MAPPING.replace("{file}", path.name)}


def file_connector_loop(path: Path) -> int:
    connector = SpreadsheetConnector()
    connector.open("bench", _file_values(path))
    count = sum(len(b.actors) for b in connector.changes(ActorType.CUSTOMER, None))
    connector.close()
    return count


def file_host_loop(path: Path) -> int:
    host = ConnectorHost(SpreadsheetConnector(), timeout=120)
    host.open("bench", _file_values(path))
    count = sum(len(b.actors) for b in host.changes(ActorType.CUSTOMER, None))
    host.close()
    return count


def bench_file(kind: str, rows: int, repeat: int) -> None:
    print(f"{kind}: {rows:,} customers × {len(COLUMNS) + 1} columns", flush=True)
    with tempfile.TemporaryDirectory(prefix="erpsync-bench-") as folder:
        path = write_file(Path(folder), kind, rows)
        phases: list[Phase] = [
            ("raw loop", lambda p, _: raw_file_loop(p)),
            ("connector", lambda p, _: file_connector_loop(p)),
            ("via host", lambda p, _: file_host_loop(p)),
        ]
        compare(phases, path, kind, repeat)
