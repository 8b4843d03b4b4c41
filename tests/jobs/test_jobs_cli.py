"""`erpsync worker` and `erpsync scheduler` need a broker and say so (R-SYNC-10)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from erpsync.cli.main import app
from erpsync.settings import Settings


@pytest.mark.parametrize("command", ["worker", "scheduler"])
def test_without_a_broker_the_command_says_how_to_set_one(
    command: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("ERPSYNC_BROKER_URL", raising=False)
    result = CliRunner().invoke(app, [command])
    assert result.exit_code == 2
    assert "ERPSYNC_BROKER_URL" in result.output and "erpsync serve" in result.output
