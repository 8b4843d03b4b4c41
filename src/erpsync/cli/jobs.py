"""`erpsync worker` and `erpsync scheduler`: jobs on Celery (R-SYNC-10).

With `ERPSYNC_BROKER_URL` set (redis://… or amqp://…), the server enqueues jobs instead
of running them on its own threads; `erpsync worker` processes run them and
`erpsync scheduler` enqueues the due sync runs. Start as many workers as you like: the
lease keeps each connection to one run at a time.
"""

from __future__ import annotations

import os
import time

import typer

from erpsync.cli.runtime import console, database, fail, friendly, load
from erpsync.jobs.registry import JobEnv
from erpsync.jobs.runners import make_runner
from erpsync.jobs.scheduler import SchedulerThread, tick
from erpsync.logs import configure_logging
from erpsync.settings import Settings
from erpsync.sync.context import utc_now

NO_BROKER = "No broker is configured: set ERPSYNC_BROKER_URL (redis://… or amqp://…)."


def _need_broker(settings: Settings) -> None:
    if not settings.broker_url:
        raise fail(NO_BROKER + " Without one, `erpsync serve` runs jobs itself.", 2)


@friendly
def worker(
    concurrency: int = typer.Option(1, min=1, max=64, help="Jobs run at the same time."),
    pool: str = typer.Option("prefork", help="Celery pool: prefork, threads or solo."),
    name: str = typer.Option("", help="Worker name (default erpsync-<pid>)."),
) -> None:
    """Run jobs from the broker's queue (Celery worker)."""
    from erpsync.jobs.celery_app import make_celery

    settings = load()
    _need_broker(settings)
    configure_logging(settings)
    console.print(
        f"erpsync worker: queue '{settings.job_queue}', concurrency {concurrency}", highlight=False
    )
    app = make_celery(settings)
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--queues={settings.job_queue}",
            f"--hostname={name or f'erpsync-{os.getpid()}'}@%h",
            f"--loglevel={settings.log_level}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


@friendly
def scheduler(
    period: float = typer.Option(10.0, min=0.5, help="Seconds between looks for due runs."),
    once: bool = typer.Option(False, "--once", help="Enqueue the due runs once and exit."),
) -> None:
    """Enqueue the sync runs that are due, per connection interval, to the workers."""
    settings = load()
    _need_broker(settings)
    configure_logging(settings)
    db = database(settings)
    runner = make_runner(JobEnv.from_settings(settings, db))
    if once:
        started = tick(db, runner, utc_now())
        console.print(f"Enqueued {len(started)} run(s).")
        return
    console.print(f"erpsync scheduler: every {period:g} s", highlight=False)
    thread = SchedulerThread(db, runner, period).start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        thread.stop()
