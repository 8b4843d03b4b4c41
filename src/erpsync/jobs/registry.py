"""The named jobs and what they need to run: a database, the secret keys, the settings.

A concern registers its jobs with `@job("name")` in a module listed in `JOB_MODULES`;
runners call `run_job(env, name, args)`. Arguments are plain JSON values so every runner
(threads or a Celery broker) can carry them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from erpsync.connections.service import Keys
from erpsync.db import Database, create_database
from erpsync.errors import NotFound
from erpsync.secrets import SecretBox
from erpsync.settings import Settings

#: Modules whose import registers jobs; other concerns add theirs here.
JOB_MODULES = ("erpsync.jobs.sync_jobs", "erpsync.jobs.import_jobs", "erpsync.jobs.purge_jobs")

JobArgs = dict[str, Any]
JobFunction = Callable[["JobEnv", JobArgs], Any]
_JOBS: dict[str, JobFunction] = {}


@dataclass(frozen=True)
class JobEnv:
    """What a job runs with; one per process (server or worker)."""

    database: Database
    keys: Keys
    settings: Settings

    @classmethod
    def from_settings(cls, settings: Settings, database: Database | None = None) -> JobEnv:
        return cls(
            database or create_database(settings.sqlalchemy_url),
            keys_of(settings),
            settings,
        )


def keys_of(settings: Settings) -> Keys:
    return Keys(SecretBox(settings.secret_keys), settings.session_secret)


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a function as the job `name`."""

    def register(function: JobFunction) -> JobFunction:
        _JOBS[name] = function
        return function

    return register


def _load() -> None:
    for module in JOB_MODULES:
        importlib.import_module(module)


def known() -> list[str]:
    _load()
    return sorted(_JOBS)


def run_job(env: JobEnv, name: str, args: JobArgs) -> Any:
    """Run one job in this thread; an unknown name lists the known ones."""
    _load()
    function = _JOBS.get(name)
    if function is None:
        raise NotFound(f"No job named '{name}' (known: {', '.join(sorted(_JOBS))}).")
    return function(env, args)
