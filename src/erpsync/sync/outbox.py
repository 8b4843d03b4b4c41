"""CRM → ERP creates through the outbox: an actor is never created twice (R-SEM-5).

The contract, for the ERP tab's **Create in ERP** and the engine's create path alike:

1. `enqueue` — in the caller's transaction, which must commit before step 2: refuse
   (`Conflict`, 409) a CRM record that already has a live link of this actor type or an
   open (`pending`/`review`) outbox entry; otherwise add an `OutboxEntry` in state
   `pending` with a fresh idempotency key and the ERP values to create. A partial
   unique index keeps one open entry per record even between processes.
2. `call_create` — the connector's `create` with that idempotency key. A connector
   that declares `idempotent_create` stores the key in the ERP and answers a repeated
   create with the actor made the first time, so transient failures are retried there;
   for other connectors a transient failure leaves the entry `pending`.
3. `finish` — in one transaction: link the CRM record to the new actor, with its
   shadow (the CRM's values; ERP-assigned values of `to_crm`/`both` fields are written
   into the CRM record and become the shadow), log `created_in_erp`, mark the entry
   `done` with the ERP key.

A `data` or `config` answer marks the entry `failed` with the reason and leaves no link:
the ERP refused, nothing was created. A crash (or an unanswered call) between 1 and 3
leaves the entry `pending`; `reconcile` settles it: an idempotent connector is asked to
create again with the same key (which finds the actor if it exists), any other is
searched by the Text values that were sent (`equals` on its searchable fields); exactly
one unlinked match is linked, no match or several put the entry in **review**, where
an administrator links it to a chosen actor, retries or discards it (`outbox_review`).

`create_in_erp` runs the three steps for one record and raises what went wrong.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from erpsync.db import Database
from erpsync.errors import Category, Conflict, TransientError
from erpsync.sdk.codec import decode_value, encode_value
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, ActorRef, ActorType, Value
from erpsync.sync import journal, killpoints, rules
from erpsync.sync.crmrows import ListCodes
from erpsync.sync.models import (
    LINK_UNLINKED,
    OUTBOX_DONE,
    OUTBOX_FAILED,
    OUTBOX_OPEN,
    OUTBOX_PENDING,
    OUTBOX_REVIEW,
    Link,
    OutboxEntry,
)
from erpsync.sync.outbox_links import Undecidable, find_created, link_created
from erpsync.sync.retry import Backoff, category_of, message_of

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CreateOrder:
    """One CRM record to create as an actor, with its ERP values already transformed
    (defaults applied) and, for a person or project, the parent actor."""

    connection_id: int
    actor_type: ActorType
    crm_kind: str
    crm_id: int
    values: dict[str, Value]
    parent: ActorRef | None = None


@dataclass(frozen=True, slots=True)
class Created:
    entry_id: int
    erp_key: str
    link_id: int


@dataclass
class Reconciled:
    """What `reconcile` did with the pending entries it found."""

    linked: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    review: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)


def new_key() -> str:
    return f"erpsync-{uuid.uuid4().hex}"


def enqueue(session: Session, order: CreateOrder) -> OutboxEntry:
    """Step 1: the outbox entry; the caller commits it before calling `call_create`."""
    live = session.scalar(
        select(Link.erp_key).where(
            Link.connection_id == order.connection_id,
            Link.actor_type == order.actor_type.value,
            Link.crm_kind == order.crm_kind,
            Link.crm_id == order.crm_id,
            Link.state != LINK_UNLINKED,
        )
    )
    if live is not None:
        raise Conflict(
            f"This {order.crm_kind} is already linked to {order.actor_type} {live} in the "
            "ERP; disconnect it first to create another.",
            field="crm_id",
        )
    entry = OutboxEntry(
        connection_id=order.connection_id,
        idempotency_key=new_key(),
        actor_type=order.actor_type.value,
        crm_kind=order.crm_kind,
        crm_id=order.crm_id,
        values={key: encode_value(value) for key, value in order.values.items()},
        state=OUTBOX_PENDING,
        attempts=1,
        parent_type=order.parent.type.value if order.parent else None,
        parent_key=order.parent.key if order.parent else None,
    )
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError:
        raise Conflict(
            f"A create of this {order.crm_kind} in the ERP is already under way or waits "
            "for review; settle that one first.",
            field="crm_id",
        ) from None
    return entry


def open_entry(
    session: Session, connection_id: int, actor_type: str, kind: str, crm_id: int
) -> OutboxEntry | None:
    return session.scalar(
        select(OutboxEntry).where(
            OutboxEntry.connection_id == connection_id,
            OutboxEntry.actor_type == actor_type,
            OutboxEntry.crm_kind == kind,
            OutboxEntry.crm_id == crm_id,
            OUTBOX_OPEN,
        )
    )


def values_of(entry: OutboxEntry) -> dict[str, Value]:
    return {key: decode_value(data) for key, data in (entry.values or {}).items()}


def parent_of(entry: OutboxEntry) -> ActorRef | None:
    if entry.parent_type is None or entry.parent_key is None:
        return None
    return ActorRef(ActorType(entry.parent_type), entry.parent_key)


def idempotent(host: ConnectorHost) -> bool:
    return bool(getattr(host.connector, "idempotent_create", False))


def call_create(host: ConnectorHost, entry: OutboxEntry, backoff: Backoff) -> Actor:
    """Step 2: the ERP call with the entry's idempotency key."""
    actor_type = ActorType(entry.actor_type)
    values, parent, key = values_of(entry), parent_of(entry), entry.idempotency_key

    def attempt() -> Actor:
        return host.create(actor_type, values, parent, key)

    killpoints.reached("after_outbox_row")
    actor = backoff.call(attempt) if idempotent(host) else attempt()
    killpoints.reached("after_erp_create")
    return actor


def mark(
    database: Database, entry_id: int, state: str, note: str | None, erp_key: str | None = None
) -> None:
    with database.session() as session:
        entry = session.get(OutboxEntry, entry_id)
        if entry is not None and entry.state in (OUTBOX_PENDING, OUTBOX_REVIEW):
            entry.state, entry.note = state, note
            if erp_key is not None:
                entry.erp_key = erp_key


def refused(error: BaseException) -> bool:
    """The ERP said no for good: nothing was created, the entry fails."""
    return category_of(error) in (Category.DATA, Category.CONFIG)


def create_in_erp(
    database: Database,
    host: ConnectorHost,
    order: CreateOrder,
    *,
    backoff: Backoff | None = None,
    run_id: int | None = None,
    mappings: Sequence[rules.TypeMapping] | None = None,
) -> Created:
    """Steps 1–3 for one record. Raises `Conflict` (already linked or under way), the
    connector's error when the ERP refused (entry `failed`), `TransientError` when the
    ERP did not answer (entry `pending`, settled by `reconcile`)."""
    with database.session() as session:
        entry = enqueue(session, order)
        session.flush()
        entry_id = entry.id
    with database.read_session() as session:
        stored = session.get(OutboxEntry, entry_id)
        assert stored is not None
        session.expunge(stored)
    try:
        actor = call_create(host, stored, backoff or Backoff())
    except Exception as exc:
        if refused(exc):
            mark(database, entry_id, OUTBOX_FAILED, message_of(exc))
            raise
        if category_of(exc) is Category.TRANSIENT:
            mark(database, entry_id, OUTBOX_PENDING, message_of(exc))
            raise TransientError(
                "The ERP did not confirm the create; it will be checked and linked by the "
                f"next sync (outbox entry {entry_id}): {message_of(exc)}"
            ) from exc
        raise
    types = mappings if mappings is not None else load_mappings(database, host, order.connection_id)
    return finish(database, entry_id, actor, types, run_id)


def load_mappings(
    database: Database, host: ConnectorHost, connection_id: int
) -> list[rules.TypeMapping]:
    with database.read_session() as session:
        return rules.load(session, connection_id, host)


def finish(
    database: Database,
    entry_id: int,
    actor: Actor,
    mappings: Sequence[rules.TypeMapping],
    run_id: int | None = None,
    codes: ListCodes | None = None,
) -> Created:
    """Step 3: link, shadow, CRM values from the ERP, log, entry `done` — one transaction.
    When the record or the actor got another live link meanwhile, the entry goes to
    review instead (the actor exists; an administrator decides)."""
    try:
        with database.session() as session:
            return link_entry(session, entry_id, actor, mappings, run_id, codes)
    except IntegrityError:
        note = (
            f"The ERP created {actor.type} {actor.key}, but the CRM record or that actor got "
            "another link meanwhile; link it by hand or discard this entry."
        )
        mark(database, entry_id, OUTBOX_REVIEW, note, actor.key)
        raise Conflict(note, field="crm_id") from None


def link_entry(
    session: Session,
    entry_id: int,
    actor: Actor,
    mappings: Sequence[rules.TypeMapping],
    run_id: int | None = None,
    codes: ListCodes | None = None,
) -> Created:
    """Step 3 in the caller's transaction (the engine finishes several in one): raises
    `IntegrityError` when the record or the actor got another live link meanwhile."""
    entry = _locked(session, entry_id)
    tm = next((m for m in mappings if m.actor_type.value == entry.actor_type), None)
    link_id = link_created(session, entry, actor, tm, run_id, codes)
    entry.state, entry.erp_key, entry.note = OUTBOX_DONE, actor.key, None
    return Created(entry_id, actor.key, link_id)


def _locked(session: Session, entry_id: int) -> OutboxEntry:
    entry = session.scalar(select(OutboxEntry).where(OutboxEntry.id == entry_id).with_for_update())
    if entry is None or entry.state not in (OUTBOX_PENDING, OUTBOX_REVIEW):
        raise Conflict(f"The outbox entry {entry_id} is no longer open.", field="entry_id")
    return entry


# --- after a crash ----------------------------------------------------------------------


def pending_ids(session: Session, connection_id: int) -> list[int]:
    return list(
        session.scalars(
            select(OutboxEntry.id)
            .where(
                OutboxEntry.connection_id == connection_id,
                OutboxEntry.state == OUTBOX_PENDING,
            )
            .order_by(OutboxEntry.id)
        )
    )


def reconcile(
    database: Database,
    host: ConnectorHost,
    connection_id: int,
    *,
    backoff: Backoff | None = None,
    run_id: int | None = None,
    on_each: Callable[[], None] | None = None,
) -> Reconciled:
    """Settle every `pending` entry of a connection (run before new creates)."""
    result = Reconciled()
    with database.read_session() as session:
        ids = pending_ids(session, connection_id)
    if not ids:
        return result
    mappings = load_mappings(database, host, connection_id)
    retry = backoff or Backoff()
    for entry_id in ids:
        _settle(database, host, entry_id, mappings, retry, run_id, result)
        if on_each is not None:
            on_each()
    return result


def _settle(
    database: Database,
    host: ConnectorHost,
    entry_id: int,
    mappings: Sequence[rules.TypeMapping],
    retry: Backoff,
    run_id: int | None,
    result: Reconciled,
) -> None:
    with database.read_session() as session:
        entry = session.get(OutboxEntry, entry_id)
        if entry is None or entry.state != OUTBOX_PENDING:
            return
        session.expunge(entry)
    try:
        actor = call_create(host, entry, retry) if idempotent(host) else _find(host, entry)
    except Undecidable as exc:  # an administrator looks at it
        mark(database, entry_id, OUTBOX_REVIEW, exc.message)
        result.review.append(entry_id)
        return
    except Exception as exc:
        if refused(exc):
            mark(database, entry_id, OUTBOX_FAILED, message_of(exc))
            result.failed.append(entry_id)
        elif category_of(exc) is Category.TRANSIENT:
            mark(database, entry_id, OUTBOX_PENDING, message_of(exc))
            result.pending.append(entry_id)
        else:
            raise
        return
    try:
        finish(database, entry_id, actor, mappings, run_id)
        result.linked.append(entry_id)
    except Conflict:
        result.review.append(entry_id)


def _find(host: ConnectorHost, entry: OutboxEntry) -> Actor:
    """The actor a crashed create may have made, by the Text values that were sent."""
    return find_created(host, ActorType(entry.actor_type), values_of(entry))


def describe(entry: OutboxEntry) -> dict[str, Any]:
    """An entry as the review queue shows it (values as sent, JSON-safe)."""
    return {
        "id": entry.id,
        "connection_id": entry.connection_id,
        "actor_type": entry.actor_type,
        "crm_kind": entry.crm_kind,
        "crm_id": entry.crm_id,
        "state": entry.state,
        "erp_key": entry.erp_key,
        "note": entry.note,
        "values": {key: journal.text_of(value) for key, value in values_of(entry).items()},
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }
