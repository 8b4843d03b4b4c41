"""The host checks every answer: a bad record is a `data` error naming connector, call,
record and field; a malformed answer is a `system` error; nothing bad is passed on."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

import pytest

from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import (
    Actor,
    ActorType,
    Category,
    ChangeBatch,
    ConnectorError,
    Operator,
    Restriction,
)
from tests.sdk.conftest import Hosted


class Scripted(DemoConnector):
    """Answers get_actors and changes with whatever the test put in `answer`."""

    key = "scripted"
    answer: object = None

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        return self.answer  # type: ignore[return-value]

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        yield from self.answer  # type: ignore[misc]


class OnlyCustomers(DemoConnector):
    key = "only_customers"

    def actor_types(self) -> list[ActorType]:
        return [ActorType.CUSTOMER]


def answer_of(hosted: Hosted, answer: object) -> Scripted:
    connector = Scripted()
    connector.answer = answer
    return connector


def rejected_get(hosted: Hosted, answer: object, fields: list[str] | None) -> ConnectorError:
    host = hosted(answer_of(hosted, answer))
    with pytest.raises(ConnectorError) as caught:
        host.get_actors(ActorType.CUSTOMER, ["10001"], fields)
    return caught.value


def customer(**values: object) -> Actor:
    return Actor(ActorType.CUSTOMER, "10001", dict(values))  # type: ignore[arg-type]


def test_a_float_in_a_decimal_field_is_a_data_error(hosted: Hosted) -> None:
    error = rejected_get(hosted, [customer(credit_limit=12.5)], ["credit_limit"])
    assert error.category is Category.DATA
    assert (error.connector, error.call, error.actor_key, error.field) == (
        "scripted",
        "get_actors",
        "10001",
        "credit_limit",
    )
    assert "expected Decimal (never float), got float 12.5" in error.user_explanation


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"employees": "12"}, "employees", "expected int, got str '12'"),
        ({"employees": True}, "employees", "expected int, got bool True"),
        ({"blocked": 1}, "blocked", "expected bool, got int 1"),
        ({"founded": "2024-01-01"}, "founded", "expected date, got str"),
        ({"name": 5}, "name", "expected str, got int 5"),
        ({"name": "x" * 81}, "name", "longer than the maximum 80"),
        ({"credit_limit": Decimal("NaN")}, "credit_limit", "expected a finite Decimal"),
        ({"nickname": "Bob"}, "nickname", "unknown field 'nickname' for Customer"),
    ],
)
def test_a_wrong_value_names_record_and_field(
    hosted: Hosted, values: dict[str, object], field: str, reason: str
) -> None:
    keys = [key for key in values if key != "nickname"] or ["name"]
    error = rejected_get(hosted, [customer(**values)], keys)
    assert error.category is Category.DATA
    assert error.field == field
    assert reason in error.user_explanation


def test_a_naive_datetime_is_refused(hosted: Hosted) -> None:
    from datetime import datetime

    error = rejected_get(hosted, [customer(modified_at=datetime(2024, 1, 1))], ["modified_at"])
    assert "no time zone" in error.user_explanation


def test_a_missing_key_a_missing_field_and_a_wrong_type_are_data_errors(hosted: Hosted) -> None:
    error = rejected_get(hosted, [Actor(ActorType.CUSTOMER, "", {"name": "A"})], ["name"])
    assert "missing ERP key" in error.user_explanation
    error = rejected_get(hosted, [customer(name="A")], ["name", "city"])
    assert error.field == "city" and "asked field missing" in error.user_explanation
    error = rejected_get(hosted, [Actor(ActorType.SUPPLIER, "20001", {"name": "A"})], ["name"])
    assert "actor type 'Supplier', expected Customer" in error.user_explanation


def test_a_malformed_answer_is_a_system_error(hosted: Hosted) -> None:
    error = rejected_get(hosted, {"10001": "A"}, ["name"])
    assert error.category is Category.SYSTEM
    assert "malformed answer to get_actors: expected a list, got dict" in error.user_explanation
    error = rejected_get(hosted, [("10001", "A")], ["name"])
    assert error.category is Category.SYSTEM and "expected Actor, got tuple" in str(error)


def test_a_bad_record_in_a_stream_is_set_aside_and_the_rest_goes_on(hosted: Hosted) -> None:
    good, bad = customer(name="Good AB"), Actor(ActorType.CUSTOMER, "10002", {"name": 7})
    host = hosted(answer_of(hosted, [ChangeBatch([bad, good], "17", True)]))
    (batch,) = list(host.changes(ActorType.CUSTOMER, None, ["name"]))
    assert batch.actors == [good]
    assert batch.cursor == "17" and batch.complete
    (problem,) = batch.rejected
    assert isinstance(problem, ConnectorError)
    assert (problem.category, problem.actor_key, problem.field) == (Category.DATA, "10002", "name")


def test_a_cursor_going_backwards_ends_the_stream(hosted: Hosted) -> None:
    batches = [ChangeBatch([], "20"), ChangeBatch([], "19", True)]
    host = hosted(answer_of(hosted, batches))
    with pytest.raises(ConnectorError) as caught:
        list(host.changes(ActorType.CUSTOMER, "5", ["name"]))
    assert caught.value.category is Category.SYSTEM
    assert "the cursor went backwards from '20' to '19'" in caught.value.user_explanation


def test_a_batch_that_is_not_a_change_batch_is_a_system_error(hosted: Hosted) -> None:
    host = hosted(answer_of(hosted, [[customer(name="A")]]))
    with pytest.raises(ConnectorError, match="expected ChangeBatch, got list"):
        list(host.changes(ActorType.CUSTOMER, None, ["name"]))
    host = hosted(answer_of(hosted, [ChangeBatch([], 17)]))  # type: ignore[arg-type]
    with pytest.raises(ConnectorError, match="cursor 17 is not a str"):
        list(host.changes(ActorType.CUSTOMER, None, ["name"]))


def test_an_actor_type_the_connection_does_not_offer_is_a_config_error(hosted: Hosted) -> None:
    host = hosted(OnlyCustomers())
    with pytest.raises(ConnectorError) as caught:
        host.get_actors(ActorType.PROJECT, ["60001"])
    assert caught.value.category is Category.CONFIG
    assert "does not offer actor type 'Project' (it offers: Customer)" in str(caught.value)


def test_restrictions_are_checked_before_the_connector_sees_them(hosted: Hosted) -> None:
    host = hosted(DemoConnector())
    with pytest.raises(ConnectorError) as caught:
        host.search_advanced(ActorType.CUSTOMER, [Restriction("name", Operator.LT, ("B",))])
    assert caught.value.category is Category.DATA
    assert "operator lt does not apply to Text field 'name'" in str(caught.value)
    with pytest.raises(ConnectorError, match="'notes' is not searchable"):
        host.search_advanced(ActorType.CUSTOMER, [Restriction("notes", Operator.EQUALS, ("x",))])
    with pytest.raises(ConnectorError, match="between needs 2 values"):
        host.search_advanced(ActorType.CUSTOMER, [Restriction("employees", Operator.BETWEEN, (1,))])
    with pytest.raises(ConnectorError, match="expected Decimal"):
        host.search_advanced(ActorType.CUSTOMER, [Restriction("credit_limit", Operator.GT, (1.5,))])


def test_values_sent_to_create_and_save_are_checked_too(hosted: Hosted) -> None:
    host = hosted(DemoConnector())
    with pytest.raises(ConnectorError) as caught:
        host.create(ActorType.CUSTOMER, {"name": "A", "credit_limit": 10.5})
    assert caught.value.category is Category.DATA
    assert "A bad record '(new)', field 'credit_limit' was sent to create" in str(caught.value)
    with pytest.raises(ConnectorError, match="field 'employees' was sent to save"):
        host.save([Actor(ActorType.CUSTOMER, "10001", {"employees": "many"})])
