"""Tryton's lists through the connector (project statuses too), and deactivated parties as
deletions (R-CON-2)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from erpsync.connectors.tryton import TrytonConnector
from erpsync.sdk import ActorType, Category, ConnectorError
from erpsync.sdk.host import ConnectorHost
from tests.connectors.tryton.seed import COUNTRIES, CURRENCIES, PAYMENT_TERMS
from tests.connectors.tryton.server import TrytonServer
from tests.connectors.tryton.test_tryton import config


@pytest.fixture
def host(tryton_server: TrytonServer) -> Iterator[ConnectorHost]:
    host = ConnectorHost(TrytonConnector(), timeout=30)
    host.open("lists", config(tryton_server))
    try:
        yield host
    finally:
        host.close()


def test_lists_hold_countries_currencies_categories_and_payment_terms(
    host: ConnectorHost, tryton_server: TrytonServer
) -> None:
    assert set(host.lists()) == {
        "countries",
        "currencies",
        "party_categories",
        "payment_terms",
        "project_statuses",
    }
    assert {i.name for i in host.list_items("project_statuses")} == {"Open", "Done"}
    countries = {item.code: item.name for item in host.list_items("countries")}
    assert countries == dict(COUNTRIES)
    assert {item.code for item in host.list_items("currencies")} == {c for c, _, _ in CURRENCIES}
    assert {i.name for i in host.list_items("party_categories")} == {
        "Customer",
        "Supplier",
        "Prospect",
    }
    terms = host.list_items("payment_terms")
    # Tryton ships some terms of its own; the seeded ones are there, live.
    names = {item.name: item.deleted for item in terms}
    assert all(names.get(name) is False for name in PAYMENT_TERMS)

    # A payment term deactivated in Tryton stays in the list, flagged deleted.
    admin = tryton_server.client()
    cash = next(item for item in terms if item.name == "Cash")
    admin.model("account.invoice.payment_term", "write", [int(cash.id)], {"active": False})
    admin.close()
    again = {item.id: item.deleted for item in host.list_items("payment_terms")}
    assert again[cash.id] is True
    assert [i for i, deleted in again.items() if deleted] == [cash.id]


def test_unknown_list_is_a_data_error(host: ConnectorHost) -> None:
    with pytest.raises(ConnectorError) as caught:
        host.list_items("price_lists")
    assert caught.value.category is Category.DATA
    assert "price_lists" in caught.value.user_explanation


def test_deactivated_party_comes_as_deletion(
    host: ConnectorHost, tryton_server: TrytonServer
) -> None:
    customer = host.search(ActorType.CUSTOMER, "Customer 007")[0]
    cursor = list(host.changes(ActorType.CUSTOMER, None, []))[-1].cursor
    admin = tryton_server.client()
    admin.model("party.party", "write", [int(customer.key)], {"active": False})
    admin.close()
    seen = [a for b in host.changes(ActorType.CUSTOMER, cursor) for a in b.actors]
    gone = [a for a in seen if a.key == customer.key]
    assert gone and gone[-1].deleted
    (again,) = host.get_actors(ActorType.CUSTOMER, [customer.key])
    assert again.deleted
    assert customer.key not in {a.key for a in host.search(ActorType.CUSTOMER, "Customer 007")}
