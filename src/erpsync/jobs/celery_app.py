"""Jobs on Celery workers (R-SYNC-10): `ERPSYNC_BROKER_URL=redis://…` or `amqp://…`.

One task, `erpsync.job(name, args)`, runs any registered job. Tasks are acknowledged
after they ran (`acks_late`) and given back when a worker process dies
(`reject_on_worker_lost`); a worker takes one task at a time (prefetch 1), so a long run
never holds others back. Results are not stored: runs keep their own state.
"""

from __future__ import annotations

import threading
from typing import Any

from celery import Celery

from erpsync.jobs.registry import JobArgs, JobEnv, run_job
from erpsync.settings import Settings

TASK = "erpsync.job"
_env_lock = threading.Lock()


def make_celery(settings: Settings) -> Celery:
    """A Celery app for these settings; its task builds the job environment once."""
    app = Celery("erpsync", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.job_queue,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    envs: dict[str, JobEnv] = {}

    def env() -> JobEnv:
        with _env_lock:
            if "env" not in envs:
                envs["env"] = JobEnv.from_settings(settings)
            return envs["env"]

    @app.task(name=TASK, acks_late=True, reject_on_worker_lost=True)  # type: ignore[untyped-decorator]
    def run(name: str, args: JobArgs) -> Any:
        return run_job(env(), name, args)

    return app


class CeleryRunner:
    """Sends jobs to the workers of the configured broker."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = make_celery(settings)

    def submit(self, name: str, args: JobArgs) -> None:
        self.app.send_task(TASK, args=[name, dict(args)], queue=self.settings.job_queue)

    def shutdown(self, wait: bool = True) -> None:
        self.app.close()
