"""Bounded retries of `transient` failures with exponential back-off and full jitter
(R-SYNC-6). The clock's sleeper and the random source are injected, so tests wait 0 s.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from erpsync.errors import Category, ErpSyncError
from erpsync.sdk.errors import ConnectorError

T = TypeVar("T")


def category_of(error: BaseException) -> Category:
    """The category deciding what the engine does with a failure."""
    if isinstance(error, ConnectorError):
        return Category(error.category.value)
    if isinstance(error, ErpSyncError):
        return error.category
    return Category.SYSTEM


def message_of(error: BaseException) -> str:
    if isinstance(error, ConnectorError):
        return error.user_explanation or str(error)
    if isinstance(error, ErpSyncError):
        return error.message
    return f"{type(error).__name__}: {error}"


@dataclass
class Backoff:
    """How transient failures are retried: `attempts` tries in all."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Full jitter: a random wait up to base·2^attempt, capped."""
        return self.rng.uniform(0, min(self.cap, self.base * 2**attempt))

    def call(self, function: Callable[[], T]) -> T:
        for attempt in range(self.attempts):
            try:
                return function()
            except Exception as exc:
                if category_of(exc) is not Category.TRANSIENT or attempt + 1 >= self.attempts:
                    raise
                self.sleep(self.delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover


NO_WAIT = Backoff(sleep=lambda _seconds: None)
