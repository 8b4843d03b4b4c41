"""Jobs inside the web application: its runner and, in the server, the scheduler thread.

The runner is made on first use from the app's settings (`runner_for`), so an app that
never starts a job starts no thread. `erpsync serve` and `erpsync demo` also start the
embedded scheduler (`start`) when no broker is configured; with a broker, the
`erpsync scheduler` process enqueues the due runs instead. Starting, the embedded
scheduler first enqueues again the jobs the previous process left queued or running
(`jobs.recovery`, orphaned). `stop` runs at shutdown.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from erpsync.jobs import recovery
from erpsync.jobs.registry import JobEnv, keys_of
from erpsync.jobs.runners import Runner, make_runner
from erpsync.jobs.scheduler import SchedulerThread

_lock = threading.Lock()
log = logging.getLogger(__name__)


def runner_for(app: Any) -> Runner:
    """The app's job runner (embedded threads, or Celery with a broker)."""
    with _lock:
        runner: Runner | None = getattr(app.state, "job_runner", None)
        if runner is None:
            settings = app.state.settings
            runner = make_runner(JobEnv(app.state.db, keys_of(settings), settings))
            app.state.job_runner = runner
        return runner


def start(app: Any) -> None:
    """Start the embedded scheduler, unless a broker's scheduler process does the work."""
    if app.state.settings.broker_url:
        return
    period = min(10.0, float(app.state.settings.sync_interval))
    try:
        recovery.recover(app.state.db, runner_for(app), datetime.now(UTC), orphaned=True)
    except Exception:  # the scheduler's ticks look again
        log.exception("looking for the jobs left by the previous process failed")
    app.state.scheduler = SchedulerThread(app.state.db, runner_for(app), period).start()


def stop(app: Any) -> None:
    """Stop scheduling; let a running job end, drop queued ones."""
    scheduler: SchedulerThread | None = getattr(app.state, "scheduler", None)
    if scheduler is not None:
        scheduler.stop()
    runner: Runner | None = getattr(app.state, "job_runner", None)
    if runner is not None:
        runner.shutdown(wait=True)
        app.state.job_runner = None
