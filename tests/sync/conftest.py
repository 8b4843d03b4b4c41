"""Fixtures of the sync tests: a fresh demo ERP per test, a connection to it with sync on,
field mappings written directly, and a helper that runs the real engine inline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from erpsync.accounts.models import User
from erpsync.connections import catalog
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo.admin import DemoErp
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.models import Company
from erpsync.db import Database
from erpsync.mapping.models import CreatePolicy, FieldMapping
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, SaveResult
from erpsync.secrets import SecretBox
from erpsync.settings import Settings
from erpsync.sync import engine, runs
from erpsync.sync.engine import RunResult
from erpsync.sync.models import Link, SyncLogEntry
from erpsync.sync.retry import NO_WAIT

CUSTOMER_FIELDS = [
    ("number", "number", "to_crm"),
    ("name", "name", "both"),
    ("phone", "phone", "both"),
    ("email", "email", "both"),
    ("city", "city", "to_crm"),
]
PERSON_FIELDS = [
    ("first_name", "first_name", "both"),
    ("last_name", "last_name", "both"),
    ("email", "email", "both"),
]


@dataclass
class SyncEnv:
    """A connection to a demo ERP of its own, and the engine run inline against it."""

    database: Database
    keys: connections.Keys
    admin: User
    erp_path: Path
    connection_id: int = 0
    saves: list[Actor] = field(default_factory=list)

    def erp(self) -> DemoErp:
        return DemoErp(self.erp_path)

    def map(
        self,
        actor_type: str,
        fields: Sequence[tuple[str, str, str]],
        create: bool = False,
        policy: str = "erp_wins",
    ) -> None:
        with self.database.session() as session:
            for rank, (erp_field, crm_field, direction) in enumerate(fields):
                session.add(
                    FieldMapping(
                        connection_id=self.connection_id,
                        actor_type=actor_type,
                        erp_field=erp_field,
                        crm_field=crm_field,
                        direction=direction,
                        conflict_policy=policy,
                        rank=rank,
                    )
                )
            session.merge(
                CreatePolicy(
                    connection_id=self.connection_id,
                    actor_type=actor_type,
                    erp_to_crm="create" if create else "ignore",
                )
            )

    def map_create(self, actor_type: str, create: bool = True) -> None:
        with self.database.session() as session:
            session.merge(
                CreatePolicy(
                    connection_id=self.connection_id,
                    actor_type=actor_type,
                    erp_to_crm="create" if create else "ignore",
                )
            )

    def host(self, key: str, timeout: float) -> ConnectorHost:
        """The real host, with its saves recorded (to count ERP writes)."""
        host = catalog.host(key, timeout)
        original = host.save

        def save(actors: Sequence[Actor]) -> list[SaveResult]:
            self.saves.extend(actors)
            return original(actors)

        host.save = save  # type: ignore[method-assign]
        return host

    def run(self, dry_run: bool = False, resync: str | None = None) -> RunResult:
        with self.database.session() as session:
            connection = session.get(Connection, self.connection_id)
            assert connection is not None
            requested = runs.request(
                session, connection, engine.utc_now(), dry_run=dry_run, resync=resync
            )
            assert requested.started
            run_id = requested.run.id
        return engine.execute(
            self.database, self.keys, run_id, backoff=NO_WAIT, host_factory=self.host
        )

    def links(self, actor_type: str = "Customer") -> dict[str, Link]:
        with self.database.read_session() as session:
            found = session.scalars(
                select(Link).where(
                    Link.connection_id == self.connection_id, Link.actor_type == actor_type
                )
            )
            return {link.erp_key: link for link in found}

    def company(self, erp_key: str, actor_type: str = "Customer") -> Company:
        link = self.links(actor_type)[erp_key]
        with self.database.read_session() as session:
            company = session.get(Company, link.crm_id)
            assert company is not None
            return company

    def log(self, **where: Any) -> list[SyncLogEntry]:
        with self.database.read_session() as session:
            stmt = select(SyncLogEntry).where(SyncLogEntry.connection_id == self.connection_id)
            for key, value in where.items():
                stmt = stmt.where(getattr(SyncLogEntry, key) == value)
            return list(session.scalars(stmt.order_by(SyncLogEntry.id)))

    def count(self, model: Any) -> int:
        with self.database.read_session() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def keys(settings: Settings) -> connections.Keys:
    return connections.Keys(SecretBox(settings.secret_keys), settings.session_secret)


def new_erp(directory: Path, customers: int = 12) -> Path:
    path = directory / "demo-erp.db"
    init_database(path, customers=customers, suppliers=2, partners=1)
    return path


@pytest.fixture
def env(database: Database, keys: connections.Keys, admin: User, tmp_path: Path) -> SyncEnv:
    path = new_erp(tmp_path)
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(name="Demo ERP", connector="demo", config={"database": str(path)})
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = True
        connection_id = connection.id
    return SyncEnv(database, keys, admin, path, connection_id)
