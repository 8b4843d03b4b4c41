"""`erpsync company …` and `erpsync crm lists …` (R-UI-3): JSON for scripts, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpsync.cli.main import app


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ERPSYNC_DATABASE_URL", raising=False)
    runner = CliRunner()
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    return runner


def test_seed_lists_then_add_and_list_companies_as_json(cli: CliRunner) -> None:
    seeded = cli.invoke(app, ["crm", "lists", "seed"])
    assert seeded.exit_code == 0 and "Added" in seeded.output
    again = cli.invoke(app, ["crm", "lists", "seed"])
    assert "complete" in again.output
    added = cli.invoke(
        app, ["company", "add", "Nordisk Verktyg AB", "--number", "10001", "--country", "se",
              "--currency", "SEK", "--city", "Göteborg"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "Added company Nordisk Verktyg AB" in added.output
    cli.invoke(app, ["company", "add", "Other AB"])
    listed = cli.invoke(app, ["company", "list", "--q", "nordisk", "--json"])
    assert listed.exit_code == 0, listed.output
    body = json.loads(listed.output)
    assert body["total"] == 1
    assert body["items"][0]["country"] == "SE" and body["items"][0]["number"] == "10001"
    table = cli.invoke(app, ["company", "list"])
    assert "Nordisk Verktyg AB" in table.output and "2 of 2 companies" in table.output


def test_an_unknown_code_is_one_line_naming_field_and_value(cli: CliRunner) -> None:
    result = cli.invoke(app, ["company", "add", "Acme", "--country", "XX"])
    assert result.exit_code == 1
    assert "no country with code 'XX'" in result.output
    assert "Traceback" not in result.output


def test_a_blank_name_names_the_field(cli: CliRunner) -> None:
    result = cli.invoke(app, ["company", "add", "  "])
    assert result.exit_code == 1
    assert "name: must not be blank" in result.output


def test_lists_show_prints_the_items_of_a_list(cli: CliRunner) -> None:
    cli.invoke(app, ["crm", "lists", "seed"])
    result = cli.invoke(app, ["crm", "lists", "show", "category", "--json"])
    assert [item["code"] for item in json.loads(result.output)] == [
        "customer", "supplier", "partner", "prospect"
    ]  # fmt: skip
    unknown = cli.invoke(app, ["crm", "lists", "show", "colours"])
    assert unknown.exit_code == 1 and "No CRM list named 'colours'" in unknown.output
