"""`erpsync connector list` says which installed connectors offer price lists and
products (issue 10, R-SDK-1): a `pricing` flag in the JSON and a Pricing column."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from erpsync.cli.main import app


def _row(table: str, key: str) -> list[str]:
    """The cells of the table row that starts with the connector's key."""
    for line in table.splitlines():
        cells = [cell.strip() for cell in re.split("[│┃]", line.strip("│┃ "))]
        if cells and cells[0] == key:
            return cells
    raise AssertionError(f"no row for {key!r} in:\n{table}")


def test_connector_list_shows_which_connectors_have_pricing() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["connector", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    pricing = {row["key"]: row["pricing"] for row in json.loads(listed.output)}
    assert pricing["demo"] is True and pricing["sql"] is True
    assert pricing["spreadsheet"] is False
    table = runner.invoke(app, ["connector", "list"], env={"COLUMNS": "250"})
    assert table.exit_code == 0, table.output
    header = _row(table.output, "Key")
    column = header.index("Pricing")
    assert _row(table.output, "demo")[column] == "yes"
    assert _row(table.output, "sql")[column] == "yes"
    assert _row(table.output, "spreadsheet")[column] == ""
