"""Field decisions from the shadow (R-SEM-2, R-SYNC-4, R-SYNC-5), as properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from erpsync.sync.decide import MISSING, Direction, Outcome, Policy, apply, decide

values = st.one_of(st.none(), st.integers(-3, 3), st.sampled_from(["a", "b", "c"]))
shadows = st.one_of(values, st.just(MISSING))
directions = st.sampled_from(list(Direction))
policies = st.sampled_from(list(Policy))


@given(values, values, shadows, directions, policies)
def test_deciding_again_after_applying_changes_nothing(
    erp: object, crm: object, shadow: object, direction: Direction, policy: Policy
) -> None:
    """Replays are harmless: a retried batch finds nothing left to do."""
    first = decide(erp, crm, shadow, direction, policy)
    after = apply(erp, crm, shadow, first)
    second = decide(*after, direction, policy)
    if first.outcome is Outcome.CONFLICT_MANUAL:
        assert second.outcome is Outcome.CONFLICT_MANUAL  # still waiting, nothing written
    else:
        assert second.outcome is Outcome.UNCHANGED


@given(values, values, directions, policies)
def test_a_value_written_to_one_side_is_never_sent_back(
    old: object, new: object, direction: Direction, policy: Policy
) -> None:
    """Echo suppression: the ERP changes, the CRM gets it, the next run sends nothing."""
    first = decide(new, old, old, direction, policy)
    erp, crm, shadow = apply(new, old, old, first)
    assert not decide(erp, crm, shadow, direction, policy).writes_erp


@given(values, values, values, directions)
def test_only_the_mapped_direction_is_ever_written(
    erp: object, crm: object, shadow: object, direction: Direction
) -> None:
    decision = decide(erp, crm, shadow, direction, Policy.ERP_WINS)
    if direction is Direction.TO_CRM:
        assert not decision.writes_erp
    if direction is Direction.TO_ERP:
        assert not decision.writes_crm
    if direction is Direction.NONE:
        assert decision.outcome is Outcome.UNCHANGED


def test_both_sides_changed_to_different_values_is_a_conflict_decided_by_policy() -> None:
    assert decide("erp", "crm", "old", Direction.BOTH, Policy.ERP_WINS).outcome is (
        Outcome.CONFLICT_TO_CRM
    )
    assert decide("erp", "crm", "old", Direction.BOTH, Policy.CRM_WINS).value == "crm"
    manual = decide("erp", "crm", "old", Direction.BOTH, Policy.MANUAL)
    assert manual.is_conflict and not manual.writes_crm and not manual.writes_erp


def test_both_sides_changed_to_the_same_value_is_no_conflict() -> None:
    decision = decide("new", "new", "old", Direction.BOTH, Policy.MANUAL)
    assert decision.outcome is Outcome.SETTLED and decision.shadow == "new"


def test_one_side_changed_travels_to_the_other() -> None:
    assert decide("new", "old", "old", Direction.BOTH, Policy.MANUAL).outcome is Outcome.TO_CRM
    assert decide("old", "new", "old", Direction.BOTH, Policy.MANUAL).outcome is Outcome.TO_ERP
    # A CRM edit of a to_crm field stays in the CRM until the ERP changes the field.
    assert decide("old", "new", "old", Direction.TO_CRM, Policy.ERP_WINS).outcome is (
        Outcome.UNCHANGED
    )


def test_a_field_never_synced_and_different_on_both_sides_follows_the_policy() -> None:
    decision = decide("erp", "crm", MISSING, Direction.BOTH, Policy.ERP_WINS)
    assert decision.outcome is Outcome.CONFLICT_TO_CRM
    assert decide("x", "x", MISSING, Direction.BOTH, Policy.MANUAL).outcome is Outcome.SETTLED
