"""`erpsync connection …` and `erpsync secrets rotate` (R-UI-3, R-CONN-3, R-CONN-4)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from erpsync.connectors.demo.seed import init_database
from tests.cli.test_foundation_cli import run_cli


@pytest.fixture
def installation(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    assert run_cli("db", "upgrade", data_dir=data).returncode == 0
    added = run_cli(
        "user", "add", "root", "--admin", "--password", "root-password-1", data_dir=data
    )
    assert added.returncode == 0, added.stderr
    init_database(
        tmp_path / "erp.db", customers=10, suppliers=2, partners=1, access_key="key-123456"
    )
    return data


def test_add_tests_first_and_refuses_a_failing_configuration(
    installation: Path, tmp_path: Path
) -> None:
    failing = run_cli(
        "connection",
        "add",
        "ERP",
        "--connector",
        "demo",
        "-c",
        f"database={tmp_path / 'erp.db'}",
        "-c",
        "access_key=wrong",
        data_dir=installation,
    )
    assert failing.returncode == 1
    assert "nothing was saved" in failing.stderr
    listed = run_cli("connection", "list", "--json", data_dir=installation)
    assert json.loads(listed.stdout) == []

    config = tmp_path / "erp.yaml"
    config.write_text(f"database: {tmp_path / 'erp.db'}\naccess_key: key-123456\n")
    added = run_cli(
        "connection",
        "add",
        "ERP",
        "--connector",
        "demo",
        "--config-file",
        str(config),
        "--description",
        "Main ERP",
        data_dir=installation,
    )
    assert added.returncode == 0, added.stderr
    assert "Connected to the demo ERP (10 customers" in added.stdout
    shown = json.loads(run_cli("connection", "list", "--json", data_dir=installation).stdout)
    assert shown[0]["config"]["access_key"] == {"set": True}
    assert "key-123456" not in json.dumps(shown)


def test_edit_test_activate_delete_restore_by_name(installation: Path, tmp_path: Path) -> None:
    erp = tmp_path / "erp.db"
    run_cli(
        "connection",
        "add",
        "ERP",
        "--connector",
        "demo",
        "-c",
        f"database={erp}",
        "-c",
        "access_key=key-123456",
        data_dir=installation,
    )
    edited = run_cli(
        "connection", "edit", "erp", "-c", "batch_size=50", "--name", "Main", data_dir=installation
    )
    assert edited.returncode == 0, edited.stderr
    tested = run_cli("connection", "test", "Main", data_dir=installation)
    assert tested.returncode == 0 and "Connected" in tested.stdout
    refused = run_cli("connection", "activate", "Main", data_dir=installation)
    assert refused.returncode != 0 and "No actor type is mapped yet" in refused.stdout
    mapped = run_cli("mapping", "automap", "Main", "--apply", data_dir=installation)
    assert mapped.returncode == 0 and "Customer: 11 fields mapped" in mapped.stdout, mapped.stderr
    assert run_cli("connection", "activate", "Main", data_dir=installation).returncode == 0
    assert run_cli("connection", "delete", "Main", data_dir=installation).returncode == 0
    assert json.loads(run_cli("connection", "list", "--json", data_dir=installation).stdout) == []
    restored = run_cli("connection", "restore", "1", data_dir=installation)
    assert restored.returncode == 0, restored.stderr
    missing = run_cli("connection", "test", "Nope", data_dir=installation)
    assert missing.returncode == 1 and "No connection named 'Nope'" in missing.stderr


def test_bad_config_pair_and_unknown_connector_are_one_line_errors(
    installation: Path,
) -> None:
    bad = run_cli(
        "connection", "add", "ERP", "--connector", "demo", "-c", "novalue", data_dir=installation
    )
    assert bad.returncode == 1 and "'novalue' is not KEY=VALUE" in bad.stderr
    unknown = run_cli("connection", "add", "ERP", "--connector", "nope", data_dir=installation)
    assert unknown.returncode == 1 and "demo" in unknown.stderr
    assert "Traceback" not in bad.stderr + unknown.stderr


def test_secrets_rotate_re_encrypts_under_a_new_first_key(
    installation: Path, tmp_path: Path
) -> None:
    run_cli(
        "connection",
        "add",
        "ERP",
        "--connector",
        "demo",
        "-c",
        f"database={tmp_path / 'erp.db'}",
        "-c",
        "access_key=key-123456",
        data_dir=installation,
    )
    stored = json.loads((installation / "secrets.json").read_text())
    from cryptography.fernet import Fernet

    new_key = Fernet.generate_key().decode()
    keys = json.dumps([new_key, *stored["secret_keys"]])
    rotated = run_cli("secrets", "rotate", data_dir=installation, ERPSYNC_SECRET_KEYS=keys)
    assert "Re-encrypted 1 secret(s)" in rotated.stdout
    only_new = json.dumps([new_key])
    tested = run_cli(
        "connection", "test", "ERP", data_dir=installation, ERPSYNC_SECRET_KEYS=only_new
    )
    assert tested.returncode == 0, tested.stderr
    with sqlite3.connect(installation / "erpsync.db") as db:
        (value,) = db.execute("SELECT value FROM connection_values WHERE secret = 1").fetchone()
    assert "key-123456" not in value
