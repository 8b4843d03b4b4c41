"""Where runs execute: one interface, `Runner.submit(run_id)` (R-SYNC-10).

`EmbeddedRunner` runs them on threads of the server process (the default); `InlineRunner`
runs them in the caller (CLI, tests). A Celery runner implements the same interface;
the lease taken when the run was requested keeps any of them to one run per connection.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.sync.engine import RunResult, execute

log = logging.getLogger(__name__)


class Runner(Protocol):
    def submit(self, run_id: int) -> None: ...


class InlineRunner:
    """Runs a requested run right away in the calling thread."""

    def __init__(self, database: Database, keys: Keys, **options: Any) -> None:
        self.database = database
        self.keys = keys
        self.options = options
        self.results: list[RunResult] = []

    def submit(self, run_id: int) -> None:
        self.results.append(execute(self.database, self.keys, run_id, **self.options))


class EmbeddedRunner:
    """Runs on a small thread pool of the server process."""

    def __init__(self, database: Database, keys: Keys, workers: int = 2, **options: Any) -> None:
        self.database = database
        self.keys = keys
        self.options = options
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="erpsync-sync")
        self.futures: dict[int, Future[RunResult]] = {}

    def submit(self, run_id: int) -> None:
        future = self._pool.submit(execute, self.database, self.keys, run_id, **self.options)
        future.add_done_callback(_log_crash)
        self.futures[run_id] = future

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)


def _log_crash(future: Future[RunResult]) -> None:
    error = future.exception()
    if error is not None:  # execute() reports run failures itself; this is a bug
        log.error("a sync run crashed", exc_info=error)
