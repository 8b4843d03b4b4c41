"""A small connector installed as a real plug-in (a dist-info on sys.path) for these tests.

It knows only configuration: `test_config` passes for host `erp.local` with password
`right` and explains what is wrong otherwise, like a real ERP login would. The calls a
connection never makes here refuse with a config error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

from erpsync.sdk import Connector
from erpsync.sdk.errors import config_error
from erpsync.sdk.model import Access, Category, Field, FieldType, Response

KEY = "configtest"


class ConfigTestConnector(Connector):
    key = KEY
    name = "Config test ERP"
    version = "1.0"

    def config_fields(self) -> list[Field]:
        return [
            Field("host", "Host", FieldType.TEXT, access=Access.MANDATORY),
            Field("port", "Port", FieldType.INTEGER, default=5432),
            Field("user", "User", FieldType.TEXT, default="erp"),
            Field("password", "Password", FieldType.PASSWORD),
        ]

    def test_config(self, values: Any) -> Response:
        if values.get("host") != "erp.local":
            return Response.failure(
                Category.TRANSIENT, f"Host {values.get('host')} is unreachable."
            )
        if values.get("password") != "right":
            return Response.failure(
                Category.CONFIG, f"Login failed for user {values.get('user')} on erp.local."
            )
        return Response.success("Connected to erp.local.")

    def _unsupported(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise config_error("This test connector only knows its configuration.")

    open = test_connection = close = instance_id = actor_types = actor_fields = _unsupported
    searchable_fields = lists = list_items = get_actors = search = search_advanced = _unsupported
    children = changes = create = save = _unsupported  # type: ignore[assignment]


def install(folder: Path) -> Iterator[None]:
    """Make the connector discoverable through the `erpsync.connectors` entry point."""
    info = folder / "erpsync_configtest-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: erpsync-configtest\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(
        f"[erpsync.connectors]\n{KEY} = tests.connections.plugin:ConfigTestConnector\n"
    )
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))
