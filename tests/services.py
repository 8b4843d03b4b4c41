"""Reaching the local services in tests: skip with a reason, or fail when CI requires them."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

PG_ADMIN_URL = os.environ.get(
    "ERPSYNC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MARIADB_URL = os.environ.get("ERPSYNC_TEST_MARIADB_URL", "mysql+mysqldb://root@127.0.0.1:3306/")


def services_required() -> bool:
    return os.environ.get("ERPSYNC_REQUIRE_SERVICES") == "1"


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    """Skip (locally) or fail (CI) when a service is not listening."""
    if port_open(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if services_required():
        pytest.fail(message + " and ERPSYNC_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"
