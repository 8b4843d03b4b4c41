"""ERP → CRM, one linked actor: what it changes in its CRM record, link and log.

`LinkedRecords` decides every mapped field of an actor that has a link (or matched an
existing CRM record) from (ERP value, shadow, CRM value) with `decide()` (R-SEM-2), marks
deletions by the connection's delete policy (R-SYNC-7) and moves children under their
parent's company (R-SEM-1). What it finds is a `Record`, merged into the batch only when
complete, so a record that fails half-way leaves nothing behind. `erp_to_crm.ErpBatch`
loads the batch, creates the new records and writes everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from erpsync.sdk.model import Actor
from erpsync.sync import crmrows, journal
from erpsync.sync.context import RunContext
from erpsync.sync.decide import MISSING, Outcome, decide
from erpsync.sync.erp_plan import FieldPlan
from erpsync.sync.links import LinkRow
from erpsync.sync.models import (
    DELETE_DEACTIVATE,
    DELETE_UNLINK,
    LINK_ACTIVE,
    LINK_DELETED_IN_ERP,
    LINK_UNLINKED,
    LINK_WAITING_PARENT,
)
from erpsync.sync.rules import FieldRule, TypeMapping


@dataclass
class Record:
    """What one actor changes; merged into the batch only when it is complete."""

    link: LinkRow
    values: dict[str, Any] = field(default_factory=dict)  # CRM field → value
    entries: journal.Entries = field(default_factory=journal.Entries)
    conflicts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    deleted: bool = False
    touched: bool = False


class LinkedRecords:
    """The per-actor decisions of a batch; `ErpBatch` fills the state they read."""

    ctx: RunContext
    tm: TypeMapping
    plan: FieldPlan
    rows: dict[int, crmrows.CrmRow]
    parents: dict[tuple[str, str], int]
    converted: dict[str, dict[str, Any]]
    open_conflicts: set[tuple[int, str]]
    outranked: set[tuple[int, str]]

    def _deleted(self, actor: Actor, link: LinkRow | None) -> Record | None:
        if link is None or link.state == LINK_DELETED_IN_ERP:
            return None
        link.state, link.dirty = LINK_DELETED_IN_ERP, True
        record = Record(link, deleted=True, touched=True)
        record.entries.log.append(self._log("deleted", link, None))
        policy = self.ctx.delete_policy  # R-SYNC-7: nothing is deleted in the CRM
        if policy == DELETE_UNLINK:
            link.state = LINK_UNLINKED
            record.entries.log.append(self._log("unlinked", link, None))
        elif policy == DELETE_DEACTIVATE:
            row = self.rows.get(link.crm_id)
            if row is not None and row.get("active", True):
                record.values["active"] = False
                record.entries.log.append(self._log("deactivated", link, "active", True, False))
        return record

    def _company_of(self, actor: Actor) -> tuple[int | None, bool]:
        """The parent's CRM company and whether the child must wait for it."""
        if not self.tm.has_parent or not has_parent(actor):
            return None, False
        company = self.parents.get(parent_ref(actor))
        return company, company is None

    def _update(self, actor: Actor, link: LinkRow) -> Record | None:
        row = self.rows.get(link.crm_id)
        if row is None or row.get("deleted_at") is not None:
            return None  # the CRM record is gone; the CRM side unlinks it (R-SYNC-7)
        record = Record(link)
        if link.state == LINK_DELETED_IN_ERP:  # reported deleted, now back
            link.state, link.dirty, record.touched = LINK_ACTIVE, True, True
        converted = self.converted.get(actor.key)
        if converted is None:
            converted = self.plan.converted(actor)
        for rule in self.tm.fields:
            if rule.erp_key in converted:
                erp = converted[rule.erp_key]
                self._field(record, rule.erp_key, rule.crm_key, erp, row, rule)
        self._parent(record, actor, row)
        changed = record.touched or record.conflicts or link.dirty or link.id is None
        return record if changed else None

    def _field(
        self,
        record: Record,
        erp_key: str,
        crm_key: str,
        erp: Any,
        row: crmrows.CrmRow,
        rule: FieldRule,
    ) -> None:
        link, crm = record.link, row[crm_key]
        decision = decide(erp, crm, link.shadow.get(erp_key, MISSING), rule.direction, rule.policy)
        if decision.outcome is Outcome.UNCHANGED or decision.writes_erp:
            return  # ERP writes are the CRM → ERP pass's work
        if link.id is not None and (link.id, erp_key) in self.open_conflicts:
            return  # already waiting for the administrator: a replay logs nothing new
        if decision.is_conflict:
            record.entries.log.append(self._log("conflict", link, crm_key, crm, erp))
        if decision.outcome is Outcome.CONFLICT_MANUAL:
            conflict = {"field": erp_key, "erp_value": erp, "crm_value": crm}
            conflict["shadow_value"] = link.shadow.get(erp_key)
            record.conflicts.append((erp_key, conflict))
            return
        if decision.writes_crm and (link.crm_id, crm_key) in self.outranked:
            record.entries.log.append(self._log("overridden", link, crm_key, crm, erp))
            link.shadow[erp_key], link.dirty = erp, True  # seen; the winner's value stays
            return
        if decision.writes_crm:
            record.values[crm_key] = decision.value
            record.entries.log.append(self._log("to_crm", link, crm_key, crm, decision.value))
            record.touched = True
        link.shadow[erp_key] = decision.shadow
        link.dirty = True

    def _parent(self, record: Record, actor: Actor, row: crmrows.CrmRow) -> None:
        if not self.tm.has_parent:
            return
        link = record.link
        company, waiting = self._company_of(actor)
        before = (link.state, link.parent_type, link.parent_key)
        set_parent(link, actor, waiting)
        if (link.state, link.parent_type, link.parent_key) != before:
            link.dirty = True
        if not waiting and row.get("company_id") != company:
            record.values["company_id"] = company
            old = row.get("company_id")
            record.entries.log.append(self._log("moved", link, "company_id", old, company))
            record.touched = True

    def _log(
        self, action: str, link: LinkRow, field: str | None, old: Any = None, new: Any = None
    ) -> dict[str, Any]:
        crm_id = link.crm_id or None
        return journal.log_row(
            action, link.actor_type, link.erp_key, link.crm_kind, crm_id, field, old, new
        )


def has_parent(actor: Actor) -> bool:
    return actor.parent_type is not None and actor.parent_key is not None


def parent_ref(actor: Actor) -> tuple[str, str]:
    assert actor.parent_type is not None and actor.parent_key is not None
    return actor.parent_type.value, actor.parent_key


def set_parent(link: LinkRow, actor: Actor, waiting: bool) -> None:
    link.parent_type = actor.parent_type.value if actor.parent_type else None
    link.parent_key = actor.parent_key
    if link.state in (LINK_ACTIVE, LINK_WAITING_PARENT):
        link.state = LINK_WAITING_PARENT if waiting else LINK_ACTIVE
