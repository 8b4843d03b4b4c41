"""The spreadsheet connector passes the conformance kit on CSV files and on an xlsx
workbook (R-CON-3, R-SDK-8)."""

from __future__ import annotations

from erpsync.sdk.testkit import ConnectorConformance
from tests.connectors.spreadsheet.hooks import SheetHooks


class TestSpreadsheetCsv(SheetHooks, ConnectorConformance):
    kind = "csv"


class TestSpreadsheetXlsx(SheetHooks, ConnectorConformance):
    kind = "xlsx"
