"""One writer at a time per SQLite file within a process, served in arrival order (R-SEM-8).

SQLite lets one write transaction run at a time; the others wait in its busy handler,
which polls with growing sleeps. Under load a polling writer can lose every race to
the threads that keep arriving and wait out the whole `busy_timeout` ("database is
locked"). So the threads of one process queue here first, first come first served,
before `BEGIN IMMEDIATE`; the busy handler is then only needed against other processes
(workers, the CLI), as before.

`WriteQueue.enter` is called when a write transaction begins and `leave` when it commits
or rolls back. A thread already holding the turn (a nested write transaction, which
SQLite could not run anyway) does not queue behind itself; a thread that waited longer
than the busy timeout goes on without its turn and leaves the decision to SQLite.
"""

from __future__ import annotations

import os
import threading
from collections import deque

_QUEUES: dict[str, WriteQueue] = {}
_QUEUES_LOCK = threading.Lock()


class WriteQueue:
    """A first-come-first-served turn for write transactions on one database file."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: deque[object] = deque()
        self._owner: int | None = None

    def enter(self, timeout: float) -> bool:
        """Wait for this thread's turn; False when it already has it or waited `timeout`."""
        me = threading.get_ident()
        ticket = object()
        with self._changed:
            if self._owner == me:
                return False
            self._waiting.append(ticket)
            served = self._changed.wait_for(
                lambda: self._owner is None and self._waiting[0] is ticket, timeout
            )
            if not served:
                self._waiting.remove(ticket)
                self._changed.notify_all()
                return False
            self._waiting.popleft()
            self._owner = me
            return True

    @property
    def taken(self) -> bool:
        """A write transaction holds the turn."""
        return self._owner is not None

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def leave(self) -> None:
        with self._changed:
            self._owner = None
            self._changed.notify_all()


def for_file(path: str) -> WriteQueue:
    """The process's queue for the database file at `path` (one per file, shared by
    every engine on it)."""
    key = os.path.realpath(path)
    with _QUEUES_LOCK:
        queue = _QUEUES.get(key)
        if queue is None:
            queue = _QUEUES[key] = WriteQueue()
        return queue
