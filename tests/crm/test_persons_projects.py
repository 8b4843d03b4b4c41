"""Persons and projects: they refer to a live company; search, filters, moves, soft delete."""

from __future__ import annotations

import pytest
from pydantic import ValidationError as PydanticValidationError

from erpsync.crm import service
from erpsync.crm.schemas import (
    CompanyCreate,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
)
from erpsync.db import Database
from erpsync.errors import NotFound, ValidationError
from tests.crm.helpers import counts, seed_lists


def _company(database: Database, name: str) -> int:
    with database.session() as session:
        return service.create_company(session, CompanyCreate(name=name)).id


def _person(database: Database, **fields: object) -> PersonRead:
    with database.session() as session:
        person = service.create_person(session, PersonCreate.model_validate(fields))
        return PersonRead.model_validate(person)


def test_person_with_a_missing_company_is_refused_naming_company_id(database: Database) -> None:
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.create_person(session, PersonCreate(company_id=999, last_name="Holm"))
    assert caught.value.field == "company_id"
    assert "999" in caught.value.message
    assert counts(database) == (0, 0, 0)


def test_person_under_a_deleted_company_is_refused(database: Database) -> None:
    company_id = _company(database, "Gone AB")
    with database.session() as session:
        service.delete_company(session, company_id)
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.create_person(session, PersonCreate(company_id=company_id, first_name="Eva"))
    assert caught.value.field == "company_id"


def test_person_needs_a_first_or_last_name(database: Database) -> None:
    company_id = _company(database, "Acme")
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.create_person(session, PersonCreate(company_id=company_id, first_name="  "))
    assert caught.value.field == "last_name"
    person = _person(database, company_id=company_id, first_name="Eva")
    assert (person.first_name, person.last_name) == ("Eva", "")
    with pytest.raises(ValidationError), database.session() as session:
        service.update_person(session, person.id, PersonUpdate(first_name=None))


def test_person_without_a_company_id_is_refused_by_the_schema() -> None:
    with pytest.raises(PydanticValidationError) as caught:
        PersonCreate.model_validate({"last_name": "Holm"})
    assert caught.value.errors()[0]["loc"] == ("company_id",)


def test_person_moves_to_another_live_company_and_search_filters_by_company(
    database: Database,
) -> None:
    first, second = _company(database, "First AB"), _company(database, "Second AB")
    eva = _person(
        database, company_id=first, first_name="Eva", last_name="Holm", email="eva@first.example"
    )
    _person(database, company_id=first, first_name="Per", last_name="Ek")
    with database.session() as session:
        moved = PersonRead.model_validate(
            service.update_person(session, eva.id, PersonUpdate(company_id=second, title="CFO"))
        )
    assert (moved.company_id, moved.title, moved.email) == (second, "CFO", "eva@first.example")
    assert moved.change_pos > eva.change_pos
    with database.read_session() as session:
        assert [p.last_name for p in service.search_persons(session, company_id=first).items] == [
            "Ek"
        ]
        assert [p.id for p in service.search_persons(session, "FIRST.example").items] == [eva.id]
        assert service.search_persons(session, "per").total == 1
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.update_person(session, eva.id, PersonUpdate(company_id=424242))
    assert caught.value.field == "company_id"


def test_deleting_a_company_deletes_its_persons_but_keeps_its_projects(
    database: Database,
) -> None:
    seed_lists(database)
    company_id = _company(database, "Acme")
    person = _person(database, company_id=company_id, last_name="Holm")
    with database.session() as session:
        project = service.create_project(
            session, ProjectCreate(name="Rollout", company_id=company_id, status="planned")
        )
        project_id = project.id
    with database.session() as session:
        service.delete_company(session, company_id)
    with database.read_session() as session:
        with pytest.raises(NotFound):
            service.get_person(session, person.id)
        assert service.get_project(session, project_id).company_id == company_id
        assert service.search_persons(session).total == 0


def test_project_status_is_a_list_code_and_search_finds_name_or_number(
    database: Database,
) -> None:
    seed_lists(database)
    company_id = _company(database, "Acme")
    with database.session() as session:
        made = [
            ProjectRead.model_validate(service.create_project(session, data))
            for data in (
                ProjectCreate(
                    name="ERP rollout", number="P-001", status="in_progress", company_id=company_id
                ),
                ProjectCreate(name="Office move", number="P-002", status="planned"),
            )
        ]
    assert [p.status for p in made] == ["in_progress", "planned"]
    assert made[1].company_id is None
    with database.read_session() as session:
        assert [p.name for p in service.search_projects(session, "p-002").items] == ["Office move"]
        assert [p.name for p in service.search_projects(session, "rollout").items] == [
            "ERP rollout"
        ]
        by_company = service.search_projects(session, company_id=company_id)
        assert [p.name for p in by_company.items] == ["ERP rollout"]
        assert service.search_projects(session, status="PLANNED").total == 1
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.create_project(session, ProjectCreate(name="X", status="dreaming"))
    assert caught.value.field == "status"
    assert "'dreaming'" in caught.value.message


def test_project_company_can_be_changed_and_cleared(database: Database) -> None:
    company_id = _company(database, "Acme")
    with database.session() as session:
        project_id = service.create_project(session, ProjectCreate(name="Rollout")).id
    with database.session() as session:
        project = service.update_project(session, project_id, ProjectUpdate(company_id=company_id))
        assert project.company_id == company_id
    with database.session() as session:
        project = service.update_project(session, project_id, ProjectUpdate(company_id=None))
        assert project.company_id is None
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.update_project(session, project_id, ProjectUpdate(company_id=777))
    assert caught.value.field == "company_id"


def test_deleted_persons_and_projects_answer_not_found(database: Database) -> None:
    company_id = _company(database, "Acme")
    person = _person(database, company_id=company_id, last_name="Holm")
    with database.session() as session:
        project_id = service.create_project(session, ProjectCreate(name="Rollout")).id
    with database.session() as session:
        service.delete_person(session, person.id)
        service.delete_project(session, project_id)
    with database.read_session() as session:
        with pytest.raises(NotFound):
            service.get_person(session, person.id)
        with pytest.raises(NotFound):
            service.get_project(session, project_id)
        assert service.search_projects(session).total == 0
