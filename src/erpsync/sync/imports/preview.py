"""The preview of an import, stored on the server (R-IMP-3, R-SEM-10).

Every actor of each chosen type is read from the start of its change stream (parents
first), classified a batch at a time and stored as an `ImportRow` with its group,
rule, candidates, reason, fingerprint and the actor as read (`stored`, so the commit
reads again only what changed since) — a matched row also with the fields whose
CRM values the next sync will write to the ERP (`outbound`); new and matched rows start
selected, the rest not (an ambiguous row waits for a choice). Actors the connector's answer could
not carry (rejected by the host) are `invalid` with the reason. Memory stays flat:
only the current batch and the ids already matched are held.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from erpsync.crm import matchkeys
from erpsync.db import bulk
from erpsync.db.base import utcnow
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import Actor
from erpsync.sync import crmrows, links
from erpsync.sync.imports import outbound, stored
from erpsync.sync.imports.classify import Classifier, Verdict, mapped_fields
from erpsync.sync.imports.job import JobContext, cancel, finish
from erpsync.sync.imports.models import (
    AMBIGUOUS,
    GROUPS,
    INVALID,
    MATCHED,
    NEW,
    READY,
    ImportJob,
    ImportRow,
)
from erpsync.sync.retry import message_of
from erpsync.sync.rules import TypeMapping

ROWS: Table = ImportRow.__table__  # type: ignore[assignment]
JOBS: Table = ImportJob.__table__  # type: ignore[assignment]
BATCH = 1000


def run(ctx: JobContext) -> str:
    with ctx.database.session() as session:
        session.execute(update(JOBS).where(JOBS.c.id == ctx.job_id).values(position=0))
        session.execute(ROWS.delete().where(ROWS.c.job_id == ctx.job_id))  # a restarted preview
    tables = [crmrows.TABLES[tm.kind] for tm in ctx.mappings] + [links.LINKS, matchkeys.KEYS]
    bulk.analyze(ctx.database.engine, tables)  # look-ups planned for the tables as they are
    seq = 0
    cursors: dict[str, dict[str, str]] = {}
    for tm in ctx.mappings:
        classifier: Classifier | None = None
        cursor: str | None = None
        for batch in ctx.host.changes(tm.actor_type, None, [f.erp_key for f in mapped_fields(tm)]):
            if ctx.cancelled():
                return cancel(ctx.database, ctx.job_id, None)
            cursor = batch.cursor
            actors = list(
                {actor.key: actor for actor in batch.actors if not actor.deleted}.values()
            )
            for start in range(0, max(len(actors), 1), BATCH):
                chunk = actors[start : start + BATCH]
                rejected = batch.rejected if start + BATCH >= len(actors) else ()
                with ctx.database.session() as session:
                    if classifier is None:
                        classifier = Classifier(
                            session, ctx.connection_id, tm, ctx.rules, ctx.action, ctx.codes
                        )
                    classifier.session = session
                    verdicts = classifier.classify(chunk) + [_rejected(e) for e in rejected]
                    if tm.has_parent:
                        _note_parents(session, ctx, tm, chunk, verdicts)
                    _announce(session, ctx, tm, verdicts)
                    seq = _store(session, ctx.job_id, tm, verdicts, seq)
                    progress = {"phase": "preview", "done": seq, "total": None}
                    session.execute(
                        update(JOBS).where(JOBS.c.id == ctx.job_id).values(progress=progress)
                    )
                ctx.report(progress)
        if cursor is not None and stored.tracks_cursor(ctx.host):  # the commit reads from here
            cursors[tm.actor_type.value] = stored.cursor_entry(tm, cursor)
    with ctx.database.session() as session:
        counts = group_counts(session, ctx.job_id)
    now = utcnow()
    finish(ctx.database, ctx.job_id, None, READY, counts=counts, previewed_at=now, cursors=cursors)
    return READY


def _rejected(error: Exception) -> Verdict:
    key = error.actor_key if isinstance(error, ConnectorError) else None
    return Verdict(key or "(unknown)", INVALID, reason=message_of(error))


def _note_parents(
    session: Session,
    ctx: JobContext,
    tm: TypeMapping,
    actors: Sequence[Actor],
    verdicts: list[Verdict],
) -> None:
    """A child whose parent is neither linked nor in this import will wait for it."""
    refs = {
        (a.parent_type.value, a.parent_key)
        for a in actors
        if a.parent_type is not None and a.parent_key is not None
    }
    if not refs:
        return
    known = set(links.parent_companies(session, ctx.connection_id, refs))
    for parent_type in {t for t, _ in refs}:
        keys = [k for t, k in refs if t == parent_type and (t, k) not in known]
        if keys:
            found = session.scalars(
                select(ROWS.c.erp_key).where(
                    ROWS.c.job_id == ctx.job_id,
                    ROWS.c.actor_type == parent_type,
                    ROWS.c.erp_key.in_(keys),
                    ROWS.c.status.in_((NEW, MATCHED, AMBIGUOUS)),
                )
            )
            known |= {(parent_type, key) for key in found}
    for verdict in verdicts:
        actor = verdict.actor
        if verdict.status not in (NEW, MATCHED) or actor is None or actor.parent_key is None:
            continue
        parent_type = actor.parent_type.value if actor.parent_type else ""
        if (parent_type, actor.parent_key) not in known:
            verdict.reason = (
                f"its parent {parent_type} {actor.parent_key} is not linked and not in this "
                "import; it will wait for it"
            )


def _announce(session: Session, ctx: JobContext, tm: TypeMapping, verdicts: list[Verdict]) -> None:
    """For matched rows, the fields the next sync will write to the ERP (R-SEM-2)."""
    matched = [v for v in verdicts if v.status == MATCHED and v.crm_id is not None]
    if not matched or ctx.action == "add":
        return
    current = crmrows.read(session, tm.kind, [v.crm_id or 0 for v in matched], ctx.codes)
    for verdict in matched:
        record = current.get(verdict.crm_id or 0)
        if record is not None:
            after = {**record, **outbound.changes(ctx.action, verdict.values, record)}
            verdict.erp_writes = outbound.erp_writes(tm, verdict, after)


def _store(
    session: Session, job_id: int, tm: TypeMapping, verdicts: list[Verdict], seq: int
) -> int:
    rows: list[dict[str, Any]] = []
    for verdict in verdicts:
        seq += 1
        rows.append(
            {
                "job_id": job_id,
                "seq": seq,
                "actor_type": tm.actor_type.value,
                "erp_key": verdict.key[:200],
                "label": verdict.label,
                "status": verdict.status,
                "rule": verdict.rule,
                "crm_id": verdict.crm_id,
                "candidates": verdict.candidates,
                "reason": verdict.reason,
                "fingerprint": verdict.fingerprint,
                "erp_writes": verdict.erp_writes or None,
                "erp_fields": len(verdict.erp_writes),
                "selected": verdict.status in (NEW, MATCHED),
                "choice": None,
                "outcome": None,
                "outcome_id": None,
                "note": None,
                "erp_read": stored.encode(verdict),
            }
        )
    if not rows:
        return seq
    if session.get_bind().dialect.name == "postgresql":
        try:
            with session.begin_nested():  # COPY, as the engine writes its rows
                bulk.insert_many(session, ROWS, rows)
            return seq
        except IntegrityError:
            pass  # an actor read twice (an overlap window): keep its first row, below
    session.execute(_insert_new(session), rows)
    _forget_repeats(session, job_id, tm, rows)
    return seq


def _forget_repeats(session: Session, job_id: int, tm: TypeMapping, rows: list[Any]) -> None:
    """An actor met again (it may have changed while the preview read): its first row
    keeps no stored read, so the commit reads it again from the ERP."""
    session.execute(
        update(ROWS)
        .where(
            ROWS.c.job_id == job_id,
            ROWS.c.actor_type == tm.actor_type.value,
            ROWS.c.erp_key.in_([row["erp_key"] for row in rows]),
            ROWS.c.seq < rows[0]["seq"],
        )
        .values(erp_read=None)
    )


def _insert_new(session: Session) -> Any:
    """INSERT that keeps the first row of an actor read twice (an overlap window)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(ROWS).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(ROWS).on_conflict_do_nothing()
    return insert(ROWS)


def group_counts(session: Session, job_id: int) -> dict[str, int]:
    """Rows per group, and how many are selected."""
    counts = dict.fromkeys(GROUPS, 0)
    found = session.execute(
        select(ROWS.c.status, func.count()).where(ROWS.c.job_id == job_id).group_by(ROWS.c.status)
    ).all()
    counts.update({status: int(n) for status, n in found})
    counts["selected"] = int(
        session.scalar(
            select(func.count()).where(ROWS.c.job_id == job_id, ROWS.c.selected.is_(True))
        )
        or 0
    )
    records, fields = session.execute(
        select(func.count(), func.coalesce(func.sum(ROWS.c.erp_fields), 0)).where(
            ROWS.c.job_id == job_id, ROWS.c.selected.is_(True), ROWS.c.erp_fields > 0
        )
    ).one()
    # selected matched records whose CRM values the next sync writes to the ERP
    counts["to_erp_records"], counts["to_erp_fields"] = int(records), int(fields)
    return counts
