"""Settings from ERPSYNC_ variables; keys generated once into the data directory (0600)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from erpsync.errors import ConfigError
from erpsync.secrets import SecretBox
from erpsync.settings import Settings, ensure_secrets


def test_default_database_is_an_sqlite_file_in_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / 'erpsync.db'}"


def test_postgres_urls_use_psycopg_3(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url="postgresql://u@h/db")
    assert settings.sqlalchemy_url == "postgresql+psycopg://u@h/db"


def test_environment_variables_configure_erpsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ERPSYNC_PORT", "8123")
    monkeypatch.setenv("ERPSYNC_BROKER_URL", "redis://127.0.0.1:6379/0")
    settings = Settings()
    assert (settings.data_dir, settings.port) == (tmp_path, 8123)
    assert settings.broker_url == "redis://127.0.0.1:6379/0"


def test_missing_keys_are_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    first, path = ensure_secrets(Settings(data_dir=tmp_path))
    assert path == tmp_path / "secrets.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second, _ = ensure_secrets(Settings(data_dir=tmp_path))
    assert first.secret_keys == second.secret_keys
    assert first.session_secret == second.session_secret
    assert json.loads(path.read_text())["secret_keys"] == first.secret_keys


def test_given_keys_are_used_and_no_file_is_written(tmp_path: Path) -> None:
    box_key = ensure_secrets(Settings(data_dir=tmp_path / "a"))[0].secret_keys[0]
    completed, path = ensure_secrets(
        Settings(data_dir=tmp_path / "b", secret_keys=[box_key], session_secret="s" * 40)
    )
    assert path is None
    assert completed.secret_keys == [box_key]
    assert not (tmp_path / "b" / "secrets.json").exists()


def test_secret_box_rotates_to_a_new_key_and_still_reads_old_tokens(tmp_path: Path) -> None:
    old = ensure_secrets(Settings(data_dir=tmp_path / "old"))[0].secret_keys[0]
    new = ensure_secrets(Settings(data_dir=tmp_path / "new"))[0].secret_keys[0]
    token = SecretBox([old]).encrypt("erp-password")
    rotated_box = SecretBox([new, old])
    assert rotated_box.decrypt(token) == "erp-password"
    rotated = rotated_box.rotate(token)
    assert SecretBox([new]).decrypt(rotated) == "erp-password"
    with pytest.raises(ConfigError, match="cannot be decrypted"):
        SecretBox([new]).decrypt(token)


def test_an_invalid_secret_key_is_a_clear_config_error() -> None:
    with pytest.raises(ConfigError, match="not a valid Fernet key"):
        SecretBox(["short"])
