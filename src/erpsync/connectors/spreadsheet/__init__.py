"""The spreadsheet connector (R-CON-3): CSV files and Excel sheets exported by an ERP.

`SpreadsheetConnector` is the connector (key `spreadsheet`); `parse_mapping` reads a
mapping text.
"""

from erpsync.connectors.spreadsheet.connector import SpreadsheetConnector
from erpsync.connectors.spreadsheet.mapping import MappingError, parse_mapping

__all__ = ["MappingError", "SpreadsheetConnector", "parse_mapping"]
