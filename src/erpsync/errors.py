"""The one error family of erpsync; its category decides what the API, CLI and engine do.

`config` → fix settings, do not retry (API 400/409, engine pauses the connection);
`transient` → retry with back-off (API 503); `data` → this record only (API 422,
engine quarantines it); `system` → a bug (API 500).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Category(StrEnum):
    CONFIG = "config"
    TRANSIENT = "transient"
    DATA = "data"
    SYSTEM = "system"


class ErpSyncError(Exception):
    """Root of every error erpsync raises on purpose. `message` is fit to show a user."""

    category: Category = Category.SYSTEM
    status: int = 500
    title: str = "Internal error"

    def __init__(self, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra


class ConfigError(ErpSyncError):
    category = Category.CONFIG
    status = 400
    title = "Configuration error"


class TransientError(ErpSyncError):
    category = Category.TRANSIENT
    status = 503
    title = "Temporarily unavailable"


class DataError(ErpSyncError):
    category = Category.DATA
    status = 422
    title = "Invalid data"


class SystemError_(ErpSyncError):
    category = Category.SYSTEM
    status = 500
    title = "Internal error"


class ValidationError(DataError):
    """Bad input from a user: names the field in `field`."""

    title = "Validation error"


class NotFound(ErpSyncError):
    category = Category.DATA
    status = 404
    title = "Not found"


class Conflict(ErpSyncError):
    """The request clashes with existing state (duplicate name, stale edit)."""

    category = Category.DATA
    status = 409
    title = "Conflict"


class PermissionDenied(ErpSyncError):
    category = Category.CONFIG
    status = 403
    title = "Forbidden"


class Unauthorized(ErpSyncError):
    category = Category.CONFIG
    status = 401
    title = "Not signed in"
