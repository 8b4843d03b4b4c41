"""What every linking action starts from: the CRM record, the connection under the user's
scope, the actor types mapped to the record's kind, their field mappings, and the ERP.

- The record must be live (404 otherwise); the connection must be in the user's scope
  (404 outside it, R-CONN-6) and active (an inactive connection has no ERP tab); the
  action's right (`connect`, `create_in_erp`) is checked last (403).
- The ERP is reached only through `ConnectorHost`; a failure to reach it becomes
  `ErpUnavailable` (503) with the connector's explanation (for administrators with its
  technical detail, `connections.explain`), a record it refuses becomes a
  `ValidationError` (422) with the connector's explanation and the field it names.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.accounts.models import User
from erpsync.connections import hosts
from erpsync.connections.explain import explanation
from erpsync.connections.hosts import Endpoint
from erpsync.connections.models import Connection
from erpsync.connections.scope import Access, access
from erpsync.connections.service import Keys
from erpsync.crm.models import Company, Person, Project
from erpsync.db import Database
from erpsync.errors import Conflict, NotFound, PermissionDenied, TransientError, ValidationError
from erpsync.mapping.crm_fields import COMPANY, ENTITIES, PERSON, PROJECT, entity_of
from erpsync.mapping.models import FieldMapping
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorType, Category
from erpsync.sync.models import LINK_UNLINKED, Link
from erpsync.sync.rules import ORDER

MODELS: dict[str, type[Company] | type[Person] | type[Project]] = {
    COMPANY: Company,
    PERSON: Person,
    PROJECT: Project,
}


class ErpUnavailable(TransientError):
    """The ERP behind a connection cannot be reached or did not answer."""

    title = "ERP unavailable"


@dataclass(frozen=True)
class Target:
    """One CRM record seen through one connection."""

    kind: str
    record_id: int
    connection_id: int
    connection_name: str
    connector_key: str
    timeout: float
    access: Access
    actor_types: tuple[ActorType, ...]
    #: An administrator reads the connector's technical detail of a failure too.
    admin: bool = False


@dataclass(frozen=True)
class LinkTarget:
    """What every linking action is asked for: who asks, about which CRM record, through
    which connection — with the database and keys that answer it. `check` gives the
    `Target` once the rules allow the action."""

    database: Database
    keys: Keys
    user: User
    kind: str
    record_id: int
    connection_id: int

    def check(self, session: Session, action: str = "see") -> Target:
        return target(session, self.user, self.kind, self.record_id, self.connection_id, action)


def check_kind(kind: str) -> str:
    if kind not in ENTITIES:
        raise NotFound(f"No CRM record kind '{kind}'; the kinds are: {', '.join(ENTITIES)}.")
    return kind


def live_record(session: Session, kind: str, record_id: int) -> Company | Person | Project:
    model = MODELS[check_kind(kind)]
    record = session.get(model, record_id)
    if not isinstance(record, model) or record.deleted_at is not None:
        raise NotFound(f"No {kind} with id {record_id}.")
    return record


def mapped_types(session: Session, connection_id: int, kind: str) -> tuple[ActorType, ...]:
    """The actor types of this kind that have field mappings, parents first (R-SEM-1)."""
    stored = set(
        session.scalars(
            select(FieldMapping.actor_type)
            .where(FieldMapping.connection_id == connection_id)
            .distinct()
        )
    )
    return tuple(t for t in ORDER if t.value in stored and entity_of(t) == kind)


def has_tab(user: User, connection: Connection) -> bool:
    return connection.deleted_at is None and connection.active and access(user, connection).see


def tab_connections(session: Session, user: User, kind: str) -> list[Connection]:
    """Active connections in the user's scope with an actor type mapped to this kind."""
    found = session.scalars(
        select(Connection)
        .where(Connection.deleted_at.is_(None), Connection.active.is_(True))
        .order_by(Connection.priority, Connection.name)
    )
    return [c for c in found if has_tab(user, c) and mapped_types(session, c.id, kind)]


def target(
    session: Session,
    user: User,
    kind: str,
    record_id: int,
    connection_id: int,
    action: str = "see",
) -> Target:
    """The record and connection for an action, checked in the order the rules demand."""
    live_record(session, kind, record_id)
    connection = session.get(Connection, connection_id)
    if connection is None or not has_tab(user, connection):
        raise NotFound(f"No ERP tab of connection {connection_id} on this {kind}.")
    types = mapped_types(session, connection.id, kind)
    if not types:
        raise NotFound(f"The connection '{connection.name}' maps no actor type to a {kind}.")
    allowed = access(user, connection)
    if action == "connect" and not allowed.connect:
        raise PermissionDenied("You may not connect or disconnect records through this connection.")
    if action == "create_in_erp" and not allowed.create_in_erp:
        raise PermissionDenied("You may not create records in the ERP through this connection.")
    return Target(
        kind,
        record_id,
        connection.id,
        connection.name,
        connection.connector_key,
        connection.timeout,
        allowed,
        types,
        user.is_admin,
    )


def actor_type_of(target: Target, name: str) -> ActorType:
    """The actor type named by the caller; one not mapped to this kind is a 422."""
    for actor_type in target.actor_types:
        if actor_type.value == name:
            return actor_type
    names = ", ".join(t.value for t in target.actor_types)
    raise ValidationError(
        f"actor_type: '{name}' is not mapped to a {target.kind} in '{target.connection_name}' "
        f"(mapped: {names}).",
        field="actor_type",
        value=name,
    )


def live_links(session: Session, target: Target) -> dict[str, Link]:
    """The record's live links in this connection, by actor type."""
    found = session.scalars(
        select(Link).where(
            Link.connection_id == target.connection_id,
            Link.crm_kind == target.kind,
            Link.crm_id == target.record_id,
            Link.state != LINK_UNLINKED,
        )
    )
    return {link.actor_type: link for link in found}


def unlinked_type(session: Session, target: Target, name: str) -> ActorType:
    """The actor type named by the caller, which this record must not be linked to yet."""
    actor_type = actor_type_of(target, name)
    if actor_type.value in live_links(session, target):
        raise Conflict(
            f"actor_type: this {target.kind} is already linked to a {actor_type} of "
            f"'{target.connection_name}'; disconnect it first.",
            field="actor_type",
        )
    return actor_type


def mappings(session: Session, connection_id: int, actor_type: ActorType) -> list[FieldMapping]:
    """The stored field mappings of one actor type, in rank order."""
    return list(
        session.scalars(
            select(FieldMapping)
            .where(
                FieldMapping.connection_id == connection_id,
                FieldMapping.actor_type == actor_type.value,
            )
            .order_by(FieldMapping.rank, FieldMapping.id)
        )
    )


def unavailable(target: Target, exc: ConnectorError) -> ErpUnavailable:
    return ErpUnavailable(
        f"The ERP of '{target.connection_name}' cannot be reached now: "
        f"{explanation(exc, target.admin)} Try again in a moment, or ask an administrator "
        "to check the connection.",
        field="connection",
    )


def refused(exc: ConnectorError, what: str) -> ValidationError:
    """A record the ERP refused: the connector's explanation, naming its field."""
    field = f"values.{exc.field}" if exc.field else "values"
    return ValidationError(f"The ERP refused {what}: {exc.user_explanation}", field=field)


def erp_failure(target: Target, exc: ConnectorError, what: str) -> ValidationError | ErpUnavailable:
    if exc.category is Category.DATA:
        return refused(exc, what)
    return unavailable(target, exc)


def config_of(session: Session, keys: Keys, target: Target) -> Endpoint:
    """The connection's connector (installed or remote) and configuration in clear, for
    opening the connector only."""
    connection = session.get(Connection, target.connection_id)
    assert connection is not None
    return hosts.endpoint(keys, connection)


@contextmanager
def opened(target: Target, config: Endpoint) -> Iterator[ConnectorHost]:
    """A host opened on the connection and closed afterwards (R-SEM-7: one per action).

    Opened outside any database transaction: an ERP call may take seconds.
    """
    try:
        host = config.open()
    except ConnectorError as exc:
        raise unavailable(target, exc) from exc
    try:
        yield host
    finally:
        with suppress(ConnectorError):
            host.close()
