"""`erpsync sync run|status|log|reset` on the test database (R-UI-3, R-SYNC-8, R-SEM-9)."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from erpsync.cli.sync import app
from erpsync.connections.models import Connection
from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyUpdate
from erpsync.sdk.model import ActorType
from erpsync.settings import Settings
from erpsync.sync import estimate
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


@pytest.fixture
def cli(env: SyncEnv, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI on the same database and keys as the test (no subprocess)."""
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(settings.data_dir))
    url = env.database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("ERPSYNC_DATABASE_URL", url)
    return CliRunner()


def test_run_status_log_and_reset(env: SyncEnv, cli: CliRunner) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    planned = cli.invoke(app, ["run", "Demo ERP", "--dry-run", "--json"])
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    assert plan["counts"]["created"] == 12 and len(plan["plan"]) == 12
    assert env.links() == {}

    done = cli.invoke(app, ["run", "Demo ERP"])
    assert done.exit_code == 0, done.output
    assert "succeeded" in done.stdout and "created 12" in done.stdout

    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10012", {"phone": "+46 cli"})
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    log = cli.invoke(app, ["log", "Demo ERP", "-q", "+46 cli", "--json"])
    assert log.exit_code == 0, log.output
    [entry] = json.loads(log.stdout)["items"]
    assert (entry["action"], entry["erp_key"], entry["new_value"]) == ("to_crm", "10012", "+46 cli")

    status = cli.invoke(app, ["status", "--json"])
    [row] = json.loads(status.stdout)
    assert row["last_run"]["state"] == "succeeded" and row["cursors"]["erp:Customer"]

    reset = cli.invoke(app, ["reset", "Demo ERP", "--stream", "erp:Customer"])
    assert reset.exit_code == 0 and "erp:Customer" in reset.stdout
    again = cli.invoke(app, ["run", "Demo ERP", "--json"])
    counts = json.loads(again.stdout)["counts"]
    assert counts["read"] == 12 and counts["updated"] == 0  # re-read, nothing to do


def test_run_refuses_a_connection_with_sync_off(env: SyncEnv, cli: CliRunner) -> None:
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.sync_enabled = False
    refused = cli.invoke(app, ["run", "Demo ERP"])
    assert refused.exit_code == 1 and "Sync is off" in refused.output


def _bar(output: str) -> tuple[int, int]:
    """The bar's closing `completed/total`."""
    found = re.findall(r"━ (\d+)/(\d+) ", output)
    assert found, output
    done, total = found[-1]
    return int(done), int(total)


def test_run_shows_a_bar_with_its_total_and_the_counts(env: SyncEnv, cli: CliRunner) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    with env.erp() as erp:  # one customer the CRM cannot take: a dead letter
        erp.db.execute("UPDATE company SET name = '' WHERE number = '10003'")
        erp.db.commit()
    first = cli.invoke(app, ["run", "Demo ERP"])
    assert first.exit_code == 0, first.output
    assert _bar(first.stdout) == (12, 12)
    assert "read 12 · created 11 · updated 0 · dead letters 1" in first.stdout

    with env.database.session() as session:  # three CRM edits for the CRM → ERP pass
        for key in ("10001", "10002", "10004"):
            crm.update_company(session, env.links()[key].crm_id, CompanyUpdate(phone="+46 bar"))
    with env.database.read_session() as session:
        expected = estimate.of_run(session, env.connection_id, None)
        full = estimate.of_run(session, env.connection_id, "erp")
    assert expected.crm == 3 and full.erp == 12  # counted before the run
    second = cli.invoke(app, ["run", "Demo ERP"])
    assert second.exit_code == 0, second.output
    done, total = _bar(second.stdout)
    assert done == total and done >= 3
    assert "CRM read 3 · saved 3 · dead letters 0" in second.stdout

    resync = cli.invoke(app, ["run", "Demo ERP", "--resync", "erp"])
    assert resync.exit_code == 0, resync.output
    assert _bar(resync.stdout) == (12, 12)
    assert "read 12 · created 0 · updated 0" in resync.stdout
