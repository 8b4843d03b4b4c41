"""The CRM → ERP pass of a run passes over the records that run created with every value
as its shadow holds it (R-SYNC-2, R-SYNC-4), and still sends what differs: a record
created unlike its shadow, and a record written after its creation."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import func, select

from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.crm import service as crm
from erpsync.crm.models import Company
from erpsync.crm.schemas import CompanyUpdate
from erpsync.sync import journal
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def _crm_position(env: SyncEnv) -> str | None:
    with env.database.read_session() as session:
        return journal.get_cursor(session, env.connection_id, "crm:company")


def test_a_full_run_leaves_nothing_to_send_and_the_crm_position_after_its_creates(
    env: SyncEnv,
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    first = env.run()
    assert first.state == "succeeded", first.error
    assert first.counts["created"] == 12 and env.saves == []
    with env.database.read_session() as session:
        last = session.scalar(select(func.max(Company.change_pos)))
    assert _crm_position(env) == str(last)
    company_id = env.links()["10003"].crm_id
    with env.database.session() as session:
        crm.update_company(session, company_id, CompanyUpdate(phone="+46 8 555 01"))  # type: ignore[call-arg]
    assert env.run().state == "succeeded"
    assert [(a.key, a.values) for a in env.saves] == [("10003", {"phone": "+46 8 555 01"})]


def _sql_erp(env: SyncEnv, path: Path) -> None:
    """A SQL-connector ERP on SQLite whose `blocked` checkbox may be empty."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE customer (id INTEGER PRIMARY KEY, code TEXT, name TEXT NOT NULL, "
            "blocked BOOLEAN, updated_at TIMESTAMP NOT NULL)"
        )
        db.executemany(
            "INSERT INTO customer VALUES (?, ?, ?, ?, '2026-01-01 10:00:00')",
            [(1, "C1", "Ek AB", 0), (2, "C2", "Sten AB", None), (3, "C3", "Sol AB", 1)],
        )
    mapping = (
        "actors:\n  Customer:\n    table: customer\n    key: id\n    modified: updated_at\n"
        "    fields:\n      - {key: code}\n      - {key: name}\n"
        "      - {key: blocked, type: Checkbox}\n"
    )
    config = {"dialect": "sqlite", "database": str(path), "mapping": mapping}
    with env.database.session() as session:
        data = ConnectionCreate(name="SQL ERP", connector="sql", config=config)  # type: ignore[arg-type]
        result, connection = connections.create_tested(session, env.keys, env.admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = True
        env.connection_id = connection.id


def test_a_record_created_unlike_its_shadow_is_still_sent(env: SyncEnv, tmp_path: Path) -> None:
    """An empty ERP checkbox becomes the CRM column's default (active = true) while the
    shadow keeps the empty value: the CRM value differs, so it goes to the ERP."""
    _sql_erp(env, tmp_path / "erp.db")
    fields = [("code", "number", "to_crm"), ("name", "name", "both"), ("blocked", "active", "both")]
    env.map("Customer", fields, create=True)
    assert env.run().state == "succeeded"
    assert env.company("2").active is True
    assert [(a.key, a.values) for a in env.saves] == [("2", {"blocked": True})]
    with sqlite3.connect(tmp_path / "erp.db") as db:
        assert db.execute("SELECT blocked FROM customer WHERE id = 2").fetchone() == (1,)
