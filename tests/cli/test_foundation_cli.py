"""The CLI of the foundation: db upgrade, users, groups, tokens; one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import PG_ADMIN_URL, need_service


def run_cli(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ERPSYNC_DATA_DIR": str(data_dir), **env}
    if "ERPSYNC_DATABASE_URL" not in env:
        environment.pop("ERPSYNC_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "erpsync", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_db_upgrade_then_users_groups_and_a_token(tmp_path: Path) -> None:
    first = run_cli("db", "upgrade", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Generated secret keys in" in first.stderr
    assert "is at revision" in first.stdout
    added = run_cli(
        "user", "add", "eva", "--admin", "--password", "eva-password-1", data_dir=tmp_path
    )
    assert added.returncode == 0, added.stderr
    assert "Added user eva (admin)" in added.stdout
    run_cli("user", "add", "olle", "--password", "olle-password-1", data_dir=tmp_path)
    group = run_cli("group", "add", "Sales", "-m", "eva", "-m", "olle", data_dir=tmp_path)
    assert "2 member(s)" in group.stdout
    token = run_cli("token", "create", "--user", "eva", data_dir=tmp_path)
    assert token.returncode == 0
    assert token.stdout.strip().splitlines()[-1].startswith("erps_")
    listed = run_cli("user", "list", "--json", data_dir=tmp_path)
    assert [u["login"] for u in json.loads(listed.stdout)] == ["eva", "olle"]


def test_duplicate_login_is_one_line_without_traceback(tmp_path: Path) -> None:
    run_cli("db", "upgrade", data_dir=tmp_path)
    run_cli("user", "add", "eva", "--password", "eva-password-1", data_dir=tmp_path)
    again = run_cli("user", "add", "EVA", "--password", "eva-password-1", data_dir=tmp_path)
    assert again.returncode == 1
    assert "Traceback" not in again.stderr
    assert "already exists" in again.stderr


def test_a_too_short_password_names_the_field(tmp_path: Path) -> None:
    run_cli("db", "upgrade", data_dir=tmp_path)
    result = run_cli("user", "add", "eva", "--password", "short", data_dir=tmp_path)
    assert result.returncode == 1
    assert "password" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nonsense", "not valid"),
        ("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", "Cannot reach the database"),
        ("oracle+nodriver://x@y/z", "No driver"),
    ],
)
def test_bad_database_url_gives_one_line_error(tmp_path: Path, url: str, expected: str) -> None:
    result = run_cli("db", "upgrade", data_dir=tmp_path, ERPSYNC_DATABASE_URL=url)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert expected in errors[0]


def test_db_upgrade_works_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    need_service("PostgreSQL", "127.0.0.1", 5432)
    assert PG_ADMIN_URL
    result = run_cli("db", "upgrade", data_dir=tmp_path, ERPSYNC_DATABASE_URL=pg_url)
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout
