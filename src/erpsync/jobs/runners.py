"""Where jobs execute: one interface, `Runner.submit(name, args)` (R-SYNC-10).

`EmbeddedRunner` (the default) runs jobs on a small thread pool of the server process;
`InlineRunner` runs them in the caller (CLI, tests); `CeleryRunner` (in `celery_app`)
sends them to Celery workers. `make_runner` chooses by the settings: a broker URL means
Celery. What keeps a connection to one run at a time is the lease in the database, not
the runner.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from erpsync.jobs.registry import JobArgs, JobEnv, run_job

log = logging.getLogger(__name__)


class Runner(Protocol):
    def submit(self, name: str, args: JobArgs) -> None: ...

    def shutdown(self, wait: bool = True) -> None: ...


class InlineRunner:
    """Runs a job right away in the calling thread; keeps the results (CLI, tests)."""

    def __init__(self, env: JobEnv) -> None:
        self.env = env
        self.results: list[Any] = []

    def submit(self, name: str, args: JobArgs) -> None:
        self.results.append(run_job(self.env, name, args))

    def shutdown(self, wait: bool = True) -> None:
        return None


class EmbeddedRunner:
    """Runs jobs on threads of the server process."""

    def __init__(self, env: JobEnv, workers: int = 2) -> None:
        self.env = env
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="erpsync-job")
        self.futures: list[Future[Any]] = []

    def submit(self, name: str, args: JobArgs) -> None:
        future = self._pool.submit(run_job, self.env, name, dict(args))
        future.add_done_callback(_log_crash)
        self.futures = [f for f in self.futures if not f.done()] + [future]

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)


def _log_crash(future: Future[Any]) -> None:
    error = future.exception()
    if error is not None:  # jobs report their own failures; this is a bug
        log.error("a job crashed", exc_info=error)


def make_runner(env: JobEnv) -> Runner:
    """Celery when a broker is configured, else threads of this process."""
    if env.settings.broker_url:
        from erpsync.jobs.celery_app import CeleryRunner

        return CeleryRunner(env.settings)
    return EmbeddedRunner(env)
