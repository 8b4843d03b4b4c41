"""SQLite writers of one process take turns in arrival order (R-SEM-8).

SQLite's busy handler polls; under load a writer could lose every race for the whole
busy timeout and fail with "database is locked" while others kept writing. The threads
of one process therefore queue for a write turn first, first come first served.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from erpsync.db import Database, create_database, migrate, sqlite_queue
from tests.db import counter

BUMP = "UPDATE change_counter SET value = value + 1 WHERE name = 'crm'"


@pytest.fixture
def database(tmp_path: Path) -> Database:
    database = create_database(f"sqlite:///{tmp_path / 'turns.db'}")
    migrate.upgrade(database.engine)
    return database


def _queue(database: Database) -> sqlite_queue.WriteQueue:
    path = database.engine.url.database
    assert path is not None
    return sqlite_queue.for_file(path)


def _wait_until(condition: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_waiting_writers_are_served_in_arrival_order(database: Database) -> None:
    queue = _queue(database)
    served: list[int] = []
    release = threading.Event()

    def holder() -> None:
        with database.session() as session:
            session.execute(text(BUMP))
            release.wait(10)

    def writer(number: int) -> None:
        with database.session() as session:
            session.execute(text(BUMP))
            served.append(number)

    first = threading.Thread(target=holder)
    first.start()
    _wait_until(lambda: queue.taken)
    writers = []
    for number in range(5):
        thread = threading.Thread(target=writer, args=(number,))
        thread.start()
        writers.append(thread)
        _wait_until(lambda n=number: queue.waiting == n + 1)  # type: ignore[misc]
    release.set()
    for thread in [first, *writers]:
        thread.join(20)
    assert served == [0, 1, 2, 3, 4]
    assert not queue.taken
    with database.read_session() as session:
        assert session.execute(text("SELECT value FROM change_counter")).scalar_one() == 6


def test_a_failed_write_transaction_gives_up_its_turn(database: Database) -> None:
    queue = _queue(database)
    with pytest.raises(RuntimeError), database.session() as session:
        session.execute(text(BUMP))
        assert queue.taken
        raise RuntimeError("the caller failed")
    assert not queue.taken
    with database.read_session() as session:  # rolled back
        assert session.execute(text("SELECT value FROM change_counter")).scalar_one() == 0


def test_reads_do_not_queue_behind_a_writer(database: Database) -> None:
    queue = _queue(database)
    with database.session() as session:
        session.execute(text(BUMP))
        with database.read_session() as reading:  # would wait forever if it queued
            assert reading.execute(text("SELECT value FROM change_counter")).scalar_one() == 0
        assert queue.taken and queue.waiting == 0


def test_many_writers_under_load_all_get_through(database: Database) -> None:
    """Twelve threads, 40 read-then-write transactions each, and a busy reader."""
    errors: list[BaseException] = []
    done = threading.Event()

    def writer() -> None:
        try:
            for _ in range(40):
                counter.increment(database)
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        while not done.is_set():
            with database.read_session() as session:
                session.execute(text("SELECT count(*) FROM companies")).scalar_one()

    reading = threading.Thread(target=reader)
    reading.start()
    threads = [threading.Thread(target=writer) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    done.set()
    reading.join(10)
    assert errors == []
    with database.read_session() as session:
        assert session.execute(text("SELECT value FROM change_counter")).scalar_one() == 480


def test_a_writer_that_waited_past_the_timeout_goes_on_without_its_turn() -> None:
    queue = sqlite_queue.WriteQueue()
    assert queue.enter(1.0)
    got: list[bool] = []
    thread = threading.Thread(target=lambda: got.append(queue.enter(0.05)))
    thread.start()
    thread.join(5)
    assert got == [False]
    assert queue.waiting == 0  # it left the line
    assert queue.enter(1.0) is False  # the holder's own nested write does not queue
    queue.leave()
    assert not queue.taken
