"""The engine's bulk writes (`erpsync.db.bulk`): on PostgreSQL they stream with COPY, and
must leave exactly the rows a plain INSERT leaves — ids in order, defaults, JSON
shadows — and fail as an INSERT fails, with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from erpsync.db import bulk
from erpsync.sync import links
from erpsync.sync.links import LINKS, LinkRow
from tests.sync.conftest import SyncEnv

ROWS = 120  # above bulk.MIN_COPY_ROWS, so PostgreSQL takes the COPY path


def _params(env: SyncEnv, prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "connection_id": env.connection_id,
            "actor_type": "Customer",
            "erp_key": f"{prefix}{n}",
            "crm_kind": "company",
            "crm_id": 10_000 + n if prefix == "a" else 20_000 + n,
            "parent_key": None if n % 2 else f"P{n}",
            "shadow": {"name": f"Åsa's Bygg {n}", "active": n % 3 == 0, "phone": None},
        }
        for n in range(ROWS)
    ]


def _stored(env: SyncEnv, prefix: str) -> list[dict[str, Any]]:
    with env.database.read_session() as session:
        rows = session.execute(
            select(LINKS).where(LINKS.c.erp_key.like(f"{prefix}%")).order_by(LINKS.c.id)
        ).all()
    return [dict(row._mapping) for row in rows]


def test_bulk_inserts_leave_the_rows_a_plain_insert_leaves(env: SyncEnv) -> None:
    with env.database.session() as session:
        ids = bulk.insert_returning_ids(session, LINKS, _params(env, "a"))
        session.execute(insert(LINKS), _params(env, "b"))
    assert ids == sorted(ids) and len(set(ids)) == ROWS
    copied, inserted = _stored(env, "a"), _stored(env, "b")
    assert [row["id"] for row in copied] == ids
    assert [row["erp_key"] for row in copied] == [f"a{n}" for n in range(ROWS)]
    for mine, plain in zip(copied, inserted, strict=True):
        for column in ("state", "parent_type", "parent_key", "shadow", "unlinked_at"):
            assert mine[column] == plain[column], column
        assert mine["created_at"] is not None
    assert copied[0]["state"] == "active"  # the column's Python default
    assert copied[1]["shadow"] == {"name": "Åsa's Bygg 1", "active": False, "phone": None}


def test_links_inserted_in_bulk_get_their_ids(env: SyncEnv) -> None:
    rows = [
        LinkRow("Customer", f"K{n}", "company", 30_000 + n, shadow={"name": f"N{n}"})
        for n in range(ROWS)
    ]
    with env.database.session() as session:
        links.insert_links(session, env.connection_id, rows)
    found = {row.erp_key: row.id for row in env.links().values()}
    assert {row.erp_key: row.id for row in rows} == found


def test_a_bulk_insert_that_fails_writes_nothing(env: SyncEnv) -> None:
    params = _params(env, "c")
    params[-1] = {**params[-1], "erp_key": "c0"}  # a second live link of one actor
    with pytest.raises(IntegrityError), env.database.session() as session:
        bulk.insert_returning_ids(session, LINKS, params)
    with env.database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(LINKS)) == 0


def test_statistics_are_refreshed_after_a_large_pass(env: SyncEnv) -> None:
    """A first run fills empty tables; PostgreSQL then plans for their real size."""
    with env.database.session() as session:
        bulk.insert_many(session, LINKS, _params(env, "d"))
    bulk.analyze(env.database.engine, [LINKS])  # no-op on SQLite
    if env.database.dialect == "postgresql":
        with env.database.read_session() as session:
            size = session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'links'"))
        assert size == ROWS


def test_statistics_of_a_table_stay_when_a_pass_wrote_a_few_per_cent_of_it(
    env: SyncEnv,
) -> None:
    """An incremental run that updated 1 % of a large table changes no plan: its
    statistics stay (an ANALYZE of a million rows costs seconds); a tenth refreshes them."""
    if env.database.dialect != "postgresql":
        pytest.skip("statistics are PostgreSQL's")
    with env.database.session() as session:
        bulk.insert_many(session, LINKS, _params(env, "e"))
    assert bulk.analyze(env.database.engine, [LINKS], written=ROWS)  # never analysed: 0 rows
    with env.database.session() as session:
        more = [{**row, "crm_id": row["crm_id"] + ROWS} for row in _params(env, "f")]
        bulk.insert_many(session, LINKS, more)

    def counted() -> float:
        with env.database.read_session() as session:
            return float(
                session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'links'"))
            )

    assert not bulk.analyze(env.database.engine, [LINKS], written=ROWS // 10 - 1)
    assert counted() == ROWS
    assert bulk.analyze(env.database.engine, [LINKS], written=ROWS // 10)
    assert counted() == 2 * ROWS
