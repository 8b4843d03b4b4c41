"""The Price lists page (R-CONN-6, R-UI-2): an administrator ticks the price lists a
connection exposes; users then see only those, in pages and API; a bad choice changes
nothing; only administrators get in; Swedish."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient

from erpsync.db import Database
from erpsync.pricing.cache import shared_cache
from tests.api.conftest import demo_erp  # noqa: F401 - the session's demo ERP fixture
from tests.api.test_pricing_api import add_connection, products_url
from tests.conftest import USER_PASSWORD, make_user, signed_in
from tests.web.forms import read_form


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    shared_cache().clear()


def _save(client: TestClient, cid: int, ticked: list[str]) -> tuple[int, str]:
    form = read_form(client.get(f"/sync/connections/{cid}/price-lists").text, "price-lists-form")
    form = {k: v for k, v in form.items() if not k.startswith("list.")}
    form.update({f"list.{pl}": "on" for pl in ticked})
    response = client.post(f"/sync/connections/{cid}/price-lists", data=form)
    return response.status_code, html.unescape(response.text)


def test_an_admin_restricts_the_lists_and_users_see_only_those(
    admin_client: TestClient,
    database: Database,
    demo_erp: str,  # noqa: F811
) -> None:
    cid = add_connection(admin_client, database, demo_erp)
    make_user(database, "sales", USER_PASSWORD)
    page = admin_client.get(f"/sync/connections/{cid}/price-lists").text
    assert "All 2 price lists are exposed." in page
    assert 'name="list.standard"' in page and 'name="list.export"' in page
    assert "checked" not in page.split('id="price-lists"', 1)[1]
    status, text = _save(admin_client, cid, ["export"])
    assert status == 200 and "Users see only the 1 ticked price lists." in text
    assert "Restricted: users see 1 of 2 price lists." in text
    assert 'name="list.export" checked' in text
    products = admin_client.get("/products", params={"connection": cid}).text
    assert "Users see only the price lists chosen for this connection." in products
    assert f'href="/sync/connections/{cid}/price-lists"' in products

    admin_client.cookies.clear()
    sales = signed_in(admin_client, "sales", USER_PASSWORD)
    seen = sales.get("/products").text
    assert "Export (EUR)" in seen and "Standard (SEK)" not in seen
    assert "Choose price lists" not in seen  # the setting is the administrators'
    assert sales.get("/products", params={"price_list": "standard"}).text.count("SEK") == 0
    assert sales.get(f"/products/{cid}/standard/TLS-1001").status_code == 404
    assert sales.get(f"/products/{cid}/export/TLS-1001").status_code == 200
    assert sales.get(products_url(cid, "standard")).status_code == 404
    lists = sales.get(f"/api/v1/connections/{cid}/price-lists").json()
    assert [pl["id"] for pl in lists] == ["export"]
    assert sales.get(f"/sync/connections/{cid}/price-lists").status_code == 403
    assert sales.post(f"/sync/connections/{cid}/price-lists", data={}).status_code == 403


def test_a_list_the_erp_lacks_changes_nothing_and_none_ticked_exposes_all(
    admin_client: TestClient,
    database: Database,
    demo_erp: str,  # noqa: F811
) -> None:
    cid = add_connection(admin_client, database, demo_erp)
    assert _save(admin_client, cid, ["standard"])[0] == 200
    status, text = _save(admin_client, cid, ["export", "gone-list"])
    assert status == 422 and "the ERP has no price list 'gone-list'" in text
    allowed = f"/api/v1/connections/{cid}/allowed-price-lists"
    assert admin_client.get(allowed).json() == {"price_lists": ["standard"]}
    status, text = _save(admin_client, cid, [])
    assert status == 200 and "Users see every price list of this connection." in text
    assert admin_client.get(allowed).json() == {"price_lists": []}


def test_the_page_in_swedish_and_linked_from_the_mapping_pages(
    admin_client: TestClient,
    database: Database,
    demo_erp: str,  # noqa: F811
) -> None:
    cid = add_connection(admin_client, database, demo_erp)
    headers = {"Accept-Language": "sv"}
    page = admin_client.get(f"/sync/connections/{cid}/price-lists", headers=headers).text
    assert "Prislistor för Demo ERP" in page and "Alla 2 prislistor visas." in page
    assert "Visas" in page and "Kryssa för de prislistor" in page
    lists = admin_client.get(f"/sync/connections/{cid}/lists").text
    assert f'href="/sync/connections/{cid}/price-lists"' in lists
    assert admin_client.get("/sync/connections/9999/price-lists").status_code == 404
