"""`ConnectorConformance`: the base test class a connector's test module subclasses.

    class TestMyErp(ConnectorConformance):
        def make_connector(self): return MyErpConnector()
        def config_values(self): return {...}
        def insert_actor(self, actor_type, values, parent): ...
        ...

pytest then collects one test per check (`test_search_operators`, …); a failing one
reports which check, connector, call and record broke the contract.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from erpsync.sdk.testkit.checks import CHECKS, Check
from erpsync.sdk.testkit.kit import CheckSkipped, ConformanceFailure, ConformanceHooks, run_check


def _run(hooks: ConformanceHooks, check: Check, workdir: Path) -> None:
    skipped = failed = None
    try:
        run_check(check, hooks, workdir)
    except CheckSkipped as exc:
        skipped = str(exc)
    except ConformanceFailure as exc:
        failed = str(exc)
    # Outside the except blocks, so pytest shows only the message: it names the check,
    # connector, call and record, and the kit's own frames would bury it.
    if skipped is not None:
        pytest.skip(skipped)
    if failed is not None:
        pytest.fail(failed, pytrace=False)


def _test_for(name: str, check: Check) -> object:
    def test(self: ConnectorConformance, tmp_path: Path) -> None:
        _run(self, check, tmp_path)

    test.__name__ = f"test_{name}"
    test.__doc__ = (check.__doc__ or "").strip() or f"Conformance check {name}."
    return pytest.mark.erpsync_conformance(test)


class ConnectorConformance(ConformanceHooks):
    """Subclass as `Test…` and provide the hooks of `ConformanceHooks`. (This base is
    not collected itself: its name does not start with `Test`.)"""


for _name, _check in CHECKS.items():
    setattr(ConnectorConformance, f"test_{_name}", _test_for(_name, _check))
