"""Match keys follow CRM writes and only the changed ones are rewritten (R-SEM-10, R-SYNC-2)."""

from __future__ import annotations

from sqlalchemy import literal_column, select

from erpsync.crm import matchkeys, service
from erpsync.crm.schemas import CompanyCreate, CompanyUpdate
from erpsync.db import Database
from erpsync.sync import crmrows
from tests.crm.helpers import seed_lists

KEYS = matchkeys.KEYS


def _rows(database: Database, crm_id: int) -> dict[str, tuple[str, str]]:
    """rule → (value, physical row identity: `ctid` on PostgreSQL, `rowid` on SQLite)."""
    where = "ctid" if database.dialect == "postgresql" else "rowid"
    with database.read_session() as session:
        found = session.execute(
            select(KEYS.c.rule, KEYS.c.value, literal_column(where).label("at")).where(
                KEYS.c.kind == "company", KEYS.c.crm_id == crm_id
            )
        ).all()
    return {rule: (value, str(at)) for rule, value, at in found}


def _company(database: Database, name: str, number: str, email: str) -> int:
    data = CompanyCreate(
        name=name, number=number, org_no="556677-8899", email=email, web="https://www.acme.se/om"
    )
    with database.session() as session:
        return service.create_company(session, data).id


def test_an_email_update_rewrites_only_the_email_key(database: Database) -> None:
    seed_lists(database)
    other = _company(database, "Other AB", "9", "info@other.se")
    crm_id = _company(database, "Acme AB", "10001", "old@acme.se")
    before = _rows(database, crm_id)
    assert set(before) == {"number", "vat", "name", "email", "domain"}
    untouched_other = _rows(database, other)

    with database.session() as session:
        service.update_company(session, crm_id, CompanyUpdate(email="New@Acme.se"))
    after = _rows(database, crm_id)
    assert after["email"][0] == "new@acme.se" and after["email"][1] != before["email"][1]
    assert {r: after[r] for r in after if r != "email"} == {
        r: before[r] for r in before if r != "email"
    }
    assert _rows(database, other) == untouched_other
    with database.read_session() as session:
        assert matchkeys.find(session, "company", "email", ["new@acme.se"]) == {
            "new@acme.se": [crm_id]
        }
        assert matchkeys.find(session, "company", "email", ["old@acme.se"]) == {}


def test_the_engine_update_path_rewrites_only_changed_keys_and_drops_cleared_ones(
    database: Database,
) -> None:
    seed_lists(database)
    first = _company(database, "Acme AB", "10001", "a@acme.se")
    second = _company(database, "Beta AB", "10002", "b@beta.se")
    before = {first: _rows(database, first), second: _rows(database, second)}

    with database.session() as session:
        crmrows.update_rows(
            session,
            "company",
            {first: {"email": "a2@acme.se", "phone": "+46 1"}, second: {"web": None}},
        )
    first_after, second_after = _rows(database, first), _rows(database, second)
    assert first_after["email"][0] == "a2@acme.se"
    assert {r: v for r, v in first_after.items() if r != "email"} == {
        r: v for r, v in before[first].items() if r != "email"
    }
    assert "domain" not in second_after
    assert second_after == {r: v for r, v in before[second].items() if r != "domain"}

    # What is left is what a full recomputation gives.
    with database.session() as session:
        kept = sorted(tuple(row) for row in session.execute(select(KEYS)))
        matchkeys.rebuild(session, ["company"])
        assert sorted(tuple(row) for row in session.execute(select(KEYS))) == kept


def test_a_deleted_record_loses_its_keys(database: Database) -> None:
    seed_lists(database)
    crm_id = _company(database, "Acme AB", "10001", "a@acme.se")
    with database.session() as session:
        service.delete_company(session, crm_id)
    assert _rows(database, crm_id) == {}
    with database.read_session() as session:
        assert matchkeys.find(session, "company", "number", ["10001"]) == {}
