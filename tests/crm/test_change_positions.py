"""Change positions of CRM writes (R-SEM-3): every write gets a position in commit order,
so a reader that reads "after position P" never skips a row that committed late.

The two-writer scenario holds writer A open after it took its position while writer B
writes: B must wait for A (PostgreSQL: the counter row lock; SQLite: the one writer) and
end up with the higher position. The same scenario run on PostgreSQL with positions from
a plain sequence shows the skip it guards against, so the scenario is known to catch it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from erpsync.crm import service
from erpsync.crm.models import Company
from erpsync.crm.schemas import CompanyCreate, CompanyUpdate, PersonCreate
from erpsync.db import Database
from erpsync.db.positions import current_position

# write(name, after_position) commits one company and returns its change position;
# after_position() is called inside the transaction once the position is taken.
Writer = Callable[[str, Callable[[], None]], int]


def _create(database: Database, name: str) -> Company:
    with database.session() as session:
        return service.create_company(session, CompanyCreate(name=name))


def test_every_write_gets_a_higher_position_in_commit_order(database: Database) -> None:
    first = _create(database, "First AB")
    second = _create(database, "Second AB")
    assert 0 < first.change_pos < second.change_pos
    with database.session() as session:
        updated = service.update_company(session, first.id, CompanyUpdate(city="Lund"))
        assert updated.change_pos > second.change_pos
    with database.session() as session:
        person = service.create_person(session, PersonCreate(company_id=second.id, last_name="Ek"))
        assert person.change_pos > updated.change_pos
    with database.session() as session:
        deleted = service.delete_company(session, second.id)
        assert deleted.change_pos > person.change_pos
        assert current_position(session) == deleted.change_pos + 1  # the person went too


def test_an_update_that_changes_nothing_takes_no_position(database: Database) -> None:
    company = _create(database, "Same AB")
    with database.session() as session:
        unchanged = service.update_company(session, company.id, CompanyUpdate(name="Same AB"))
        assert unchanged.change_pos == company.change_pos


def test_changed_after_returns_later_writes_including_deletions(database: Database) -> None:
    first, second = _create(database, "First AB"), _create(database, "Second AB")
    with database.session() as session:
        service.delete_company(session, first.id)
    with database.read_session() as session:
        later = service.changed_after(session, Company, first.change_pos)
    assert [(c.id, c.deleted_at is not None) for c in later] == [
        (second.id, False),
        (first.id, True),
    ]


@dataclass
class Reader:
    """Reads "after the cursor" like the sync engine and remembers what it saw."""

    database: Database
    cursor: int = 0
    seen: dict[int, int] = field(default_factory=dict)

    def poll(self) -> None:
        with self.database.read_session() as session:
            for company in service.changed_after(session, Company, self.cursor):
                self.seen[company.id] = company.change_pos
                self.cursor = max(self.cursor, company.change_pos)

    def skipped(self) -> set[str]:
        """Names of committed companies the reader never saw."""
        with self.database.read_session() as session:
            rows = session.execute(text("SELECT id, name FROM companies")).all()
        return {row.name for row in rows if row.id not in self.seen}


@dataclass
class Outcome:
    positions: dict[str, int]
    b_waited_for_a: bool
    skipped: set[str]


def _run_two_writers(database: Database, write: Writer) -> Outcome:
    """A takes its position and holds its transaction open; B writes meanwhile; a reader
    reads while A is still open, then again after both committed."""
    a_took_position, release_a = threading.Event(), threading.Event()
    positions: dict[str, int] = {}
    errors: list[BaseException] = []

    def hold_a() -> None:
        a_took_position.set()
        release_a.wait(20)

    def run(name: str, after_position: Callable[[], None]) -> None:
        try:
            positions[name] = write(name, after_position)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    writer_a = threading.Thread(target=run, args=("A", hold_a))
    writer_b = threading.Thread(target=run, args=("B", lambda: None))
    reader = Reader(database)
    writer_a.start()
    assert a_took_position.wait(20), errors
    writer_b.start()
    writer_b.join(timeout=2.0)  # returns at once when B does not wait
    b_waited = writer_b.is_alive()
    reader.poll()  # while A is open: B either waits, or has committed past A
    release_a.set()
    writer_a.join(20)
    writer_b.join(20)
    reader.poll()
    assert errors == []
    return Outcome(positions, b_waited, reader.skipped())


def _tracked_writer(database: Database) -> Writer:
    def write(name: str, after_position: Callable[[], None]) -> int:
        with database.session() as session:
            company = service.create_company(session, CompanyCreate(name=name))
            after_position()
            return company.change_pos

    return write


def test_a_reader_never_skips_a_write_that_commits_late(database: Database) -> None:
    """PostgreSQL: B waits for the counter row lock A holds; SQLite: for the one writer."""
    outcome = _run_two_writers(database, _tracked_writer(database))
    assert outcome.b_waited_for_a, "B took a position while A's transaction was open"
    assert outcome.positions["B"] > outcome.positions["A"]
    assert outcome.skipped == set()


@pytest.mark.postgres
def test_the_scenario_catches_the_skip_when_positions_come_from_a_plain_sequence(
    pg_database: Database,
) -> None:
    """The control: without the counter row lock, B commits past A and A is skipped."""

    def write(name: str, after_position: Callable[[], None]) -> int:
        # A bare Session: no position tracking; the position is a sequence number.
        with Session(pg_database.engine) as session, session.begin():
            position = session.execute(text("SELECT nextval('plain_positions')")).scalar_one()
            session.add(Company(name=name, change_pos=position))
            session.flush()
            after_position()
            return int(position)

    with pg_database.engine.begin() as connection:
        connection.execute(text("CREATE SEQUENCE IF NOT EXISTS plain_positions"))
    try:
        outcome = _run_two_writers(pg_database, write)
    finally:
        with pg_database.engine.begin() as connection:
            connection.execute(text("DROP SEQUENCE IF EXISTS plain_positions"))
    assert not outcome.b_waited_for_a
    assert outcome.positions["B"] > outcome.positions["A"]
    assert outcome.skipped == {"A"}


def test_many_concurrent_writers_and_a_polling_reader_skip_nothing(database: Database) -> None:
    """Four writers create and update companies while a reader polls after its cursor."""
    reader = Reader(database)
    done = threading.Event()
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for index in range(15):
                company = _create(database, f"W{number}-{index}")
                with database.session() as session:
                    service.update_company(session, company.id, CompanyUpdate(city="Lund"))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    def poll() -> None:
        while not done.is_set():
            reader.poll()

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    polling = threading.Thread(target=poll)
    polling.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(60)
    done.set()
    polling.join(60)
    reader.poll()
    assert errors == []
    assert len(reader.seen) == 60
    assert reader.skipped() == set()
    with database.read_session() as session:
        positions = session.execute(text("SELECT change_pos FROM companies")).scalars().all()
        assert len(set(positions)) == 60
        assert reader.cursor == max(positions) == current_position(session)
