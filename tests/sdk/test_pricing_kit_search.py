"""More of the conformance kit's pricing checks (issue 10, R-SDK-8): a price list whose
currency is not an ISO 4217 code, a search that ignores its restrictions, and a free-text
search that ignores product names are each caught, naming what is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import PriceList, ProductPage, Restriction
from tests.sdk.test_pricing_kit import failure


class WordCurrency(DemoConnector):
    """Names its currency in words instead of its ISO 4217 code."""

    key = "broken_currency"

    def price_lists(self) -> list[PriceList]:
        return [PriceList("standard", "Standard", "kronor")]


class IgnoresRestrictions(DemoConnector):
    """Answers every search as if no restriction were given."""

    key = "broken_restrictions"

    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: Sequence[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        return super().products(price_list_id, query, (), offset, limit)


class CodeOnlyText(DemoConnector):
    """Free text looks at product codes only, never at names."""

    key = "broken_free_text"

    def products(
        self,
        price_list_id: str,
        query: str = "",
        restrictions: Sequence[Restriction] = (),
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        if query and not any(ch.isdigit() for ch in query):
            return ProductPage([], 0, offset, limit)
        return super().products(price_list_id, query, restrictions, offset, limit)


def test_a_currency_that_is_not_an_iso_code_is_caught(tmp_path: Path) -> None:
    text = failure(WordCurrency, "price_lists", tmp_path)
    assert "connector 'broken_currency'" in text
    assert "field 'currency'" in text
    assert "expected an ISO 4217 code like 'SEK', got 'kronor'" in text


def test_a_search_that_ignores_its_restrictions_is_caught(tmp_path: Path) -> None:
    text = failure(IgnoresRestrictions, "products_search", tmp_path)
    assert "[products_search]" in text and "code begins" in text and "returned" in text


def test_a_free_text_search_that_ignores_names_is_caught(tmp_path: Path) -> None:
    text = failure(CodeOnlyText, "products_search", tmp_path)
    assert "did not find the product by its name" in text
