"""When an ERP → CRM pass refreshes PostgreSQL's statistics (`erp_stream._Statistics`):
a first run always, so its look-ups by ERP key are planned for the tables it fills; an
incremental run only when it wrote a sizeable share of the rows they count."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from erpsync.db import bulk
from erpsync.sdk.model import ActorType
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def _analyses(env: SyncEnv) -> int:
    with env.database.read_session() as session:
        count = session.scalar(
            text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'links'")
        )
    return int(count or 0)


def _change(env: SyncEnv, keys: list[str]) -> None:
    with env.erp() as erp:
        for key in keys:
            erp.set(ActorType.CUSTOMER, key, {"city": f"Kiruna {key}"})


def test_a_first_run_refreshes_statistics_and_a_run_updating_a_few_records_does_not(
    env: SyncEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    if env.database.dialect != "postgresql":
        pytest.skip("statistics are PostgreSQL's")
    monkeypatch.setattr(bulk, "ANALYZE_AFTER", 1)  # 12 customers stand for 10,000s
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    before = _analyses(env)
    assert env.run().counts["created"] == 12
    assert _analyses(env) > before
    first = _analyses(env)

    _change(env, ["10002"])  # 1 of 12: under a tenth of the rows counted
    assert env.run().counts["updated"] == 1
    assert _analyses(env) == first

    _change(env, ["10003", "10004"])  # 2 of 12: a sizeable share
    assert env.run().counts["updated"] == 2
    assert _analyses(env) > first
