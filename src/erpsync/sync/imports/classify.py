"""Which group an ERP actor falls in for an import: new, matched (by which rule), ambiguous,
skipped or invalid (R-IMP-2, R-IMP-3, R-SEM-10).

The preview and the commit's re-check classify the same way, a batch at a time (the
commit from the preview's stored read where the ERP did not change, `stored`): the
actors' values go through the transform module (`to_crm`) and the CRM's column rules
(`crmrows.columns`), so a row that would fail to write is `invalid` with the reason;
their links come in one query; the duplicate rules look their normalised keys up in the
indexed `crm_match_keys` with one query per rule and batch (on PostgreSQL the keys
bound as one array). A rule matching one CRM record not linked to another actor of
this type gives `matched`; several give `ambiguous` (the candidates wait for a choice);
the first rule that matches decides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.crm import matchkeys
from erpsync.db import bulk
from erpsync.errors import ErpSyncError, ValidationError
from erpsync.mapping.crm_fields import CATALOGUE, PERSON
from erpsync.mapping.transform import CrmValue, converter
from erpsync.sdk.model import Actor
from erpsync.sync import crmrows, links
from erpsync.sync.imports.models import AMBIGUOUS, INVALID, MATCHED, NEW, SKIPPED
from erpsync.sync.rules import FieldRule, TypeMapping

MAX_CANDIDATES = 20


@dataclass(slots=True)
class Verdict:
    """The group of one actor and everything the preview lists about it."""

    key: str
    status: str
    label: str | None = None
    rule: str | None = None
    crm_id: int | None = None
    candidates: list[int] | None = None
    reason: str | None = None
    fingerprint: str | None = None
    values: dict[str, CrmValue] = field(default_factory=dict)  # what the CRM receives
    erp_values: dict[str, CrmValue] = field(default_factory=dict)  # CRM key → ERP's value
    shadow: dict[str, CrmValue] = field(default_factory=dict)  # ERP key → ERP's value
    actor: Actor | None = None
    #: matched: the fields the next sync writes to the ERP (`outbound.erp_writes`)
    erp_writes: list[dict[str, object]] = field(default_factory=list)


def mapped_fields(tm: TypeMapping) -> list[FieldRule]:
    """Every mapped field of the type, the matching number included."""
    found = list(tm.fields)
    if tm.match is not None and all(rule.erp_key != tm.match.erp_key for rule in found):
        found.append(tm.match)
    return found


def applicable_rules(tm: TypeMapping, rules: Sequence[str]) -> list[str]:
    """The chosen rules whose CRM fields are all mapped for this actor type, in order."""
    crm_keys = {rule.crm_key for rule in mapped_fields(tm)}
    needs = matchkeys.RULE_FIELDS[tm.kind]
    return [rule for rule in rules if rule in needs and set(needs[rule]) <= crm_keys]


def missing_required(tm: TypeMapping) -> list[str]:
    """CRM fields a new record needs that no `to_crm`/`both` mapping fills."""
    filled = {rule.crm_key for rule in tm.fields if rule.to_crm}
    if tm.kind == PERSON:
        return [] if filled & {"first_name", "last_name"} else ["first_name or last_name"]
    return [f.key for f in CATALOGUE[tm.kind] if f.required and f.key not in filled]


def lookup(
    session: Session, kind: str, wanted: dict[str, set[str]]
) -> dict[str, dict[str, list[int]]]:
    """CRM records by the normalised keys of a batch, per rule: value → ids (ascending).
    One indexed query per rule; on PostgreSQL its keys are bound as one array
    (`bulk.among`), elsewhere `matchkeys.find`'s IN list."""
    if session.get_bind().dialect.name != "postgresql":
        return {
            rule: matchkeys.find(session, kind, rule, values) for rule, values in wanted.items()
        }
    found: dict[str, dict[str, list[int]]] = {}
    for rule, values in wanted.items():
        by_value: dict[str, list[int]] = found.setdefault(rule, {})
        if not values:
            continue
        keys = matchkeys.KEYS
        rows = session.execute(
            select(keys.c.value, keys.c.crm_id)
            .where(
                keys.c.kind == kind,
                keys.c.rule == rule,
                bulk.among(session, keys.c.value, sorted(values)),
            )
            .order_by(keys.c.value, keys.c.crm_id)
        )
        for value, crm_id in rows:
            by_value.setdefault(value, []).append(int(crm_id))
    return found


def fingerprint(actor: Actor) -> str:
    """A digest of the values the ERP gave for the mapped fields and of the parent: the
    same for the same read (`repr` of the ERP's value types is exact), so the commit
    tells a changed actor from a repeat without converting it."""
    parent = (actor.parent_type.value if actor.parent_type else None, actor.parent_key)
    text = repr((sorted(actor.values.items()), parent))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


def _label(kind: str, values: dict[str, CrmValue], key: str) -> str:
    if kind == PERSON:
        name = f"{values.get('first_name') or ''} {values.get('last_name') or ''}".strip()
    else:
        name = str(values.get("name") or "")
    return (name or key)[:200]


class Classifier:
    """Classifies batches of actors of one type for one job."""

    def __init__(
        self,
        session: Session,
        connection_id: int,
        tm: TypeMapping,
        rules: Sequence[str],
        action: str,
        codes: crmrows.ListCodes,
    ) -> None:
        self.session = session
        self.cid = connection_id
        self.tm = tm
        self.rules = applicable_rules(tm, rules)
        self.action = action
        self.codes = codes
        self.fields = mapped_fields(tm)
        #: (ERP key, CRM key, written to the CRM, `to_crm` of the rule): made once, as
        #: the engine's `erp_plan.FieldPlan` does
        self.converters = [
            (rule.erp_key, rule.crm_key, rule.to_crm, converter(rule.rule)) for rule in self.fields
        ]
        #: CRM records an earlier row of this job matched: not a candidate again.
        self.claimed: set[int] = set()

    def classify(self, actors: Sequence[Actor]) -> list[Verdict]:
        return self.decide([self.convert(actor) for actor in actors])

    def decide(self, verdicts: list[Verdict]) -> list[Verdict]:
        """Group converted actors (or reads the preview stored) against the CRM as it is."""
        tm = self.tm
        keys = [verdict.key for verdict in verdicts]
        linked = links.by_erp_keys(self.session, self.cid, tm.actor_type.value, keys)
        keyed = {v.key: matchkeys.keys_of(tm.kind, v.erp_values) for v in verdicts}
        wanted = {rule: {k[rule] for k in keyed.values() if rule in k} for rule in self.rules}
        found = lookup(self.session, tm.kind, wanted)
        ids = {i for by_value in found.values() for many in by_value.values() for i in many}
        taken = links.linked_records(self.session, self.cid, tm.actor_type.value, tm.kind, ids)
        for verdict in verdicts:
            if verdict.status == INVALID:
                continue
            link = linked.get(verdict.key)
            if link is not None:
                verdict.status, verdict.crm_id = SKIPPED, link.crm_id
                verdict.reason = f"already linked to {tm.kind} {link.crm_id}"
                continue
            self._match(verdict, keyed[verdict.key], found, taken)
        return verdicts

    def convert(self, actor: Actor) -> Verdict:
        verdict = Verdict(actor.key, NEW, actor=actor)
        problems: list[str] = []
        get = actor.values.get
        erp_values, shadow, values = verdict.erp_values, verdict.shadow, verdict.values
        for erp_key, crm_key, to_crm, convert in self.converters:
            try:
                value = convert(get(erp_key))
            except ValidationError as exc:
                if to_crm:
                    problems.append(exc.message)
                continue
            erp_values[crm_key] = shadow[erp_key] = value
            if to_crm:
                values[crm_key] = value
        verdict.label = _label(self.tm.kind, verdict.erp_values, actor.key)
        verdict.fingerprint = fingerprint(actor)
        problems += self._required(verdict.values)
        if not problems:
            try:
                crmrows.columns(self.tm.kind, verdict.values, self.codes)
            except ErpSyncError as exc:
                problems.append(exc.message)
        if problems:
            verdict.status, verdict.reason = INVALID, "; ".join(problems)
        return verdict

    def _required(self, values: dict[str, CrmValue]) -> list[str]:
        if self.tm.kind == PERSON:
            has_name = values.get("first_name") or values.get("last_name")
            return [] if has_name else ["first_name, last_name: the person has no name"]
        return [
            f"{f.key}: empty, and a CRM {self.tm.kind} needs it"
            for f in CATALOGUE[self.tm.kind]
            if f.required and f.key in values and not values[f.key]
        ]

    def _match(
        self,
        verdict: Verdict,
        keys: dict[str, str],
        found: dict[str, dict[str, list[int]]],
        taken: set[int],
    ) -> None:
        for rule in self.rules:
            value = keys.get(rule)
            if value is None:
                continue
            claimed = self.claimed
            free = [i for i in found[rule].get(value, []) if i not in taken and i not in claimed]
            if not free:
                continue
            verdict.rule = rule
            if len(free) == 1:
                verdict.status, verdict.crm_id = MATCHED, free[0]
                if self.action != "add":
                    self.claimed.add(free[0])
            else:
                verdict.status, verdict.candidates = AMBIGUOUS, free[:MAX_CANDIDATES]
            if self.action == "skip":
                what = f"{self.tm.kind} {free[0]}" if len(free) == 1 else f"{len(free)} records"
                verdict.reason = f"matches {what} by {rule}; the action for matches is skip"
                verdict.status = SKIPPED
            return
