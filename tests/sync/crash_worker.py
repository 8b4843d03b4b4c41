"""A sync run in a process of its own, for the crash tests (R-SYNC-3): the test sets
`ERPSYNC_TEST_KILL_AT` or kills this process, then runs it again to resume.

    python -m tests.sync.crash_worker DATABASE_URL DATA_DIR CONNECTION_ID ATTEMPT

`ATTEMPT` moves this process's clock on by that many (short, running) lease lifetimes,
so a resumed run takes over the lease a killed one left behind, as it does once the
lease expired: about a minute after the kill, since a live run keeps renewing it.
Prints the run's result as JSON.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from erpsync.connections.models import Connection
from erpsync.connections.storage import Keys
from erpsync.db import create_database
from erpsync.secrets import SecretBox
from erpsync.settings import Settings, ensure_secrets
from erpsync.sync import engine, lease, runs
from erpsync.sync.retry import NO_WAIT


def main(url: str, data_dir: str, connection_id: int, attempt: int) -> None:
    settings, _ = ensure_secrets(Settings(data_dir=Path(data_dir)))
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    database = create_database(url)
    shift = (lease.RUN_TTL * 1.1) * attempt

    def clock() -> datetime:
        return engine.utc_now() + shift

    with database.session() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        requested = runs.request(session, connection, clock(), ttl=lease.RUN_TTL)
        assert requested.started, "a live run still holds the lease"
        run_id = requested.run.id
    result = engine.execute(database, keys, run_id, backoff=NO_WAIT, clock=clock)
    print(json.dumps({"state": result.state, "counts": result.counts, "error": result.error}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
