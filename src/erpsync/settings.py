"""Settings: read from `ERPSYNC_*` environment variables and `.env`, never at import time.

Secret keys that are not given are generated once into the data directory (mode 0600)
so a fresh install works without set-up, and the CLI tells where they live.
"""

from __future__ import annotations

import base64
import json
import os
import secrets as _stdlib_secrets
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRETS_FILE = "secrets.json"


class Settings(BaseSettings):
    """All configuration of one erpsync installation."""

    model_config = SettingsConfigDict(
        env_prefix="ERPSYNC_", env_file=".env", extra="ignore", validate_default=True
    )

    data_dir: Path = Field(default=Path("var"), description="Where the SQLite file and keys live.")
    database_url: str = Field(default="", description="SQLAlchemy URL; default SQLite in data_dir.")
    secret_keys: list[str] = Field(
        default_factory=list,
        description="Fernet keys for secrets at rest; the first encrypts, all decrypt (rotation).",
    )
    session_secret: str = Field(default="", description="Signs session cookies and test tokens.")
    broker_url: str | None = Field(default=None, description="Celery broker; none = embedded.")
    job_queue: str = Field(default="erpsync", description="Celery queue the jobs go to.")
    host: str = "127.0.0.1"
    port: int = 8000
    connector_timeout: float = Field(default=30.0, gt=0)
    sync_interval: int = Field(default=300, ge=10, description="Seconds between scheduled runs.")
    sync_lease_seconds: int = Field(
        default=60, ge=5, le=3600, description="A running sync run's lease, renewed as it goes."
    )
    sync_log_retention_days: int = Field(
        default=90, ge=0, description="Days the sync log is kept; purged daily. 0 = forever."
    )
    log_level: str = "INFO"
    log_json: bool = False
    secure_cookies: bool = False

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, with the default SQLite file and the psycopg 3 driver filled in."""
        url = self.database_url.strip()
        if not url:
            return f"sqlite:///{self.data_dir / 'erpsync.db'}"
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            return "postgresql+psycopg://" + url.split("://", 1)[1]
        return url

    @property
    def secrets_path(self) -> Path:
        return self.data_dir / SECRETS_FILE


def _generated_secrets() -> dict[str, Any]:
    return {
        "secret_keys": [base64.urlsafe_b64encode(os.urandom(32)).decode()],
        "session_secret": _stdlib_secrets.token_urlsafe(48),
    }


def ensure_secrets(settings: Settings) -> tuple[Settings, Path | None]:
    """Fill missing keys from the data directory, generating them on first run.

    Returns the completed settings and the path of the secrets file when it was used.
    """
    if settings.secret_keys and settings.session_secret:
        return settings, None
    path = settings.secrets_path
    if path.exists():
        stored = json.loads(path.read_text())
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        stored = _generated_secrets()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(stored, handle)
    update: dict[str, Any] = {}
    if not settings.secret_keys:
        update["secret_keys"] = stored["secret_keys"]
    if not settings.session_secret:
        update["session_secret"] = stored["session_secret"]
    return settings.model_copy(update=update), path


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment (plus overrides) and complete the secret keys."""
    settings, _ = ensure_secrets(Settings(**overrides))
    return settings
