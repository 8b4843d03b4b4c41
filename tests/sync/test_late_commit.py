"""A CRM write that commits late is still synced (R-SEM-3), on PostgreSQL with two
writers: a transaction that took its change position before a run read the CRM, and
committed after it, is found by the next run; a second writer that commits after the
first cannot take a position that would let a run skip it."""

from __future__ import annotations

import threading

import pytest

from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyUpdate
from erpsync.sdk.model import ActorType
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def _erp_phone(env: SyncEnv, key: str) -> object:
    with env.erp() as erp:
        actor = erp.show(ActorType.CUSTOMER, key)
    assert actor is not None
    return actor.values["phone"]


def test_a_crm_write_committed_after_a_run_read_is_synced_by_the_next_run(env: SyncEnv) -> None:
    if env.database.dialect != "postgresql":
        pytest.skip("SQLite has one writer: a run cannot read while a write is open")
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    env.run()
    late_id, other_id = env.links()["10003"].crm_id, env.links()["10006"].crm_id

    late = env.database.session_factory()  # writer A: takes its position, commits late
    crm.update_company(late, late_id, CompanyUpdate(phone="+46 late"))
    late.flush()
    second_done = threading.Event()

    def second_writer() -> None:  # writer B: starts after A, must commit after it
        with env.database.session() as session:
            crm.update_company(session, other_id, CompanyUpdate(phone="+46 second"))
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    try:
        assert not second_done.wait(0.5)  # B waits for A's position to be settled
        during = env.run()  # reads the CRM while A is still open
        assert during.state == "succeeded", during.error
        assert _erp_phone(env, "10003") != "+46 late"
    finally:
        late.commit()
        late.close()
        thread.join(10)
    assert second_done.is_set()
    after = env.run()
    assert after.state == "succeeded", after.error
    assert _erp_phone(env, "10003") == "+46 late"  # not skipped
    assert _erp_phone(env, "10006") == "+46 second"
