"""Opening the files behind a spreadsheet connection: CSV (encoding and delimiter chosen
or detected) and xlsx (openpyxl's read-only streaming), row by row with row numbers.

A missing folder, file, sheet or column is a `config` error naming it and listing what
exists; bytes that are not text in the file's encoding are a `data` error naming the
file, row and column. Rows are numbered as a spreadsheet program shows them (the
header is row 1), so an administrator can find them.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from erpsync.sdk import config_error, data_error

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
DELIMITERS = ",;\t|"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Options:
    """How CSV files are read: '' means detect."""

    delimiter: str = ""
    encoding: str = ""


@dataclass(frozen=True)
class Source:
    """One file, and in a workbook one sheet (None: the first)."""

    path: Path
    sheet: str | None = None

    @property
    def workbook(self) -> bool:
        return self.path.suffix.lower() in WORKBOOK_SUFFIXES

    @property
    def label(self) -> str:
        if self.workbook:
            return f"{self.path.name}, sheet {self.sheet!r}" if self.sheet else self.path.name
        return self.path.name


@dataclass
class Table:
    """An opened file or sheet: its header and its data rows as (row number, cells)."""

    label: str
    header: list[str]
    rows: Iterator[tuple[int, Sequence[Any]]]


def resolve(root: Path, file: str | None, sheet: str | None, what: str) -> Source:
    """The source of one actor type from the configured path and the mapping's names."""
    if root.is_dir():
        if file is None:
            raise config_error(
                f"{what}: name its file ('file') in the folder {root} (files: {_listing(root)}).",
                code="mapping",
            )
        path = root / file
        if not path.is_file():
            listing = _listing(root)
            raise config_error(
                f"{what}: there is no file {file!r} in the folder {root} (files: {listing}).",
                code="mapping",
            )
        return Source(path, sheet)
    if file is not None and Path(file).name != root.name:
        raise config_error(
            f"{what}: the path {root} is one file, so 'file: {file}' cannot be read; "
            "give a folder as the path to read several files.",
            code="mapping",
        )
    return Source(root, sheet)


def _listing(folder: Path) -> str:
    names = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.is_file() and entry.suffix.lower() in (".csv", ".txt", *WORKBOOK_SUFFIXES)
    )
    return ", ".join(names) or "none"


def check_path(value: str) -> Path:
    if not value.strip():
        raise config_error("Enter the path of the folder or file to read.", code="path")
    path = Path(value.strip()).expanduser()
    if not path.exists():
        parent = path.parent
        hint = f" (files in {parent}: {_listing(parent)})" if parent.is_dir() else ""
        raise config_error(f"There is no folder or file at {path}{hint}.", code="path")
    if path.is_file() and path.suffix.lower() not in (".csv", ".txt", *WORKBOOK_SUFFIXES):
        raise config_error(
            f"{path.name} is neither a CSV file (.csv, .txt) nor an Excel workbook (.xlsx).",
            code="path",
        )
    return path


@contextmanager
def open_table(source: Source, options: Options) -> Iterator[Table]:
    """The header and rows of one source; the file is closed when the block ends."""
    if source.workbook:
        with _open_sheet(source) as table:
            yield table
    else:
        with _open_csv(source, options) as table:
            yield table


# --- CSV ------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """utf-8-sig with a byte order mark, utf-8 when every byte decodes, else cp1252."""
    with path.open("rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {mark: sample.split("\n", 1)[0].count(mark) for mark in DELIMITERS}
        best = max(counts, key=lambda mark: counts[mark])
        return best if counts[best] else ","


@contextmanager
def _open_csv(source: Source, options: Options) -> Iterator[Table]:
    encoding = options.encoding or detect_encoding(source.path)
    with source.path.open("rb") as raw:
        # The header and the delimiter from the first bytes; a bad byte further on is
        # the problem of the row that holds it, found when the rows are read.
        head = raw.read(64 * 1024).decode(encoding, errors="surrogateescape")
    delimiter = options.delimiter or detect_delimiter(head)
    header = [cell.strip() for cell in next(csv.reader(io.StringIO(head), delimiter=delimiter), [])]
    if not any(header):
        raise config_error(f"{source.label} is empty: it has no header row.", code="mapping")
    handle = source.path.open(newline="", encoding=encoding)
    try:
        reader = csv.reader(handle, delimiter=delimiter)
        yield Table(source.label, header, _csv_rows(reader, source, encoding, delimiter))
    finally:
        handle.close()


def _csv_rows(
    reader: Any, source: Source, encoding: str, delimiter: str
) -> Iterator[tuple[int, Sequence[Any]]]:
    try:
        next(reader, None)  # the header
        for row in reader:
            if row and any(row):
                yield reader.line_num, row
    except UnicodeDecodeError:
        raise _encoding_error(source, encoding, delimiter) from None
    except csv.Error as exc:
        raise data_error(
            f"{source.label}, row {reader.line_num}: the CSV text is broken ({exc})."
        ) from None


def _encoding_error(source: Source, encoding: str, delimiter: str) -> Exception:
    """Find the first cell whose bytes are not `encoding` text: name file, row, column."""
    with source.path.open(newline="", encoding=encoding, errors="surrogateescape") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header: list[str] = []
        for row in reader:
            if not header:
                header = row
            for index, cell in enumerate(row):
                bad = next((ch for ch in cell if "\udc80" <= ch <= "\udcff"), None)
                if bad is None:
                    continue
                column = header[index] if index < len(header) else f"#{index + 1}"
                byte = ord(bad) - 0xDC00
                return data_error(
                    f"{source.label}, row {reader.line_num}, column {column!r}: byte 0x{byte:02x} "
                    f"is not {encoding} text; choose the file's encoding "
                    f"({', '.join(ENCODINGS)}).",
                    code="encoding",
                    field=column,
                )
    return data_error(f"{source.label} is not {encoding} text.", code="encoding")


# --- xlsx -----------------------------------------------------------------------------------


@contextmanager
def _open_sheet(source: Source) -> Iterator[Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(source.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, … for broken files
        raise config_error(
            f"{source.path.name} cannot be read as an Excel workbook ({type(exc).__name__}).",
            str(exc),
            code="path",
        ) from None
    try:
        names = list(book.sheetnames)
        name = source.sheet if source.sheet is not None else names[0]
        if name not in names:
            raise config_error(
                f"{source.path.name} has no sheet {name!r} (sheets: {', '.join(names)}).",
                code="mapping",
            )
        rows = book[name].iter_rows(values_only=True)
        first = next(rows, ())
        header = ["" if cell is None else str(cell).strip() for cell in first]
        label = f"{source.path.name}, sheet {name!r}"
        if not any(header):
            raise config_error(f"{label} is empty: it has no header row.", code="mapping")
        yield Table(label, header, _sheet_rows(rows))
    finally:
        book.close()


def _sheet_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, Sequence[Any]]]:
    number = 1
    for row in rows:
        number += 1
        for cell in row:
            if cell is not None and cell != "":
                yield number, row
                break


def fingerprint(path: Path) -> str:
    """Identifies the folder or file behind a connection (R-SEM-4)."""
    stat = path.stat()
    return f"{os.path.realpath(path)}|{stat.st_dev}|{stat.st_ino}"
