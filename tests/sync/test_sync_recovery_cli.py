"""`erpsync sync purge | delete-policy | outbox` on the test database (R-SYNC-9, R-SYNC-7,
R-SEM-5)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from erpsync.cli.sync import app
from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyCreate
from erpsync.sdk.model import ActorType
from erpsync.settings import Settings
from erpsync.sync import outbox
from erpsync.sync.context import utc_now
from erpsync.sync.models import OutboxEntry, SyncLogEntry
from tests.sync.conftest import SyncEnv


@pytest.fixture
def cli(env: SyncEnv, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(settings.data_dir))
    url = env.database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("ERPSYNC_DATABASE_URL", url)
    return CliRunner()


def test_purge_deletes_old_log_entries(env: SyncEnv, cli: CliRunner) -> None:
    rows = [
        {"connection_id": env.connection_id, "logged_at": utc_now() - timedelta(days=age),
         "action": "to_crm", "field": str(age)}
        for age in (200, 100, 10)
    ]  # fmt: skip
    with env.database.session() as session:
        session.execute(insert(SyncLogEntry), rows)
    done = cli.invoke(app, ["purge", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout[done.stdout.index("{") :]) == {"deleted": 2, "days": 90}
    assert env.count(SyncLogEntry) == 1
    refused = cli.invoke(app, ["purge", "--days", "0"])
    assert refused.exit_code != 0 and "days" in refused.output
    assert env.count(SyncLogEntry) == 1


def test_purge_follows_the_retention_setting(
    env: SyncEnv, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        {"connection_id": env.connection_id, "logged_at": utc_now() - timedelta(days=age),
         "action": "to_crm", "field": str(age)}
        for age in (200, 20, 5)
    ]  # fmt: skip
    with env.database.session() as session:
        session.execute(insert(SyncLogEntry), rows)
    monkeypatch.setenv("ERPSYNC_SYNC_LOG_RETENTION_DAYS", "0")
    kept = cli.invoke(app, ["purge"])
    assert kept.exit_code == 0 and "kept forever" in kept.stdout, kept.output
    assert env.count(SyncLogEntry) == 3
    monkeypatch.setenv("ERPSYNC_SYNC_LOG_RETENTION_DAYS", "10")
    done = cli.invoke(app, ["purge", "--json"])
    assert json.loads(done.stdout[done.stdout.index("{") :]) == {"deleted": 2, "days": 10}
    assert env.count(SyncLogEntry) == 1


def test_delete_policy_is_shown_set_and_checked(env: SyncEnv, cli: CliRunner) -> None:
    assert "delete policy flag" in cli.invoke(app, ["delete-policy", "Demo ERP"]).stdout
    assert "delete policy unlink" in cli.invoke(app, ["delete-policy", "Demo ERP", "unlink"]).stdout
    bad = cli.invoke(app, ["delete-policy", "Demo ERP", "erase"])
    assert bad.exit_code != 0 and "flag, unlink, deactivate" in bad.output
    assert "delete policy unlink" in cli.invoke(app, ["delete-policy", "Demo ERP"]).stdout


def test_outbox_review_list_link_and_discard(env: SyncEnv, cli: CliRunner) -> None:
    with env.database.session() as session:
        ids = [crm.create_company(session, CompanyCreate(name=f"Review {i}")).id for i in (1, 2)]
        for crm_id in ids:
            order = outbox.CreateOrder(
                env.connection_id, ActorType.CUSTOMER, "company", crm_id, {"name": "Review"}
            )
            outbox.enqueue(session, order).state = "review"
    listed = cli.invoke(app, ["outbox", "list", "Demo ERP", "--json"])
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.stdout[listed.stdout.index("{") :])["items"]
    assert [item["crm_id"] for item in items] == ids
    first, second = (item["id"] for item in items)
    linked = cli.invoke(app, ["outbox", "link", "Demo ERP", str(first), "10003"])
    assert linked.exit_code == 0 and "Linked to 10003" in linked.stdout, linked.output
    assert env.links()["10003"].crm_id == ids[0]
    assert cli.invoke(app, ["outbox", "discard", "Demo ERP", str(second)]).exit_code == 0
    again = cli.invoke(app, ["outbox", "discard", "Demo ERP", str(second)])
    assert again.exit_code != 0 and "discarded" in again.output
    with env.database.read_session() as session:
        states = [e.state for e in session.query(OutboxEntry).order_by(OutboxEntry.id)]
    assert states == ["done", "discarded"]
