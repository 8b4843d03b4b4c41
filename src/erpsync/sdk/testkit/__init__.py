"""The connector conformance kit (R-SDK-8).

A connector package tests itself against its own (test) ERP by subclassing
`ConnectorConformance` in a pytest module and providing the hooks; every check of
`CHECKS` then runs as one test. The checks are plain functions of a `Kit`, so they
can also run outside pytest (`run_check`).
"""

from erpsync.sdk.testkit.base import ConnectorConformance
from erpsync.sdk.testkit.checks import CHECKS
from erpsync.sdk.testkit.kit import (
    SMALL_BATCH,
    CheckSkipped,
    ConformanceFailure,
    ConformanceHooks,
    Kit,
    LateCommit,
    default_sample,
    run_check,
)

__all__ = [
    "CHECKS",
    "SMALL_BATCH",
    "CheckSkipped",
    "ConformanceFailure",
    "ConformanceHooks",
    "ConnectorConformance",
    "Kit",
    "LateCommit",
    "default_sample",
    "run_check",
]
