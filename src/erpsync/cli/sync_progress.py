"""The progress bar of `erpsync sync run` (R-UI-3, R-SYNC-9): records read by both
passes against an expected total, with the run's counts as it goes.

The total comes from `sync.estimate` before the run; when the run reaches the CRM side
the ERP side is known exactly and the CRM side is counted again, and a total the run
passes grows with it. At the end the total is what the run read, so the bar closes full.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from erpsync.db import Database
from erpsync.mapping.crm_fields import ENTITIES
from erpsync.sync import estimate
from erpsync.sync.context import RunContext

#: Counts shown beside the bar, in this order, with their labels.
SHOWN = (
    ("read", "read"),
    ("created", "created"),
    ("updated", "updated"),
    ("crm_read", "CRM read"),
    ("saved", "saved"),
    ("created_in_erp", "created in ERP"),
    ("conflicts", "conflicts"),
    ("dead_letters", "dead letters"),
)
CRM_STAGES = ("crm:", "crm-create:")


def counts_text(counts: dict[str, int]) -> str:
    """`read 12 · created 12 · …`: the main counts, always with read, created, updated
    and dead letters, the others once they happen."""
    always = {"read", "created", "updated", "dead_letters"}
    shown = [
        f"{label} {counts.get(key, 0)}" for key, label in SHOWN if key in always or counts.get(key)
    ]
    return " · ".join(shown)


class _Lines(Progress):
    """The bar on one line, the run's counts on the next (they do not fit beside it)."""

    counts = counts_text({})

    def get_renderables(self) -> Iterable[RenderableType]:
        yield self.make_tasks_table(self.tasks)
        yield Text(self.counts, overflow="fold")


class RunBar:
    """A Rich progress bar following one run through the engine's `progress` callback."""

    def __init__(
        self, database: Database, connection_id: int, resync: str | None, console: Console
    ) -> None:
        self.database, self.connection_id, self.resync = database, connection_id, resync
        with database.read_session() as session:
            found = estimate.of_run(session, connection_id, resync)
        self.erp, self.crm = found.erp, found.crm
        self.crm_counted = False
        self.started: set[str] = set()  # CRM kinds whose pass has reported
        self.bar = _Lines(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self.task = self.bar.add_task("starting", total=self._total({}))

    def __enter__(self) -> RunBar:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def _total(self, counts: dict[str, int]) -> int | None:
        read, crm_read = counts.get("read", 0), counts.get("crm_read", 0)
        if self.erp is None and not self.crm_counted:
            return None  # the ERP side has no estimate yet: the bar pulses
        erp = read if self.crm_counted else max(self.erp or 0, read)
        return erp + max(self.crm, crm_read)

    def _recount(self, ctx: RunContext, stage: str) -> None:
        """The ERP side is over: it read what it read; count the CRM side again."""
        if stage.startswith("crm:"):
            self.started.add(stage.removeprefix("crm:"))
        from_start = set(ENTITIES) - self.started if self.resync == "crm" else set()
        with self.database.read_session() as session:
            left = estimate.crm_reads(session, self.connection_id, from_start)
        self.crm = ctx.counts.get("crm_read", 0) + left
        self.crm_counted = True

    def report(self, ctx: RunContext, stage: str) -> None:
        """The engine's progress callback: after every committed batch."""
        if stage.startswith(CRM_STAGES) and not self.crm_counted:
            self._recount(ctx, stage)
        counts = ctx.counts
        self._show(counts, stage, self._total(counts))

    def finish(self, counts: dict[str, Any], state: str) -> None:
        """The run is over: the total is what it read."""
        done = int(counts.get("read", 0)) + int(counts.get("crm_read", 0))
        self.bar.counts = counts_text(counts)
        self.bar.update(self.task, total=done, completed=done, description=state)

    def _show(self, counts: dict[str, int], stage: str, total: int | None) -> None:
        done = counts.get("read", 0) + counts.get("crm_read", 0)
        self.bar.counts = counts_text(counts)
        self.bar.update(self.task, total=total, completed=done, description=stage)
