"""`erpsync link show|search|connect|create|disconnect` (R-TAB-1…4, R-UI-3) against the
same database and demo ERP as the API tests, acting as a user in the scope."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from erpsync.cli.links import app
from erpsync.settings import Settings
from tests.linking.conftest import TabEnv


def test_link_commands_search_connect_show_create_disconnect(
    env: TabEnv, settings: Settings
) -> None:
    url = env.database.engine.url.render_as_string(hide_password=False)
    environment = {
        "ERPSYNC_DATA_DIR": str(settings.data_dir),
        "ERPSYNC_DATABASE_URL": url,
        "COLUMNS": "200",
    }
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--user", "sales"], env=environment)
        assert result.exit_code == 0, result.output
        return result.output

    first = env.company(name="Cli One AB", city="Ystad")
    second = env.company(name="Cli Two AB")
    found = run("search", "Demo ERP", "company", str(first), "-w", "number equals 10010")
    assert "10010" in found and "Linked to" in found
    linked = json.loads(
        run("connect", "Demo ERP", "company", str(first), "10010", "--keep-crm", "city", "--json")
    )
    assert linked["erp_key"] == "10010" and "city" in linked["erp_changed"]
    shown = run("show", "Demo ERP", "company", str(first))
    assert "Ystad" in shown and "Customer 10010" in shown
    created = run("create", "Demo ERP", "company", str(second), "-v", "payment_terms=2")
    assert "Created Customer" in created
    assert "both records stay" in run("disconnect", "Demo ERP", "company", str(first))
    tab = json.loads(run("show", "Demo ERP", "company", str(first), "--json"))
    assert tab["sections"][0]["linked"] is False
    refused = runner.invoke(
        app,
        ["create", "Demo ERP", "company", str(first), "--user", "linker", "-v", "payment_terms=1"],
        env=environment,
    )
    assert refused.exit_code == 1 and "may not create records in the ERP" in refused.output
    bad = runner.invoke(
        app, ["search", "Demo ERP", "firm", "1", "--user", "sales"], env=environment
    )
    assert bad.exit_code == 1 and "kind" in bad.output
