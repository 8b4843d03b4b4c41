"""A connector that overrides a final method of the SDK: refused when its module loads."""

from __future__ import annotations

from typing import Any

from erpsync.connectors.demo import DemoConnector


class Overriding(DemoConnector):
    key = "overriding"

    @classmethod
    def facts(cls) -> dict[str, Any]:  # type: ignore[misc]
        return {"key": "overriding", "name": "Pretends"}
