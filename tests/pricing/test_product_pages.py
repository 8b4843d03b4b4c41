"""The product detail view and an unreachable ERP on the Products pages (issue 10,
R-CONN-6, R-UI-2): a product opened from its row shows its price, unit, VAT code and
stock (also when its code holds a slash); an ERP that cannot answer says so clearly,
with the way back."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.db import Database
from tests.conftest import USER_PASSWORD, make_user, signed_in
from tests.connectors.sql import erp_schema as erp
from tests.connectors.sql.hooks import config_for
from tests.pricing.conftest import add_connection

ROW_LINK = re.compile(r'<td><a href="(/products/[^"]+)">([^<]+)</a></td>')


@pytest.fixture
def erp_url(tmp_path: Path) -> sa.URL:
    """An SQLite ERP of the SQL connector's test schema, plus a product whose code holds
    a slash."""
    url = sa.make_url(f"sqlite:///{tmp_path / 'erp.sqlite'}")
    engine = sa.create_engine(url)
    erp.create_schema(engine)
    with engine.begin() as db:
        db.execute(erp.product.insert().values(
            id=99, code="TLS/99", name="Slash kit", unit="set", list_price=10, cost=4,
            vat_code="12", in_stock=None, active=True,
        ))  # fmt: skip
        db.execute(erp.price_list_line.insert().values(price_list_id=1, product_id=99, price=9))
    engine.dispose()
    return url


@pytest.fixture
def sales(
    admin_client: TestClient, database: Database, keys: Keys, erp_url: sa.URL
) -> tuple[TestClient, int]:
    make_user(database, "sales", USER_PASSWORD)
    cid = add_connection(database, keys, "Tools ERP", "sql", config_for(erp_url), ["sales"])
    admin_client.cookies.clear()
    return signed_in(admin_client, "sales", USER_PASSWORD), cid


def test_a_product_opened_from_its_row_shows_its_details(sales: tuple[TestClient, int]) -> None:
    client, cid = sales
    listing = client.get("/products", params={"connection": cid, "price_list": "1", "q": "kit"})
    links = dict((code, href) for href, code in ROW_LINK.findall(listing.text))
    assert list(links) == ["TLS/99"]
    detail = client.get(html.unescape(links["TLS/99"]))
    assert detail.status_code == 200, detail.text
    text = html.unescape(detail.text)
    assert "Slash kit" in text and "9.00 SEK" in text and "in the price list Standard SEK" in text
    assert "<dd>set</dd>" in text and "<dd>12</dd>" in text and "<dd>not known</dd>" in text
    assert "Cost" not in text  # administrators only
    back = client.get(re.findall(r'<a href="([^"]+)">← Products', text)[0].replace("&amp;", "&"))
    assert "Slash kit" in back.text and "Standard SEK" in back.text
    api = client.get(f"/api/v1/connections/{cid}/price-lists/1/products/TLS/99")
    assert api.status_code == 200 and api.json()["price"] == "9.00"
    swedish = client.get(links["TLS/99"], headers={"Accept-Language": "sv"}).text
    assert "i prislistan Standard SEK" in swedish and "Momskod" in swedish


def test_an_unreachable_erp_is_a_clear_message(
    sales: tuple[TestClient, int], database: Database, erp_url: sa.URL
) -> None:
    client, cid = sales
    with database.session() as session:  # the ERP's database file is moved away
        connection = session.get(Connection, cid)
        assert connection is not None
        for value in connection.values:
            if value.key == "database":
                value.value = '"' + str(Path(str(erp_url.database)).with_name("gone.sqlite")) + '"'
    page = client.get("/products", params={"connection": cid})
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "role=\"alert\">The ERP of 'Tools ERP' cannot answer now" in text
    assert "Try again in a moment" in text and "Traceback" not in text
    detail = client.get(f"/products/{cid}/1/TLS-1001")
    assert detail.status_code == 503
    text = html.unescape(detail.text)
    assert "The ERP of 'Tools ERP' cannot answer now" in text
    assert f'href="/products?connection={cid}' in text  # the way back
