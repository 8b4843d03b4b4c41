"""What a connector holds from `open` to `close`, for connectors that want the usual
shape: `OpenedState` keeps it and says `unknown_connection` when nothing is open,
and `opened_batch_size` keeps a batch size the host lowered across an `open`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from erpsync.sdk.connector import Connector
from erpsync.sdk.errors import unknown_connection

S = TypeVar("S")


class OpenedState(Generic[S]):
    """The state of one opened connection; `get` raises `unknown_connection` (the host
    then re-opens and retries once) while nothing is open."""

    def __init__(self, connector: str, release: Callable[[S], object] | None = None) -> None:
        """`connector` names it in the error ("the SQL connector"); `release` frees a
        state at `close` (an engine to dispose, a client to log out)."""
        self._connector = connector
        self._release = release
        self._state: S | None = None

    def set(self, state: S) -> S:
        """Keep the state of a new opening (one still kept is released first). Call
        `close` before making it, so a failing `open` leaves the connector closed
        rather than on its old connection."""
        self.close()
        self._state = state
        return state

    def get(self) -> S:
        if self._state is None:
            raise unknown_connection(f"{self._connector} is not open")
        return self._state

    def close(self) -> None:
        """Release the state, if any; closing twice is fine."""
        if self._state is not None:
            if self._release is not None:
                self._release(self._state)
            self._state = None


def opened_batch_size(connector: Connector, configured: int) -> int:
    """The batch size after `open`: the configured one, unless the host lowered this
    instance's below it (the lower value is kept)."""
    lowered = vars(connector).get("batch_size")
    return configured if lowered is None else min(lowered, configured)
