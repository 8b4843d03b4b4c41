"""Named kill points for the crash tests (R-SYNC-3).

`reached(name)` ends the process at once — SIGKILL, so no `finally`, no rollback, no
flush runs, exactly like `kill -9` — when the environment variable
`ERPSYNC_TEST_KILL_AT` names this point. Unset (always, outside the crash tests) it
costs one dictionary lookup. The points:

- `after_read_batch`: a batch of the ERP change stream was read, nothing written yet
- `after_crm_write`: the CRM rows, links and log of a batch are written, not committed
- `after_commit`: a batch transaction committed (its cursor with it)
- `after_outbox_row`: an outbox entry is committed, the ERP's `create` not called yet
- `after_erp_create`: the ERP created the actor, its link not written yet

`ERPSYNC_TEST_KILL_AFTER=N` lets the point pass N-1 times and kill on the N-th.
"""

from __future__ import annotations

import os
import signal

ENV = "ERPSYNC_TEST_KILL_AT"
ENV_AFTER = "ERPSYNC_TEST_KILL_AFTER"
POINTS = (
    "after_read_batch",
    "after_crm_write",
    "after_commit",
    "after_outbox_row",
    "after_erp_create",
)
_passed: dict[str, int] = {}


def reached(name: str) -> None:
    """Die here when the crash test asks for it."""
    if os.environ.get(ENV) != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] >= int(os.environ.get(ENV_AFTER, "1")):
        os.kill(os.getpid(), signal.SIGKILL)
