"""The demo CRM: 50 companies numbered 10001–10050 with persons and projects, loaded once."""

from __future__ import annotations

from typing import Any

from erpsync.crm import service
from erpsync.crm.demo import load_demo_crm
from erpsync.crm.schemas import CompanyRead, PersonRead, ProjectRead
from erpsync.db import Database
from tests.conftest import truncate
from tests.crm.helpers import counts


def _snapshot(database: Database) -> dict[str, list[dict[str, Any]]]:
    ignore = {"id", "company_id", "created_at", "updated_at", "change_pos"}
    with database.read_session() as session:
        companies = service.search_companies(session, limit=500).items
        persons = service.search_persons(session, limit=500).items
        projects = service.search_projects(session, limit=500).items
        return {
            "companies": [
                CompanyRead.model_validate(c).model_dump(exclude=ignore) for c in companies
            ],
            "persons": [PersonRead.model_validate(p).model_dump(exclude=ignore) for p in persons],
            "projects": [
                ProjectRead.model_validate(p).model_dump(exclude=ignore) for p in projects
            ],
        }


def test_demo_crm_loads_numbered_companies_with_persons_projects_and_lists(
    database: Database,
) -> None:
    with database.session() as session:
        assert load_demo_crm(session) == 50
    companies, persons, projects = counts(database)
    assert companies == 50
    assert 50 <= persons <= 200
    assert 25 <= projects <= 35
    snapshot = _snapshot(database)
    numbers = sorted(int(c["number"]) for c in snapshot["companies"])
    assert numbers == list(range(10001, 10051))
    for company in snapshot["companies"]:
        assert all(
            company[key]
            for key in ("org_no", "email", "city", "country", "currency", "category", "business")
        )
    assert {c["category"] for c in snapshot["companies"]} == {
        "customer",
        "supplier",
        "partner",
        "prospect",
    }
    assert {p["status"] for p in snapshot["projects"]} >= {"planned", "in_progress", "completed"}


def test_loading_the_demo_crm_again_changes_nothing(database: Database) -> None:
    with database.session() as session:
        load_demo_crm(session)
    before = (counts(database), _snapshot(database))
    with database.session() as session:
        assert load_demo_crm(session) == 0
    assert (counts(database), _snapshot(database)) == before


def test_the_demo_crm_is_the_same_on_every_installation(database: Database) -> None:
    with database.session() as session:
        load_demo_crm(session)
    first = _snapshot(database)
    truncate(database)
    with database.session() as session:
        load_demo_crm(session)
    assert _snapshot(database) == first
