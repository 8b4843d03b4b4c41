"""What every CLI command shares: settings, the database, one-line errors, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError as PydanticValidationError
from rich.console import Console

from erpsync.db import Database, create_database
from erpsync.errors import ErpSyncError
from erpsync.settings import Settings, ensure_secrets

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def load() -> Settings:
    """Settings for this command; says where generated keys were written the first time."""
    try:
        settings = Settings()
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ErpSyncError(f"Setting ERPSYNC_{field.upper()} is invalid: {first['msg']}") from exc
    existed = settings.secrets_path.exists()
    settings, path = ensure_secrets(settings)
    if path is not None and not existed:
        err_console.print(f"Generated secret keys in {path} (mode 0600); back this file up.")
    return settings


def database(settings: Settings) -> Database:
    return create_database(settings.sqlalchemy_url)


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]Error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def friendly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected errors into one line on stderr and exit code 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ErpSyncError as exc:
            where = f" ({exc.field})" if exc.field else ""
            raise fail(f"{exc.message}{where}") from None
        except PydanticValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "input"
            raise fail(f"{field}: {first['msg']}") from None

    return wrapper


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
