"""What to do with one mapped field of one linked record (SPEC R-SEM-2, R-SYNC-4, R-SYNC-5).

Everything is decided by comparing each side with the **shadow**, the value as last
synced: a side *changed* the field when its value differs from the shadow. This one rule
gives echo suppression (a value the engine wrote equals the new shadow, so it is no
change next time), harmless replays (deciding again after applying changes nothing) and
conflicts (both sides changed, to different values). Values are compared in their
normalised form (see `erpsync.mapping.transform`); this module is pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Direction(StrEnum):
    NONE = "none"
    TO_CRM = "to_crm"
    TO_ERP = "to_erp"
    BOTH = "both"


class Policy(StrEnum):
    ERP_WINS = "erp_wins"
    CRM_WINS = "crm_wins"
    MANUAL = "manual"


class Outcome(StrEnum):
    UNCHANGED = "unchanged"  # nothing to do
    SETTLED = "settled"  # both sides already agree; only the shadow moves
    TO_CRM = "to_crm"  # write the ERP value into the CRM
    TO_ERP = "to_erp"  # write the CRM value into the ERP
    CONFLICT_TO_CRM = "conflict_to_crm"  # both changed; the ERP value won
    CONFLICT_TO_ERP = "conflict_to_erp"  # both changed; the CRM value won
    CONFLICT_MANUAL = "conflict_manual"  # both changed; waits for an administrator


class _Missing:
    """No shadow yet (a field mapped after the link was made)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    value: object = None  # the value written (or agreed on) when the outcome moves one
    shadow: object = MISSING  # the shadow after applying; MISSING = leave it as it is

    @property
    def writes_crm(self) -> bool:
        return self.outcome in (Outcome.TO_CRM, Outcome.CONFLICT_TO_CRM)

    @property
    def writes_erp(self) -> bool:
        return self.outcome in (Outcome.TO_ERP, Outcome.CONFLICT_TO_ERP)

    @property
    def is_conflict(self) -> bool:
        return self.outcome in (
            Outcome.CONFLICT_TO_CRM,
            Outcome.CONFLICT_TO_ERP,
            Outcome.CONFLICT_MANUAL,
        )


UNCHANGED: Final = Decision(Outcome.UNCHANGED)


def decide(
    erp: object, crm: object, shadow: object, direction: Direction, policy: Policy
) -> Decision:
    """The decision for one field; `shadow` is MISSING when the field was never synced."""
    if direction is Direction.NONE:
        return UNCHANGED
    if erp == crm:
        # Both sides agree: nothing to write; remember the agreement if it is new.
        return UNCHANGED if shadow == erp else Decision(Outcome.SETTLED, erp, erp)
    erp_changed = shadow is MISSING or erp != shadow
    crm_changed = shadow is MISSING or crm != shadow
    if direction is Direction.TO_CRM:
        return Decision(Outcome.TO_CRM, erp, erp) if erp_changed else UNCHANGED
    if direction is Direction.TO_ERP:
        return Decision(Outcome.TO_ERP, crm, crm) if crm_changed else UNCHANGED
    if erp_changed and not crm_changed:
        return Decision(Outcome.TO_CRM, erp, erp)
    if crm_changed and not erp_changed:
        return Decision(Outcome.TO_ERP, crm, crm)
    return _conflict(erp, crm, policy)


def _conflict(erp: object, crm: object, policy: Policy) -> Decision:
    if policy is Policy.ERP_WINS:
        return Decision(Outcome.CONFLICT_TO_CRM, erp, erp)
    if policy is Policy.CRM_WINS:
        return Decision(Outcome.CONFLICT_TO_ERP, crm, crm)
    return Decision(Outcome.CONFLICT_MANUAL)


def apply(
    erp: object, crm: object, shadow: object, decision: Decision
) -> tuple[object, object, object]:
    """The (erp, crm, shadow) after carrying out `decision` (for tests and dry runs)."""
    if decision.writes_crm:
        crm = decision.value
    if decision.writes_erp:
        erp = decision.value
    if decision.shadow is not MISSING:
        shadow = decision.shadow
    return erp, crm, shadow
