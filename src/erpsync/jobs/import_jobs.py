"""The import's job: `import.run` previews or commits an import job (R-IMP-4).

The job is created (and, for a commit, its lease taken) before it is enqueued; the job
function claims it once and carries it out, so a job delivered twice runs once. A commit
holds the connection's short lease (`ERPSYNC_SYNC_LEASE_SECONDS`) with a heartbeat.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from erpsync.jobs.registry import JobArgs, JobEnv, job
from erpsync.sync.imports import job as import_job

if TYPE_CHECKING:
    from erpsync.jobs.runners import Runner

IMPORT_RUN = "import.run"


@job(IMPORT_RUN)
def import_run(env: JobEnv, args: JobArgs) -> dict[str, Any]:
    job_id = int(args["job_id"])
    ttl = timedelta(seconds=env.settings.sync_lease_seconds)
    state = import_job.run(env.database, env.keys, job_id, lease_ttl=ttl)
    return {"job_id": job_id, "state": state}


def submit(runner: Runner, job_id: int) -> None:
    runner.submit(IMPORT_RUN, {"job_id": job_id})
