"""The host side of a change stream: a timeout per batch, resume after a lost
connection, checked batches, cursors that never go backwards.

One batch is read ahead: as soon as a batch is handed to the caller, the connector's
next one is requested on the host's call worker, so the ERP is read while the caller
writes (never more than one batch waits). The timeout bounds how long the caller waits
when it asks for that batch; an error of the read-ahead reaches the caller only then,
after every earlier batch. A caller that stops early drops the read-ahead: it is
cancelled if it has not started, and the connector's generator is closed on the worker
after it (so `close()` of the host waits for it at most its timeout).

Record-level problems do not stop the stream: the bad actor moves to
`ChangeBatch.rejected` (a `data` error naming it) so the engine quarantines it and
goes on (R-SYNC-6); a malformed batch is a `system` error and ends the stream.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING

from erpsync.sdk.errors import UNKNOWN_CONNECTION, ConnectorError
from erpsync.sdk.model import ActorType, ChangeBatch
from erpsync.sdk.validation import ActorCheck, malformed
from erpsync.sdk.worker import Submitted

if TYPE_CHECKING:
    from erpsync.sdk.host import ConnectorHost

_END = object()


def checked_stream(
    host: ConnectorHost,
    check: ActorCheck,
    actor_type: ActorType,
    cursor: str | None,
    field_keys: Sequence[str] | None,
) -> Generator[ChangeBatch, None, None]:
    connector = host.connector
    keys = None if field_keys is None else list(field_keys)

    def start(after: str | None) -> Iterator[ChangeBatch]:
        return host._call("changes", lambda: iter(connector.changes(actor_type, after, keys)))

    order = _CursorOrder(host, cursor)
    last_cursor = cursor
    iterator = start(cursor)
    ahead: Submitted[object] | None = None  # the next batch, being read
    retried = False
    try:
        while True:
            reading = ahead or host._submit(partial(next, iterator, _END))
            ahead = None
            try:
                answer = host._wait("changes", reading)
            except ConnectorError as exc:
                if exc.code != UNKNOWN_CONNECTION or host._opened is None or retried:
                    raise
                # Re-open once and resume after the last batch the caller has seen.
                retried = True
                host._reopen("changes")
                iterator = start(last_cursor)
                continue
            retried = False
            if answer is _END:
                return
            ahead = host._submit(partial(next, iterator, _END))  # read while the caller works
            batch = _checked_batch(host.key, answer, check)
            order.advance(batch.cursor)
            last_cursor = batch.cursor
            yield batch
    finally:
        if ahead is not None:  # the caller stopped early (or a batch was malformed)
            _drop(ahead, iterator)


def _drop(ahead: Submitted[object], iterator: Iterator[ChangeBatch]) -> None:
    """Forget a read-ahead nobody will ask for; never waits."""
    ahead.future.cancel()  # only succeeds while it has not started
    close = getattr(iterator, "close", None)
    if close is not None:  # after the read in flight, on the connector's thread
        ahead.worker.submit(close)


def _checked_batch(connector: str, answer: object, check: ActorCheck) -> ChangeBatch:
    if type(answer) is not ChangeBatch:
        raise malformed(connector, "changes", f"expected ChangeBatch, got {type(answer).__name__}")
    if type(answer.cursor) is not str:
        raise malformed(connector, "changes", f"cursor {answer.cursor!r} is not a str")
    if type(answer.actors) is not list:
        raise malformed(connector, "changes", "ChangeBatch.actors is not a list")
    good, rejected = check.split("changes", answer.actors)
    if not rejected and not answer.rejected:
        return answer
    return ChangeBatch(good, answer.cursor, answer.complete, tuple(rejected))


class _CursorOrder:
    """Checks that cursors never go backwards, for connectors that can order them."""

    def __init__(self, host: ConnectorHost, start: str | None) -> None:
        self.host = host
        self.previous = start
        self.previous_key = self._key(start, "the cursor it was given") if start else None

    def _key(self, cursor: str, what: str) -> int | float | str | None:
        try:
            return self.host.connector.cursor_order(cursor)
        except Exception as exc:
            raise malformed(
                self.host.key, "changes", f"cannot order {what} {cursor!r}: {exc}"
            ) from exc

    def advance(self, cursor: str) -> None:
        key = self._key(cursor, "cursor")
        previous = self.previous_key
        if key is not None and previous is not None and key < previous:  # type: ignore[operator]
            raise malformed(
                self.host.key,
                "changes",
                f"the cursor went backwards from {self.previous!r} to {cursor!r}",
            )
        self.previous, self.previous_key = cursor, key
