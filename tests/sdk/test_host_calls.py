"""The host runs every call under a timeout, turns crashes into `system` errors and
re-opens a lost connection once (R-SDK-6)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence

import pytest

from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import (
    ActorType,
    Category,
    ChangeBatch,
    ConfigValues,
    ConnectorError,
    Response,
    unknown_connection,
)
from tests.sdk.conftest import Hosted

RELEASE = threading.Event()


@pytest.fixture(autouse=True)
def _release_hung_threads() -> Iterator[None]:
    RELEASE.clear()
    yield
    RELEASE.set()  # lets the abandoned worker threads finish


class Hangs(DemoConnector):
    key = "hangs"

    def instance_id(self) -> str:
        RELEASE.wait()
        return super().instance_id()

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        for batch in super().changes(actor_type, cursor, field_keys):
            yield batch
            RELEASE.wait()  # the ERP stops answering after the first batch


class Crashes(DemoConnector):
    key = "crashes"

    def lists(self) -> list[str]:
        return [str(1 / 0)]

    def test_config(self, values: ConfigValues) -> Response:
        raise RuntimeError("boom in test_config")


class CountsOpens(DemoConnector):
    key = "counts_opens"
    opens = 0

    def open(self, connection_id: str, values: ConfigValues) -> None:
        type(self).opens += 1
        super().open(connection_id, values)


class AlwaysLost(CountsOpens):
    key = "always_lost"
    calls = 0

    def lists(self) -> list[str]:
        type(self).calls += 1
        raise unknown_connection("session expired")


class DropsMidStream(CountsOpens):
    key = "drops_mid_stream"

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        for batch in super().changes(actor_type, cursor, field_keys):
            yield batch
            if type(self).opens == 1:
                self._conn().close()  # the ERP drops the session between two batches


def test_a_hanging_call_is_a_transient_error_within_the_timeout(hosted: Hosted) -> None:
    host = hosted(Hangs(), timeout=0.2)
    started = time.monotonic()
    with pytest.raises(ConnectorError) as caught:
        host.instance_id()
    assert time.monotonic() - started < 1.0
    error = caught.value
    assert error.category is Category.TRANSIENT
    assert error.code == "timeout"
    assert "'hangs' did not answer instance_id within 0.2 s" in error.user_explanation
    assert host.test_connection().ok  # later calls run on a fresh worker


def test_the_timeout_of_a_stream_applies_per_batch(hosted: Hosted) -> None:
    host = hosted(Hangs(), timeout=0.2)
    host.connector.batch_size = 10
    stream = host.changes(ActorType.CUSTOMER, None)
    assert len(next(stream).actors) == 10
    with pytest.raises(ConnectorError) as caught:
        next(stream)
    assert caught.value.category is Category.TRANSIENT
    assert caught.value.call == "changes"


def test_an_unexpected_exception_is_a_system_error_naming_connector_and_call(
    hosted: Hosted,
) -> None:
    host = hosted(Crashes())
    with pytest.raises(ConnectorError) as caught:
        host.lists()
    error = caught.value
    assert error.category is Category.SYSTEM
    assert error.code == "crashed"
    assert "The connector 'crashes' failed in lists: ZeroDivisionError" in error.user_explanation
    assert "1 / 0" in error.technical_explanation  # the traceback, for the log


def test_test_config_never_raises(hosted: Hosted) -> None:
    answer = hosted(Crashes()).test_config({})
    assert not answer.ok
    assert answer.category is Category.SYSTEM
    assert "boom in test_config" in answer.user_explanation


def test_a_lost_connection_is_reopened_and_the_call_retried_once(hosted: Hosted) -> None:
    CountsOpens.opens = 0
    host = hosted(CountsOpens())
    connector = host.connector
    assert isinstance(connector, CountsOpens)
    connector._conn().close()  # the ERP dropped the session
    assert [a.key for a in host.get_actors(ActorType.CUSTOMER, ["10002"])] == ["10002"]
    assert CountsOpens.opens == 2


def test_a_connection_lost_again_after_reopening_fails(hosted: Hosted) -> None:
    AlwaysLost.opens = AlwaysLost.calls = 0
    host = hosted(AlwaysLost())
    with pytest.raises(ConnectorError) as caught:
        host.lists()
    assert caught.value.code == "unknown_connection"
    assert (AlwaysLost.calls, AlwaysLost.opens) == (2, 2)


def test_a_stream_resumes_after_the_last_batch_when_the_connection_drops(hosted: Hosted) -> None:
    DropsMidStream.opens = 0
    host = hosted(DropsMidStream())
    host.connector.batch_size = 7
    keys = [a.key for batch in host.changes(ActorType.CUSTOMER, None) for a in batch.actors]
    assert keys == [str(number) for number in range(10001, 10031)]  # none lost, none twice
    assert DropsMidStream.opens == 2
