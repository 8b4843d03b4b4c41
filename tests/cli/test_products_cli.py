"""`erpsync products search` (R-CONN-6, R-UI-3): a Rich table of one price list's
products, JSON for scripts, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from erpsync.cli.products import app
from erpsync.connectors.demo.seed import init_database
from erpsync.pricing.cache import shared_cache
from tests.cli.test_foundation_cli import run_cli


def test_search_prints_prices_in_the_lists_currency(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("db", "upgrade", data_dir=data).returncode == 0
    run_cli("user", "add", "root", "--admin", "--password", "root-password-1", data_dir=data)
    init_database(tmp_path / "erp.db", customers=3, suppliers=0, partners=0)
    added = run_cli("connection", "add", "ERP", "--connector", "demo",
                    "-c", f"database={tmp_path / 'erp.db'}", data_dir=data)  # fmt: skip
    assert added.returncode == 0, added.stderr
    shared_cache().clear()
    runner = CliRunner()
    env = {"ERPSYNC_DATA_DIR": str(data), "COLUMNS": "200"}
    args = ["search", "ERP", "--price-list", "Export (EUR)", "--q", "office chair"]
    table = runner.invoke(app, args, env=env)
    assert table.exit_code == 0, table.output
    assert "Price (EUR)" in table.output and "OFF-1001" in table.output
    assert "249.00" in table.output and "1–3 of 3" in table.output
    args = ["search", "ERP", "-p", "standard", "--code-begins", "SRV", "--json"]
    raw = runner.invoke(app, args, env=env)
    page = json.loads(raw.output)
    assert page["total"] == 15 and page["price_list"]["currency"] == "SEK"
    wrong = runner.invoke(app, ["search", "ERP", "-p", "USD"], env=env)
    assert wrong.exit_code == 1 and "No price list 'USD'" in wrong.output
    assert "standard (Standard (SEK))" in wrong.output
