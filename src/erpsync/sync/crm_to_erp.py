"""CRM → ERP: push CRM changes of `to_erp`/`both` fields of linked records with `save`.

Reads records written after the stored `crm:<kind>` position that have an active link
in this connection (R-SYNC-2), at most 1,000 per batch. Only records where some
`to_erp`/`both` field differs from its shadow are candidates: values the engine wrote
itself equal the shadow, so they are never fetched nor sent back (echo suppression,
R-SYNC-4). For the candidates the current ERP values are fetched (`get_actors`), each
field decided with `decide()`, the changed values saved in one call, and only after the
ERP confirmed are shadows, log rows and the position written (a replay is harmless).
Outcomes that write the CRM are left to the ERP → CRM pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.db import bulk
from erpsync.errors import Category
from erpsync.mapping.transform import to_crm, to_erp
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import Actor, SaveResult, Value
from erpsync.sync import crmrows, journal, links
from erpsync.sync.context import RunContext
from erpsync.sync.decide import MISSING, Outcome, decide
from erpsync.sync.links import LinkRow
from erpsync.sync.models import Conflict
from erpsync.sync.retry import category_of, message_of
from erpsync.sync.rules import TypeMapping

MAX_ROWS = 1000


def stream_name(kind: str) -> str:
    return f"crm:{kind}"


@dataclass
class _Push:
    """The values to save for one link, and what to record once the ERP took them."""

    link: LinkRow
    values: dict[str, Value] = field(default_factory=dict)
    entries: journal.Entries = field(default_factory=journal.Entries)
    conflicts: list[dict[str, Any]] = field(default_factory=list)


class CrmBatch:
    """One batch of changed CRM records of one kind."""

    def __init__(
        self,
        ctx: RunContext,
        kind: str,
        mappings: Sequence[TypeMapping],
        rows: dict[int, crmrows.CrmRow],
        link_rows: list[LinkRow],
        open_conflicts: set[tuple[int, str]],
    ) -> None:
        self.ctx = ctx
        self.kind = kind
        self.mappings = {tm.actor_type.value: tm for tm in mappings}
        self.rows = rows
        self.link_rows = link_rows
        self.open_conflicts = open_conflicts
        self.done: list[_Push] = []
        self.unlinked: list[LinkRow] = []
        self.entries = journal.Entries()
        self.read = 0  # linked actors of the rows (`crm_read`, see `sync.counts`)
        self.passed = 0  # read with nothing to send (counted `crm_unchanged` at write)

    def push(self) -> None:
        """Decide and save per actor type (ERP calls; no CRM transaction is open)."""
        for actor_type, tm in self.mappings.items():
            read = [link for link in self.link_rows if link.actor_type == actor_type]
            candidates = [
                (link, self.rows[link.crm_id]) for link in read if self._candidate(tm, link)
            ]
            self.read += len(read)
            if candidates:
                self._push_type(tm, candidates)

    def _candidate(self, tm: TypeMapping, link: LinkRow) -> bool:
        row = self.rows.get(link.crm_id)
        if row is None:
            self.passed += 1
            return False
        if row.get("deleted_at") is not None:  # R-SYNC-7: the link is kept as history
            self.unlinked.append(link)
            return False
        wanted = any(
            rule.to_erp and row[rule.crm_key] != link.shadow.get(rule.erp_key, MISSING)
            for rule in tm.fields
        )
        self.passed += not wanted
        return wanted

    def _push_type(self, tm: TypeMapping, candidates: list[tuple[LinkRow, crmrows.CrmRow]]) -> None:
        keys = [link.erp_key for link, _ in candidates]
        wanted = [rule.erp_key for rule in tm.fields if rule.to_erp]
        host, actor_type = self.ctx.host, tm.actor_type
        found = self.ctx.backoff.call(lambda: host.get_actors(actor_type, keys, wanted))
        current = {actor.key: actor for actor in found}
        pushes: list[_Push] = []
        for link, row in candidates:
            actor = current.get(link.erp_key)
            if actor is None or actor.deleted:
                self.passed += 1  # gone in the ERP: its change stream reports the deletion
                continue
            try:
                push = self._plan(tm, link, row, actor)
            except Exception as exc:
                self._dead(exc, link)
                continue
            if push.values:
                pushes.append(push)
            elif push.link.dirty or push.entries.log:
                self.done.append(push)
            else:
                self.passed += 1
        self._save(tm, pushes)

    def _plan(self, tm: TypeMapping, link: LinkRow, row: crmrows.CrmRow, actor: Actor) -> _Push:
        push = _Push(replace(link, shadow=dict(link.shadow)))
        for rule in tm.fields:
            if not rule.to_erp or rule.erp_key not in actor.values:
                continue
            crm, shadow = row[rule.crm_key], push.link.shadow.get(rule.erp_key, MISSING)
            erp = to_crm(rule.rule, actor.values[rule.erp_key])
            decision = decide(erp, crm, shadow, rule.direction, rule.policy)
            if decision.outcome is Outcome.UNCHANGED or decision.writes_crm:
                continue  # CRM writes are the ERP → CRM pass's work
            if (link.id or 0, rule.erp_key) in self.open_conflicts:
                continue
            if decision.is_conflict:
                push.entries.log.append(self._log("conflict", link, rule.crm_key, crm, erp))
            if decision.outcome is Outcome.CONFLICT_MANUAL:
                push.conflicts.append(
                    {
                        "link_id": link.id,
                        "field": rule.erp_key,
                        "erp_value": erp,
                        "crm_value": crm,
                        "shadow_value": None if shadow is MISSING else shadow,
                    }
                )
                continue
            if decision.writes_erp:
                push.values[rule.erp_key] = to_erp(rule.rule, decision.value)  # type: ignore[arg-type]
                push.entries.log.append(self._log("to_erp", link, rule.crm_key, erp, crm))
            push.link.shadow[rule.erp_key] = decision.shadow
            push.link.dirty = True
        return push

    def _save(self, tm: TypeMapping, pushes: list[_Push]) -> None:
        """Save the changed values; a refused record is a dead letter, the rest goes on."""
        if not pushes:
            return
        if self.ctx.dry_run:
            self.done += pushes
            return
        actors = [Actor(tm.actor_type, push.link.erp_key, push.values) for push in pushes]
        results = self._save_with_retries(actors)
        for push, result in zip(pushes, results, strict=True):
            if result.ok:
                self.done.append(push)
                continue
            error = ConnectorError.from_response(result.response, call="save")
            if category_of(error) is not Category.DATA:
                raise error
            self._dead(error, push.link)

    def _save_with_retries(self, actors: list[Actor]) -> list[SaveResult]:
        host = self.ctx.host

        def attempt() -> list[SaveResult]:
            results = host.save(actors)
            for result in results:
                # A record refused as transient: saving all again is harmless (idempotent).
                if not result.ok and result.response.category == "transient":
                    raise ConnectorError.from_response(result.response, call="save")
            return results

        return self.ctx.backoff.call(attempt)

    def _dead(self, exc: Exception, link: LinkRow) -> None:
        if category_of(exc) is not Category.DATA:
            raise exc
        self.entries.dead.append(
            journal.dead_letter(
                stream_name(self.kind),
                str(link.crm_id),
                "data",
                message_of(exc),
                {"actor_type": link.actor_type, "erp_key": link.erp_key},
            )
        )

    def _log(self, action: str, link: LinkRow, crm_key: str, old: Any, new: Any) -> dict[str, Any]:
        return journal.log_row(
            action, link.actor_type, link.erp_key, link.crm_kind, link.crm_id, crm_key, old, new
        )

    def write(self, session: Session) -> None:
        """After the ERP confirmed: shadows, log rows, conflicts, unlinked records.

        Counts (`sync.counts`): `crm_read` = `saved` + `crm_unchanged` + `unlinked` +
        `crm_failed` (the dead letters, counted by `RunContext.record`)."""
        links.save_links(session, [push.link for push in self.done])
        links.unlink(session, [link.id for link in self.unlinked if link.id is not None])
        saved = 0
        for push in self.done:
            self.ctx.count("conflicts", sum(e["action"] == "conflict" for e in push.entries.log))
            self.entries.extend(push.entries)
            self.entries.conflicts += push.conflicts
            saved += bool(push.values)
        for link in self.unlinked:
            self.entries.log.append(self._log("unlinked", link, "", None, None))
        self.ctx.count("crm_read", self.read)
        self.ctx.count("saved", saved)
        self.ctx.count("crm_unchanged", self.passed + len(self.done) - saved)
        self.ctx.count("unlinked", len(self.unlinked))
        self.ctx.record(session, self.entries)


def open_conflicts(session: Session, link_ids: list[int]) -> set[tuple[int, str]]:
    if not link_ids:
        return set()
    found = session.execute(
        select(Conflict.link_id, Conflict.field).where(
            bulk.among(session, Conflict.link_id, link_ids), Conflict.resolved_at.is_(None)
        )
    ).all()
    return {(link_id, name) for link_id, name in found}


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _window(position: int, settled: list[tuple[int, int]]) -> tuple[int, int | None]:
    """Past the settled ranges that start right after `position`: the position to read
    from, and the start of the next settled range (read below it), if any."""
    for first, last in settled:
        if last <= position:
            continue
        if first <= position + 1:
            position = last
            continue
        return position, first
    return position, None


def run_kind(ctx: RunContext, kind: str, mappings: Sequence[TypeMapping], resync: bool) -> None:
    """All CRM changes of one kind since the stored position, batch by batch.

    Positions this run gave to records it created with every to_erp value equal to its
    shadow (`ctx.settled`) are passed over unread: those records have nothing to send,
    and a record written since holds a later position. Positions are allocated in
    commit order, so no other writer holds one inside such a range (R-SEM-3)."""
    stream = stream_name(kind)
    types = [tm.actor_type.value for tm in mappings]
    with ctx.database.read_session() as session:
        stored = journal.get_cursor(session, ctx.connection_id, stream)
    position = 0 if resync or not stored else int(stored)
    saved, settled = position, _merged(ctx.settled.get(kind, []))
    while True:
        position, below = _window(position, settled)
        with ctx.database.read_session() as session:
            rows = crmrows.linked_changes(
                session, kind, ctx.connection_id, types, position, MAX_ROWS, ctx.codes, below
            )
            ids = list(rows)
            link_rows = links.by_crm_ids(session, ctx.connection_id, kind, ids, types)
            waiting = open_conflicts(session, [link.id for link in link_rows if link.id])
        if rows:
            batch = CrmBatch(ctx, kind, mappings, rows, link_rows, waiting)
            batch.push()
            position = int(rows[ids[-1]]["change_pos"])
            with ctx.batch() as session:
                batch.write(session)
                journal.set_cursor(session, ctx.connection_id, stream, str(position))
            saved = position
            ctx.report(stream)
        if len(rows) < MAX_ROWS:
            if below is None:
                break
            position = below - 1  # nothing more before the next settled range
    if position != saved:  # passed over settled ranges only
        with ctx.batch() as session:
            journal.set_cursor(session, ctx.connection_id, stream, str(position))
