"""Companies: create, read, partial update, soft delete, search and paging (R-UI-1, R-NF-2)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError as PydanticValidationError

from erpsync.crm import service
from erpsync.crm.schemas import CompanyCreate, CompanyRead, CompanyUpdate
from erpsync.db import Database
from erpsync.errors import NotFound, ValidationError
from tests.crm.helpers import counts, seed_lists


def _create(database: Database, **fields: object) -> CompanyRead:
    with database.session() as session:
        return CompanyRead.model_validate(
            service.create_company(session, CompanyCreate.model_validate(fields))
        )


def test_company_is_created_with_list_fields_given_and_returned_as_codes(
    database: Database,
) -> None:
    seed_lists(database)
    company = _create(
        database,
        name="  Nordisk Verktyg AB ",
        number="10001",
        email="Info@Nordisk.SE",
        country="se",
        currency="SEK",
        category="Customer",
        city=" Göteborg",
    )
    assert company.name == "Nordisk Verktyg AB"
    assert company.city == "Göteborg"
    assert (company.country, company.currency, company.category) == ("SE", "SEK", "customer")
    assert company.email is not None and company.email.lower() == "info@nordisk.se"
    assert company.change_pos > 0
    with database.read_session() as session:
        again = CompanyRead.model_validate(service.get_company(session, company.id))
    assert again == company


def test_unknown_list_code_is_refused_naming_field_and_value_and_nothing_is_written(
    database: Database,
) -> None:
    seed_lists(database)
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.create_company(session, CompanyCreate(name="Acme", country="XX"))
    assert caught.value.field == "country"
    assert caught.value.message.startswith("country: no country with code 'XX'")
    assert counts(database) == (0, 0, 0)


def test_blank_name_is_refused_naming_the_name_field() -> None:
    with pytest.raises(PydanticValidationError) as caught:
        CompanyCreate(name="   ")
    assert [error["loc"] for error in caught.value.errors()] == [("name",)]


def test_invalid_email_is_refused_naming_the_email_field() -> None:
    with pytest.raises(PydanticValidationError) as caught:
        CompanyCreate(name="Acme", email="not-an-address")
    assert caught.value.errors()[0]["loc"] == ("email",)


def test_partial_update_changes_only_given_fields_and_null_clears_one(database: Database) -> None:
    seed_lists(database)
    company = _create(database, name="Acme", city="Lund", country="SE", phone="+46 46 1")
    with database.session() as session:
        updated = CompanyRead.model_validate(
            service.update_company(
                session, company.id, CompanyUpdate(city="Malmö", phone=None, currency="EUR")
            )
        )
    assert (updated.name, updated.city, updated.phone) == ("Acme", "Malmö", None)
    assert (updated.country, updated.currency) == ("SE", "EUR")
    assert updated.change_pos > company.change_pos


def test_a_refused_update_leaves_the_company_as_it_was(database: Database) -> None:
    seed_lists(database)
    company = _create(database, name="Acme", city="Lund")
    with pytest.raises(ValidationError), database.session() as session:
        service.update_company(session, company.id, CompanyUpdate(city="Malmö", currency="NOPE"))
    with database.read_session() as session:
        assert CompanyRead.model_validate(service.get_company(session, company.id)) == company


def test_deleted_company_is_hidden_and_answers_not_found(database: Database) -> None:
    kept = _create(database, name="Kept AB")
    gone = _create(database, name="Gone AB")
    with database.session() as session:
        deleted = service.delete_company(session, gone.id)
        assert deleted.deleted_at is not None
        assert deleted.change_pos > gone.change_pos
    with database.read_session() as session:
        page = service.search_companies(session)
        assert [c.id for c in page.items] == [kept.id]
        assert page.total == 1
        with pytest.raises(NotFound):
            service.get_company(session, gone.id)
    for action in (service.delete_company, service.get_company):
        with pytest.raises(NotFound), database.session() as session:
            action(session, gone.id)
    with pytest.raises(NotFound), database.session() as session:
        service.update_company(session, gone.id, CompanyUpdate(name="Back"))
    assert counts(database) == (2, 0, 0)


def test_search_matches_name_number_org_no_email_and_city_case_insensitively(
    database: Database,
) -> None:
    _create(database, name="Alpha Trä AB", number="10001", org_no="556001-0001", city="Umeå")
    _create(database, name="Beta AB", number="20002", email="order@gamma.example", city="Lund")
    with database.read_session() as session:

        def names(q: str) -> list[str]:
            return [c.name for c in service.search_companies(session, q).items]

        assert names("alpha") == ["Alpha Trä AB"]
        assert names("20002") == ["Beta AB"]
        assert names("556001") == ["Alpha Trä AB"]
        assert names("GAMMA") == ["Beta AB"]
        assert names("lund") == ["Beta AB"]
        assert names("AB") == ["Alpha Trä AB", "Beta AB"]
        assert names("%") == []  # LIKE wildcards match literally
        assert names("nothing") == []


def test_search_pages_through_all_matches_with_the_total(database: Database) -> None:
    for index in range(7):
        _create(database, name=f"Company {index}")
    with database.read_session() as session:
        pages = [service.search_companies(session, limit=3, offset=o) for o in (0, 3, 6)]
    assert [len(page.items) for page in pages] == [3, 3, 1]
    assert {page.total for page in pages} == {7}
    seen = [c.name for page in pages for c in page.items]
    assert seen == [f"Company {index}" for index in range(7)]


def test_search_filters_by_category_and_country_codes(database: Database) -> None:
    seed_lists(database)
    _create(database, name="Customer SE", category="customer", country="SE")
    _create(database, name="Supplier SE", category="supplier", country="SE")
    _create(database, name="Customer NO", category="customer", country="NO")
    with database.read_session() as session:
        page = service.search_companies(session, category="customer", country="se")
        assert [c.name for c in page.items] == ["Customer SE"]
        with pytest.raises(ValidationError) as caught:
            service.search_companies(session, country="XX")
    assert caught.value.field == "country"


def test_paging_outside_the_allowed_window_names_the_parameter(database: Database) -> None:
    with database.read_session() as session:
        for limit, offset, field in ((0, 0, "limit"), (501, 0, "limit"), (10, -1, "offset")):
            with pytest.raises(ValidationError) as caught:
                service.search_companies(session, limit=limit, offset=offset)
            assert caught.value.field == field
