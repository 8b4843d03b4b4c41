"""The host reads one change batch ahead (R-SYNC-2, R-SDK-6): the connector reads the
next batch while the caller works on the current one, its errors arrive when the
caller asks for that batch, and a caller that stops early leaves the host working;
locally and through the remote connector service."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import ActorType, Category, ChangeBatch, ConnectorError, transient_error
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.remote import RemoteConnector, create_app, serving
from tests.sdk.conftest import Hosted

CUSTOMERS = [str(number) for number in range(10001, 10031)]  # the demo ERP's 30
RELEASE = threading.Event()
SECRET = "test-secret"


class Recorded(DemoConnector):
    """The demo ERP, noting each batch it read; it can fail, hang or lose its connection
    before reading a given batch (class settings: the remote service makes its own
    instances)."""

    key = "recorded"
    events: ClassVar[list[str]] = []
    fail_at: ClassVar[int] = 0
    failure: ClassVar[Exception] = transient_error("The ERP is busy.")
    hold_at: ClassVar[int] = 0
    drop_at: ClassVar[int] = 0

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        batches = super().changes(actor_type, cursor, field_keys)
        cls, number = type(self), 1
        try:
            while True:
                if number == cls.hold_at:
                    cls.events.append(f"holding {number}")
                    RELEASE.wait()
                if number == cls.drop_at:
                    cls.drop_at = 0  # once: the re-opened connection stays
                    cls.events.append(f"dropped before {number}")
                    self._conn().close()
                if number == cls.fail_at:
                    cls.events.append(f"failed {number}")
                    raise cls.failure
                batch = next(batches, None)
                if batch is None:
                    return
                cls.events.append(f"read {number}")
                yield batch
                number += 1
        finally:
            cls.events.append(f"closed on {threading.current_thread().name}")


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    RELEASE.clear()
    Recorded.events = []
    Recorded.fail_at = Recorded.hold_at = Recorded.drop_at = 0
    Recorded.failure = transient_error("The ERP is busy.")
    yield
    RELEASE.set()  # lets a hung worker thread finish


def noted(event: str, seconds: float = 5.0) -> bool:
    """Whether the connector noted `event` within `seconds`."""
    deadline = time.monotonic() + seconds
    while event not in Recorded.events:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def keys_of(batches: Iterator[ChangeBatch] | list[ChangeBatch]) -> list[str]:
    return [actor.key for batch in batches for actor in batch.actors]


def test_the_next_batch_is_read_while_the_caller_holds_the_current_one(hosted: Hosted) -> None:
    host = hosted(Recorded())
    host.connector.batch_size = 10
    stream = host.changes(ActorType.CUSTOMER, None)
    first = next(stream)
    assert noted("read 2")  # nobody has asked for it yet
    time.sleep(0.2)
    assert Recorded.events == ["read 1", "read 2"]  # one batch ahead, never more
    assert keys_of([first, *stream]) == CUSTOMERS  # in order, none twice


@pytest.mark.parametrize(
    ("failure", "category", "code"),
    [
        (transient_error("The ERP is busy."), Category.TRANSIENT, ""),
        (RuntimeError("bug in the connector"), Category.SYSTEM, "crashed"),
    ],
)
def test_an_error_reading_ahead_reaches_the_caller_when_it_asks_for_that_batch(
    hosted: Hosted, failure: Exception, category: Category, code: str
) -> None:
    Recorded.fail_at, Recorded.failure = 3, failure
    host = hosted(Recorded())
    host.connector.batch_size = 10
    stream = host.changes(ActorType.CUSTOMER, None)
    first = next(stream)
    second = next(stream)
    assert noted("failed 3")  # while the caller holds batch 2, which arrived intact
    assert keys_of([first, second]) == CUSTOMERS[:20]
    with pytest.raises(ConnectorError) as caught:
        next(stream)
    assert caught.value.category is category
    assert (caught.value.code or "") == code
    assert (caught.value.connector, caught.value.call) == ("recorded", "changes")


def test_a_lost_connection_while_reading_ahead_resumes_after_the_callers_batch(
    hosted: Hosted,
) -> None:
    Recorded.drop_at = 2
    host = hosted(Recorded())
    host.connector.batch_size = 10
    stream = host.changes(ActorType.CUSTOMER, None)
    first = next(stream)
    assert noted("dropped before 2")
    assert keys_of([first, *stream]) == CUSTOMERS  # none lost, none twice


def test_a_caller_that_stops_early_leaves_the_host_working(hosted: Hosted, demo_db: Path) -> None:
    Recorded.hold_at = 2
    host = hosted(Recorded())
    host.connector.batch_size = 10
    stream = host.changes(ActorType.CUSTOMER, None)
    next(stream)
    assert noted("holding 2")
    started = time.monotonic()
    stream.close()  # the read of batch 2 is still in flight
    assert time.monotonic() - started < 0.5
    threading.Timer(0.3, RELEASE.set).start()
    host.close()  # waits for that read, then the connector's generator is closed
    assert 0.2 < time.monotonic() - started < 4.0
    assert "closed on connector-recorded" in Recorded.events  # on the connector's thread
    host.open("test-connection", {"database": str(demo_db)})
    assert keys_of(host.changes(ActorType.CUSTOMER, None)) == CUSTOMERS


def test_an_exception_of_the_caller_drops_the_read_ahead(hosted: Hosted) -> None:
    host = hosted(Recorded())
    host.connector.batch_size = 10
    with pytest.raises(LookupError):
        for _batch in host.changes(ActorType.CUSTOMER, None):
            assert noted("read 2")
            raise LookupError("the caller failed writing batch 1")
    assert noted("closed on connector-recorded")
    assert host.test_connection().ok
    assert keys_of(host.changes(ActorType.CUSTOMER, None)) == CUSTOMERS


def test_closing_does_not_hang_on_a_read_ahead_that_never_returns(
    hosted: Hosted, demo_db: Path
) -> None:
    Recorded.hold_at = 2  # the ERP stops answering after the first batch
    host = hosted(Recorded(), timeout=0.3)
    host.connector.batch_size = 10
    stream = host.changes(ActorType.CUSTOMER, None)
    next(stream)
    assert noted("holding 2")
    stream.close()
    started = time.monotonic()
    with pytest.raises(ConnectorError) as caught:
        host.close()  # waits for the read in flight at most its timeout
    assert time.monotonic() - started < 2.0
    assert (caught.value.code, caught.value.call) == ("timeout", "close")
    host.open("test-connection", {"database": str(demo_db)})  # on a fresh worker
    assert host.test_connection().ok


def test_a_hung_read_ahead_times_out_when_the_caller_asks_for_it(hosted: Hosted) -> None:
    Recorded.hold_at = 2
    host = hosted(Recorded(), timeout=0.3)
    host.connector.batch_size = 10
    stream = host.changes(ActorType.CUSTOMER, None)
    assert len(next(stream).actors) == 10
    time.sleep(0.5)  # the caller works longer than the timeout: no error for that
    started = time.monotonic()
    with pytest.raises(ConnectorError) as caught:
        next(stream)
    waited = time.monotonic() - started
    assert 0.25 < waited < 2.0  # the timeout counts from asking
    assert caught.value.category is Category.TRANSIENT
    assert (caught.value.code, caught.value.call) == ("timeout", "changes")
    assert host.test_connection().ok  # later calls run on a fresh worker


def test_the_remote_stream_reads_ahead_and_reports_errors_in_place(demo_db: Path) -> None:
    Recorded.fail_at = 3
    with serving(create_app(Recorded, SECRET, timeout=10.0)) as url:
        host = ConnectorHost(RemoteConnector(url, SECRET, 10.0), timeout=10.0)
        host.open("remote", {"database": str(demo_db)})
        host.connector.batch_size = 10
        stream = host.changes(ActorType.CUSTOMER, None)
        first = next(stream)
        assert noted("read 2")  # the service read it: the client asked ahead
        assert noted("failed 3")
        second = next(stream)
        assert keys_of([first, second]) == CUSTOMERS[:20]
        with pytest.raises(ConnectorError) as caught:
            next(stream)
        assert caught.value.category is Category.TRANSIENT
        assert "The ERP is busy." in caught.value.user_explanation
        Recorded.fail_at = 0
        early = host.changes(ActorType.CUSTOMER, None)
        next(early)
        early.close()  # stopped early: the read-ahead is dropped
        assert keys_of(host.changes(ActorType.CUSTOMER, None)) == CUSTOMERS
        host.close()
