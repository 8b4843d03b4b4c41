"""The per-field work of ERP → CRM, prepared once per batch rather than per value.

`FieldPlan` holds each mapped field's `transform.converter` (value check and conversion
looked up once per field rule, R-MAP-1) and answers the two questions the engine asks
of every actor:

- `create`: for an actor without a link there is nothing to decide (R-SEM-2: the new
  link's shadow is what the CRM record gets), so its mapped values go straight into the
  CRM values and the shadow;
- `converted` / `quiet`: for an actor with a link, its values in CRM form, and whether
  every one of them equals its shadow. Then no field can write the CRM (`decide` finds
  the ERP side unchanged everywhere, and changes on the CRM side are the CRM → ERP
  pass's work), so the actor is `unchanged` without reading its CRM record — what a
  full resync with nothing changed finds for almost every actor;
- `unchanged`: the same question asked of an actor's values and a shadow as read,
  converting field by field and stopping at the first difference (`erp_stream` asks it
  of a whole stream batch before any write transaction).

A list field's converter remembers the items it converted (`_remembered`): a list has
few items, repeated across the actors of a batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from erpsync.mapping.transform import LIST, CrmValue, Rule, ToCrm, converter
from erpsync.sdk.model import Actor, Value
from erpsync.sync import crmrows
from erpsync.sync.decide import MISSING
from erpsync.sync.links import LinkRow
from erpsync.sync.models import LINK_ACTIVE
from erpsync.sync.rules import TypeMapping


class FieldPlan:
    """One actor type's mapped fields with their converters, for one batch."""

    def __init__(self, tm: TypeMapping) -> None:
        self.tm = tm
        #: (ERP key, CRM key or None for a field not written to the CRM, converter)
        self.fields: list[tuple[str, str | None, ToCrm]] = [
            (rule.erp_key, rule.crm_key if rule.to_crm else None, _converter(rule.rule))
            for rule in tm.fields
        ]
        self.match = None if tm.match is None else converter(tm.match.rule)
        lists = crmrows.list_fields(tm.kind)
        #: The to_erp fields as (ERP key, CRM key, its list item column or None).
        self.outgoing = [
            (rule.erp_key, rule.crm_key, f"{rule.crm_key}_id" if rule.crm_key in lists else None)
            for rule in tm.fields
            if rule.to_erp
        ]
        #: A to_erp field not written to the CRM leaves a created record to send.
        written = {rule.crm_key for rule in tm.fields if rule.to_crm}
        self.settles = all(crm_key in written for _, crm_key, _ in self.outgoing)

    def create(self, actor: Actor) -> tuple[dict[str, Any], dict[str, Any]]:
        """The CRM values and the shadow of a new record (raises what `to_crm` raises)."""
        get = actor.values.get
        values: dict[str, Any] = {}
        shadow: dict[str, Any] = {}
        for erp_key, crm_key, convert in self.fields:
            if crm_key is None:
                # A to_erp-only field starts equal to the (empty) CRM value: nothing to send yet.
                shadow[erp_key] = None
                continue
            value = convert(get(erp_key))
            values[crm_key] = shadow[erp_key] = value
        return values, shadow

    def settled(
        self,
        values: dict[str, Any],
        shadow: dict[str, Any],
        columns: dict[str, Any],
        codes: crmrows.ListCodes,
    ) -> bool:
        """Whether each to_erp field of a created record is stored as its shadow holds
        it (a list item's code may differ in case; a NOT NULL column may take its default)."""
        if not self.settles:
            return False
        for erp_key, crm_key, item_column in self.outgoing:
            if item_column is None:
                stored = columns.get(crm_key)
            else:
                stored = codes.code_of.get(columns.get(item_column))  # type: ignore[arg-type]
            if stored != shadow.get(erp_key, MISSING):
                return False
        return True

    def converted(self, actor: Actor) -> dict[str, Any]:
        """The actor's values present in the read, in CRM form, by ERP key."""
        values = actor.values
        return {
            erp_key: convert(values[erp_key])
            for erp_key, _, convert in self.fields
            if erp_key in values
        }

    def quiet(self, actor: Actor, link: LinkRow, converted: dict[str, Any]) -> bool:
        """Whether nothing of this linked actor can reach the CRM: an active link of a
        type without parents, and every value read equal to its shadow."""
        if not self.may_rest(actor.deleted, link.state):
            return False
        shadow = link.shadow
        return all(shadow.get(key, MISSING) == value for key, value in converted.items())

    def may_rest(self, deleted: bool, state: str) -> bool:
        """Whether an actor with a link in `state` can be quiet at all: not deleted, the
        link active, a type without parents (a child's parent may have moved)."""
        return not deleted and state == LINK_ACTIVE and not self.tm.has_parent

    def unchanged(self, values: Mapping[str, Value], shadow: Mapping[str, Any]) -> bool:
        """Whether every value read equals its shadow in CRM form (`converted` and `quiet`
        without the dict). A value that does not convert counts as a change: the batch
        converts it again and sets the actor aside."""
        get = shadow.get
        try:
            for erp_key, _, convert in self.fields:
                if erp_key in values and get(erp_key, MISSING) != convert(values[erp_key]):
                    return False
        except Exception:
            return False
        return True


#: Distinct items one list converter remembers (an ERP list is short; past this many,
#: further items go through the converter each time).
REMEMBERED = 1000


def _converter(rule: Rule) -> ToCrm:
    convert = converter(rule)
    return _remembered(convert) if rule.conversion == LIST else convert


def _remembered(convert: ToCrm) -> ToCrm:
    """A list item's conversion answered from memory after its first time: for a text
    value the converter depends on nothing but the rule, so the answer is the same; an
    item it refuses is not remembered and is refused again."""
    memory: dict[str, CrmValue] = {}

    def listed(value: Value) -> CrmValue:
        if value.__class__ is not str:
            return convert(value)
        text: str = value
        if text in memory:
            return memory[text]
        result = convert(text)
        if len(memory) < REMEMBERED:
            memory[text] = result
        return result

    return listed
