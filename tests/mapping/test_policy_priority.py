"""Create policies (R-MAP-8) and priorities across connections (R-MAP-6) through the
services the pages use, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.db import Database
from erpsync.errors import ValidationError
from erpsync.mapping import policy, priority, quickstart
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.schemas import CreatePolicyIn
from tests.mapping.conftest import add_connection


def test_policy_defaults_to_ignore_and_stores_a_checked_filter(
    database: Database, connection_id: int
) -> None:
    with database.session() as session:
        assert policy.get(session, connection_id, "Customer").erp_to_crm == "ignore"
        data = CreatePolicyIn(
            erp_to_crm="create", crm_to_erp="create", crm_filter={"category": ["customer"]}
        )
        stored = policy.put(session, connection_id, "Customer", data)
    assert stored.entity == "company"
    with database.read_session() as session:
        again = policy.all_of(session, connection_id, ["Customer", "Person"])
    assert again[0].crm_filter == {"category": ["customer"]}
    assert (again[0].erp_to_crm, again[0].crm_to_erp) == ("create", "create")
    assert (again[1].entity, again[1].erp_to_crm) == ("person", "ignore")


@pytest.mark.parametrize(
    ("crm_filter", "field", "words"),
    [
        ({"colour": ["red"]}, "crm_filter.colour", "has no list field 'colour'"),
        ({"category": ["nonsense"]}, "crm_filter.category", "has no item 'nonsense'"),
    ],
)
def test_policy_with_a_bad_filter_names_it_and_changes_nothing(
    database: Database, connection_id: int, crm_filter: dict[str, list[str]], field: str, words: str
) -> None:
    data = CreatePolicyIn(crm_to_erp="create", crm_filter=crm_filter)
    with pytest.raises(ValidationError) as caught, database.session() as session:
        policy.put(session, connection_id, "Customer", data)
    assert caught.value.field == field and words in caught.value.message
    with database.read_session() as session:
        assert policy.get(session, connection_id, "Customer").crm_to_erp == "ignore"


def test_priorities_show_ties_and_change_together_or_not_at_all(
    database: Database,
    keys: connections.Keys,
    admin: User,
    demo_erp_path: Path,
    meta: ErpMeta,
    connection_id: int,
) -> None:
    other = add_connection(database, keys, admin, demo_erp_path, name="Second ERP")
    with database.session() as session:
        quickstart.map_connection(session, meta, connection_id)
        quickstart.map_connection(session, meta, other)
        rows = priority.overview(session, admin)
    assert [r.ties for r in rows] == [["Second ERP"], ["Demo ERP"]]
    assert "company.name" in rows[0].writes
    with pytest.raises(ValidationError) as caught:
        priority.parse({connection_id: "1", other: "zero"})
    assert caught.value.field == f"priority.{other}"
    with pytest.raises(ValidationError), database.session() as session:
        priority.set_priorities(session, admin, {connection_id: 2, other: 0})
    with database.session() as session:
        assert [r.priority for r in priority.overview(session, admin)] == [1, 1]
        rows = priority.set_priorities(session, admin, {other: 2})
    assert [(r.name, r.priority, r.ties) for r in rows] == [
        ("Demo ERP", 1, []),
        ("Second ERP", 2, []),
    ]
