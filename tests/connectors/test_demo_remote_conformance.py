"""The demo connector passes the whole conformance kit through remote hosting: the
kit drives a `RemoteConnector` talking HTTP to the service on a free local port
(R-SDK-7, R-CON-4)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import Connector
from erpsync.sdk.remote import RemoteConnector, create_app, serving
from erpsync.sdk.testkit import ConnectorConformance
from tests.connectors.demo_hooks import DemoHooks

SECRET = "conformance-secret"


@pytest.fixture(scope="module")
def remote_url() -> Iterator[str]:
    with serving(create_app(DemoConnector, SECRET, timeout=10.0)) as url:
        yield url


class TestDemoRemoteConformance(DemoHooks, ConnectorConformance):
    """Every check of the kit, each connector call a round trip over HTTP + JSON."""

    url: str

    @pytest.fixture(autouse=True)
    def _remote(self, remote_url: str) -> None:
        self.url = remote_url

    def make_connector(self) -> Connector:
        return RemoteConnector(self.url, SECRET, timeout=10.0)
