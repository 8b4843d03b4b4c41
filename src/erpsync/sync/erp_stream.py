"""Reading one actor type's ERP change stream from its stored cursor (R-SYNC-1, R-SYNC-2).

Each batch of the stream is applied in transactions of at most 1,000 actors; the
cursor is stored with the last of them, so a crash replays at most one batch, which
the shadows make harmless. A `transient` failure of the stream is retried with
back-off from the last stored cursor. Before a child type (persons, projects) is read,
children waiting for their parent are finished (`adopt_waiting`, R-SEM-1). A pass that
writes many records refreshes the database's statistics of the tables it fills as it
goes (`_Statistics`).
"""

from __future__ import annotations

from collections.abc import Sequence

from erpsync.crm import matchkeys
from erpsync.db import bulk
from erpsync.errors import Category
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import Actor, ChangeTracking
from erpsync.sync import crmrows, journal, killpoints, links
from erpsync.sync.context import RunContext
from erpsync.sync.erp_to_crm import MAX_ROWS, ErpBatch, stream_name
from erpsync.sync.models import LINK_ACTIVE
from erpsync.sync.retry import category_of, message_of
from erpsync.sync.rules import TypeMapping

UNKNOWN = "(unknown)"


def run_type(ctx: RunContext, tm: TypeMapping, resync: bool) -> None:
    """Apply every change of one actor type since its stored cursor."""
    if tm.has_parent:
        adopt_waiting(ctx, tm)
    stream = stream_name(tm)
    with ctx.database.read_session() as session:
        cursor = None if resync else journal.get_cursor(session, ctx.connection_id, stream)
    failures = 0
    seen: set[str] | None = set() if is_snapshot(ctx) else None
    statistics = _Statistics(ctx, tm, incremental=cursor is not None)
    while True:
        try:
            for batch in ctx.host.changes(tm.actor_type, cursor, tm.field_keys):
                killpoints.reached("after_read_batch")
                if seen is not None:
                    seen.update(actor.key for actor in batch.actors if not actor.deleted)
                    seen.update(_key_of(error) for error in batch.rejected)
                apply_batch(ctx, tm, batch.actors, batch.rejected, batch.cursor)
                cursor, failures = batch.cursor, 0
                if seen is not None and batch.complete:
                    vanished(ctx, tm, seen)
                statistics.grown()
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
) -> None:
    """One stream batch: chunks of MAX_ROWS, each one transaction; the cursor with the last."""
    actors = _last_per_key(actors)
    chunks = [actors[i : i + MAX_ROWS] for i in range(0, len(actors), MAX_ROWS)] or [[]]
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        with ctx.batch() as session:
            batch = ErpBatch(ctx, tm, session)
            batch.load(chunk)
            for actor in chunk:
                batch.apply(actor)
            if last:  # read but refused by the host: dead letters, counted as read too
                batch.entries.dead += [_rejected(tm, error) for error in rejected]
                ctx.count("read", len(rejected))
            batch.flush()
            if last and cursor is not None:
                journal.set_cursor(session, ctx.connection_id, stream_name(tm), cursor)
        if batch.settled_creates and not ctx.dry_run:  # committed: nothing to send back
            ctx.settled.setdefault(tm.kind, []).extend(batch.created_positions)
        ctx.report(stream_name(tm))


def _last_per_key(actors: list[Actor]) -> list[Actor]:
    """An actor twice in one batch (an overlap window): its last state counts."""
    latest = {actor.key: actor for actor in actors}
    return list(latest.values()) if len(latest) != len(actors) else actors


def is_snapshot(ctx: RunContext) -> bool:
    tracking = getattr(ctx.host.connector, "change_tracking", ChangeTracking.CURSOR)
    return bool(tracking == ChangeTracking.SNAPSHOT)


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
