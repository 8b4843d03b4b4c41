"""Import rules for the API, the pages and the CLI (R-IMP-1…4): start a preview, read it,
select rows and choose for ambiguous ones, commit, cancel, resume.

Imports are for administrators. An import is refused while sync is on for the
connection (R-IMP-1: the engine and an import must not write the same records at once);
it works whether the connection is active or not (R-SEM-6). Committing takes the
connection's lease (R-SYNC-10), so no sync run starts while it writes; resuming a job
after a crash takes the lease over with a new fencing token, so a copy still running
somewhere cannot commit any more. What a new import is checked for is in `checks`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from erpsync.connections.models import Connection
from erpsync.db.base import utcnow
from erpsync.errors import Conflict, NotFound, ValidationError
from erpsync.sync import lease
from erpsync.sync.imports import checks
from erpsync.sync.imports.job import holder
from erpsync.sync.imports.models import (
    AMBIGUOUS,
    CANCELLED,
    FAILED,
    MATCHED,
    NEW,
    PREVIEWING,
    QUEUED,
    READY,
    RUNNING,
    ImportJob,
    ImportRow,
)
from erpsync.sync.imports.preview import group_counts
from erpsync.sync.imports.schemas import ImportCreate, RowsUpdate

ROWS: Table = ImportRow.__table__  # type: ignore[assignment]
SELECTABLE = (NEW, MATCHED, AMBIGUOUS)


def _sync_off(connection: Connection) -> None:
    if connection.deleted_at is not None:
        raise NotFound(f"No connection with id {connection.id}.")
    if connection.sync_enabled:
        raise Conflict(
            f"Sync is on for the connection '{connection.name}'; switch it off before "
            "importing, so the engine and the import do not write the same records at once.",
            field="sync_enabled",
        )


def create(
    session: Session, connection: Connection, data: ImportCreate, user_id: int | None
) -> ImportJob:
    """A new job in state `previewing`; the caller hands it to a runner."""
    _sync_off(connection)
    mapped = checks.mapped(session, connection.id)
    actor_types = checks.check_types(mapped, data.actor_types)
    checks.check_rules(mapped, actor_types, list(data.rules))
    job = ImportJob(
        connection_id=connection.id,
        actor_types=actor_types,
        rules=list(data.rules),
        action=data.action,
        state=PREVIEWING,
        requested_by_id=user_id,
        counts={},
        outcomes={},
        progress={"phase": "preview", "done": 0, "total": None},
        position=0,
        cancel_requested=False,
    )
    session.add(job)
    session.flush()
    return job


def get(session: Session, job_id: int) -> ImportJob:
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound(f"No import job with id {job_id}.")
    return job


def list_jobs(
    session: Session, connection_id: int | None = None, limit: int = 50
) -> list[ImportJob]:
    stmt = select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)
    if connection_id is not None:
        stmt = stmt.where(ImportJob.connection_id == connection_id)
    return list(session.scalars(stmt))


def rows_page(
    session: Session,
    job_id: int,
    *,
    status: str | None = None,
    outcome: str | None = None,
    to_erp: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[ImportRow]]:
    """A page of rows in import order: of one group, with one outcome, and (`to_erp`)
    those whose CRM values the next sync writes to the ERP, or the others."""
    if not 1 <= limit <= 1000 or offset < 0:
        raise ValidationError("limit: 1 to 1000; offset: 0 or more.", field="limit")
    stmt = select(ImportRow).where(ImportRow.job_id == job_id)
    if status is not None:
        stmt = stmt.where(ImportRow.status == status)
    if to_erp is not None:
        stmt = stmt.where(ImportRow.erp_fields > 0 if to_erp else ImportRow.erp_fields == 0)
    if outcome is not None:
        stmt = stmt.where(ImportRow.outcome == outcome)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = session.scalars(stmt.order_by(ImportRow.seq).limit(limit).offset(offset)).all()
    return int(total), list(items)


#: The summary lists rows in this order of outcome: what needs a look, what changed existing
#: CRM records, what was created, and the skipped rows (often the already linked ones) last.
SUMMARY_ORDER = ("failed", "invalid", "changed", "merged", "replaced", "added", "created")


def summary_rows(session: Session, job: ImportJob, limit: int) -> tuple[int, list[ImportRow]]:
    """Up to `limit` rows of what each row became, in SUMMARY_ORDER, then other outcomes,
    the skipped rows, and the rows an ended import never reached; with the rows' total."""
    total, first = rows_page(session, job.id, limit=limit)
    if not job.outcomes:
        return total, first
    known = [o for o in SUMMARY_ORDER if job.outcomes.get(o)]
    others = sorted(o for o in job.outcomes if o not in SUMMARY_ORDER and o != "skipped")
    rows: list[ImportRow] = []
    for outcome in [*known, *others, "skipped"]:
        if len(rows) < limit and job.outcomes.get(outcome):
            rows += rows_page(session, job.id, outcome=outcome, limit=limit - len(rows))[1]
    rows += [row for row in first if row.outcome is None][: limit - len(rows)]
    return total, rows


def _ready(job: ImportJob, doing: str) -> None:
    if job.state != READY:
        raise Conflict(
            f"The import {job.id} is {job.state}; only a previewed import (ready) can {doing}.",
            field="state",
        )


def update_rows(session: Session, job: ImportJob, data: RowsUpdate) -> ImportJob:
    """Select or deselect rows (or whole groups) and choose for ambiguous rows; all or nothing."""
    _ready(job, "change its selection")
    for group, selected in data.groups.items():
        if group not in SELECTABLE and selected:
            raise ValidationError(
                f"groups.{group}: {group} rows cannot be imported.", field=f"groups.{group}"
            )
        where = [ROWS.c.job_id == job.id, ROWS.c.status == group]
        if group == AMBIGUOUS and selected:
            where.append(ROWS.c.choice.is_not(None))
        session.execute(update(ROWS).where(*where).values(selected=selected))
    ids = [change.id for change in data.rows]
    wanted = select(ImportRow).where(ImportRow.job_id == job.id, ImportRow.id.in_(ids))
    found = {row.id: row for row in session.scalars(wanted)} if ids else {}
    for index, change in enumerate(data.rows):
        _change(found.get(change.id), index, change.selected, change.choice)
    session.flush()
    job.counts = group_counts(session, job.id)
    return job


def _change(row: ImportRow | None, index: int, selected: bool | None, choice: int | None) -> None:
    where = f"rows.{index}"
    if row is None:
        raise ValidationError(f"{where}.id: no such row in this import.", field=f"{where}.id")
    if row.status not in SELECTABLE and (selected or choice is not None):
        raise ValidationError(
            f"{where}.selected: row {row.erp_key} is {row.status} ({row.reason}) and cannot be "
            "imported.",
            field=f"{where}.selected",
        )
    if choice is not None:
        if row.status != AMBIGUOUS:
            raise ValidationError(
                f"{where}.choice: only an ambiguous row takes a choice.", field=f"{where}.choice"
            )
        if choice != 0 and choice not in (row.candidates or []):
            shown = ", ".join(str(c) for c in row.candidates or [])
            raise ValidationError(
                f"{where}.choice: {choice} is not a candidate of {row.erp_key} ({shown}); "
                "or 0 for a new record.",
                field=f"{where}.choice",
            )
        row.choice = choice
        row.selected = True if selected is None else selected
        return
    if selected and row.status == AMBIGUOUS and row.choice is None:
        raise ValidationError(
            f"{where}.choice: {row.erp_key} matches several CRM records; choose one of "
            f"{row.candidates} (or 0 for a new record) to import it.",
            field=f"{where}.choice",
        )
    if selected is not None:
        row.selected = selected


def request_commit(session: Session, job: ImportJob, now: datetime) -> ImportJob:
    """Queue the commit of a previewed job, holding the connection's lease."""
    _ready(job, "be imported")
    connection = session.get(Connection, job.connection_id)
    assert connection is not None
    _sync_off(connection)
    job.lease_token = _take(session, job, now, takeover=False)
    job.state, job.finished_at = QUEUED, None
    job.cancel_requested = False
    job.progress = {"phase": "import", "done": 0, "total": int(job.counts.get("selected", 0))}
    return job


def _take(session: Session, job: ImportJob, now: datetime, takeover: bool) -> int:
    name = holder(job.id)
    taken = lease.take(session, job.connection_id, name, now)
    if taken.token is not None:
        return taken.token
    if takeover and taken.holder == name:
        # Our own holder went silent (a crash): fence it off with a new token.
        token = session.execute(
            update(lease.LEASES)
            .where(lease.LEASES.c.connection_id == job.connection_id, lease.LEASES.c.holder == name)
            .values(token=lease.LEASES.c.token + 1, expires_at=now + lease.DEFAULT_TTL)
            .returning(lease.LEASES.c.token)
        ).scalar_one()
        return int(token)
    raise Conflict(
        f"The connection is busy ({taken.holder or 'another run'}); import when it has ended.",
        field="connection_id",
    )


def cancel(session: Session, job: ImportJob) -> ImportJob:
    """Stop a job between batches; a previewed job that never ran is cancelled at once."""
    if job.state == READY:
        job.state = CANCELLED
        job.finished_at = utcnow()
    elif job.state in (PREVIEWING, QUEUED, RUNNING):
        job.cancel_requested = True
    else:
        raise Conflict(f"The import {job.id} has ended ({job.state}).", field="state")
    return job


def resume(session: Session, job: ImportJob, now: datetime) -> ImportJob:
    """Continue a job that stopped (crash, failure) after its last committed row; a
    running job whose lease is still renewed is refused (never two executors)."""
    if job.state == PREVIEWING:
        job.started_at = None  # the preview starts over
        return job
    if job.state not in (QUEUED, RUNNING, FAILED) or job.position < 0:
        raise Conflict(f"The import {job.id} is {job.state}; nothing to resume.", field="state")
    if job.state == FAILED and job.previewed_at is None:
        raise Conflict(f"The preview of import {job.id} failed; start a new import.", field="state")
    connection = session.get(Connection, job.connection_id)
    assert connection is not None
    _sync_off(connection)
    if job.state == RUNNING and lease.live(session, job.connection_id, job.lease_token, now):
        raise Conflict(
            f"The import {job.id} is running and renewing its lease; resume it only once it "
            "is interrupted.",
            field="state",
        )
    job.lease_token = _take(session, job, now, takeover=True)
    job.state, job.error, job.finished_at, job.cancel_requested = QUEUED, None, None, False
    return job
