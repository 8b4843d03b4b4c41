"""A Tryton server that does not answer in time (R-CON-2, R-SDK-6): `transient`, within
the timeout, naming the server and never the password. Needs no trytond: a socket that
accepts connections and never speaks stands in for a hung server."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import pytest

from erpsync.connectors.tryton import TrytonConnector
from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.sdk import Category, ConnectorError
from erpsync.sdk.host import ConnectorHost

SECRET = "hung-server-password-x"


@pytest.fixture
def silent_url() -> Iterator[str]:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        yield f"http://127.0.0.1:{silent.getsockname()[1]}"
    finally:
        silent.close()  # resets what is still waiting, so no call hangs on after the test


def test_the_client_gives_up_after_its_timeout_as_transient(
    silent_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = TrytonClient(silent_url, "erp", timeout=0.5)
    started = time.monotonic()
    try:
        with pytest.raises(ConnectorError) as caught:
            client.login("admin", SECRET)
    finally:
        client.close()
    assert time.monotonic() - started < 5
    error = caught.value
    assert error.category is Category.TRANSIENT
    assert f"Tryton at {silent_url} did not answer in time" in error.user_explanation
    assert SECRET not in str(error) + error.technical_explanation + caplog.text


def test_a_hung_server_is_transient_within_the_connection_timeout(
    silent_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    values = {"url": silent_url, "database": "erp", "user": "admin", "password": SECRET}
    started = time.monotonic()
    answer = ConnectorHost(TrytonConnector(), timeout=1).test_config(values)
    assert time.monotonic() - started < 5
    assert not answer.ok and answer.category is Category.TRANSIENT, answer
    assert "'tryton' did not answer test_config within 1 s" in answer.user_explanation
    shown = answer.user_explanation + answer.technical_explanation + caplog.text
    assert SECRET not in shown
