"""Fixtures of the API tests: a small demo ERP with an access key."""

from __future__ import annotations

import pytest

from erpsync.connectors.demo.seed import init_database

ACCESS_KEY = "demo-access-key-1"


@pytest.fixture(scope="session")
def demo_erp(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("erp") / "demo-erp.db"
    init_database(path, customers=30, suppliers=5, partners=2, access_key=ACCESS_KEY)
    return str(path)
