"""The spreadsheet connector reads what ERPs export and says exactly what is wrong with a
file (R-CON-3, R-NF-2): encodings and delimiters detected or chosen, bad cells and keys
as `data` errors naming file, row and column, missing files, sheets and columns as
`config` errors listing what exists, and writes refused."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from erpsync.connectors.spreadsheet import SpreadsheetConnector
from erpsync.sdk import Access, Actor, ActorType, Category, ConnectorError
from erpsync.sdk.host import ConnectorHost
from tests.connectors.spreadsheet.sheets import SheetErp, mapping

SIMPLE = """
actors:
  Customer:
    file: customers.csv
    key: Number
    fields:
      - {key: name, column: Name}
      - {key: credit_limit, column: Credit limit, type: Decimal}
      - {key: founded, column: Founded, type: Date}
"""


def _host(path: Path, text: str = SIMPLE, **options: str) -> ConnectorHost:
    host = ConnectorHost(SpreadsheetConnector(), timeout=30)
    host.open("files", {"path": str(path), "mapping": text, **options})
    return host


def _names(host: ConnectorHost) -> list[object]:
    return [a.values["name"] for b in host.changes(ActorType.CUSTOMER, None) for a in b.actors]


def _write(folder: Path, text: str, encoding: str = "utf-8") -> Path:
    (folder / "customers.csv").write_bytes(text.encode(encoding))
    return folder


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", "\t")]
)
def test_encoding_and_delimiter_are_detected(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [["Number", "Name", "Credit limit", "Founded"],
            ["1", "Åkesson Bygg AB", "1 500,50", "2001-02-03"],
            ["2", "Öresund Frakt", "", ""]]  # fmt: skip
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)  # quotes "1 500,50" after a comma
    _write(tmp_path, text.getvalue(), encoding)
    host = _host(tmp_path)
    assert _names(host) == ["Åkesson Bygg AB", "Öresund Frakt"]
    first = host.get_actors(ActorType.CUSTOMER, ["1"])[0]
    assert first.values["credit_limit"] == Decimal("1500.50")
    assert str(first.values["founded"]) == "2001-02-03"


def test_a_chosen_encoding_that_does_not_fit_names_file_row_and_column(tmp_path: Path) -> None:
    _write(tmp_path, "Number;Name;Credit limit;Founded\n1;Acme;;\n2;Åkesson;;\n", "cp1252")
    host = _host(tmp_path, encoding="utf-8")
    with pytest.raises(ConnectorError) as caught:
        _names(host)
    error = caught.value
    assert error.category is Category.DATA
    assert "customers.csv, row 3, column 'Name': byte 0xc5 is not utf-8 text" in str(error)
    assert _names(_host(tmp_path, encoding="cp1252")) == ["Acme", "Åkesson"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("1;Acme;12,5;2001-01-01\n;Nameless;;\n", "row 3, column 'Number': the key is empty"),
        ("7;Acme;;\n8;Beta;;\n7;Gamma;;\n", "rows 2 and 4, column 'Number': the key '7' is used"),
        ("1;Acme;lots;\n", "row 2, column 'Credit limit': 'lots' is not a number"),
        ("1;Acme;;31/12/2001\n", "row 2, column 'Founded': '31/12/2001' is not a date"),
    ],
)
def test_bad_rows_are_data_errors_naming_file_row_and_column(
    tmp_path: Path, rows: str, message: str
) -> None:
    _write(tmp_path, "Number;Name;Credit limit;Founded\n" + rows)
    host = _host(tmp_path)
    with pytest.raises(ConnectorError) as caught:
        _names(host)
    assert caught.value.category is Category.DATA
    assert f"customers.csv, {message}" in caught.value.user_explanation
    with pytest.raises(ConnectorError, match=r"customers\.csv, "):
        host.search(ActorType.CUSTOMER, "acme")


def test_a_missing_file_column_or_path_is_a_config_error_listing_what_exists(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "Number;Name;Limit;Founded\n1;Acme;;\n")
    (tmp_path / "suppliers.csv").write_text("Number\n")
    answer = SpreadsheetConnector().test_config({"path": str(tmp_path), "mapping": SIMPLE})
    assert answer.category is Category.CONFIG
    assert (
        "customers.csv has no column 'Credit limit' (columns: Number, Name, Limit, Founded)"
        in answer.user_explanation
    )
    other = SIMPLE.replace("customers.csv", "kunder.csv")
    answer = SpreadsheetConnector().test_config({"path": str(tmp_path), "mapping": other})
    assert answer.category is Category.CONFIG
    assert "no file 'kunder.csv'" in answer.user_explanation
    assert "(files: customers.csv, suppliers.csv)" in answer.user_explanation
    answer = SpreadsheetConnector().test_config({"path": str(tmp_path / "nope"), "mapping": SIMPLE})
    assert answer.category is Category.CONFIG and "There is no folder or file" in str(answer)


def test_an_xlsx_sheet_that_is_missing_is_named_with_the_sheets_there(tmp_path: Path) -> None:
    erp = SheetErp(tmp_path, "xlsx")
    erp.seed()
    text = mapping("xlsx").replace("sheet: Contacts", "sheet: Kontakter")
    answer = SpreadsheetConnector().test_config({"path": str(erp.path), "mapping": text})
    assert answer.category is Category.CONFIG
    assert "erp.xlsx has no sheet 'Kontakter' (sheets: Customers, Contacts)" in str(answer)


def test_xlsx_cells_keep_their_meaning(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Customers"
    sheet.append(["Number", "Name", "Credit limit", "Founded"])
    sheet.append([10001, 2024, 1500.5, "2001-02-03"])  # numbers typed into key and name
    book.save(tmp_path / "erp.xlsx")
    text = SIMPLE.replace("file: customers.csv", "sheet: Customers")
    first = _host(tmp_path / "erp.xlsx", text).get_actors(ActorType.CUSTOMER, ["10001"])[0]
    assert first.values == {
        "name": "2024",
        "credit_limit": Decimal("1500.5"),
        "founded": date(2001, 2, 3),
    }
    sheet.append([10002, "Beta", "soon", None])
    book.save(tmp_path / "erp.xlsx")
    with pytest.raises(ConnectorError) as caught:
        _names(_host(tmp_path / "erp.xlsx", text))
    assert caught.value.user_explanation == (
        "erp.xlsx, sheet 'Customers', row 3, column 'Credit limit': 'soon' is not a number."
    )


def test_it_is_read_only_and_says_so(tmp_path: Path) -> None:
    erp = SheetErp(tmp_path, "csv")
    erp.seed()
    host = _host(erp.path, mapping("csv"))
    assert type(host.connector).read_only
    fields = host.actor_fields(ActorType.CUSTOMER)
    assert {field.access for field in fields} == {Access.READ_ONLY}
    for attempt in (
        lambda: host.create(ActorType.CUSTOMER, {"name": "New AB"}),
        lambda: host.save([Actor(ActorType.CUSTOMER, "10001", {"city": "Lund"})]),
    ):
        with pytest.raises(ConnectorError) as caught:
            attempt()
        assert caught.value.category is Category.CONFIG
        assert "only reads the files" in caught.value.user_explanation
    assert erp.read(ActorType.CUSTOMER)[0]["City"] == "Göteborg"


def test_persons_name_their_customer_and_missing_rows_are_deletions(tmp_path: Path) -> None:
    erp = SheetErp(tmp_path, "csv")
    erp.seed()
    host = _host(erp.path, mapping("csv"))
    kids = host.children(ActorType.CUSTOMER, "10001", ActorType.PERSON)
    assert [(k.key, k.parent_type, k.parent_key) for k in kids] == [
        ("1", ActorType.CUSTOMER, "10001")
    ]
    erp.delete(ActorType.CUSTOMER, "10002")
    batches = list(host.changes(ActorType.CUSTOMER, "rows:2"))
    assert batches[-1].complete
    assert [a.key for b in batches for a in b.actors] == ["10001"]
