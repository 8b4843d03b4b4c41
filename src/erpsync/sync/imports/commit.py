"""The commit of an import: the selected rows in `seq` order (parents first), in batches of
at most 1,000, each one transaction (R-IMP-4, R-SEM-8).

A batch reads its rows after the job's `position`, fetches from the ERP the actors
changed since the preview (all of them for a `snapshot` connector, `stored`; outside
the transaction, the next batch's while this one is written), re-checks and writes
them (`write.BatchWriter`), stores every row's outcome, the job's new position and
counts, checks the lease (a job taken over by a resumed copy cannot
commit) and commits. PostgreSQL's statistics of the tables it fills are refreshed at the
start and as they grow (as the engine does), so the look-ups of each batch stay on their
indexes. A crash loses at most the batch in flight; the resumed job starts after the
last committed row, so nothing is written twice. Cancelling stops between batches. Rows
not selected get their outcome first (skipped, or invalid with the reason), so the
per-row log covers every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby
from typing import Any

from sqlalchemy import Table, bindparam, case, func, select, text, update
from sqlalchemy.orm import Session

from erpsync.crm import matchkeys
from erpsync.db import bulk
from erpsync.db.base import utcnow
from erpsync.errors import Category
from erpsync.sdk.model import Actor
from erpsync.sync import crmrows, killpoints, links
from erpsync.sync.context import RunContext
from erpsync.sync.engine import check_identity
from erpsync.sync.imports import stored
from erpsync.sync.imports.classify import Classifier, mapped_fields
from erpsync.sync.imports.job import JobContext, cancel, finish
from erpsync.sync.imports.models import (
    INVALID,
    LEFT_OUT,
    SUCCEEDED,
    ImportJob,
    ImportRow,
)
from erpsync.sync.imports.write import BatchWriter, Outcome, Row
from erpsync.sync.retry import category_of, message_of
from erpsync.sync.rules import TypeMapping

ROWS: Table = ImportRow.__table__  # type: ignore[assignment]
JOBS: Table = ImportJob.__table__  # type: ignore[assignment]
BATCH = 1000
KILL_POINT = "import_after_batch"
_ROW_COLUMNS = (
    "id",
    "seq",
    "actor_type",
    "erp_key",
    "status",
    "crm_id",
    "rule",
    "choice",
    "fingerprint",
    "erp_read",
)


def run(ctx: JobContext) -> str:
    run_ctx = RunContext(ctx.database, ctx.connection_id, None, ctx.token, ctx.host, ctx.codes)
    run_ctx.lease_ttl, run_ctx.clock = ctx.lease_ttl, ctx.clock  # batches renew the short lease
    check_identity(run_ctx)  # R-SEM-4: links are only made against the ERP they belong to
    total, done, cursors = _start(ctx)
    # R-SEM-10: what changed in the ERP since the preview
    changed = stored.changed_since(ctx.database, ctx.job_id, ctx.host, ctx.mappings, cursors)
    types = {tm.actor_type.value: tm for tm in ctx.mappings}
    tables = [crmrows.TABLES[tm.kind] for tm in ctx.mappings] + [links.LINKS, matchkeys.KEYS]
    tables.append(ROWS)
    bulk.analyze(ctx.database.engine, tables)  # planned for the tables as they are now
    analyzed, written = bulk.ANALYZE_AFTER, 0
    # The next batch's actors are read from the ERP while this batch is written.
    with ThreadPoolExecutor(1, thread_name_prefix="import-fetch") as reader:
        rows = _next_rows(ctx, None)
        ahead = reader.submit(_fetch_rows, ctx, types, rows, changed)
        while rows:
            if ctx.cancelled():
                return cancel(ctx.database, ctx.job_id, ctx.token)
            fetched = ahead.result()
            following = _next_rows(ctx, rows[-1].seq)
            ahead = reader.submit(_fetch_rows, ctx, types, following, changed)
            with run_ctx.batch() as session:
                outcomes: list[Outcome] = []
                for name, group in _by_type(rows):
                    tm = types[name]
                    classifier = Classifier(
                        session, ctx.connection_id, tm, ctx.rules, ctx.action, ctx.codes
                    )
                    writer = BatchWriter(session, classifier, tm)
                    outcomes += writer.write(group, fetched[name], changed)
                progress = _store(session, ctx, outcomes, rows[-1].seq, done + len(rows), total)
            done += len(rows)
            written += len(rows)
            if written >= analyzed:  # the tables grew: keep the look-ups on their indexes
                bulk.analyze(ctx.database.engine, tables)
                analyzed = written * 4
            killpoints.reached(KILL_POINT)
            ctx.report(progress)
            rows = following
    with ctx.database.session() as session:
        summary = outcome_counts(session, ctx.job_id)
    finish(ctx.database, ctx.job_id, ctx.token, SUCCEEDED, outcomes=summary)
    return SUCCEEDED


def _start(ctx: JobContext) -> tuple[int, int, dict[str, Any] | None]:
    """Running; rows not selected get their outcome now (idempotent on a resume).
    Returns the selected rows in all, those already done (before the position) and the
    preview's cursors."""
    with ctx.database.session() as session:
        job = session.get(ImportJob, ctx.job_id)
        assert job is not None
        job.started_at = job.started_at or utcnow()
        session.execute(
            update(ROWS)
            .where(ROWS.c.job_id == ctx.job_id, ~ROWS.c.selected, ROWS.c.outcome.is_(None))
            .values(
                outcome=case((ROWS.c.status == INVALID, INVALID), else_=LEFT_OUT),
                note=case((ROWS.c.reason.is_not(None), ROWS.c.reason), else_="not selected"),
            )
        )
        job.outcomes = outcome_counts(session, ctx.job_id)
        selected = select(func.count()).where(ROWS.c.job_id == ctx.job_id, ROWS.c.selected)
        total = int(session.scalar(selected) or 0)
        done = int(session.scalar(selected.where(ROWS.c.seq <= job.position)) or 0)
        cursors = job.cursors
    return total, done, cursors


def _next_rows(ctx: JobContext, after: int | None) -> list[Row]:
    """The next selected rows after `after`, or after the job's committed position."""
    with ctx.database.read_session() as session:
        position = after
        if position is None:
            position = session.scalar(select(JOBS.c.position).where(JOBS.c.id == ctx.job_id))
        found = session.execute(
            select(*(ROWS.c[name] for name in _ROW_COLUMNS))
            .where(ROWS.c.job_id == ctx.job_id, ROWS.c.selected, ROWS.c.seq > (position or 0))
            .order_by(ROWS.c.seq)
            .limit(BATCH)
        ).all()
    return [Row(*r) for r in found]  # the columns in `Row`'s order


def _by_type(rows: Sequence[Row]) -> list[tuple[str, list[Row]]]:
    return [(name, list(group)) for name, group in groupby(rows, key=lambda row: row.actor_type)]


def _fetch_rows(
    ctx: JobContext, types: dict[str, TypeMapping], rows: Sequence[Row], changed: stored.Changed
) -> dict[str, dict[str, Actor | Exception]]:
    """The actors of the rows the preview's stored read cannot stand for: as the change
    stream gave them, else read by key."""
    found: dict[str, dict[str, Actor | Exception]] = {}
    for name, group in _by_type(rows):
        streamed: dict[str, Actor | Exception] = {}
        keys: list[str] = []
        for row in group:
            if changed.use_stored(row):
                continue
            if (actor := changed.actor(row)) is not None:
                streamed[row.erp_key] = actor
            else:
                keys.append(row.erp_key)
        found[name] = {**streamed, **(_fetch(ctx, types[name], keys) if keys else {})}
    return found


def _fetch(ctx: JobContext, tm: TypeMapping, keys: list[str]) -> dict[str, Actor | Exception]:
    """The actors as the ERP has them now; one by one only when the batch's answer is bad."""
    fields = [rule.erp_key for rule in mapped_fields(tm)]
    try:
        return {a.key: a for a in ctx.host.get_actors(tm.actor_type, keys, fields)}
    except Exception as exc:
        if category_of(exc) is not Category.DATA or len(keys) == 1:
            raise
    found: dict[str, Actor | Exception] = {}
    for key in keys:
        try:
            found.update({a.key: a for a in ctx.host.get_actors(tm.actor_type, [key], fields)})
        except Exception as exc:
            if category_of(exc) is not Category.DATA:
                raise
            found[key] = ValueError(message_of(exc))
    return found


def _store(
    session: Session,
    ctx: JobContext,
    outcomes: list[Outcome],
    position: int,
    done: int,
    total: int,
) -> dict[str, Any]:
    store_outcomes(session, outcomes)
    job = session.get(ImportJob, ctx.job_id)
    assert job is not None
    counts = dict(job.outcomes or {})
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    progress = {"phase": "import", "done": done, "total": total}
    job.position, job.outcomes, job.progress = position, counts, progress
    return {**progress, "outcomes": counts}


_UNNEST = text(
    "UPDATE import_rows AS r SET outcome = v.outcome, outcome_id = v.outcome_id, note = v.note"
    " FROM unnest(CAST(:ids AS bigint[]), CAST(:outcomes AS varchar[]),"
    " CAST(:crm_ids AS bigint[]), CAST(:notes AS text[]))"
    " AS v(id, outcome, outcome_id, note)"
    " WHERE r.id = v.id AND r.id BETWEEN :low AND :high"  # a range of the primary key
)


def store_outcomes(session: Session, outcomes: Sequence[Outcome]) -> None:
    """What each row became: on PostgreSQL one UPDATE … FROM unnest(arrays) per batch
    (four parameters, not a statement per row), elsewhere executemany."""
    if not outcomes:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            _UNNEST,
            {
                "ids": [o.row_id for o in outcomes],
                "outcomes": [o.outcome for o in outcomes],
                "crm_ids": [o.crm_id for o in outcomes],
                "notes": [o.note for o in outcomes],
                "low": min(o.row_id for o in outcomes),
                "high": max(o.row_id for o in outcomes),
            },
        )
        return
    session.execute(
        update(ROWS).where(ROWS.c.id == bindparam("b_id")),
        [
            {"b_id": o.row_id, "outcome": o.outcome, "outcome_id": o.crm_id, "note": o.note}
            for o in outcomes
        ],
    )


def outcome_counts(session: Session, job_id: int) -> dict[str, int]:
    found = session.execute(
        select(ROWS.c.outcome, func.count())
        .where(ROWS.c.job_id == job_id, ROWS.c.outcome.is_not(None))
        .group_by(ROWS.c.outcome)
    ).all()
    return {str(outcome): int(n) for outcome, n in found}
