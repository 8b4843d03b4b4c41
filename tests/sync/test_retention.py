"""Sync log retention (R-SYNC-9): entries older than the retention are purged in
batches, newer ones kept; a retention under a day is refused naming `days`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from erpsync.errors import ValidationError
from erpsync.sync import retention
from erpsync.sync.context import utc_now
from erpsync.sync.models import SyncLogEntry
from tests.sync.conftest import SyncEnv


def _entries(env: SyncEnv, age_days: float, count: int, field: str) -> None:
    at = utc_now() - timedelta(days=age_days)
    rows = [
        {
            "connection_id": env.connection_id,
            "logged_at": at,
            "action": "to_crm",
            "erp_key": str(i),
            "field": field,
        }
        for i in range(count)
    ]
    with env.database.session() as session:
        session.execute(insert(SyncLogEntry), rows)


def test_purge_deletes_only_entries_older_than_the_retention(env: SyncEnv) -> None:
    _entries(env, 120, 2500, "old")
    _entries(env, 89, 30, "kept")
    _entries(env, 0, 5, "new")
    seen: list[int] = []
    assert retention.count_older(env.database, retention.cutoff(90)) == 2500
    assert retention.purge(env.database, 90, progress=seen.append) == 2500
    assert seen == [1000, 1000, 500]  # at most 1,000 rows per transaction
    with env.database.read_session() as session:
        fields = sorted(set(session.scalars(select(SyncLogEntry.field))))
    assert fields == ["kept", "new"]
    assert retention.purge(env.database, 30) == 30
    assert env.count(SyncLogEntry) == 5


def test_a_retention_under_one_day_is_refused(env: SyncEnv) -> None:
    _entries(env, 5, 3, "old")
    with pytest.raises(ValidationError) as caught:
        retention.purge(env.database, 0)
    assert caught.value.field == "days"
    assert env.count(SyncLogEntry) == 3
