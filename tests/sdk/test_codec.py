"""The JSON codec round-trips every type of the contract exactly (for remote hosting)."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erpsync.sdk import (
    Access,
    Actor,
    ActorRef,
    ActorType,
    Category,
    ChangeBatch,
    ConnectorError,
    Field,
    FieldType,
    ListItem,
    Operator,
    Response,
    Restriction,
    SaveResult,
)
from erpsync.sdk.codec import decode, decode_list, decode_value, dumps, encode, loads

values = st.one_of(
    st.none(),
    st.text(),
    st.booleans(),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=False),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))])),
)


@given(values)
def test_every_value_round_trips_with_its_type(value: object) -> None:
    again = decode_value(json.loads(json.dumps(encode(value))))
    assert type(again) is type(value)
    assert again == value
    if isinstance(value, Decimal):
        assert str(again) == str(value)  # the exponent too: 12.50 stays 12.50


def test_non_finite_floats_travel_tagged() -> None:
    assert math.isnan(decode_value(encode(float("nan"))))  # type: ignore[arg-type]
    assert decode_value(encode(float("-inf"))) == float("-inf")


def test_contract_objects_round_trip() -> None:
    moment = datetime(2024, 5, 17, 8, 30, 1, 123456, tzinfo=UTC)
    actor = Actor(
        ActorType.PERSON,
        "40001",
        {"name": "Åsa", "limit": Decimal("12.50"), "born": date(1980, 2, 29), "at": moment},
        ActorType.CUSTOMER,
        "10001",
        deleted=True,
    )
    objects: list[object] = [
        actor,
        ActorRef(ActorType.CUSTOMER, "10001"),
        Field(
            "limit", "Limit", FieldType.DECIMAL, "d", None, Decimal("1.0"), 12, Access.READ_ONLY, 3
        ),
        Field("country", "Country", FieldType.LIST, list_name="countries"),
        ListItem("752", "SE", "Sweden", deleted=True),
        Response.failure(Category.CONFIG, "Fix it", "tech", "code"),
        Response.success("fine"),
        SaveResult("10001", True, Response.success(), actor),
        Restriction("at", Operator.BETWEEN, (moment, moment + timedelta(days=1))),
    ]
    for obj in objects:
        assert loads(type(obj), dumps(obj)) == obj


def test_a_change_batch_with_rejected_records_round_trips() -> None:
    problem = ConnectorError(
        Category.DATA, "bad", "tech", "bad_answer", connector="demo", call="changes",
        actor_key="10002", field="name",
    )  # fmt: skip
    batch = ChangeBatch([Actor(ActorType.CUSTOMER, "10001", {"n": 1})], "17", True, (problem,))
    again = loads(ChangeBatch, dumps(batch))
    assert (again.actors, again.cursor, again.complete) == (batch.actors, "17", True)
    (error,) = again.rejected
    assert isinstance(error, ConnectorError)
    assert (error.category, error.actor_key, error.field, error.call) == (
        Category.DATA, "10002", "name", "changes",
    )  # fmt: skip


def test_lists_and_malformed_input() -> None:
    items = [ListItem("1", "A", "a"), ListItem("2", "B", "b")]
    assert decode_list(ListItem, encode(items)) == items
    with pytest.raises(ValueError, match="malformed Actor"):
        decode(Actor, {"type": "Customer"})
    with pytest.raises(ValueError):
        decode(Actor, {"type": "Dragon", "key": "1"})
    with pytest.raises(ValueError, match="bad tagged value"):
        decode_value({"$decimal": "1", "$date": "2024-01-01"})
    with pytest.raises(ValueError, match="malformed Actor"):
        decode(Actor, {"type": "Customer", "key": "1", "values": {"x": {"$decimal": "abc"}}})
