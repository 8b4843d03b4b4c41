"""Exactly-once effect under `kill -9` (R-SYNC-3, R-SEM-5): a sync in a subprocess is
killed at each named kill point and at seeded random moments, resumed each time, and
afterwards every actor has one link and one CRM record, every ERP change is in the CRM,
and no actor was created twice in the ERP."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo.admin import DemoErp
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.models import Company
from erpsync.db import Database
from erpsync.mapping.models import CreatePolicy
from erpsync.sdk.model import ActorType
from erpsync.settings import Settings
from erpsync.sync.models import Link, OutboxEntry
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv

ROOT = Path(__file__).resolve().parents[2]
CUSTOMERS = 5000
CRM_CREATES = 5000
SEED = 20261126


@dataclass
class Crasher:
    """Runs the sync in a subprocess, killed as asked."""

    env: SyncEnv
    url: str
    data_dir: Path
    attempt: int = 0

    def run(
        self, kill_at: str | None = None, after: int = 1, delay: float | None = None
    ) -> dict[str, object] | None:
        """The run's result, or None when it was killed."""
        environ = {k: v for k, v in os.environ.items() if not k.startswith("ERPSYNC_TEST_KILL")}
        if kill_at:
            environ |= {"ERPSYNC_TEST_KILL_AT": kill_at, "ERPSYNC_TEST_KILL_AFTER": str(after)}
        command = [sys.executable, "-m", "tests.sync.crash_worker", self.url]
        command += [str(self.data_dir), str(self.env.connection_id), str(self.attempt)]
        self.attempt += 1
        process = subprocess.Popen(
            command, cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            out, err = process.communicate(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            out, err = process.communicate(timeout=60)
        if process.returncode == -signal.SIGKILL:
            return None
        assert process.returncode == 0, err.decode()[-3000:]
        result: dict[str, object] = json.loads(out.decode().strip().splitlines()[-1])
        return result

    def killed_at(self, point: str, after: int = 1) -> None:
        assert self.run(point, after) is None, f"the run did not reach {point} #{after}"

    def finish(self) -> dict[str, object]:
        result = self.run()
        assert result is not None and result["state"] == "succeeded", result
        return result


@pytest.fixture
def crasher(
    database: Database,
    keys: connections.Keys,
    settings: Settings,
    admin: User,
    tmp_path: Path,
) -> Crasher:
    """A demo ERP of a few thousand customers and a connection to it, on SQLite and
    PostgreSQL."""
    path = tmp_path / "demo-erp.db"
    init_database(path, customers=CUSTOMERS, suppliers=0, partners=0, products=0)
    with database.session() as session:
        ensure_standard_lists(session)
        data = ConnectionCreate(name="Crash ERP", connector="demo", config={"database": str(path)})
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = True
        connection_id = connection.id
    env = SyncEnv(database, keys, admin, path, connection_id)
    url = database.engine.url.render_as_string(hide_password=False)
    return Crasher(env, url, settings.data_dir)


def _edit_erp(env: SyncEnv, rng: random.Random, round_no: int) -> None:
    """Changes the engine must not lose, made while runs get killed."""
    with DemoErp(env.erp_path) as erp:
        for number in rng.sample(range(10001, 10001 + CUSTOMERS), 25):
            erp.set(ActorType.CUSTOMER, str(number), {"phone": f"+46 {round_no} {number}"})


def _erp_customers(env: SyncEnv) -> dict[str, tuple[str, str | None]]:
    with DemoErp(env.erp_path) as erp:
        rows = erp.db.execute(
            "SELECT number, name, phone FROM company WHERE kind = 'customer' AND deleted = 0"
        ).fetchall()
    return {str(number): (name, phone) for number, name, phone in rows}


def _live_links(database: Database, connection_id: int) -> list[tuple[str, int]]:
    with database.read_session() as session:
        rows = session.execute(
            select(Link.erp_key, Link.crm_id).where(
                Link.connection_id == connection_id, Link.state != "unlinked"
            )
        ).all()
    return [(str(key), int(crm_id)) for key, crm_id in rows]


def test_erp_to_crm_survives_kills_at_every_point_and_at_random(crasher: Crasher) -> None:
    env = crasher.env
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    rng = random.Random(SEED)
    crasher.killed_at("after_read_batch", 3)
    _edit_erp(env, rng, 1)
    crasher.killed_at("after_crm_write", 2)
    _edit_erp(env, rng, 2)
    crasher.killed_at("after_commit", 4)
    for round_no in (3, 4, 5):
        _edit_erp(env, rng, round_no)
        crasher.run(delay=rng.uniform(1.0, 3.0))
    crasher.finish()

    erp = _erp_customers(env)
    links = _live_links(env.database, env.connection_id)
    assert sorted(key for key, _ in links) == sorted(erp)  # one link per actor
    assert len({crm_id for _, crm_id in links}) == len(links)
    with env.database.read_session() as session:
        companies = {c.id: (c.number, c.name, c.phone) for c in session.scalars(select(Company))}
    assert len(companies) == CUSTOMERS  # one CRM record per actor
    for key, crm_id in links:  # every ERP change is in the CRM
        assert companies[crm_id] == (key, *erp[key])


def test_crm_to_erp_creates_survive_kills_without_creating_twice(crasher: Crasher) -> None:
    env = crasher.env
    env.map("Customer", CUSTOMER_FIELDS)
    with env.database.session() as session:
        session.merge(
            CreatePolicy(
                connection_id=env.connection_id,
                actor_type="Customer",
                erp_to_crm="ignore",
                crm_to_erp="create",
            )
        )
        session.add_all(Company(name=f"Crash Create {i:04}") for i in range(CRM_CREATES))
    rng = random.Random(SEED)
    crasher.killed_at("after_outbox_row", 40)
    crasher.killed_at("after_erp_create", 90)
    crasher.killed_at("after_commit", 3)
    for _ in range(2):
        crasher.run(delay=rng.uniform(1.0, 2.5))
    crasher.finish()

    erp = _erp_customers(env)
    created = sorted(name for name, _ in erp.values() if name.startswith("Crash Create"))
    assert created == [f"Crash Create {i:04}" for i in range(CRM_CREATES)]  # each once
    links = _live_links(env.database, env.connection_id)
    assert len(links) == CRM_CREATES == len({crm_id for _, crm_id in links})
    with env.database.read_session() as session:
        states = dict(
            session.execute(
                select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)
            ).all()
        )
    assert states == {"done": CRM_CREATES}
