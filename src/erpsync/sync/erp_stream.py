"""Reading one actor type's ERP change stream from its stored cursor (R-SYNC-1, R-SYNC-2).

Each batch of the stream is applied in transactions of at most 1,000 actors; the
cursor is stored with the last of them, so a crash replays at most one batch, which
the shadows make harmless. While the stream reads mostly actors equal to their shadows
(a full resync, a replay), a batch's quiet actors are found before any transaction
(`_Quiet`: one read of the links' states and shadows) and counted `unchanged`; a batch
with nothing left writes nothing, and its cursor waits for the next transaction that
writes, at most `DEFER_CURSOR` actors later, or for the end of the stream (R-SYNC-2:
the cursor still advances with the CRM writes of the batches it covers; a crash
replays only actors that were unchanged). A `transient` failure of the stream is retried with
back-off from the last stored cursor. Before a child type (persons, projects) is read,
children waiting for their parent are finished (`adopt_waiting`, R-SEM-1). A pass that
writes many records refreshes the database's statistics of the tables it fills as it
goes (`_Statistics`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from json import loads
from typing import Any

from sqlalchemy import Connection, Text, cast, select
from sqlalchemy.orm import Session

from erpsync.crm import matchkeys
from erpsync.db import bulk
from erpsync.errors import Category
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import Actor, ChangeTracking
from erpsync.sync import crmrows, journal, killpoints, links
from erpsync.sync.context import RunContext
from erpsync.sync.erp_plan import FieldPlan
from erpsync.sync.erp_to_crm import MAX_ROWS, ErpBatch, stream_name
from erpsync.sync.models import LINK_ACTIVE, LINK_UNLINKED
from erpsync.sync.retry import category_of, message_of
from erpsync.sync.rules import TypeMapping

UNKNOWN = "(unknown)"
#: Quiet actors read after the stored cursor before a batch with nothing to write
#: stores it anyway.
DEFER_CURSOR = 5000


def run_type(ctx: RunContext, tm: TypeMapping, resync: bool) -> None:
    """Apply every change of one actor type since its stored cursor."""
    if tm.has_parent:
        adopt_waiting(ctx, tm)
    stream = stream_name(tm)
    with ctx.database.read_session() as session:
        cursor = None if resync else journal.get_cursor(session, ctx.connection_id, stream)
    seen: set[str] | None = set() if is_snapshot(ctx) else None
    statistics = _Statistics(ctx, tm, incremental=cursor is not None)
    quiet = _Quiet(ctx, tm)
    try:
        _read(ctx, tm, cursor, seen, statistics, quiet)
    finally:
        quiet.close()


def _read(
    ctx: RunContext,
    tm: TypeMapping,
    cursor: str | None,
    seen: set[str] | None,
    statistics: _Statistics,
    quiet: _Quiet,
) -> None:
    failures = 0
    while True:
        try:
            for batch in ctx.host.changes(tm.actor_type, cursor, tm.field_keys):
                killpoints.reached("after_read_batch")
                if seen is not None:
                    seen.update(actor.key for actor in batch.actors if not actor.deleted)
                    seen.update(_key_of(error) for error in batch.rejected)
                apply_batch(ctx, tm, batch.actors, batch.rejected, batch.cursor, quiet)
                cursor, failures = batch.cursor, 0
                if seen is not None and batch.complete:
                    vanished(ctx, tm, seen)
                statistics.grown()
            if quiet.unstored and cursor is not None:
                with ctx.batch() as session:  # the last batches wrote nothing
                    journal.set_cursor(session, ctx.connection_id, stream_name(tm), cursor)
            statistics.grown(final=True)
            return
        except Exception as exc:
            failures += 1
            if category_of(exc) is not Category.TRANSIENT or failures >= ctx.backoff.attempts:
                raise
            ctx.backoff.sleep(ctx.backoff.delay(failures - 1))  # then resume from `cursor`


class _Statistics:
    """Keeps the planner's statistics in step with a pass that fills tables: refreshed
    once the pass wrote `bulk.ANALYZE_AFTER` records, again each time that count grew
    fourfold, and at its end. Without them a first run's look-ups by ERP key are planned
    for empty tables and scan every link of the type (cost growing with the table).
    A first run (or resync) and any pass that created that many records refresh them
    always; an incremental pass that mostly updated refreshes them only when it wrote a
    sizeable share of the tables (`bulk.analyze`): 1 % of a million rows changes no
    plan, and their `ANALYZE` took ~0.8 s of a 9 s run."""

    def __init__(self, ctx: RunContext, tm: TypeMapping, incremental: bool) -> None:
        self.ctx, self.tm, self.incremental = ctx, tm, incremental
        self.start = (ctx.counts.get("created", 0), ctx.counts.get("updated", 0))
        self.at, self.next = 0, bulk.ANALYZE_AFTER

    def _written(self) -> tuple[int, int]:
        """Records this pass created and updated so far."""
        counts, (created, updated) = self.ctx.counts, self.start
        return counts.get("created", 0) - created, counts.get("updated", 0) - updated

    def grown(self, final: bool = False) -> None:
        created, updated = self._written()
        written = created + updated
        due = written >= self.next or (
            final and written > self.at and written >= bulk.ANALYZE_AFTER
        )
        if not due or self.ctx.dry_run:
            return
        tables = [crmrows.TABLES[self.tm.kind], links.LINKS, matchkeys.KEYS]
        updates_only = self.incremental and created < bulk.ANALYZE_AFTER
        bulk.analyze(self.ctx.database.engine, tables, written if updates_only else None)
        self.at, self.next = written, written * 4


def apply_batch(
    ctx: RunContext,
    tm: TypeMapping,
    actors: list[Actor],
    rejected: Sequence[Exception],
    cursor: str | None,
    quiet: _Quiet | None = None,
) -> None:
    """One stream batch: chunks of MAX_ROWS, each one transaction; the cursor with the last.
    With `quiet`, the actors equal to their shadows are set aside first."""
    actors = _last_per_key(actors)
    plan = FieldPlan(tm)
    busy = actors if quiet is None else quiet.busy(plan, actors)
    chunks = [busy[i : i + MAX_ROWS] for i in range(0, len(busy), MAX_ROWS)]
    if not chunks:
        if quiet is not None and not rejected and quiet.defer(len(actors), cursor):
            ctx.report(stream_name(tm))
            return
        chunks = [[]]
    found = 0  # quiet actors the chunks found
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        with ctx.batch() as session:
            batch = ErpBatch(ctx, tm, session, plan)
            batch.load(chunk)
            for actor in chunk:
                batch.apply(actor)
            if last:  # read but refused by the host: dead letters, counted as read too
                batch.entries.dead += [_rejected(tm, error) for error in rejected]
                ctx.count("read", len(rejected))
            batch.flush()
            if last and cursor is not None:
                journal.set_cursor(session, ctx.connection_id, stream_name(tm), cursor)
        found += len(batch.quiet)
        if batch.settled_creates and not ctx.dry_run:  # committed: nothing to send back
            ctx.settled.setdefault(tm.kind, []).extend(batch.created_positions)
        ctx.report(stream_name(tm))
    if quiet is not None:
        quiet.stored(len(actors), found)


class _Quiet:
    """Finds a stream batch's linked actors with nothing for the CRM before any write
    transaction: an active link (of a type without parents) and every value read equal
    to its shadow (`FieldPlan.unchanged`; what `ErpBatch` finds `quiet`). It asks only
    while the batches are mostly quiet: a first run (no links) or an incremental run
    (changed actors) leaves the question to `ErpBatch` and spends no extra read."""

    def __init__(self, ctx: RunContext, tm: TypeMapping) -> None:
        self.ctx, self.tm = ctx, tm
        self.asking = not tm.has_parent
        self.asked = False
        #: Actors read, all quiet, since the last stored cursor.
        self.unstored = 0
        self.connection: Connection | None = None

    def busy(self, plan: FieldPlan, actors: list[Actor]) -> list[Actor]:
        """The actors left to decide; the quiet ones are counted read and unchanged."""
        self.asked = self.asking and bool(actors)
        if not self.asked:
            return actors
        linked = self._shadows([actor.key for actor in actors if not actor.deleted])
        may_rest, unchanged = plan.may_rest, plan.unchanged
        busy = [
            actor
            for actor in actors
            if (found := linked.get(actor.key)) is None
            or not may_rest(actor.deleted, found[0])
            or not unchanged(actor.values, found[1])
        ]
        quiet = len(actors) - len(busy)
        self.ctx.count("read", quiet)
        self.ctx.count("unchanged", quiet)
        self.asking = 2 * quiet >= len(actors)
        return busy

    def _shadows(self, keys: list[str]) -> dict[str, tuple[str, Any]]:
        """The state and shadow of these actors' live links (one read, outside the batch)."""
        if not keys:
            return {}
        table = links.LINKS
        query = select(table.c.erp_key, table.c.state, cast(table.c.shadow, Text))
        try:
            with self._session() as session, bulk.planned_for_each_call(session):
                rows = session.execute(
                    query.where(
                        table.c.connection_id == self.ctx.connection_id,
                        table.c.actor_type == self.tm.actor_type.value,
                        bulk.among(session, table.c.erp_key, keys),
                        table.c.state != LINK_UNLINKED,
                    )
                ).all()
        except BaseException:
            self.close()  # a retry of the stream starts on a new connection
            raise
        # The shadow as text, decoded here: the driver's JSON loader costs twice as much.
        return {key: (state, loads(shadow)) for key, state, shadow in rows}

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """On PostgreSQL a connection kept for the stream, in autocommit (no transaction
        held between reads, none begun or rolled back for one); elsewhere a read session."""
        database = self.ctx.database
        if database.engine.dialect.name != "postgresql":
            with database.read_session() as session:
                yield session
            return
        if self.connection is None:
            connection = database.engine.connect()
            self.connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        with Session(bind=self.connection) as session:
            yield session

    def close(self) -> None:
        if self.connection is not None:
            connection, self.connection = self.connection, None
            connection.close()

    def defer(self, read: int, cursor: str | None) -> bool:
        """Whether a batch with nothing to write may leave its cursor to a later one."""
        if cursor is not None and self.unstored + read >= DEFER_CURSOR:
            return False
        self.unstored += read if cursor is not None else 0
        return True

    def stored(self, read: int, found: int) -> None:
        """A batch was written (with its cursor); `found` of its actors were quiet."""
        self.unstored = 0
        if not self.asked:
            self.asking = not self.tm.has_parent and 2 * found >= read


def _last_per_key(actors: list[Actor]) -> list[Actor]:
    """An actor twice in one batch (an overlap window): its last state counts."""
    latest = {actor.key: actor for actor in actors}
    return list(latest.values()) if len(latest) != len(actors) else actors


def is_snapshot(ctx: RunContext) -> bool:
    return ctx.host.change_tracking is ChangeTracking.SNAPSHOT


def _key_of(error: Exception) -> str:
    key = error.actor_key if isinstance(error, ConnectorError) else None
    return key or UNKNOWN


def vanished(ctx: RunContext, tm: TypeMapping, seen: set[str]) -> None:
    """A `snapshot` connector's complete read: linked actors absent from it were
    deleted in the ERP (R-SDK-4, R-SYNC-7). A refused record without a key makes the
    read inconclusive, so nothing is taken for deleted then."""
    if UNKNOWN in seen:
        return
    with ctx.database.read_session() as session:
        known = links.live_keys(session, ctx.connection_id, tm.actor_type.value)
    gone = sorted(known - seen)
    for start in range(0, len(gone), MAX_ROWS):
        chunk = [Actor(tm.actor_type, key, deleted=True) for key in gone[start : start + MAX_ROWS]]
        apply_batch(ctx, tm, chunk, (), None)


def _rejected(tm: TypeMapping, error: Exception) -> dict[str, object]:
    return journal.dead_letter(
        stream_name(tm), _key_of(error), category_of(error).value, message_of(error)
    )


def adopt_waiting(ctx: RunContext, tm: TypeMapping) -> None:
    """Children waiting for a parent that is linked now move under its company."""
    while True:
        with ctx.batch() as session:
            found = links.adoptable(session, ctx.connection_id, tm.actor_type.value, MAX_ROWS)
            crmrows.update_rows(
                session, tm.kind, {crm_id: {"company_id": parent} for _, _, crm_id, parent in found}
            )
            links.set_state(session, [found_row[0] for found_row in found], LINK_ACTIVE)
            entries = journal.Entries()
            entries.log = [
                journal.log_row(
                    "moved", tm.actor_type.value, key, tm.kind, crm_id, "company_id", None, parent
                )
                for _, key, crm_id, parent in found
            ]
            ctx.record(session, entries)
        # A dry run rolls back, so the same children would be found again: once is enough.
        if ctx.dry_run or len(found) < MAX_ROWS:
            return
