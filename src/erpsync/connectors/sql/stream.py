"""The change stream of the SQL connector: one streamed query per read.

Rows come ordered by (stamp, key) through a server-side cursor (`stream_results`),
one batch in memory at a time. The cursor is JSON of the last (stamp, key). A read
after a cursor starts an overlap window *before* its stamp: ERP stamps are taken
before commit and may be coarse (whole seconds), so a row that committed late, or
shares a stamp with the cursor's row, is read again rather than lost; the engine
drops repeats by shadow compare. Cursors never go backwards: a batch made only of
overlap rows keeps the cursor it started from.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from erpsync.connectors.sql.convert import to_column, to_datetime
from erpsync.connectors.sql.query import ActorQuery
from erpsync.connectors.sql.rows import RowReader
from erpsync.sdk import Actor, ChangeBatch, ConnectorError

Position = tuple[datetime, Any] | None

#: Drivers whose own tuples the stream reads (see `_rows`).
DRIVER_ROWS = frozenset({"psycopg", "mysqldb"})


def encode(position: Position) -> str:
    if position is None:
        return json.dumps({"t": None})
    stamp, key = position
    return json.dumps({"t": stamp.isoformat(), "k": str(key)})


def decode(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        data = json.loads(cursor)
        if data.get("t") is None:
            return None
        return datetime.fromisoformat(data["t"]), str(data["k"])
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ConnectorError(
            "system",
            f"The SQL connector cannot resume from cursor {cursor!r}; reset the sync cursor.",
            code="bad_cursor",
        ) from None


def order_key(cursor: str) -> str:
    decoded = decode(cursor)
    return "" if decoded is None else decoded[0].isoformat()


def _later(stamp: datetime | None, key: Any, position: Position) -> bool:
    if stamp is None:
        return False
    if position is None or stamp > position[0]:
        return True
    return stamp == position[0] and _key_after(key, position[1])


def _key_after(key: Any, other: Any) -> bool:
    try:
        return bool(key > other)
    except TypeError:
        return str(key) > str(other)


def changes(
    engine: Engine,
    query: ActorQuery,
    cursor: str | None,
    field_keys: Sequence[str] | None,
    batch_size: int,
    overlap_seconds: int,
) -> Iterator[ChangeBatch]:
    stamp_expr = query.stamp
    assert stamp_expr is not None, "the mapping check requires a stamp per actor type"
    start = decode(cursor)
    tomb = query.tombstone
    statement, names = query.select(field_keys, labelled=tomb is not None)
    position: Position = None
    if start is not None:
        stamp, raw_key = start
        key = to_column(query.key, raw_key) if raw_key else raw_key
        position = (stamp, key)
        after = _After(stamp, key, overlap_seconds)
        statement = statement.where(after(query.stamp_column, stamp_expr, query.key))
    if tomb is None:
        statement = statement.order_by(stamp_expr, query.key)
    else:
        # Deletions from the tombstone table travel in the same (stamp, key) order.
        deletions = query.tombstone_select(names)
        if start is not None:
            deletions = deletions.where(after(tomb.stamp, tomb.stamp, tomb.key))
        both = sa.union_all(statement, deletions).subquery("changes")
        statement = sa.select(both).order_by(both.c.c3, both.c.c0)
    reader = query.row_reader(names, driver_rows=engine.dialect.driver in DRIVER_ROWS)
    size = max(1, batch_size)
    with engine.connect() as connection:
        pending: Sequence[Any] | None = None
        for rows in _rows(connection, statement, size):
            if pending is not None:
                batch, position = _batch(pending, reader, position)
                yield ChangeBatch(batch, encode(position))
            pending = rows
        batch, position = _batch(pending or [], reader, position)
        yield ChangeBatch(batch, encode(position), complete=True)


class _After:
    """The condition "after the cursor": from the overlap window before its stamp, or
    strictly after its (stamp, key) when there is no window."""

    def __init__(self, stamp: datetime, key: Any, overlap_seconds: int) -> None:
        self.stamp, self.key, self.overlap = stamp, key, overlap_seconds

    def __call__(self, bind_column: sa.Column[Any], stamp_expr: Any, key_column: Any) -> Any:
        if self.overlap > 0:
            since = self.stamp - timedelta(seconds=self.overlap)
            return stamp_expr >= _bound(bind_column, stamp_expr, since)
        at = _bound(bind_column, stamp_expr, self.stamp)
        key = ActorQuery.bind(key_column, self.key) if self.key is not None else None
        return sa.or_(stamp_expr > at, sa.and_(stamp_expr == at, key_column > key))


def _rows(connection: Connection, statement: Any, size: int) -> Iterator[Sequence[Any]]:
    """The rows of `statement` through a server-side cursor, `size` at a time.

    With psycopg and mysqlclient the driver's own tuples are used, skipping
    SQLAlchemy's Row objects: at a million rows that is a quarter of the time, and the
    row readers convert every value themselves. Other drivers go through SQLAlchemy.
    """
    dialect = connection.dialect
    if dialect.driver not in DRIVER_ROWS:
        options = connection.execution_options(stream_results=True, yield_per=size)
        yield from options.execute(statement).partitions(size)
        return
    compiled = statement.compile(dialect=dialect)
    params = compiled.construct_params()
    args: Any = [params[name] for name in compiled.positiontup or []]
    if not dialect.positional:
        args = params
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    if dialect.driver == "psycopg":
        cursor = dbapi.cursor(name=f"erpsync_{uuid.uuid4().hex[:16]}")
    else:
        cursor = dbapi.cursor(dialect.loaded_dbapi.cursors.SSCursor)
    error = dialect.loaded_dbapi.Error
    try:
        cursor.execute(compiled.string, args)
        if dialect.driver == "psycopg":  # each FETCH of a named cursor waits for the server
            yield from _prefetched(lambda: cursor.fetchmany(size))
        else:
            while rows := cursor.fetchmany(size):
                yield rows
    except error as exc:
        raise DBAPIError.instance(compiled.string, args, exc, error) from exc
    finally:
        cursor.close()


_DONE = object()


def _prefetched(fetch: Callable[[], Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The chunks `fetch` returns until an empty one, fetched one ahead by a thread.

    While the caller turns one chunk into actors, the database produces and sends the
    next (the driver waits on the socket without the GIL), so the server's time no
    longer adds to ours. Only the thread touches the cursor until it has ended.
    """
    ahead: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def work() -> None:
        try:
            while not stop.is_set():
                rows = fetch()
                ahead.put(rows if rows else _DONE)
                if not rows:
                    return
        except BaseException as exc:  # handed to the reader, raised there
            ahead.put(exc)

    thread = threading.Thread(target=work, name="erpsync-sql-fetch", daemon=True)
    thread.start()
    try:
        while (item := ahead.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a thread waiting to put, then let it end
            with contextlib.suppress(queue.Empty):
                ahead.get_nowait()
            thread.join(0.01)


def _bound(column: sa.Column[Any], expr: Any, value: datetime) -> Any:
    """The stamp as the stamp column stores it (naive UTC for naive columns)."""
    return sa.literal(to_column(column, value), expr.type)


def _batch(
    rows: Sequence[Any], reader: RowReader, position: Position
) -> tuple[list[Actor], Position]:
    actors = reader.many(rows)
    for row in reversed(rows):
        if row[3] is not None:
            stamp = to_datetime(row[3])
            if _later(stamp, row[0], position):
                position = (stamp, row[0])
            break
    return actors, position
