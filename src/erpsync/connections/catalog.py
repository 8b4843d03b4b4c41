"""The installed connectors as connections see them: the SDK registry plus its host.

Every connector call goes through `ConnectorHost`, so it runs under the connection's
timeout and a misbehaving connector becomes a categorised answer, never a crash here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from erpsync.errors import ValidationError
from erpsync.sdk import registry
from erpsync.sdk.connector import Connector
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Field, FieldType, Response

DEFAULT_TIMEOUT = 30.0


def installed() -> list[registry.ConnectorInfo]:
    return sorted(registry.available(), key=lambda info: info.key)


def is_installed(key: str) -> bool:
    return any(info.key == key and info.ok for info in registry.available())


def connector_class(key: str) -> type[Connector]:
    """The class for `key`; an unknown or broken one is a validation error naming it."""
    try:
        return registry.load(key)
    except ConnectorError as exc:
        raise ValidationError(exc.user_explanation or str(exc), field="connector") from exc


def host(key: str, timeout: float = DEFAULT_TIMEOUT) -> ConnectorHost:
    return ConnectorHost(connector_class(key)(), timeout=timeout)


def config_fields(key: str) -> list[Field]:
    try:
        return host(key).config_fields()
    except ConnectorError as exc:
        raise ValidationError(
            f"The connector '{key}' cannot describe its configuration: {exc.user_explanation}",
            field="connector",
        ) from exc


def test_config(key: str, values: Mapping[str, Any], timeout: float = DEFAULT_TIMEOUT) -> Response:
    """The connector's verdict on these values; never raises for the connector's faults."""
    return host(key, timeout).test_config(dict(values))


def field_dict(field: Field) -> dict[str, Any]:
    """A field's metadata as JSON for the connection dialog (defaults of secrets hidden)."""
    secret = field.type is FieldType.PASSWORD
    return {
        "key": field.key,
        "display_name": field.display_name,
        "description": field.description,
        "type": field.type.value,
        "list_name": field.list_name,
        "default": None
        if secret or field.default is None
        else str(field.default)
        if not isinstance(field.default, bool | int | float)
        else field.default,
        "max_length": field.max_length,
        "access": field.access.value,
        "rank": field.rank,
    }
