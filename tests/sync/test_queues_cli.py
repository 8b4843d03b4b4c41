"""`erpsync sync status|log|conflicts|dead-letters` on the test database (R-UI-3,
R-SYNC-5, R-SYNC-6, R-SEM-9)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from erpsync.cli.sync import app
from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyUpdate
from erpsync.sdk.model import ActorType
from erpsync.settings import Settings
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


@pytest.fixture
def cli(env: SyncEnv, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(settings.data_dir))
    url = env.database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("ERPSYNC_DATABASE_URL", url)
    return CliRunner()


def _json(output: str) -> object:
    return json.loads(output[min(i for i in (output.find("{"), output.find("[")) if i >= 0) :])


def _set_crm(env: SyncEnv, key: str, **values: str) -> None:
    with env.database.session() as session:
        crm.update_company(session, env.links()[key].crm_id, CompanyUpdate(**values))


def test_status_shows_health_and_dead_letters_are_retried_or_discarded(
    env: SyncEnv, cli: CliRunner
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    _set_crm(env, "10002", phone="+46 " + "1" * 50)
    _set_crm(env, "10003", phone="+46 " + "2" * 50)
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    status = cli.invoke(app, ["status"])
    assert "failing" in status.stdout, status.output
    [row] = _json(cli.invoke(app, ["status", "--json"]).stdout)  # type: ignore[misc]
    assert row["health"] == "failing" and row["dead_letters"] == 2

    listed = _json(cli.invoke(app, ["dead-letters", "list", "Demo ERP", "--json"]).stdout)
    ids = sorted(item["id"] for item in listed["items"])  # type: ignore[index]
    assert len(ids) == 2
    assert cli.invoke(app, ["dead-letters", "discard", "Demo ERP"]).exit_code == 2
    assert (
        "Discarded 1"
        in cli.invoke(app, ["dead-letters", "discard", "Demo ERP", str(ids[0])]).stdout
    )
    _set_crm(env, "10003", phone="+46 fixed")
    retried = cli.invoke(app, ["dead-letters", "retry", "Demo ERP"])
    assert retried.exit_code == 0, retried.output
    assert "0 dead letter(s) still open" in retried.stdout
    with env.erp() as erp:
        assert erp.show(ActorType.CUSTOMER, "10003").values["phone"] == "+46 fixed"  # type: ignore[union-attr]
    missing = cli.invoke(app, ["dead-letters", "retry", "Demo ERP", "999"])
    assert missing.exit_code == 1 and "No open dead letter with id 999" in missing.output
    [row] = _json(cli.invoke(app, ["status", "--json"]).stdout)  # type: ignore[misc]
    assert row["health"] == "ok"


def test_conflicts_are_listed_and_resolved(env: SyncEnv, cli: CliRunner) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True, policy="manual")
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10006", {"phone": "+46 erp"})
    _set_crm(env, "10006", phone="+46 crm")
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    listed = cli.invoke(app, ["conflicts", "list", "Demo ERP"])
    assert "+46 erp" in listed.stdout and "+46 crm" in listed.stdout
    [item] = _json(cli.invoke(app, ["conflicts", "list", "Demo ERP", "--json"]).stdout)["items"]  # type: ignore[index]
    no_value = cli.invoke(
        app, ["conflicts", "resolve", "Demo ERP", str(item["id"]), "--keep", "value"]
    )
    assert no_value.exit_code == 2
    done = cli.invoke(app, ["conflicts", "resolve", "Demo ERP", str(item["id"]), "--keep", "crm"])
    assert done.exit_code == 0, done.output
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    with env.erp() as erp:
        assert erp.show(ActorType.CUSTOMER, "10006").values["phone"] == "+46 crm"  # type: ignore[union-attr]
    log = _json(
        cli.invoke(
            app, ["log", "Demo ERP", "--record", "10006", "--action", "to_erp", "--json"]
        ).stdout
    )
    assert [(e["field"], e["new_value"]) for e in log["items"]] == [("phone", "+46 crm")]  # type: ignore[index]
