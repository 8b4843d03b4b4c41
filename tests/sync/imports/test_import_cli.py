"""`erpsync import`: preview printed as a table, then the import with a progress bar and
a summary; `--exclude`, `--yes`, a refusal as one line (R-IMP-3, R-IMP-4, R-UI-3)."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from erpsync.cli.imports import import_command
from erpsync.connections.models import Connection
from erpsync.settings import Settings
from tests.sync.imports.conftest import ImportEnv

app = typer.Typer()
app.command()(import_command)


@pytest.fixture
def cli(imp: ImportEnv, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(settings.data_dir))
    url = imp.database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("ERPSYNC_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def test_preview_table_then_import_with_a_summary(imp: ImportEnv, cli: CliRunner) -> None:
    matched = imp.company(name="Nordisk", number="10001")
    args = ["Demo ERP", "--rules", "number,vat", "--action", "merge", "--exclude", "10012"]
    asked = cli.invoke(app, args, input="n\n")
    assert asked.exit_code == 0, asked.output
    assert "Preview of import" in asked.stdout and "new 11" in asked.stdout
    assert "selected 11" in asked.stdout
    assert "matched 1" in asked.stdout and str(matched) in asked.stdout
    assert "number; to the ERP: name" in asked.stdout  # the CRM keeps "Nordisk" (R-SEM-2)
    assert "The next sync writes 1 field of 1 matched record to the ERP" in asked.stdout
    assert "Import 11 rows?" in asked.stdout and "Nothing imported" in asked.stdout
    assert imp.companies() == 1

    done = cli.invoke(app, [*args, "--yes"])
    assert done.exit_code == 0, done.output
    assert "Importing" in done.stdout
    assert "succeeded — created 10, merged 1, skipped 1" in done.stdout
    assert imp.companies() == 11 and "10012" not in imp.links()


def test_json_output_and_a_refusal_in_one_line(imp: ImportEnv, cli: CliRunner) -> None:
    done = cli.invoke(app, ["Demo ERP", "--yes", "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout[done.stdout.index("{\n") :])
    assert result["state"] == "succeeded" and result["outcomes"] == {"created": 12}
    with imp.database.session() as session:
        session.get(Connection, imp.cid).sync_enabled = True  # type: ignore[union-attr]
    refused = cli.invoke(app, ["Demo ERP", "--yes"])
    assert refused.exit_code == 1
    assert "Sync is on for the connection 'Demo ERP'" in refused.output
    bad = cli.invoke(app, ["Demo ERP", "--rules", "number,phone", "--yes"])
    assert bad.exit_code == 1 and "rules.1" in bad.output
