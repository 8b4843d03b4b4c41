"""The test gate (R-CONN-3): a save needs a passing test of exactly those values, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from erpsync.connections import testgate
from erpsync.db import Database
from erpsync.errors import ValidationError

SECRET = "gate-secret-for-tests"
VALUES = {"path": "/tmp/erp.db", "password": "s3cret", "batch": 500}


def test_a_token_for_the_tested_values_is_accepted_once(database: Database) -> None:
    token = testgate.issue(SECRET, "demo", VALUES, user_id=1)
    with database.session() as session:
        testgate.redeem(session, SECRET, token, "demo", dict(VALUES), user_id=1)
    with pytest.raises(ValidationError, match="already been used"), database.session() as session:
        testgate.redeem(session, SECRET, token, "demo", dict(VALUES), user_id=1)


@pytest.mark.parametrize(
    ("connector", "values", "user_id", "reason"),
    [
        ("demo", {**VALUES, "password": "other"}, 1, "values differ"),
        ("demo", {**VALUES, "batch": 501}, 1, "values differ"),
        ("sql", VALUES, 1, "values differ"),
        ("demo", VALUES, 2, "another user"),
    ],
)
def test_a_token_does_not_cover_other_values_connectors_or_users(
    sqlite_database: Database, connector: str, values: dict[str, object], user_id: int, reason: str
) -> None:
    token = testgate.issue(SECRET, "demo", VALUES, user_id=1)
    with pytest.raises(ValidationError, match=reason) as caught, sqlite_database.session() as s:
        testgate.redeem(s, SECRET, token, connector, values, user_id=user_id)
    assert caught.value.field == "test_token"
    assert "Test the ERP connection" in caught.value.message


def test_missing_forged_and_expired_tokens_are_refused(sqlite_database: Database) -> None:
    past = datetime.now(UTC) - timedelta(hours=2)
    expired = testgate.issue(SECRET, "demo", VALUES, user_id=1, now=past)
    forged = testgate.issue("another-secret", "demo", VALUES, user_id=1)
    cases = [
        (None, "has not passed a test"),
        (expired, "expired"),
        (forged, "not valid"),
        ("garbage", "not valid"),
    ]
    for token, reason in cases:
        with pytest.raises(ValidationError, match=reason), sqlite_database.session() as s:
            testgate.redeem(s, SECRET, token, "demo", dict(VALUES), user_id=1)
