"""Fixtures of the SDK tests: a small demo ERP file and a host around a connector."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from erpsync.connectors.demo import init_database
from erpsync.sdk import Connector
from erpsync.sdk.host import ConnectorHost

Hosted = Callable[..., ConnectorHost]


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "erp.sqlite"
    init_database(path, customers=30, suppliers=5, partners=2)
    return path


@pytest.fixture
def hosted(demo_db: Path) -> Iterator[Hosted]:
    """Open a connector under a host on the demo ERP; closed at the end of the test."""
    hosts: list[ConnectorHost] = []

    def make(connector: Connector, timeout: float = 5.0, **values: object) -> ConnectorHost:
        host = ConnectorHost(connector, timeout=timeout)
        host.open("test-connection", {"database": str(demo_db), **values})
        hosts.append(host)
        return host

    yield make
    for host in hosts:
        with suppress(Exception):  # a test may leave a connector broken on purpose
            host.close()
