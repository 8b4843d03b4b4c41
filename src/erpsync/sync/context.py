"""The state one run carries through its passes: database, host, lease, counts, plan.

Batch transactions come from `batch()`: they check the lease before committing and a
dry run rolls them back, so a dry run executes exactly the statements a real run does
(R-SYNC-8: one code path) and keeps what they would have written as its plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from erpsync.db import Database
from erpsync.sdk.host import ConnectorHost
from erpsync.sync import counts, journal, killpoints, lease
from erpsync.sync.crmrows import ListCodes
from erpsync.sync.priority import Outranking
from erpsync.sync.retry import Backoff

COUNT_KEYS = counts.START  # what each count means: `sync.counts`
PLAN_LIMIT = 1000


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RunContext:
    database: Database
    connection_id: int
    run_id: int | None
    token: int | None
    host: ConnectorHost
    codes: ListCodes
    dry_run: bool = False
    delete_policy: str = "flag"  # R-SYNC-7, see `sync.policies`
    outranking: Outranking = field(default_factory=Outranking)  # R-MAP-6
    backoff: Backoff = field(default_factory=Backoff)
    clock: Callable[[], datetime] = utc_now
    # How far each batch renews the lease: a sync run's short one (renewed between
    # batches by `sync.heartbeat` too), else the long default (imports, retries' prepare).
    lease_ttl: timedelta = lease.DEFAULT_TTL
    progress: Callable[[RunContext, str], None] | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    plan: list[dict[str, Any]] = field(default_factory=list)
    stage: str = ""
    #: Per CRM kind, ranges of change positions that only records this run created hold,
    #: each with every to_erp value equal to its shadow (committed; see `crm_to_erp`).
    settled: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    @contextmanager
    def batch(self) -> Iterator[Session]:
        """One batch transaction: committed with the lease checked, or rolled back."""
        session = self.database.session_factory()
        try:
            yield session
            if self.token is not None:
                lease.check(session, self.connection_id, self.token, self.clock(), self.lease_ttl)
            if self.dry_run:
                session.rollback()
            else:
                session.flush()
                killpoints.reached("after_crm_write")
                session.commit()
                killpoints.reached("after_commit")
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def record(self, session: Session, entries: journal.Entries) -> None:
        """Write a batch's log, conflicts and dead letters; a dry run keeps them as its plan."""
        journal.write(session, self.connection_id, self.run_id, entries)
        self.count("dead_letters", len(entries.dead))
        for dead in entries.dead:  # and in the count of the direction that read it
            key = counts.dead_letter_key(dead["stream"])
            if key is not None:
                self.count(key)
        if self.dry_run and len(self.plan) < PLAN_LIMIT:
            self.plan.extend(entries.log[: PLAN_LIMIT - len(self.plan)])

    def report(self, stage: str) -> None:
        self.stage = stage
        if self.progress is not None:
            self.progress(self, stage)
