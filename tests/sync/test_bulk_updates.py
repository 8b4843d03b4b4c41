"""The engine's batch updates (`erpsync.db.bulk_update`, R-SYNC-2): on PostgreSQL a batch of
CRM rows, link shadows or match keys is written by one statement over arrays; each record
must still end with its own values, NULLs as NULL, JSON as given, and a change position
of its own (R-SEM-3) — on both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from erpsync.crm import matchkeys
from erpsync.db import Database, bulk_update
from erpsync.db.positions import current_position
from erpsync.sync import crmrows, links
from erpsync.sync.links import LINKS, LinkRow
from tests.sync.conftest import SyncEnv

COMPANIES = crmrows.TABLES["company"]
PERSONS = crmrows.TABLES["person"]
ROWS = 60  # at least bulk_update.MIN_ARRAY_ROWS: PostgreSQL takes the path over arrays
BATCH = 5 * ROWS


def _companies(database: Database, count: int) -> list[int]:
    rows = [
        {"name": f"Firma {n}", "number": f"N{n}", "email": f"info{n}@firma.se", "city": "Lund"}
        for n in range(count)
    ]
    with database.session() as session:
        return crmrows.insert_rows(session, "company", rows)


def _stored(database: Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    with database.read_session() as session:
        rows = session.execute(select(COMPANIES).where(COMPANIES.c.id.in_(ids))).all()
    return {row.id: dict(row._mapping) for row in rows}


def _change(n: int) -> dict[str, Any]:
    """Record n's change: four sets of columns, NULLs, and nothing (only marked written)."""
    return [
        {"email": f"new{n}@firma.se", "phone": f"+46 {n}"},
        {"city": f"Stad {n}"},
        {"email": None, "city": None},  # cleared: NULL, not the text 'None'
        {},
        {"phone": f"0{n}", "email": f"e{n}@firma.se"},
    ][n % 5]


def test_a_batch_writes_each_record_its_own_values_and_position(database: Database) -> None:
    ids = _companies(database, BATCH + 1)  # each set of columns in 60 records
    before = _stored(database, ids)
    with database.read_session() as session:
        start = current_position(session)
    changes = {crm_id: _change(n) for n, crm_id in enumerate(ids[:BATCH])}
    with database.session() as session:
        crmrows.update_rows(session, "company", changes)
    after = _stored(database, ids)
    for n, crm_id in enumerate(ids[:BATCH]):
        expected = {**before[crm_id], **_change(n)}
        for column in ("name", "number", "email", "phone", "city"):
            assert after[crm_id][column] == expected[column], (n, column)
        assert after[crm_id]["updated_at"] > before[crm_id]["updated_at"]
    assert after[ids[BATCH]] == before[ids[BATCH]]  # not in the batch: untouched
    # Positions in id order, one each, after everything written before (R-SEM-3).
    positions = [after[crm_id]["change_pos"] for crm_id in ids[:BATCH]]
    assert positions == list(range(start + 1, start + BATCH + 1))


def test_changed_emails_move_the_match_keys(database: Database) -> None:
    ids = _companies(database, 3)
    with database.session() as session:
        crmrows.update_rows(
            session, "company", {ids[0]: {"email": "new0@firma.se"}, ids[1]: {"email": None}}
        )
    with database.read_session() as session:
        found = matchkeys.find(
            session, "company", "email", ["info0@firma.se", "new0@firma.se", "info1@firma.se"]
        )
        kept = matchkeys.find(session, "company", "email", ["info2@firma.se"])
        names = matchkeys.find(session, "company", "name", ["firma 0", "firma 1"])
    assert found == {"new0@firma.se": [ids[0]]}
    assert kept == {"info2@firma.se": [ids[2]]}
    assert names == {"firma 0": [ids[0]], "firma 1": [ids[1]]}


def test_a_key_delete_leaves_other_kinds_alone(database: Database) -> None:
    with database.session() as session:
        rows = [("email", "x@y.se", 1), ("email", "x@y.se", 2), ("name", "x", 1)]
        rows += [("number", str(n), n) for n in range(ROWS)]
        for kind in ("company", "person"):
            session.execute(
                matchkeys.KEYS.insert(),
                [{"kind": kind, "rule": r, "value": v, "crm_id": i} for r, v, i in rows],
            )
    with database.session() as session:
        gone = [("email", "x@y.se", 1), ("name", "x", 1), ("name", "nope", 9)]
        gone += [("number", str(n), n) for n in range(ROWS)]
        bulk_update.delete_tuples(
            session, matchkeys.KEYS, ("rule", "value", "crm_id"), gone, {"kind": "company"}
        )
    with database.read_session() as session:
        left = session.execute(
            select(matchkeys.KEYS.c.kind, matchkeys.KEYS.c.rule, matchkeys.KEYS.c.crm_id)
        ).all()
    assert sorted(tuple(row) for row in left if row.rule != "number") == [
        ("company", "email", 2),
        ("person", "email", 1),
        ("person", "email", 2),
        ("person", "name", 1),
    ]
    assert sorted(row.kind for row in left if row.rule == "number") == ["person"] * ROWS


def test_saved_shadows_round_trip(env: SyncEnv) -> None:
    shadows = [
        {"name": 'Åsa\'s "Bygg" AB', "active": True, "phone": None, "n": 1.5},
        {},
        {"list": ["a", None], "nested": {"k": "ü"}},
    ]
    shadows += [{"name": f"Firma {n}", "n": n} for n in range(ROWS)]
    rows = [LinkRow("Customer", f"K{n}", "company", 40_000 + n) for n in range(len(shadows) + 1)]
    with env.database.session() as session:
        links.insert_links(session, env.connection_id, rows)
    for row, shadow in zip(rows, shadows, strict=False):
        row.shadow, row.dirty = shadow, True
    rows[1].state, rows[1].parent_type, rows[1].parent_key = "waiting_parent", "Customer", "K9"
    rows[-1].shadow = {"untouched": True}  # not dirty: not written
    with env.database.session() as session:
        links.save_links(session, rows)
    with env.database.read_session() as session:
        stored = {
            row.erp_key: row
            for row in session.execute(select(LINKS).where(LINKS.c.erp_key.like("K%"))).all()
        }
    for row, shadow in zip(rows, shadows, strict=False):
        assert stored[row.erp_key].shadow == shadow
    assert stored["K1"].state == "waiting_parent" and stored["K1"].parent_key == "K9"
    assert stored["K0"].parent_key is None and stored["K0"].state == "active"
    assert stored[rows[-1].erp_key].shadow == {}


def test_inserted_rows_lacking_a_key_take_the_column_default(database: Database) -> None:
    rows = [
        {"first_name": "Eva", "last_name": "Ek", "email": "eva@ek.se"},
        {"last_name": "Berg"},  # no first name, no e-mail
    ]
    with database.session() as session:
        ids = crmrows.insert_rows(session, "person", rows)
    with database.read_session() as session:
        found = {
            row.id: row
            for row in session.execute(select(PERSONS).where(PERSONS.c.id.in_(ids))).all()
        }
    assert (found[ids[0]].first_name, found[ids[0]].email) == ("Eva", "eva@ek.se")
    assert found[ids[1]].first_name == ""  # the column's default, not NULL
    assert found[ids[1]].email is None
