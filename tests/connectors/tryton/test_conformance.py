"""The Tryton connector passes the whole conformance kit against a real trytond
(R-CON-2, R-SDK-8)."""

from __future__ import annotations

from erpsync.sdk.testkit import ConnectorConformance
from tests.connectors.tryton.hooks import TrytonHooks


class TestTrytonConformance(TrytonHooks, ConnectorConformance):
    """Every check of the kit, each against a trytond on a fresh copy of the template."""
