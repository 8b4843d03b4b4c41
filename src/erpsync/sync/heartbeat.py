"""The heartbeat of a running sync run (R-SYNC-10): keeps its short lease alive while the
run waits on a slow connector call, between the batch commits that renew it too.

`Heartbeat.start()` renews the lease once at once (raising `LeaseLost` when another run
already holds it: this one must not begin), then a daemon thread renews it every third
of its lifetime in a transaction of its own. A killed process takes the thread with it,
so its lease runs out after one lifetime and the next run takes over. When a renewal
finds the token gone (taken over), the heartbeat stops and sets `lost`; the run's next
batch check fails, so it commits nothing more (fencing). A renewal that fails for a
passing reason (the database busy) is tried again at the next beat.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from erpsync.db import Database
from erpsync.sync import lease

log = logging.getLogger(__name__)


class Heartbeat:
    """Renews one run's lease until stopped."""

    def __init__(
        self,
        database: Database,
        connection_id: int,
        token: int,
        ttl: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self.database = database
        self.connection_id = connection_id
        self.token = token
        self.ttl = ttl
        self.clock = clock
        self.period = max(ttl.total_seconds() / 3, 0.01)
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="erpsync-lease", daemon=True)

    def start(self) -> Heartbeat:
        if not self.beat():
            raise lease.LeaseLost(
                "Another run took over this connection's sync; this run did not start."
            )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.period + 30)

    def beat(self) -> bool:
        """Renew once; False (and `lost` set) when the lease is no longer ours."""
        with self.database.session() as session:
            ours = lease.renew(session, self.connection_id, self.token, self.clock(), self.ttl)
        if not ours:
            self.lost.set()
        return ours

    def _loop(self) -> None:
        while not self._stop.wait(self.period):
            try:
                if not self.beat():
                    log.warning("connection %s: the sync lease was taken over", self.connection_id)
                    return
            except Exception:  # the database was busy or away: try again at the next beat
                log.warning("renewing the sync lease failed; trying again", exc_info=True)
