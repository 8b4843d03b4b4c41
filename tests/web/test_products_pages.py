"""The Products page: search, advanced search, paging, detail, field errors, Swedish
(R-CONN-6, R-UI-2)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from erpsync.db import Database
from erpsync.pricing.cache import shared_cache
from tests.api.conftest import demo_erp  # noqa: F401 - the session's demo ERP fixture
from tests.api.test_pricing_api import add_connection
from tests.conftest import USER_PASSWORD, make_user, signed_in


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    shared_cache().clear()


def test_a_user_searches_pages_and_opens_a_product(
    admin_client: TestClient,
    database: Database,
    demo_erp: str,  # noqa: F811
) -> None:
    cid = add_connection(admin_client, database, demo_erp)
    make_user(database, "sales", USER_PASSWORD)
    admin_client.cookies.clear()
    sales = signed_in(admin_client, "sales", USER_PASSWORD)
    page = sales.get("/products").text
    assert 'href="/products"' in page and "Standard (SEK)" in page and "1–25 of 200" in page
    found = sales.get(
        "/products", params={"connection": cid, "price_list": "export", "q": "office chair"}
    ).text
    assert "OFF-1001" in found and "249.00 EUR" in found and "1–3 of 3" in found
    second = sales.get("/products", params={"price_list": "export", "offset": 25}).text
    assert "26–50 of 200" in second and 'rel="prev"' in second
    detail = sales.get(f"/products/{cid}/export/OFF-1001")
    assert detail.status_code == 200
    assert "249.00 EUR" in detail.text and "Export (EUR)" in detail.text
    assert sales.get(f"/products/{cid}/export/NOPE-1").status_code == 404


def test_bad_advanced_values_are_shown_next_to_their_fields_in_swedish(
    admin_client: TestClient,
    database: Database,
    demo_erp: str,  # noqa: F811
) -> None:
    add_connection(admin_client, database, demo_erp)
    headers = {"Accept-Language": "sv"}
    page = admin_client.get("/products", params={"price_min": "billigt"}, headers=headers)
    assert page.status_code == 200
    assert "Ange ett belopp" in page.text and 'aria-invalid="true"' in page.text
    assert "Produkter" in page.text and "Prislista" in page.text
