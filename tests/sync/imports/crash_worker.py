"""An import job in a process of its own, for the crash test (R-IMP-4): the test sets
`ERPSYNC_TEST_KILL_AT=import_after_batch`, the process dies after a committed batch.

    python -m tests.sync.imports.crash_worker DATABASE_URL DATA_DIR JOB_ID
"""

from __future__ import annotations

import sys
from pathlib import Path

from erpsync.connections.service import Keys
from erpsync.db import create_database
from erpsync.secrets import SecretBox
from erpsync.settings import Settings, ensure_secrets
from erpsync.sync.imports import job


def main(url: str, data_dir: str, job_id: int) -> None:
    settings, _ = ensure_secrets(Settings(data_dir=Path(data_dir)))
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    print(job.run(create_database(url), keys, job_id))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
