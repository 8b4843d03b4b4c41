"""Fixtures of the import tests: the sync tests' demo ERP and connection (sync switched
off, as an import needs), field mappings, and helpers that preview and commit an import
with the real job function run inline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from erpsync.connections.models import Connection
from erpsync.crm import service as crm
from erpsync.crm.models import Company, Person
from erpsync.crm.schemas import CompanyCreate
from erpsync.sync.context import utc_now
from erpsync.sync.imports import job, service
from erpsync.sync.imports.models import ImportJob, ImportRow
from erpsync.sync.imports.schemas import ImportCreate, RowsUpdate
from erpsync.sync.models import Link
from tests.sync.conftest import CUSTOMER_FIELDS, PERSON_FIELDS, SyncEnv

IMPORT_CUSTOMER_FIELDS = [
    *CUSTOMER_FIELDS,
    ("org_no", "org_no", "to_crm"),
    ("web", "web", "to_crm"),
]


@dataclass
class ImportEnv:
    sync: SyncEnv

    @property
    def database(self) -> Any:
        return self.sync.database

    @property
    def cid(self) -> int:
        return self.sync.connection_id

    def preview(
        self,
        actor_types: Sequence[str] = ("Customer",),
        rules: Sequence[str] = ("number",),
        action: str = "merge",
    ) -> ImportJob:
        with self.database.session() as session:
            connection = session.get(Connection, self.cid)
            assert connection is not None
            data = ImportCreate(actor_types=list(actor_types), rules=list(rules), action=action)  # type: ignore[arg-type]
            job_id = service.create(session, connection, data, None).id
        state = job.run(self.database, self.sync.keys, job_id, host_factory=self.sync.host)
        found = self.job(job_id)
        assert state == found.state, found.error
        return found

    def commit(self, job_id: int, **options: Any) -> ImportJob:
        with self.database.session() as session:
            service.request_commit(session, service.get(session, job_id), utc_now())
        job.run(self.database, self.sync.keys, job_id, host_factory=self.sync.host, **options)
        return self.job(job_id)

    def select(self, job_id: int, **changes: Any) -> ImportJob:
        with self.database.session() as session:
            return service.update_rows(session, service.get(session, job_id), RowsUpdate(**changes))

    def job(self, job_id: int) -> ImportJob:
        with self.database.read_session() as session:
            return service.get(session, job_id)

    def rows(self, job_id: int, **where: Any) -> dict[str, ImportRow]:
        with self.database.read_session() as session:
            stmt = select(ImportRow).where(ImportRow.job_id == job_id)
            for key, value in where.items():
                stmt = stmt.where(getattr(ImportRow, key) == value)
            return {row.erp_key: row for row in session.scalars(stmt.order_by(ImportRow.seq))}

    def company(self, **values: Any) -> int:
        with self.database.session() as session:
            return crm.create_company(session, CompanyCreate(**values)).id

    def count(self, model: Any) -> int:
        return self.sync.count(model)

    def links(self, actor_type: str = "Customer") -> dict[str, Link]:
        return self.sync.links(actor_type)

    def companies(self) -> int:
        with self.database.read_session() as session:
            stmt = select(func.count()).select_from(Company).where(Company.deleted_at.is_(None))
            return int(session.scalar(stmt) or 0)

    def persons(self) -> list[Person]:
        with self.database.read_session() as session:
            return list(session.scalars(select(Person).order_by(Person.id)))


@pytest.fixture
def imp(env: SyncEnv) -> ImportEnv:
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.sync_enabled = False
    env.map("Customer", IMPORT_CUSTOMER_FIELDS)
    env.map("Person", PERSON_FIELDS)
    return ImportEnv(env)
