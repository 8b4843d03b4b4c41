"""The pytest plug-in of the conformance kit (entry point `pytest11: erpsync_testkit`).

Loaded by every pytest run in an environment where erpsync is installed, so it stays
tiny and imports nothing heavy: it declares the marker of the kit's tests and names
the kit in the report header. The checks live in `erpsync.sdk.testkit`.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "erpsync_conformance: a check of the erpsync connector conformance kit (R-SDK-8)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return "erpsync connector conformance kit: subclass erpsync.sdk.testkit.ConnectorConformance"
