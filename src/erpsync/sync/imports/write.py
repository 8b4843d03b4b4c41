"""Writing one batch of selected import rows of one actor type (R-IMP-1, R-IMP-2, R-SEM-2).

The rows are re-checked first (R-SEM-10): the actors — read again from the ERP where
they changed since the preview, else as the preview stored them (`stored`) — are
classified as in the preview, against the CRM as it is now; a row whose group or
matched record differs is not written but reported as `changed` with what changed.
The rest is written through the engine's bulk path — `crmrows` for CRM records (change
positions, match keys), `links` for links with their shadows, `journal` for the sync
log — in the batch transaction:

- new (or `add`, or an ambiguous row whose choice is a new record) → a CRM record;
- matched → `merge` fills the CRM fields that are empty, `replace` overwrites them;
- either way a link with the shadow (`outbound.shadow`): the ERP's value of every field
  read from it, so a created record has nothing to send, and a matched record's CRM value
  that the import kept on a field mapped towards the ERP is sent by the next sync, as
  the preview announced (`outbound.erp_writes`; the record gets a new change position);
- a person or project goes under the company linked to its parent; without one its
  link waits (`waiting_parent`) as in the engine (R-SEM-1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from erpsync.errors import ErpSyncError
from erpsync.sdk.model import Actor
from erpsync.sync import crmrows, journal, links
from erpsync.sync.imports import outbound, stored
from erpsync.sync.imports.classify import Classifier, Verdict
from erpsync.sync.imports.models import (
    ADDED,
    AMBIGUOUS,
    CHANGED,
    CREATED,
    FAILED_ROW,
    MATCHED,
    MERGED,
    NEW,
    REPLACED,
)
from erpsync.sync.imports.stored import Changed
from erpsync.sync.links import LinkRow
from erpsync.sync.models import LINK_ACTIVE, LINK_WAITING_PARENT
from erpsync.sync.rules import TypeMapping

VALUES_CHANGED = "the ERP values changed since the preview; imported as they are now"
TO_ERP = "the CRM's values go to the ERP on the next sync"


@dataclass(slots=True)
class Row:
    """A selected preview row as the commit needs it."""

    id: int
    seq: int
    actor_type: str
    erp_key: str
    status: str
    crm_id: int | None
    rule: str | None
    choice: int | None
    fingerprint: str | None
    erp_read: str | None = None  # the actor as the preview read it (`stored`)


@dataclass(slots=True)
class Outcome:
    row_id: int
    outcome: str
    crm_id: int | None = None
    note: str | None = None


def _describe(kind: str, verdict: Verdict | None) -> str:
    if verdict is None:
        return "no longer in the ERP"
    if verdict.status == NEW:
        return "new"
    if verdict.status == MATCHED:
        return f"matched to {kind} {verdict.crm_id} by {verdict.rule}"
    if verdict.status == AMBIGUOUS:
        return f"ambiguous ({len(verdict.candidates or [])} records by {verdict.rule})"
    return f"{verdict.status}: {verdict.reason}"


def target(row: Row, verdict: Verdict | None, action: str, kind: str) -> int | str:
    """The CRM record to update, 0 to create one, or why the row changed."""
    now = _describe(kind, verdict)
    if verdict is None or verdict.status not in (NEW, MATCHED, AMBIGUOUS):
        return f"was {row.status}, now {now}"
    if row.status == NEW:
        return 0 if verdict.status == NEW else f"was new, now {now}"
    if row.status == MATCHED:
        if verdict.status == MATCHED and verdict.crm_id == row.crm_id:
            return 0 if action == "add" else int(row.crm_id or 0)
        return f"was matched to {kind} {row.crm_id} by {row.rule}, now {now}"
    # ambiguous, with a choice (only chosen ones are selected)
    if row.choice == 0 or action == "add":
        return 0
    still = (verdict.status == AMBIGUOUS and row.choice in (verdict.candidates or [])) or (
        verdict.status == MATCHED and verdict.crm_id == row.choice
    )
    return int(row.choice or 0) if still else f"{kind} {row.choice} is no longer a match ({now})"


class BatchWriter:
    """Re-checks and writes one batch of rows of one actor type in `session`."""

    def __init__(self, session: Session, classifier: Classifier, tm: TypeMapping) -> None:
        self.session = session
        self.classifier = classifier
        self.tm = tm
        self.cid = classifier.cid
        self.codes = classifier.codes
        self.action = classifier.action
        self.outcomes: list[Outcome] = []
        self.entries = journal.Entries()
        self.decoder = stored.Decoder(tm)
        self._creates: list[tuple[Row, dict[str, Any], LinkRow, Outcome]] = []
        self._links: list[LinkRow] = []
        self._updates: dict[int, dict[str, Any]] = {}

    def write(self, rows: list[Row], actors: dict[str, Any], changed: Changed) -> list[Outcome]:
        """`actors`: those read again (by key; an exception where the ERP's answer was
        bad); the other rows are re-checked from the preview's stored read."""
        read: list[Verdict] = []
        for row in rows:
            if changed.use_stored(row):
                found = row.erp_read or ""
                read.append(self.decoder.verdict(row.erp_key, row.fingerprint, found))
            elif isinstance(actor := actors.get(row.erp_key), Actor) and not actor.deleted:
                read.append(self.classifier.convert(actor))  # a deleted one: no longer there
        verdicts = {v.key: v for v in self.classifier.decide(read)}
        refs = {(v.actor.parent_type.value, v.actor.parent_key) for v in verdicts.values()
                if v.actor and v.actor.parent_type and v.actor.parent_key}  # fmt: skip
        parents = links.parent_companies(self.session, self.cid, refs) if self.tm.has_parent else {}
        current = crmrows.read(
            self.session, self.tm.kind, [r.crm_id or r.choice or 0 for r in rows], self.codes
        )
        for row in rows:
            problem = actors.get(row.erp_key)
            if isinstance(problem, Exception):
                self.outcomes.append(Outcome(row.id, CHANGED, note=f"the ERP answer: {problem}"))
                continue
            verdict = verdicts.get(row.erp_key)
            goal = target(row, verdict, self.action, self.tm.kind)
            if isinstance(goal, str):
                self.outcomes.append(Outcome(row.id, CHANGED, note=goal))
                continue
            assert verdict is not None
            note = VALUES_CHANGED if verdict.fingerprint != row.fingerprint else None
            try:
                self._one(row, verdict, goal, current, parents, note)
            except ErpSyncError as exc:
                self.outcomes.append(Outcome(row.id, FAILED_ROW, note=exc.message))
        self._flush()
        return self.outcomes

    def _company(
        self, verdict: Verdict, parents: dict[tuple[str, str], int], link: LinkRow
    ) -> int | None:
        actor = verdict.actor
        if not self.tm.has_parent or actor is None or actor.parent_type is None:
            return None
        link.parent_type, link.parent_key = actor.parent_type.value, actor.parent_key
        company = parents.get((actor.parent_type.value, actor.parent_key or ""))
        link.state = LINK_ACTIVE if company is not None else LINK_WAITING_PARENT
        return company

    def _one(
        self,
        row: Row,
        verdict: Verdict,
        goal: int,
        current: dict[int, crmrows.CrmRow],
        parents: dict[tuple[str, str], int],
        note: str | None,
    ) -> None:
        tm = self.tm
        link = LinkRow(tm.actor_type.value, row.erp_key, tm.kind, goal)
        company = self._company(verdict, parents, link)
        if goal == 0:
            values: dict[str, Any] = dict(verdict.values)
            if tm.has_parent:
                values["company_id"] = company
            columns = crmrows.columns(tm.kind, values, self.codes)
            link.shadow = outbound.shadow(tm, verdict, values, matched=False)
            outcome = ADDED if row.status != NEW and row.choice != 0 else CREATED
            self._creates.append((row, columns, link, Outcome(row.id, outcome, None, note)))
            return
        record = current.get(goal)
        if record is None or record.get("deleted_at") is not None:
            self.outcomes.append(Outcome(row.id, CHANGED, goal, f"{tm.kind} {goal} was deleted"))
            return
        changes = self._changes(verdict, record, company)
        columns = crmrows.columns(tm.kind, changes, self.codes)
        after = {**record, **changes}
        writes = outbound.erp_writes(tm, verdict, after)
        if columns or writes:  # a new change position: the next sync reads the record
            self._updates.setdefault(goal, {}).update(columns)
        link.shadow = outbound.shadow(tm, verdict, after, matched=True)
        self._links.append(link)
        for key, value in changes.items():
            self.entries.log.append(self._log("to_crm", link, key, record.get(key), value))
        self.entries.log.append(self._log("linked", link, None))
        outcome = MERGED if self.action == "merge" else REPLACED
        if writes:
            fields = ", ".join(w["field"] for w in writes)
            note = "; ".join(filter(None, [note, f"{TO_ERP}: {fields}"]))
        self.outcomes.append(Outcome(row.id, outcome, goal, note))

    def _changes(
        self, verdict: Verdict, record: crmrows.CrmRow, company: int | None
    ) -> dict[str, Any]:
        found = outbound.changes(self.action, verdict.values, record)
        moved = company is not None and record.get("company_id") != company
        if moved and (self.action != "merge" or record.get("company_id") is None):
            found["company_id"] = company
        return found

    def _log(
        self, action: str, link: LinkRow, field: str | None, old: Any = None, new: Any = None
    ) -> dict[str, Any]:
        return journal.log_row(
            action,
            link.actor_type,
            link.erp_key,
            link.crm_kind,
            link.crm_id or None,
            field,
            old,
            new,
        )

    def _flush(self) -> None:
        session, kind = self.session, self.tm.kind
        crmrows.update_rows(session, kind, self._updates)
        ids = crmrows.insert_rows(session, kind, [columns for _, columns, _, _ in self._creates])
        for crm_id, (_, _, link, outcome) in zip(ids, self._creates, strict=True):
            link.crm_id = outcome.crm_id = crm_id
            self._links.append(link)
            self.entries.log.append(self._log("created", link, None))
            self.outcomes.append(outcome)
        links.insert_links(session, self.cid, self._links)
        journal.write(session, self.cid, None, self.entries)
