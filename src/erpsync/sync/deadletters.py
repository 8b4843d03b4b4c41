"""Dead letters (R-SYNC-6): records quarantined with their reason — list, retry, discard.

A retry is a run of kind `retry` that carries the chosen dead letters. Before the
connection's usual passes, `prepare` re-reads the ERP records of ERP-side dead letters
and applies them (no cursor moves), and gives CRM-side ones a new change position so the
CRM → ERP pass sends them again. After a run that succeeded, `settle` closes each dead
letter that did not fail again in it; one that failed again stays open with its new
reason and one more attempt.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from erpsync.connections import hosts
from erpsync.connections.hosts import Endpoint
from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.errors import NotFound, ValidationError
from erpsync.sdk.model import ActorType
from erpsync.sync import crmrows, engine, erp_stream, rules
from erpsync.sync.context import RunContext, utc_now
from erpsync.sync.erp_to_crm import stream_name
from erpsync.sync.models import DeadLetter, SyncRun
from erpsync.sync.retry import Backoff

ERP_PREFIX, CRM_PREFIX = "erp:", "crm:"
CREATE_PREFIX = "crm-create:"


def _open(connection_id: int) -> Any:
    return select(DeadLetter).where(
        DeadLetter.connection_id == connection_id, DeadLetter.resolved_at.is_(None)
    )


def page(
    session: Session, connection_id: int, q: str | None, limit: int, offset: int
) -> tuple[int, list[DeadLetter]]:
    """Open dead letters, newest first; `q` searches stream, record key and reason."""
    if not 1 <= limit <= 500 or offset < 0:
        raise ValidationError("limit: 1 to 500; offset: 0 or more.", field="limit")
    stmt = _open(connection_id)
    if q:
        pattern = f"%{q.lower()}%"
        stmt = stmt.where(
            func.lower(DeadLetter.stream).like(pattern)
            | func.lower(DeadLetter.record_key).like(pattern)
            | func.lower(DeadLetter.reason).like(pattern)
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(DeadLetter.last_attempt_at.desc(), DeadLetter.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return int(total), list(rows)


def open_count(session: Session, connection_id: int) -> int:
    stmt = select(func.count()).select_from(_open(connection_id).subquery())
    return int(session.scalar(stmt) or 0)


def chosen(session: Session, connection_id: int, ids: list[int] | None) -> list[int]:
    """The open dead letters to act on: the given ids (each must be open), or all."""
    found = set(session.scalars(_open(connection_id).with_only_columns(DeadLetter.id)).all())
    if ids is None:
        return sorted(found)
    missing = sorted(set(ids) - found)
    if missing:
        raise NotFound(
            f"No open dead letter with id {', '.join(map(str, missing))} for this connection."
        )
    return sorted(set(ids))


def discard(session: Session, connection_id: int, ids: list[int] | None, now: datetime) -> int:
    """Close dead letters without retrying (the record stays as the ERP or CRM has it)."""
    wanted = chosen(session, connection_id, ids)
    if wanted:
        session.execute(update(DeadLetter).where(DeadLetter.id.in_(wanted)).values(resolved_at=now))
    return len(wanted)


def retry_ids(run: SyncRun) -> list[int]:
    return [int(i) for i in (run.progress or {}).get("retry", [])] if run.kind == "retry" else []


def prepare(database: Database, keys: Keys, run_id: int) -> list[int]:
    """Before a retry run's passes: re-apply ERP-side dead letters, re-queue CRM-side ones.

    Returns the dead letters the run retries. Uses the run's lease token, so a retry
    that lost its lease commits nothing."""
    with database.read_session() as session:
        run = session.get(SyncRun, run_id)
        if run is None or not retry_ids(run):
            return []
        ids = retry_ids(run)
        letters = list(session.scalars(_open(run.connection_id).where(DeadLetter.id.in_(ids))))
        connection = session.get(Connection, run.connection_id)
        assert connection is not None
        token, endpoint = run.lease_token, hosts.endpoint(keys, connection)
    crm = [letter for letter in letters if letter.stream.startswith(CRM_PREFIX)]
    if crm:
        with database.session() as session:
            for kind in {letter.stream[len(CRM_PREFIX) :] for letter in crm}:
                records = [int(x.record_key) for x in crm if x.stream == CRM_PREFIX + kind]
                crmrows.update_rows(session, kind, {record: {} for record in records})
    _requeue_creates(database, [x for x in letters if x.stream.startswith(CREATE_PREFIX)])
    erp = [letter for letter in letters if letter.stream.startswith(ERP_PREFIX)]
    if erp:
        _reapply(database, run.connection_id, run_id, token, endpoint, erp)
    return [letter.id for letter in letters]


def _requeue_creates(database: Database, letters: list[DeadLetter]) -> None:
    """CRM→ERP creates (`sync.crm_creates`): a new change position puts the record back
    in front of the create pass; its outbox entry failed, so nothing else holds it."""
    kinds: dict[str, list[int]] = {}
    for letter in letters:
        kind = (letter.payload or {}).get("crm_kind")
        if kind in crmrows.TABLES and letter.record_key.isdigit():
            kinds.setdefault(kind, []).append(int(letter.record_key))
    if kinds:
        with database.session() as session:
            for kind, records in kinds.items():
                crmrows.update_rows(session, kind, {record: {} for record in records})


def _reapply(
    database: Database,
    connection_id: int,
    run_id: int,
    token: int | None,
    endpoint: Endpoint,
    letters: list[DeadLetter],
) -> None:
    backoff = Backoff()
    host = backoff.call(endpoint.host)
    try:
        backoff.call(lambda: host.open(str(connection_id), endpoint.values))
        with database.read_session() as session:
            codes = crmrows.ListCodes(session)
        ctx = RunContext(database, connection_id, run_id, token, host, codes)
        engine.check_identity(ctx)
        with database.read_session() as session:
            mappings = rules.load(session, connection_id, host)
        for tm in mappings:
            keys = [x.record_key for x in letters if x.stream == stream_name(tm)]
            if not keys:
                continue
            wanted = tm.field_keys
            actor_type = ActorType(tm.actor_type)
            actors = backoff.call(lambda: host.get_actors(actor_type, keys, wanted))  # noqa: B023
            erp_stream.apply_batch(ctx, tm, list(actors), [], None)
    finally:
        host.close()


def settle(database: Database, ids: list[int], since: datetime) -> int:
    """After a retry run that succeeded: close those that did not fail again."""
    if not ids:
        return 0
    with database.session() as session:
        done = session.execute(
            update(DeadLetter)
            .where(
                DeadLetter.id.in_(ids),
                DeadLetter.resolved_at.is_(None),
                DeadLetter.last_attempt_at < since,
            )
            .values(resolved_at=utc_now())
        )
        return int(done.rowcount)  # type: ignore[attr-defined]
