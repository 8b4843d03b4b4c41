"""ERP → CRM: apply one batch of an actor type's change stream in one transaction.

Per batch (R-SYNC-2, R-SEM-2): load the batch's links and CRM rows with one query each,
create what has no link (`erp_plan.FieldPlan`: nothing to decide), decide every mapped
field of the linked actors (`erp_records.LinkedRecords`), then write in bulk — CRM
updates and inserts with change positions, links with their shadows, log rows — and
store the cursor, all in the batch transaction (`RunContext.batch`). A replayed batch
decides `unchanged` everywhere and writes nothing. A record that fails (`data`) becomes
a dead letter and the rest of the batch goes on.

Outcomes that write the ERP (`to_erp`, `crm_wins` conflicts) are left to the CRM → ERP
pass, which sees them because the CRM record changed after its position; their
shadows are left as they are so that pass still finds the change.

Persons and projects (R-SEM-1) get `company_id` from their parent's link. A child whose
parent has no link yet is created (or kept) without a company and its link waits in
state `waiting_parent` with the parent's type and key; `adopt_waiting` finishes it as
soon as the parent is linked (run before each child type, after the parents' pass).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.db import bulk
from erpsync.errors import Category
from erpsync.sdk.model import Actor
from erpsync.sync import crm_checks, crmrows, journal, links
from erpsync.sync.context import RunContext
from erpsync.sync.erp_plan import FieldPlan
from erpsync.sync.erp_records import LinkedRecords, Record, has_parent, parent_ref, set_parent
from erpsync.sync.links import LinkRow
from erpsync.sync.models import LINK_UNLINKED, Conflict
from erpsync.sync.retry import category_of, message_of
from erpsync.sync.rules import TypeMapping

MAX_ROWS = 1000  # rows per transaction (R-SEM-8)


def stream_name(tm: TypeMapping) -> str:
    return f"erp:{tm.actor_type.value}"


class ErpBatch(LinkedRecords):
    """One batch of one actor type, applied in `session`."""

    def __init__(
        self, ctx: RunContext, tm: TypeMapping, session: Session, plan: FieldPlan | None = None
    ) -> None:
        self.ctx = ctx
        self.tm = tm
        self.session = session
        self.cid = ctx.connection_id
        self.plan = plan or FieldPlan(tm)
        self.links: dict[str, LinkRow] = {}
        #: Linked actors' values in CRM form (`FieldPlan.converted`), by ERP key.
        self.converted: dict[str, dict[str, Any]] = {}
        self.quiet: set[str] = set()  # linked actors with nothing for the CRM
        self.rows: dict[int, crmrows.CrmRow] = {}
        self.parents: dict[tuple[str, str], int] = {}
        self.matches: dict[str, int] = {}
        self.updates: dict[int, dict[str, Any]] = {}
        self.creates: list[tuple[dict[str, Any], LinkRow, dict[str, Any]]] = []
        self.new_links: list[LinkRow] = []
        self.pending: list[tuple[LinkRow, dict[str, Any]]] = []  # conflicts of new links
        self.open_conflicts: set[tuple[int, str]] = set()
        self.outranked: set[tuple[int, str]] = set()  # R-MAP-6
        self.entries = journal.Entries()
        #: Created records whose every to_erp value is stored equal to its shadow; when
        #: all are, their positions are `settled` (nothing for the CRM → ERP pass).
        self.settled_creates = True
        self.created_positions: list[tuple[int, int]] = []

    # --- loading ------------------------------------------------------------------------

    def load(self, actors: list[Actor]) -> None:
        with bulk.planned_for_each_call(self.session):
            self._load(actors)

    def _load(self, actors: list[Actor]) -> None:
        tm, session = self.tm, self.session
        keys = [actor.key for actor in actors]
        self.links = links.by_erp_keys(session, self.cid, tm.actor_type.value, keys)
        self._compare(actors)
        ids = {link.crm_id for key, link in self.links.items() if key not in self.quiet}
        if tm.create and tm.match is not None:
            ids |= self._match([a for a in actors if a.key not in self.links and not a.deleted])
        self.rows = crmrows.read(session, tm.kind, ids, self.ctx.codes)
        self.outranked = self.ctx.outranking.for_records(session, tm.kind, ids)
        if tm.has_parent:
            refs = {parent_ref(a) for a in actors if has_parent(a)}
            self.parents = links.parent_companies(session, self.cid, refs)
        link_ids = [
            link.id
            for key, link in self.links.items()
            if link.id is not None and key not in self.quiet
        ]
        if link_ids and any(rule.policy == "manual" for rule in tm.fields):
            found = session.execute(
                select(Conflict.link_id, Conflict.field).where(
                    bulk.among(session, Conflict.link_id, link_ids),
                    Conflict.resolved_at.is_(None),
                )
            ).all()
            self.open_conflicts = {(link_id, erp_key) for link_id, erp_key in found}

    def _compare(self, actors: list[Actor]) -> None:
        """Convert the linked actors' values once; note those equal to their shadows."""
        plan = self.plan
        for actor in actors:
            link = self.links.get(actor.key)
            if link is None or actor.deleted:
                continue
            try:
                converted = plan.converted(actor)
            except Exception:  # noqa: S112 - `apply` converts again and sets it aside
                continue
            self.converted[actor.key] = converted
            if plan.quiet(actor, link, converted):
                self.quiet.add(actor.key)

    def _match(self, unlinked: list[Actor]) -> set[int]:
        """Existing CRM companies with the actor's number and no link of this type yet."""
        assert self.tm.match is not None
        numbers: dict[str, str] = {}
        for actor in unlinked:
            try:
                number = self.plan.match(actor.values.get(self.tm.match.erp_key))  # type: ignore[misc]
            except Exception:  # noqa: S112 - a bad number only means: no match
                continue
            if isinstance(number, str):
                numbers[actor.key] = number
        found = crmrows.ids_by_number(self.session, numbers.values())
        taken = links.linked_records(
            self.session, self.cid, self.tm.actor_type.value, self.tm.kind, found.values()
        )
        claimed: set[int] = set()
        for key, number in numbers.items():
            crm_id = found.get(number)
            if crm_id is not None and crm_id not in taken and crm_id not in claimed:
                claimed.add(crm_id)
                self.matches[key] = crm_id
        return claimed

    # --- deciding -----------------------------------------------------------------------

    def apply(self, actor: Actor) -> None:
        self.ctx.count("read")
        if actor.key in self.quiet:
            self.ctx.count("unchanged")
            return
        try:
            if self._creates(actor):
                self._create(actor)
                return
            record = self._record(actor)
            if record is not None:
                self._merge(record)
        except Exception as exc:
            if category_of(exc) is not Category.DATA:
                raise
            self.entries.dead.append(
                journal.dead_letter(
                    stream_name(self.tm), actor.key, "data", message_of(exc), _payload(actor)
                )
            )
            return
        if record is None:
            self.ctx.count("unchanged")

    def _creates(self, actor: Actor) -> bool:
        """An actor without a link or a matching record, under the create policy."""
        key = actor.key
        return (
            self.tm.create
            and not actor.deleted
            and key not in self.links
            and key not in self.matches
        )

    def _record(self, actor: Actor) -> Record | None:
        stored = self.links.get(actor.key)
        # Work on a copy: a record that fails half-way leaves its link as it was.
        link = None if stored is None else replace(stored, shadow=dict(stored.shadow))
        if actor.deleted:
            return self._deleted(actor, link)
        if link is None:
            if not self.tm.create:
                return None
            matched = self.matches[actor.key]  # else `_creates` held
            link = LinkRow(self.tm.actor_type.value, actor.key, self.tm.kind, matched)
        return self._update(actor, link)

    def _create(self, actor: Actor) -> None:
        """A new CRM record, its link with the shadow and its `created` entry, queued
        whole (a value that fails leaves nothing behind)."""
        tm = self.tm
        values, shadow = self.plan.create(actor)
        company, waiting = self._company_of(actor)
        if tm.has_parent:
            values["company_id"] = company
        crm_checks.check(tm, actor.key, values, True)
        columns = crmrows.columns(tm.kind, values, self.ctx.codes)
        link = LinkRow(tm.actor_type.value, actor.key, tm.kind, 0, shadow=shadow)
        set_parent(link, actor, waiting)
        log = self._log("created", link, None)
        self.creates.append((columns, link, log))
        self.entries.log.append(log)
        self.ctx.count("created")
        if self.settled_creates:
            self.settled_creates = self.plan.settled(values, shadow, columns, self.ctx.codes)

    # --- writing ------------------------------------------------------------------------

    def _merge(self, record: Record) -> None:
        """Accept a complete record: check and convert its CRM values (may fail: data, before
        anything is queued) and queue it."""
        crm_checks.check(self.tm, record.link.erp_key, record.values, False)
        columns = crmrows.columns(self.tm.kind, record.values, self.ctx.codes)
        link = record.link
        if columns:
            self.updates.setdefault(link.crm_id, {}).update(columns)
        if link.id is None:
            self.new_links.append(link)
        else:
            self.links[link.erp_key] = link
        self.ctx.count(
            "deleted" if record.deleted else "updated" if record.touched else "unchanged"
        )
        self.entries.extend(record.entries)
        self.ctx.count("conflicts", sum(e["action"] == "conflict" for e in record.entries.log))
        self.pending += [(link, conflict) for _, conflict in record.conflicts]

    def flush(self) -> None:
        session, kind = self.session, self.tm.kind
        crmrows.update_rows(session, kind, self.updates)
        ids = crmrows.insert_rows(
            session, kind, [columns for columns, _, _ in self.creates], self.created_positions
        )
        for crm_id, (_, link, log) in zip(ids, self.creates, strict=True):
            link.crm_id = crm_id
            log["crm_id"] = crm_id
            self.new_links.append(link)
        links.insert_links(session, self.cid, self.new_links)
        links.save_links(session, self.links.values())
        gone = [r.id for r in self.links.values() if r.dirty and r.state == LINK_UNLINKED]
        links.unlink(session, [link_id for link_id in gone if link_id is not None])
        for link, conflict in self.pending:
            self.entries.conflicts.append({**conflict, "link_id": link.id})
        self.ctx.record(session, self.entries)


def _payload(actor: Actor) -> dict[str, Any]:
    return {"type": actor.type.value, "key": actor.key, "deleted": actor.deleted}
