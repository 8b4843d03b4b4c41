"""Settling outbox review entries for the API and the pages (R-SEM-5): the connection
under the user's scope, its ERP opened for the one action (R-SEM-7), and the ERP's
answers turned into errors that name what is wrong.

- `link`: the chosen ERP key must name a live actor that no other CRM record is linked
  to (409 naming `erp_key` otherwise); the entry becomes `done` with the link.
- `retry`: the create is called again with the entry's idempotency key. A refusal fails
  the entry with the ERP's reason (422); an unanswered call puts it (back) in review,
  since the ERP may have created the actor: it is never created twice blindly.
- `discard`: the entry closes; the CRM record stays unlinked.

The rules themselves live in `outbox_review`; this module adds scope, the host and the
error wording so every entry point behaves the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import select

from erpsync.accounts.models import User
from erpsync.connections import hosts
from erpsync.connections import service as connections
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.errors import (
    Category,
    ConfigError,
    Conflict,
    ErpSyncError,
    TransientError,
    ValidationError,
)
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sync import outbox, outbox_review
from erpsync.sync.models import LINK_UNLINKED, OUTBOX_REVIEW, Link, OutboxEntry
from erpsync.sync.retry import Backoff, category_of, message_of


def erp_error(name: str, exc: BaseException, what: str) -> ErpSyncError:
    """A failure of the ERP during `what`, as an error fit for the user."""
    if isinstance(exc, ErpSyncError):
        return exc
    text = message_of(exc)
    category = category_of(exc)
    if category is Category.DATA:
        field = getattr(exc, "field", None)
        return ValidationError(
            f"The ERP refused {what}: {text}", field=f"values.{field}" if field else "entry_id"
        )
    if category is Category.CONFIG:
        return ConfigError(f"The ERP of '{name}' refused {what}: {text}", field="connection")
    return TransientError(
        f"The ERP of '{name}' did not answer {what}: {text} Try again in a moment.",
        field="connection",
    )


@contextmanager
def _opened(
    database: Database, keys: Keys, user: User, connection_id: int
) -> Iterator[tuple[str, ConnectorHost]]:
    """The connection's name and its connector (installed or remote), opened outside any
    transaction: an ERP call may take seconds."""
    with database.read_session() as session:
        endpoint = hosts.endpoint(keys, connections.get(session, user, connection_id))
    try:
        host = endpoint.open()
    except ConnectorError as exc:
        raise erp_error(endpoint.name, exc, "to open the connection") from exc
    try:
        yield endpoint.name, host
    finally:
        with suppress(ConnectorError):
            host.close()


def _check_free(database: Database, connection_id: int, entry_id: int, erp_key: str) -> None:
    """The chosen actor has no live link yet (else the link would clash)."""
    with database.read_session() as session:
        entry = session.get(OutboxEntry, entry_id)
        if entry is None or entry.connection_id != connection_id:
            return  # `link_to` names the missing entry
        taken = session.execute(
            select(Link.crm_kind, Link.crm_id).where(
                Link.connection_id == connection_id,
                Link.actor_type == entry.actor_type,
                Link.erp_key == erp_key.strip(),
                Link.state != LINK_UNLINKED,
            )
        ).first()
    if taken is not None:
        raise Conflict(
            f"erp_key: the ERP's {entry.actor_type} {erp_key.strip()} is already linked to "
            f"{taken.crm_kind} {taken.crm_id}; choose another actor, or disconnect that one "
            "first.",
            field="erp_key",
        )


def link(
    database: Database, keys: Keys, user: User, connection_id: int, entry_id: int, erp_key: str
) -> outbox.Created:
    """Link the entry's CRM record to the ERP actor the administrator chose."""
    with database.read_session() as session:
        connections.get(session, user, connection_id)
    if not erp_key.strip():
        raise ValidationError("erp_key: give the key of the ERP actor to link.", field="erp_key")
    _check_free(database, connection_id, entry_id, erp_key)
    with _opened(database, keys, user, connection_id) as (name, host):
        try:
            return outbox_review.link_to(database, host, connection_id, entry_id, erp_key, user.id)
        except ConnectorError as exc:
            raise erp_error(name, exc, "the look-up of the chosen actor") from exc


def retry(
    database: Database,
    keys: Keys,
    user: User,
    connection_id: int,
    entry_id: int,
    backoff: Backoff | None = None,
) -> outbox.Created:
    """Create the actor again with the entry's idempotency key, then link it."""
    with _opened(database, keys, user, connection_id) as (name, host):
        try:
            return outbox_review.retry(
                database, host, connection_id, entry_id, user.id, backoff or Backoff(attempts=2)
            )
        except (ConnectorError, TransientError) as exc:
            if category_of(exc) is Category.TRANSIENT:
                note = (
                    f"The retried create got no answer ({message_of(exc)}); the ERP may have "
                    "created the actor: look for it before retrying again."
                )
                outbox.mark(database, entry_id, OUTBOX_REVIEW, note)
            raise erp_error(name, exc, "the create") from exc


def discard(database: Database, user: User, connection_id: int, entry_id: int) -> None:
    """Close the entry without creating anything; the CRM record stays unlinked."""
    with database.session() as session:
        connections.get(session, user, connection_id)
        outbox_review.discard(session, connection_id, entry_id, user.id)
