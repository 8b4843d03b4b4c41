"""A small time-limited cache of ERP answers (price lists, product pages), so that paging
back and forth on the Products page does not ask the ERP every time.

Keyed by connection, the connection's last change (an edited configuration is a new
key), the call and its arguments; entries live `ttl` seconds (default 60). The clock is
injectable so tests do not wait.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache
from typing import TypeVar

T = TypeVar("T")
DEFAULT_TTL = 60.0
MAX_ENTRIES = 2000


class TtlCache:
    def __init__(
        self, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = self.clock()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] > now:
                self._entries.move_to_end(key)
                return found[1]  # type: ignore[return-value]
        value = compute()  # outside the lock: an ERP call may take seconds
        with self._lock:
            self._entries[key] = (now + self.ttl, value)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


@cache
def shared_cache() -> TtlCache:
    """The process's cache, made on first use (nothing is built at import time)."""
    return TtlCache()
