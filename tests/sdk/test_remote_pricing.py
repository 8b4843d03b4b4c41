"""Price lists and products over remote hosting (R-SDK-7, R-CONN-6): money stays Decimal,
an unknown list stays a `data` error, and a service whose connector has no pricing says
so in `describe` and refuses the calls with a `config` error."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from erpsync.connectors.demo import DemoConnector, init_database
from erpsync.sdk import Category, ConnectorError, has_pricing
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.pricing_host import PricingHost
from erpsync.sdk.remote import RemoteConnector, create_app, serving
from erpsync.sdk.remote.client import described
from tests.sdk.test_pricing_kit import NoPricing

SECRET = "pricing-secret"


@pytest.fixture(scope="module")
def erp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pricing") / "demo-erp.sqlite"
    init_database(path, customers=3, suppliers=1, partners=1)
    return path


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    with serving(create_app(DemoConnector, SECRET, timeout=10.0)) as url:
        yield url


def test_remote_price_lists_and_products_equal_the_in_process_ones(
    demo_url: str, erp: Path
) -> None:
    config = {"database": str(erp)}
    local = ConnectorHost(DemoConnector())
    remote = ConnectorHost(RemoteConnector(demo_url, SECRET, 5.0))
    assert has_pricing(type(remote.connector)) and described(demo_url + "/") is not None
    local.open("1", config)
    remote.open("1", config)
    try:
        near, far = PricingHost(local), PricingHost(remote)
        assert far.price_lists() == near.price_lists()
        list_id = near.price_lists()[0].id
        page = far.products(list_id, "handbook", offset=1, limit=2)
        assert page == near.products(list_id, "handbook", offset=1, limit=2)
        assert all(type(item.price) is Decimal for item in page.items)
        assert far.product(list_id, page.items[0].code) == page.items[0]
        assert far.product(list_id, "NO-SUCH-CODE") is None
        with pytest.raises(ConnectorError) as caught:
            far.products("no-such-list")
        assert caught.value.category is Category.DATA
        assert caught.value.code == "unknown_price_list"
    finally:
        local.close()
        remote.close()


def test_a_service_without_pricing_says_so_and_refuses_the_calls(erp: Path) -> None:
    with serving(create_app(NoPricing, SECRET, timeout=10.0)) as url:
        connector = RemoteConnector(url, SECRET, 5.0)
        assert not has_pricing(type(connector))
        with pytest.raises(ConnectorError) as caught:
            PricingHost(ConnectorHost(connector))
        assert caught.value.category is Category.CONFIG
        headers = {"Authorization": f"Bearer {SECRET}"}
        body = {"connection": "1", "client": "c", "args": {"values": {"database": str(erp)}}}
        assert httpx.post(f"{url}/v1/open", json=body, headers=headers).status_code == 200
        answer = httpx.post(
            f"{url}/v1/price_lists", json={**body, "args": {}}, headers=headers
        ).json()
    assert answer["error"]["category"] == "config"
    assert answer["error"]["code"] == "no_pricing"
