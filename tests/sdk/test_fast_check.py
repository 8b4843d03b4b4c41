"""The host's compiled fast check never lets a bad actor through: whatever a connector
answers — wrong types, subclasses, naive or odd-zoned datetimes, NaN, long texts,
missing or unknown fields, bad parents — an actor it passes is one the full check
passes, and a batch with a bad actor still has that actor refused by name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import Access, Actor, ActorType, Category, ConnectorError, Field, FieldType
from erpsync.sdk.validation import ActorCheck
from tests.sdk.conftest import Hosted

FIELDS = [
    Field("name", "Name", FieldType.TEXT, max_length=5),
    Field("note", "Note", FieldType.TEXT),
    Field("country", "Country", FieldType.LIST, list_name="countries", max_length=2),
    Field("vip", "VIP", FieldType.CHECKBOX),
    Field("staff", "Staff", FieldType.INTEGER),
    Field("limit", "Limit", FieldType.DECIMAL),
    Field("share", "Share", FieldType.DOUBLE),
    Field("founded", "Founded", FieldType.DATE),
    Field("seen", "Seen", FieldType.DATETIME, access=Access.READ_ONLY),
]
TYPES = [ActorType.CUSTOMER, ActorType.PERSON]


class Text(str):
    """A str subclass: only the full check decides about it."""


values = st.one_of(
    st.none(),
    st.text(max_size=7),
    st.builds(Text, st.text(max_size=3)),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.sampled_from([Decimal("1.5"), Decimal("NaN"), Decimal("Infinity"), Decimal(0)]),
    st.sampled_from([date(2024, 1, 2), datetime(2024, 1, 2, 3, 4)]),
    st.sampled_from([UTC, timezone(timedelta(hours=2)), ZoneInfo("Europe/Stockholm")]).map(
        lambda zone: datetime(2024, 1, 2, 3, 4, tzinfo=zone)
    ),
)
keys = st.sampled_from([f.key for f in FIELDS] + ["unknown"])
actors = st.builds(
    Actor,
    st.sampled_from([*TYPES, "Customer"]),
    st.sampled_from(["k1", "", 7]),
    st.dictionaries(keys, values, max_size=len(FIELDS) + 1),
    st.sampled_from([None, ActorType.CUSTOMER, ActorType.PROJECT, "Customer"]),
    st.sampled_from([None, "p1", "", 3]),
    st.sampled_from([False, True, 0]),
)
VALID = {
    FieldType.TEXT: st.text(max_size=5),
    FieldType.LIST: st.sampled_from(["SE", "NO"]),
    FieldType.CHECKBOX: st.booleans(),
    FieldType.INTEGER: st.integers(),
    FieldType.DECIMAL: st.decimals(allow_nan=False, allow_infinity=False),
    FieldType.DOUBLE: st.one_of(st.floats(), st.integers()),
    FieldType.DATE: st.dates(),
    FieldType.DATETIME: st.datetimes(timezones=st.sampled_from([UTC, ZoneInfo("Asia/Tokyo")])),
}
fine_values = st.fixed_dictionaries(
    {f.key: st.one_of(st.none(), VALID[f.type]) for f in FIELDS if f.key != "note"}
).map(lambda found: {**found, "note": "any length " * 30})
fine_actors = st.builds(
    Actor,
    st.just(ActorType.CUSTOMER),
    st.just("k1"),
    fine_values,
    st.sampled_from([None, ActorType.PERSON]),
    st.just("p1"),
    st.booleans(),
).map(lambda a: a if a.parent_type else Actor(a.type, a.key, a.values, deleted=a.deleted))


def _one_changed(actor: Actor, slot: str, value: Any) -> Actor:
    """The actor with one attribute, or one field value, replaced by `value`."""
    changed = Actor(actor.type, actor.key, dict(actor.values), actor.parent_type,
                    actor.parent_key, actor.deleted)  # fmt: skip
    if slot in actor.values:
        changed.values[slot] = value
    else:
        setattr(changed, slot, value)
    return changed


slots = st.sampled_from(
    [f.key for f in FIELDS] + ["type", "key", "parent_type", "parent_key", "deleted"]
)
near_fine = st.builds(_one_changed, fine_actors, slots, st.one_of(values, actors.map(id)))


@settings(max_examples=400, deadline=None)
@given(st.one_of(actors, fine_actors, near_fine), st.booleans())
def test_an_actor_the_fast_check_passes_is_one_the_full_check_passes(
    actor: Actor, exact: bool
) -> None:
    check = ActorCheck("conn", ActorType.CUSTOMER, FIELDS, TYPES, exact_keys=exact)
    if check.fine(actor):
        assert check.first_problem("changes", actor) is None


@settings(max_examples=100, deadline=None)
@given(fine_actors)
def test_a_fine_actor_passes_the_fast_check_alone(actor: Actor) -> None:
    check = ActorCheck("conn", ActorType.CUSTOMER, FIELDS, TYPES)
    assert check.first_problem("changes", actor) is None
    assert check.fine(actor)


def _good(key: str, **changes: Any) -> Actor:
    values: dict[str, Any] = {
        "name": "Acme", "note": "x" * 500, "country": "SE", "vip": True, "staff": 3,
        "limit": Decimal("10.50"), "share": 2, "founded": date(2001, 2, 3),
        "seen": datetime(2024, 1, 2, tzinfo=UTC),
    }  # fmt: skip
    return Actor(ActorType.CUSTOMER, key, {**values, **changes})


def test_a_batch_with_one_bad_actor_refuses_that_one_by_name() -> None:
    check = ActorCheck("conn", ActorType.CUSTOMER, FIELDS, TYPES)
    batch = [_good("1"), _good("2", seen=datetime(2024, 1, 2)), _good("3", name="Acme AB")]
    good, rejected = check.split("changes", batch)
    assert [actor.key for actor in good] == ["1"]
    assert [(error.actor_key, error.field) for error in rejected] == [("2", "seen"), ("3", "name")]
    assert {error.category for error in rejected} == {Category.DATA}
    assert check.split("changes", [_good("4"), _good("5")]) == ([_good("4"), _good("5")], [])


class ClaimsTyped(DemoConnector):
    """A plug-in (not shipped with erpsync) that says its storage types every field."""

    key = "claims_typed"

    def typed_fields(self, actor_type: ActorType) -> frozenset[str]:
        return frozenset({"name", "employees"})

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        return [Actor(ActorType.CUSTOMER, "10001", {"name": 5, "employees": 3})]


def test_a_plug_in_declaring_typed_fields_still_has_every_value_checked(hosted: Hosted) -> None:
    host = hosted(ClaimsTyped())
    with pytest.raises(ConnectorError) as caught:
        host.get_actors(ActorType.CUSTOMER, ["10001"], ["name", "employees"])
    assert (caught.value.category, caught.value.field) == (Category.DATA, "name")


def test_typed_fields_skip_only_the_type_test_never_a_decimal_finiteness() -> None:
    typed = frozenset({"name", "limit"})
    check = ActorCheck("conn", ActorType.CUSTOMER, FIELDS, TYPES, typed=typed)
    assert check.fine(_good("1", name="a name longer than five"))
    assert not check.fine(_good("2", limit=Decimal("NaN")))
    assert not check.fine(_good("3", staff="3"))  # not declared typed: checked
