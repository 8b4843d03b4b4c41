"""Logs: JSON lines when asked, and secrets masked as a last line of defence (R-NF-3/4)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from erpsync.logs import JsonFormatter, RedactingFilter, configure_logging, redact
from erpsync.settings import Settings


@pytest.mark.parametrize(
    "line",
    [
        "connect password=hunter2 host=db",
        'config {"password": "hunter2"}',
        "url token: hunter2",
        "api_key=hunter2&x=1",
    ],
)
def test_secret_assignments_are_masked(line: str) -> None:
    assert "hunter2" not in redact(line)
    assert "***" in redact(line)


def test_json_log_lines_carry_level_logger_and_context(tmp_path: Path) -> None:
    configure_logging(Settings(data_dir=tmp_path, log_json=True))
    record = logging.LogRecord("erpsync.sync", logging.WARNING, __file__, 1, "run %s", (7,), None)
    record.connection_id = 3
    RedactingFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "warning"
    assert entry["message"] == "run 7"
    assert entry["connection_id"] == 3
