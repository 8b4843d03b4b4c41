"""CRM → ERP creates of the engine (R-MAP-8, R-SEM-5): CRM records without a link that
match an actor type's `crm_to_erp = create` filter become actors, through the outbox.

Per actor type, records written after the stored `crm-create:<ActorType>` position,
not deleted, with no live link of that type and no open outbox entry, are read in
batches. A batch's outbox entries are committed in one transaction (with the lease
check) before any ERP call; each record is then created with its idempotency key, and
the created ones are linked `FINISH_EACH` per transaction (`outbox.link_entry`); the
position is stored last. A crash anywhere leaves `pending` entries that
`reconcile_pending` settles at the start of the next run, and records that already have
a link or an open entry are never picked again, so no actor is created twice. A record
the ERP refuses (`data`) becomes a dead letter and its entry `failed`; a person or
project whose company has no link in this connection waits (it is picked up when written
again or on a CRM resync).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from erpsync.db import bulk
from erpsync.errors import Category, Conflict
from erpsync.mapping.crm_fields import COMPANY
from erpsync.mapping.transform import to_erp
from erpsync.sdk.model import Actor, ActorRef, ActorType, Value
from erpsync.sync import crmrows, journal, outbox
from erpsync.sync.context import RunContext
from erpsync.sync.models import LINK_UNLINKED, OUTBOX_FAILED, OUTBOX_OPEN, Link, OutboxEntry
from erpsync.sync.retry import category_of, message_of
from erpsync.sync.rules import TypeMapping

BATCH = 200
#: Created actors linked per transaction (at most this many wait for reconcile after a crash).
FINISH_EACH = 50
#: Records after which the pass first refreshes the database's statistics (then at each doubling).
ANALYZE_FIRST = 1000
PARENT_TYPES = (ActorType.CUSTOMER.value, ActorType.SUPPLIER.value, ActorType.PARTNER.value)


def stream_name(tm: TypeMapping) -> str:
    return f"crm-create:{tm.actor_type.value}"


def reconcile_pending(ctx: RunContext, mappings: list[TypeMapping]) -> None:
    """Settle outbox entries a crash (or an unanswered ERP) left `pending`."""
    if ctx.dry_run:
        return
    done = outbox.reconcile(
        ctx.database, ctx.host, ctx.connection_id, backoff=ctx.backoff, run_id=ctx.run_id
    )
    ctx.count("reconciled", len(done.linked))
    ctx.count("review", len(done.review))


def candidates(
    session: Session, connection_id: int, tm: TypeMapping, position: int, limit: int
) -> list[tuple[int, int]]:
    """(id, change_pos) of live unlinked records of the type's entity after `position`."""
    table = crmrows.TABLES[tm.kind]
    links, entries = Link.__table__, OutboxEntry.__table__
    linked = exists().where(
        and_(
            links.c.connection_id == connection_id,
            links.c.actor_type == tm.actor_type.value,
            links.c.crm_kind == tm.kind,
            links.c.crm_id == table.c.id,
            links.c.state != LINK_UNLINKED,
        )
    )
    waiting = exists().where(
        and_(
            entries.c.connection_id == connection_id,
            entries.c.actor_type == tm.actor_type.value,
            entries.c.crm_kind == tm.kind,
            entries.c.crm_id == table.c.id,
            OUTBOX_OPEN,
        )
    )
    rows = session.execute(
        select(table.c.id, table.c.change_pos)
        .where(table.c.change_pos > position, table.c.deleted_at.is_(None), ~linked, ~waiting)
        .order_by(table.c.change_pos, table.c.id)
        .limit(limit)
    ).all()
    return [(int(record_id), int(pos)) for record_id, pos in rows]


def matches(tm: TypeMapping, row: crmrows.CrmRow) -> bool:
    """The create filter: each listed CRM list field holds one of its codes."""
    for key, codes in tm.crm_filter.items():
        value = row.get(key)
        if value is None or str(value).lower() not in {code.lower() for code in codes}:
            return False
    return True


def erp_values(tm: TypeMapping, row: crmrows.CrmRow) -> dict[str, Value]:
    """`set` defaults, then the record's `to_erp`/`both` fields that hold a value."""
    values: dict[str, Value] = dict(tm.defaults)
    for rule in tm.fields:
        if rule.to_erp and row.get(rule.crm_key) is not None:
            values[rule.erp_key] = to_erp(rule.rule, row[rule.crm_key])
    return values


def _parents(session: Session, connection_id: int, company_ids: set[int]) -> dict[int, ActorRef]:
    """CRM company → the actor it is linked to in this connection (customer first)."""
    if not company_ids:
        return {}
    rows = session.execute(
        select(Link.crm_id, Link.actor_type, Link.erp_key)
        .where(
            Link.connection_id == connection_id,
            Link.crm_kind == COMPANY,
            Link.crm_id.in_(sorted(company_ids)),
            Link.actor_type.in_(PARENT_TYPES),
            Link.state != LINK_UNLINKED,
        )
        .order_by(Link.id.desc())
    ).all()
    order = {name: index for index, name in enumerate(PARENT_TYPES)}
    found: dict[int, tuple[int, ActorRef]] = {}
    for crm_id, actor_type, erp_key in rows:
        rank = order[actor_type]
        if crm_id not in found or rank < found[crm_id][0]:
            found[crm_id] = (rank, ActorRef(ActorType(actor_type), erp_key))
    return {crm_id: ref for crm_id, (_, ref) in found.items()}


class CreateBatch:
    """One batch of records to create: orders, dead letters, and the plan of a dry run."""

    def __init__(self, ctx: RunContext, tm: TypeMapping) -> None:
        self.ctx, self.tm = ctx, tm
        self.orders: list[outbox.CreateOrder] = []
        self.entries = journal.Entries()

    def build(self, session: Session, ids: list[int]) -> None:
        tm = self.tm
        rows = crmrows.read(session, tm.kind, ids, self.ctx.codes)
        parents: dict[int, ActorRef] = {}
        if tm.has_parent:
            companies = {int(r["company_id"]) for r in rows.values() if r.get("company_id")}
            parents = _parents(session, self.ctx.connection_id, companies)
        for crm_id in ids:
            row = rows[crm_id]
            if not matches(tm, row):
                continue
            parent = parents.get(int(row.get("company_id") or 0)) if tm.has_parent else None
            if tm.has_parent and parent is None:
                continue  # its company is not in this ERP yet
            try:
                values = erp_values(tm, row)
            except Exception as exc:
                self.dead(crm_id, exc)
                continue
            self.orders.append(
                outbox.CreateOrder(
                    self.ctx.connection_id, tm.actor_type, tm.kind, crm_id, values, parent
                )
            )

    def dead(self, crm_id: int, exc: Exception) -> None:
        if category_of(exc) is not Category.DATA:
            raise exc
        payload: dict[str, Any] = {"actor_type": self.tm.actor_type.value, "crm_kind": self.tm.kind}
        self.entries.dead.append(
            journal.dead_letter(stream_name(self.tm), str(crm_id), "data", message_of(exc), payload)
        )

    def plan(self) -> None:
        for order in self.orders:
            self.entries.log.append(
                journal.log_row(
                    "created_in_erp", order.actor_type.value, "", order.crm_kind, order.crm_id
                )
            )


def run_type(ctx: RunContext, tm: TypeMapping, mappings: list[TypeMapping], resync: bool) -> None:
    """Create the type's matching unlinked CRM records in the ERP, batch by batch."""
    stream = stream_name(tm)
    with ctx.database.read_session() as session:
        stored = journal.get_cursor(session, ctx.connection_id, stream)
    position = 0 if resync or not stored else int(stored)
    done, analyze_at = 0, ANALYZE_FIRST
    while True:
        if done >= analyze_at and not ctx.dry_run:
            _analyze(ctx, tm)
            analyze_at *= 2
        batch = CreateBatch(ctx, tm)
        with ctx.database.read_session() as session:
            found = candidates(session, ctx.connection_id, tm, position, BATCH)
            batch.build(session, [record_id for record_id, _ in found])
        if not found:
            return
        _create(ctx, tm, batch, mappings)
        position, done = found[-1][1], done + len(found)
        with ctx.batch() as session:
            ctx.record(session, batch.entries)
            journal.set_cursor(session, ctx.connection_id, stream, str(position))
        ctx.report(stream)
        if len(found) < BATCH:
            return


def _analyze(ctx: RunContext, tm: TypeMapping) -> None:
    """Refresh PostgreSQL's statistics of the tables this pass fills. Planned for the
    near-empty link table of a first run, `candidates` would test every record against
    every link; refreshed at 1,000 records and each doubling, it uses the link index."""
    tables = [crmrows.TABLES[tm.kind], Link.__table__, OutboxEntry.__table__]
    bulk.analyze(ctx.database.engine, tables)  # type: ignore[arg-type]


def _create(
    ctx: RunContext, tm: TypeMapping, batch: CreateBatch, mappings: list[TypeMapping]
) -> None:
    if ctx.dry_run:
        batch.plan()
        ctx.count("created_in_erp", len(batch.orders))
        return
    with ctx.batch() as session:
        queued = [outbox.enqueue(session, order) for order in batch.orders]
        session.flush()
        for entry in queued:
            session.expunge(entry)
    created: list[tuple[OutboxEntry, Actor]] = []
    for entry in queued:
        try:
            actor: Actor = outbox.call_create(ctx.host, entry, ctx.backoff)
        except Exception as exc:
            if not outbox.refused(exc):
                _finish(ctx, created, mappings)  # those the ERP did create, then stop
                raise  # the entry stays pending: the next run reconciles it
            outbox.mark(ctx.database, entry.id, OUTBOX_FAILED, message_of(exc))
            batch.dead(entry.crm_id, exc)
            continue
        created.append((entry, actor))
        if len(created) >= FINISH_EACH:
            _finish(ctx, created, mappings)
            created = []
    _finish(ctx, created, mappings)


def _finish(
    ctx: RunContext, created: list[tuple[OutboxEntry, Actor]], mappings: list[TypeMapping]
) -> None:
    """Link created actors, FINISH_EACH in one lease-checked transaction (one commit, not
    one per record). A crash before it commits leaves their entries `pending`, which
    `reconcile_pending` links next run. If one of them was linked meanwhile by someone
    else, each is finished on its own, so only that one waits in review."""
    if not created:
        return
    try:
        with ctx.batch() as session:
            for entry, actor in created:
                outbox.link_entry(session, entry.id, actor, mappings, ctx.run_id, ctx.codes)
    except (IntegrityError, Conflict):
        for entry, actor in created:
            try:
                outbox.finish(ctx.database, entry.id, actor, mappings, ctx.run_id, ctx.codes)
            except Conflict:  # linked meanwhile by someone else: the entry waits in review
                ctx.count("review")
                continue
            ctx.count("created_in_erp")
        return
    ctx.count("created_in_erp", len(created))
