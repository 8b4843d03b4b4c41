"""A CRM record deleted with `erpsync company delete` (R-UI-3, R-SYNC-7): the next sync run
ends its link (kept as history, logged `unlinked`) and nothing is deleted in the ERP."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpsync.cli.main import app
from erpsync.sdk.model import ActorType
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def test_a_company_deleted_on_the_command_line_is_unlinked_by_the_next_run(
    env: SyncEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    assert env.run().state == "succeeded"
    link = env.links()["10003"]
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(tmp_path / "cli"))
    url = env.database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("ERPSYNC_DATABASE_URL", url)
    deleted = CliRunner().invoke(app, ["company", "delete", str(link.crm_id), "--yes"])
    assert deleted.exit_code == 0, deleted.output
    assert "Any ERP links it has end at the next sync run" in deleted.output

    result = env.run()
    assert result.state == "succeeded", result.error
    assert result.counts["unlinked"] == 1
    after = env.links()["10003"]
    assert (after.state, after.crm_id) == ("unlinked", link.crm_id)
    assert [entry.erp_key for entry in env.log(action="unlinked")] == ["10003"]
    with env.erp() as erp:
        assert (found := erp.show(ActorType.CUSTOMER, "10003")) is not None
        assert not found.deleted
    assert env.saves == []
