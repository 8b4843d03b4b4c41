"""The demo connector passes the whole conformance kit in-process (R-CON-4, R-SDK-8)."""

from __future__ import annotations

from erpsync.sdk.testkit import ConnectorConformance
from tests.connectors.demo_hooks import DemoHooks


class TestDemoConformance(DemoHooks, ConnectorConformance):
    """Every check of the kit against a fresh small demo ERP."""
