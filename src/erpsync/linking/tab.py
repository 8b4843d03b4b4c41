"""The ERP tab (R-TAB-1): for a CRM record and one connection, each mapped actor type
either linked — its "show on ERP tab" fields fetched live in rank order — or not, with
Connect and Create in ERP offered as the user's rights allow.

Live values are cached briefly (`tab_cache`, 30 s per link and field set, keyed by the
connection's last change too). Every live fetch replaces the link's `TabSnapshot`;
when the ERP cannot be reached, the section says so and shows the snapshot, marked as
last fetched at its time. Nothing here holds a database transaction during an ERP call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from erpsync.accounts.models import User
from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.errors import ErpSyncError
from erpsync.linking import target as targets
from erpsync.linking.models import TabSnapshot
from erpsync.linking.schemas import ErpTabRead, TabConnection, TabField, TabSection
from erpsync.linking.values import tab_field
from erpsync.pricing.cache import TtlCache
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorType, FieldType
from erpsync.sync.models import LINK_DELETED_IN_ERP

log = logging.getLogger(__name__)
TAB_TTL = 30.0
Clock = Callable[[], datetime]


@cache
def tab_cache() -> TtlCache:
    """The process's cache of live ERP tab values, made on first use."""
    return TtlCache(ttl=TAB_TTL)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Linked:
    """A linked actor type whose fields are to be fetched."""

    actor_type: ActorType
    link_id: int
    erp_key: str
    state: str
    keys: tuple[str, ...]
    snapshot: tuple[list[TabField], datetime] | None


def connections(session: Session, user: User, kind: str) -> list[TabConnection]:
    """The connections showing an ERP tab on records of this kind (no ERP call)."""
    return [
        TabConnection(connection_id=c.id, connection_name=c.name)
        for c in targets.tab_connections(session, user, targets.check_kind(kind))
    ]


def _plan(session: Session, target: targets.Target) -> tuple[list[TabSection], list[_Linked]]:
    links = targets.live_links(session, target)
    sections: list[TabSection] = []
    linked: list[_Linked] = []
    for actor_type in target.actor_types:
        link = links.get(actor_type.value)
        if link is None:
            sections.append(TabSection(actor_type=actor_type.value, linked=False))
            continue
        shown = tuple(
            m.erp_field
            for m in targets.mappings(session, target.connection_id, actor_type)
            if m.show_on_tab
        )
        stored = session.get(TabSnapshot, link.id)
        snapshot = None
        if stored is not None:
            fetched = stored.fetched_at
            if fetched.tzinfo is None:  # SQLite keeps no zone; stored values are UTC
                fetched = fetched.replace(tzinfo=UTC)
            snapshot = ([TabField.model_validate(f) for f in stored.fields], fetched)
        section = TabSection(
            actor_type=actor_type.value, linked=True, erp_key=link.erp_key, link_state=link.state
        )
        sections.append(section)
        linked.append(_Linked(actor_type, link.id, link.erp_key, link.state, shown, snapshot))
    return sections, linked


def _fetch(host: ConnectorHost, item: _Linked) -> list[TabField] | None:
    """The fields as the ERP holds them now; None when the ERP no longer has the actor."""
    fields = {f.key: f for f in host.actor_fields(item.actor_type)}
    wanted = [key for key in item.keys if key in fields]
    found = host.get_actors(item.actor_type, [item.erp_key], wanted)
    if not found or found[0].deleted:
        return None
    # item names per list: ids repeat across lists (a country and a currency may share one)
    items: dict[str, dict[str, str]] = {}
    for key in wanted:
        list_name = fields[key].list_name
        if fields[key].type is FieldType.LIST and list_name and list_name not in items:
            items[list_name] = {i.id: i.name for i in host.list_items(list_name)}
    return [
        tab_field(fields[key], found[0].values.get(key), items.get(fields[key].list_name or "", {}))
        for key in wanted
    ]


def _stale(section: TabSection, item: _Linked, message: str) -> None:
    section.message, section.stale = message, True
    if item.snapshot is not None:
        section.fields, section.fetched_at = item.snapshot


def _gone(target: targets.Target, item: _Linked) -> str:
    return (
        f"The ERP of '{target.connection_name}' no longer has {item.actor_type} {item.erp_key}; "
        "shown are the values fetched last."
    )


def tab(
    database: Database,
    keys: Keys,
    user: User,
    kind: str,
    record_id: int,
    connection_id: int,
    cache_: TtlCache | None = None,
    clock: Clock = utc_now,
) -> ErpTabRead:
    """The ERP tab of one connection on one record (404 outside the scope)."""
    store = cache_ or tab_cache()
    with database.read_session() as session:
        target = targets.target(session, user, kind, record_id, connection_id)
        sections, linked = _plan(session, target)
        config = targets.config_of(session, keys, target)
        connection = session.get(Connection, connection_id)
        assert connection is not None
        stamp = connection.updated_at.isoformat() if connection.updated_at else ""
    by_type = {s.actor_type: s for s in sections}
    fresh: dict[int, tuple[list[TabField], datetime]] = {}
    with ExitStack() as stack:
        hosts: list[ConnectorHost] = []

        def host() -> ConnectorHost:
            if not hosts:
                hosts.append(stack.enter_context(targets.opened(target, config)))
            return hosts[0]

        for item in linked:
            section = by_type[item.actor_type.value]
            if item.state == LINK_DELETED_IN_ERP:
                _stale(section, item, _gone(target, item))
                continue
            key = (connection_id, stamp, item.actor_type.value, item.erp_key, item.keys)

            def compute(item: _Linked = item) -> tuple[list[TabField], datetime] | None:
                found = _fetch(host(), item)
                if found is None:
                    return None
                fresh[item.link_id] = (found, clock())
                return fresh[item.link_id]

            try:
                answer = store.get(key, compute)
            except ConnectorError as exc:
                _stale(section, item, targets.unavailable(target, exc).message)
                continue
            except ErpSyncError as exc:  # the connection could not be opened
                _stale(section, item, exc.message)
                continue
            if answer is None:
                _stale(section, item, _gone(target, item))
                continue
            section.fields, section.fetched_at = answer
    _remember(database, fresh)
    return ErpTabRead(
        connection_id=target.connection_id,
        connection_name=target.connection_name,
        can_connect=target.access.connect,
        can_create_in_erp=target.access.create_in_erp,
        sections=sections,
    )


def _remember(database: Database, fresh: dict[int, tuple[list[TabField], datetime]]) -> None:
    """Replace the snapshots of the links fetched live just now."""
    if not fresh:
        return
    try:
        with database.session() as session:
            for link_id, (fields, fetched_at) in sorted(fresh.items()):
                data = [f.model_dump() for f in fields]
                session.merge(TabSnapshot(link_id=link_id, fields=data, fetched_at=fetched_at))
    except IntegrityError:
        log.info("another request stored the ERP tab snapshot first; keeping it")
