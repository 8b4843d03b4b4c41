"""The conformance kit's pricing checks: the demo connector passes them, a connector
answering a float price or bad price-list dates is caught, and connectors without the
capability skip them (R-SDK-8, R-CONN-6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import Connector, PriceList, Product, ProductPage, Restriction, has_pricing
from erpsync.sdk.registry import ConnectorInfo
from erpsync.sdk.testkit import CHECKS, CheckSkipped, ConformanceFailure, run_check
from tests.connectors.demo_hooks import DemoHooks

PRICING_CHECKS = ["price_lists", "products_paging", "products_search", "product_prices"]


class FloatPrice(DemoConnector):
    """Answers products with a float price: money must be Decimal."""

    key = "broken_float_price"

    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: tuple[Restriction, ...] | list[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        page = super().products(price_list_id, query, restrictions, offset, limit)
        items = [Product(p.code, p.name, float(p.price)) for p in page.items]  # type: ignore[arg-type]
        return ProductPage(items, page.total, offset, limit)


class BackwardsDates(DemoConnector):
    key = "broken_dates"

    def price_lists(self) -> list[PriceList]:
        return [PriceList("x", "Backwards", "SEK", date(2025, 1, 1), date(2024, 1, 1))]


class UnstablePaging(DemoConnector):
    """Ignores the offset: every page is the first page."""

    key = "broken_paging"

    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: tuple[Restriction, ...] | list[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        return super().products(price_list_id, query, restrictions, 0, limit)


class WrongPrice(DemoConnector):
    """Prices every product at its SEK list price, whatever the list's currency."""

    key = "broken_wrong_price"

    def product(self, price_list_id: str, code: str) -> Product | None:
        found = super().product(price_list_id, code)
        if found is None or found.list_price is None:
            return found
        return Product(found.code, found.name, found.list_price, list_price=found.list_price)

    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: tuple[Restriction, ...] | list[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        page = super().products(price_list_id, query, restrictions, offset, limit)
        items = [Product(p.code, p.name, p.list_price or p.price) for p in page.items]
        return ProductPage(items, page.total, offset, limit)


def _delegate(name: str) -> Callable[..., Any]:
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.inner, name)(*args, **kwargs)

    return call


# The demo ERP without its pricing capability: every call of the contract delegated.
NoPricing: type[Connector] = type(
    "NoPricing",
    (Connector,),
    {
        "key": "no_pricing",
        "name": "No pricing",
        "version": "1",
        "__init__": lambda self: setattr(self, "inner", DemoConnector()),
        **{name: _delegate(name) for name in Connector.__abstractmethods__},
    },
)


class Hooks(DemoHooks):
    def __init__(self, connector: type[Connector]) -> None:
        self.connector = connector

    def make_connector(self) -> Connector:
        return self.connector()


def failure(connector: type[Connector], check: str, workdir: Path) -> str:
    with pytest.raises(ConformanceFailure) as caught:
        run_check(CHECKS[check], Hooks(connector), workdir)
    return str(caught.value)


@pytest.mark.parametrize("check", PRICING_CHECKS)
def test_the_demo_connector_passes_the_pricing_checks(check: str, tmp_path: Path) -> None:
    run_check(CHECKS[check], Hooks(DemoConnector), tmp_path)


def test_a_float_price_is_caught(tmp_path: Path) -> None:
    text = failure(FloatPrice, "products_paging", tmp_path)
    assert "connector 'broken_float_price'" in text
    assert "field 'price'" in text and "expected Decimal (never float), got float" in text


def test_valid_from_after_valid_to_is_caught(tmp_path: Path) -> None:
    text = failure(BackwardsDates, "price_lists", tmp_path)
    assert "record 'x', field 'valid_to'" in text
    assert "valid_from 2025-01-01 is after valid_to 2024-01-01" in text


def test_paging_that_ignores_the_offset_is_caught(tmp_path: Path) -> None:
    text = failure(UnstablePaging, "products_paging", tmp_path)
    assert "[products_paging]" in text
    assert "asked for offset 7, limit 7, answered offset 0, limit 7" in text


def test_a_price_that_is_not_the_erps_own_is_caught(tmp_path: Path) -> None:
    text = failure(WrongPrice, "product_prices", tmp_path)
    assert "the ERP itself computes" in text


def test_connectors_without_pricing_skip_the_checks(tmp_path: Path) -> None:
    for check in PRICING_CHECKS:
        with pytest.raises(CheckSkipped, match="no PricingCapability"):
            run_check(CHECKS[check], Hooks(NoPricing), tmp_path / check)


def test_the_registry_says_which_connectors_have_pricing() -> None:
    from erpsync.sdk import registry

    infos = {info.key: info for info in registry.available()}
    assert infos["demo"].pricing is True
    assert infos["demo"].as_dict()["pricing"] is True
    assert ConnectorInfo("x").as_dict()["pricing"] is False
    assert not has_pricing(NoPricing) and has_pricing(DemoConnector)
