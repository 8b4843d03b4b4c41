"""The server's open connections: one connector instance per remote connection (R-SEM-7).

A session is keyed by the connection id *and* the id of the client instance that
opened it, so neither two connections nor two jobs of one connection ever share a
connector's state. Each session runs its connector under its own `ConnectorHost`
(timeouts, answer checks, re-open on a lost ERP session), exactly as in-process.
Sessions a client forgot to close are closed after they sat idle for a while.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field

from erpsync.sdk.connector import ConfigValues, Connector
from erpsync.sdk.errors import UNKNOWN_CONNECTION, ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Category


@dataclass
class Session:
    host: ConnectorHost
    #: Held for one connector call or one step of a stream, never across a network
    #: write, so a client that walks away from a stream cannot block the session.
    lock: threading.RLock = field(default_factory=threading.RLock)
    used: float = 0.0


class Sessions:
    """Thread-safe map of session key → `Session`."""

    def __init__(
        self,
        connector_class: type[Connector],
        timeout: float,
        idle_seconds: float = 1800.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.connector_class = connector_class
        self.timeout = timeout
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def new_host(self) -> ConnectorHost:
        return ConnectorHost(self.connector_class(), timeout=self.timeout)

    def open(self, key: str, connection_id: str, values: ConfigValues) -> None:
        """Open a fresh instance for `key`; an earlier one of the same key is closed."""
        self.close(key)
        host = self.new_host()
        try:
            host.open(connection_id, values)
        except BaseException:
            with suppress(ConnectorError):
                host.close()
            raise
        with self._lock:
            self._sessions[key] = Session(host, used=self.clock())

    def get(self, key: str) -> Session:
        """The open session, or `unknown_connection`: the client's host then re-opens
        and retries once, which also heals a server restart."""
        with self._lock:
            session = self._sessions.get(key)
            if session is not None:
                session.used = self.clock()
                return session
        raise ConnectorError(
            Category.TRANSIENT,
            "The remote connector has no open connection for this client "
            "(it was closed, timed out idle, or the service restarted).",
            code=UNKNOWN_CONNECTION,
        )

    def find(self, key: str) -> Session | None:
        with self._lock:
            return self._sessions.get(key)

    def close(self, key: str) -> None:
        with self._lock:
            session = self._sessions.pop(key, None)
        if session is not None:
            with session.lock:
                session.host.close()

    def sweep(self) -> None:
        """Close sessions idle longer than `idle_seconds` (checked at most once a minute)."""
        now = self.clock()
        if now - self._last_sweep < min(60.0, self.idle_seconds):
            return
        self._last_sweep = now
        with self._lock:
            stale = [k for k, s in self._sessions.items() if now - s.used > self.idle_seconds]
        for key in stale:
            with suppress(ConnectorError):
                self.close(key)

    def close_all(self) -> None:
        with self._lock:
            keys = list(self._sessions)
        for key in keys:
            with suppress(ConnectorError):
                self.close(key)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)
