"""`erpsync products search` and `erpsync products lists` (R-CONN-6, R-UI-3): a Rich
table of one price list's products, the price lists an administrator lets a connection
expose, JSON for scripts, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import update
from typer.testing import CliRunner

from erpsync.cli.products import app
from erpsync.connections.models import Connection
from erpsync.connectors.demo.seed import init_database
from erpsync.db import create_database
from erpsync.pricing.cache import shared_cache
from erpsync.settings import Settings
from tests.cli.test_foundation_cli import run_cli


def _installation(tmp_path: Path) -> dict[str, str]:
    """A data directory with an administrator and a demo ERP connection named ERP."""
    data = tmp_path / "data"
    assert run_cli("db", "upgrade", data_dir=data).returncode == 0
    run_cli("user", "add", "root", "--admin", "--password", "root-password-1", data_dir=data)
    init_database(tmp_path / "erp.db", customers=3, suppliers=0, partners=0)
    added = run_cli("connection", "add", "ERP", "--connector", "demo",
                    "-c", f"database={tmp_path / 'erp.db'}", data_dir=data)  # fmt: skip
    assert added.returncode == 0, added.stderr
    shared_cache().clear()
    return {"ERPSYNC_DATA_DIR": str(data), "COLUMNS": "200"}


def test_search_prints_prices_in_the_lists_currency(tmp_path: Path) -> None:
    runner = CliRunner()
    env = _installation(tmp_path)
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


def test_lists_shows_and_sets_the_exposed_price_lists(tmp_path: Path) -> None:
    runner = CliRunner()
    env = _installation(tmp_path)
    data = Path(env["ERPSYNC_DATA_DIR"])
    run_cli("user", "add", "sales", "--password", "sales-password-1", data_dir=data)
    database = create_database(Settings(data_dir=data).sqlalchemy_url)
    with database.session() as session:  # mapping and activation are other tests' subject
        session.execute(update(Connection).values(active=True))
    database.engine.dispose()
    shown = runner.invoke(app, ["lists", "--connection", "ERP"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "Exposed" in shown.output and "Export (EUR)" in shown.output
    assert "All 2 price lists are exposed." in shown.output
    only = runner.invoke(app, ["lists", "-c", "ERP", "--allow", "Export (EUR)"], env=env)
    assert only.exit_code == 0, only.output
    assert "Restricted: users see 1 of 2 price lists." in only.output
    seen = runner.invoke(app, ["lists", "-c", "ERP", "--user", "sales", "--json"], env=env)
    assert [pl["id"] for pl in json.loads(seen.output)["price_lists"]] == ["export"]
    hidden = runner.invoke(app, ["search", "ERP", "-p", "standard", "-u", "sales"], env=env)
    assert hidden.exit_code == 1 and "No price list 'standard'" in hidden.output

    refused = runner.invoke(app, ["lists", "-c", "ERP", "-u", "sales", "--all"], env=env)
    assert refused.exit_code == 1 and "Only administrators" in refused.output
    unknown = runner.invoke(app, ["lists", "-c", "ERP", "--allow", "USD"], env=env)
    assert unknown.exit_code == 1 and "No price list 'USD'" in unknown.output
    both = runner.invoke(app, ["lists", "-c", "ERP", "--allow", "export", "--all"], env=env)
    assert both.exit_code == 1 and "either --allow or --all" in both.output
    still = json.loads(runner.invoke(app, ["lists", "-c", "ERP", "--json"], env=env).output)
    assert still["restricted_to"] == ["export"]  # refused changes changed nothing
    lifted = runner.invoke(app, ["lists", "-c", "ERP", "--all", "--json"], env=env)
    everything = json.loads(lifted.output)
    assert everything["restricted_to"] == []
    assert [pl["exposed"] for pl in everything["price_lists"]] == [True, True]
