"""Fixtures of the CRM record command tests: an installation with the standard lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpsync.cli.main import app


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ERPSYNC_DATABASE_URL", raising=False)
    runner = CliRunner()
    for step in (["db", "upgrade"], ["crm", "lists", "seed"]):
        done = runner.invoke(app, step)
        assert done.exit_code == 0, done.output
    return runner
