"""CRM lists: standard lists, code resolution, and item administration."""

from __future__ import annotations

import pytest

from erpsync.crm import lists, service
from erpsync.crm.models import LIST_NAMES
from erpsync.crm.schemas import (
    CompanyCreate,
    CompanyRead,
    CompanyUpdate,
    ListItemCreate,
    ListItemUpdate,
)
from erpsync.db import Database
from erpsync.errors import Conflict, NotFound, ValidationError

EU_NORDIC_G20 = (
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "NO",
    "IS",
    "GB",
    "CH",
    "US",
    "CA",
    "MX",
    "BR",
    "AR",
    "CN",
    "JP",
    "KR",
    "IN",
    "ID",
    "SA",
    "TR",
    "ZA",
    "AU",
    "RU",
)


def test_standard_lists_hold_all_iso_countries_and_common_currencies(database: Database) -> None:
    with database.session() as session:
        added = lists.ensure_standard_lists(session)
    assert added > 280
    with database.read_session() as session:
        countries = {item.code: item.name for item in lists.list_items(session, "country")}
        currencies = {item.code for item in lists.list_items(session, "currency")}
        categories = [item.code for item in lists.list_items(session, "category")]
    assert len(countries) == 249
    assert set(EU_NORDIC_G20) <= set(countries)
    assert countries["SE"] == "Sweden"
    assert len(currencies) >= 30
    assert {"SEK", "NOK", "DKK", "EUR", "USD", "GBP"} <= currencies
    assert categories == ["customer", "supplier", "partner", "prospect"]


def test_seeding_the_standard_lists_again_changes_nothing(database: Database) -> None:
    with database.session() as session:
        lists.ensure_standard_lists(session)
        sweden = next(i for i in lists.list_items(session, "country") if i.code == "SE")
        lists.update_item(session, "country", sweden.id, ListItemUpdate(name="Konungariket"))
    with database.session() as session:
        assert lists.ensure_standard_lists(session) == 0
    with database.read_session() as session:
        names = {i.code: i.name for i in lists.list_items(session, "country")}
    assert names["SE"] == "Konungariket"  # the administrator's name wins over the seed


def test_an_item_marked_deleted_stays_on_records_but_cannot_be_chosen(database: Database) -> None:
    with database.session() as session:
        lists.ensure_standard_lists(session)
        item = lists.create_item(session, "business", ListItemCreate(code="mining", name="Mining"))
        company = CompanyRead.model_validate(
            service.create_company(session, CompanyCreate(name="Gruvan AB", business="mining"))
        )
    with database.session() as session:
        lists.update_item(session, "business", item.id, ListItemUpdate(deleted=True))
    with database.session() as session:
        kept = service.update_company(
            session, company.id, CompanyUpdate(business="mining", city="Kiruna")
        )
        assert kept.business is not None and kept.business.code == "mining"
    with pytest.raises(ValidationError) as caught, database.session() as session:
        service.create_company(session, CompanyCreate(name="Other AB", business="mining"))
    assert "marked deleted" in caught.value.message
    with database.read_session() as session:
        assert "mining" not in [i.code for i in lists.list_items(session, "business")]
        everything = lists.list_items(session, "business", include_deleted=True)
        assert "mining" in [i.code for i in everything]


def test_a_duplicate_code_is_a_conflict_naming_the_code(database: Database) -> None:
    with database.session() as session:
        lists.create_item(session, "category", ListItemCreate(code="vip", name="VIP"))
    with pytest.raises(Conflict) as caught, database.session() as session:
        lists.create_item(session, "category", ListItemCreate(code="VIP", name="Very"))
    assert caught.value.field == "code"


def test_an_unknown_list_name_is_not_found_and_names_the_known_lists(database: Database) -> None:
    with pytest.raises(NotFound) as caught, database.read_session() as session:
        lists.list_items(session, "colours")
    assert all(name in caught.value.message for name in LIST_NAMES)
