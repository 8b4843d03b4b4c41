"""CRM → ERP creates through the outbox against the real demo ERP (R-SEM-5, R-TAB-3):
linked with a shadow, refused twice, failed without a link, reconciled after a crash,
and the review queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from erpsync.connections import catalog
from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyCreate
from erpsync.errors import Conflict
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorType
from erpsync.sync import outbox, outbox_review
from erpsync.sync.models import Link, OutboxEntry
from erpsync.sync.retry import NO_WAIT
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


@pytest.fixture
def host(env: SyncEnv) -> Iterator[ConnectorHost]:
    opened = catalog.host("demo", 30)
    opened.open(str(env.connection_id), {"database": str(env.erp_path)})
    yield opened
    opened.close()


def _company(env: SyncEnv, name: str, **values: str) -> int:
    with env.database.session() as session:
        return crm.create_company(session, CompanyCreate(name=name, **values)).id  # type: ignore[arg-type]


def _order(env: SyncEnv, crm_id: int, **values: object) -> outbox.CreateOrder:
    return outbox.CreateOrder(
        env.connection_id,
        ActorType.CUSTOMER,
        "company",
        crm_id,
        dict(values),  # type: ignore[arg-type]
    )


def _erp_named(env: SyncEnv, name: str) -> list[str]:
    with env.erp() as erp:
        rows = erp.db.execute("SELECT number FROM company WHERE name = ?", (name,)).fetchall()
    return [str(number) for (number,) in rows]


def _entries(env: SyncEnv) -> list[OutboxEntry]:
    with env.database.read_session() as session:
        return list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.id)))


def test_create_in_erp_links_the_record_with_its_shadow_and_brings_back_the_number(
    env: SyncEnv, host: ConnectorHost
) -> None:
    env.map("Customer", CUSTOMER_FIELDS)
    crm_id = _company(env, "Outbox Alpha AB", phone="+46 8 1234")
    created = outbox.create_in_erp(
        env.database, host, _order(env, crm_id, name="Outbox Alpha AB", phone="+46 8 1234")
    )
    assert _erp_named(env, "Outbox Alpha AB") == [created.erp_key]
    link = env.links()[created.erp_key]
    assert link.crm_id == crm_id and link.state == "active"
    assert link.shadow["name"] == "Outbox Alpha AB" and link.shadow["number"] == created.erp_key
    with env.database.read_session() as session:
        assert crm.get_company(session, crm_id).number == created.erp_key  # the ERP's number
    assert [entry.state for entry in _entries(env)] == ["done"]
    assert [e.action for e in env.log()] == ["created_in_erp", "to_crm"]
    result = env.run()  # the next sync finds nothing to do either way
    assert result.state == "succeeded", result.error
    assert result.counts["updated"] == 0 and env.saves == []


def test_a_record_is_never_created_twice(env: SyncEnv, host: ConnectorHost) -> None:
    crm_id = _company(env, "Outbox Twice AB")
    outbox.create_in_erp(env.database, host, _order(env, crm_id, name="Outbox Twice AB"))
    with pytest.raises(Conflict, match="already linked"):
        outbox.create_in_erp(env.database, host, _order(env, crm_id, name="Outbox Twice AB"))
    assert len(_erp_named(env, "Outbox Twice AB")) == 1
    assert len(_entries(env)) == 1


def test_an_open_entry_blocks_a_second_create_of_the_same_record(
    env: SyncEnv, host: ConnectorHost
) -> None:
    crm_id = _company(env, "Outbox Open AB")
    with env.database.session() as session:
        outbox.enqueue(session, _order(env, crm_id, name="Outbox Open AB"))
    with pytest.raises(Conflict, match="under way"):
        outbox.create_in_erp(env.database, host, _order(env, crm_id, name="Outbox Open AB"))
    assert _erp_named(env, "Outbox Open AB") == []


def test_a_refused_create_fails_the_entry_with_its_reason_and_leaves_no_link(
    env: SyncEnv, host: ConnectorHost
) -> None:
    crm_id = _company(env, "Outbox Refused AB")
    order = _order(env, crm_id, name="Outbox Refused AB", country="no-such-country")
    with pytest.raises(ConnectorError) as caught:
        outbox.create_in_erp(env.database, host, order)
    assert caught.value.category == "data"
    (entry,) = _entries(env)
    assert entry.state == "failed" and "country" in (entry.note or "")
    assert env.links() == {} and _erp_named(env, "Outbox Refused AB") == []
    # The record can be created once its values are fixed.
    outbox.create_in_erp(env.database, host, _order(env, crm_id, name="Outbox Refused AB"))
    assert len(_erp_named(env, "Outbox Refused AB")) == 1


def _crash_after_erp_create(env: SyncEnv, host: ConnectorHost, crm_id: int, name: str) -> int:
    """Steps 1 and 2 of the contract without 3: what a kill after the ERP call leaves."""
    with env.database.session() as session:
        entry = outbox.enqueue(session, _order(env, crm_id, name=name, email="x@example.com"))
        session.flush()
        entry_id = entry.id
    with env.database.read_session() as session:
        stored = session.get(OutboxEntry, entry_id)
        assert stored is not None
        outbox.call_create(host, stored, NO_WAIT)
    return entry_id


def test_reconcile_links_the_actor_a_crashed_create_made_by_its_idempotency_key(
    env: SyncEnv, host: ConnectorHost
) -> None:
    crm_id = _company(env, "Outbox Crash AB")
    entry_id = _crash_after_erp_create(env, host, crm_id, "Outbox Crash AB")
    assert env.links() == {}
    result = outbox.reconcile(env.database, host, env.connection_id, backoff=NO_WAIT)
    assert result.linked == [entry_id]
    (key,) = _erp_named(env, "Outbox Crash AB")  # found again, not created twice
    assert env.links()[key].crm_id == crm_id
    assert outbox.reconcile(env.database, host, env.connection_id).linked == []


def test_reconcile_creates_once_when_the_crash_came_before_the_erp_call(
    env: SyncEnv, host: ConnectorHost
) -> None:
    crm_id = _company(env, "Outbox Early AB")
    with env.database.session() as session:
        outbox.enqueue(session, _order(env, crm_id, name="Outbox Early AB"))
    outbox.reconcile(env.database, host, env.connection_id, backoff=NO_WAIT)
    assert len(_erp_named(env, "Outbox Early AB")) == 1
    assert len(env.links()) == 1


@pytest.fixture
def plain_host(host: ConnectorHost) -> ConnectorHost:
    """The demo connector as an ERP that cannot store idempotency keys."""
    host.connector.idempotent_create = False  # type: ignore[misc]
    return host


def test_without_idempotency_keys_one_matching_actor_is_linked(
    env: SyncEnv, plain_host: ConnectorHost
) -> None:
    crm_id = _company(env, "Outbox Match AB")
    entry_id = _crash_after_erp_create(env, plain_host, crm_id, "Outbox Match AB")
    result = outbox.reconcile(env.database, plain_host, env.connection_id)
    assert result.linked == [entry_id]
    assert [link.crm_id for link in env.links().values()] == [crm_id]


def test_undecidable_entries_wait_in_review_until_an_administrator_links_one(
    env: SyncEnv, plain_host: ConnectorHost
) -> None:
    first, second = _company(env, "Outbox Same AB"), _company(env, "Outbox Same AB")
    with env.erp() as erp:  # the ERP already had one of that name and e-mail
        erp.insert(ActorType.CUSTOMER, {"name": "Outbox Same AB", "email": "x@example.com"})
    one = _crash_after_erp_create(env, plain_host, first, "Outbox Same AB")
    with env.database.session() as session:  # crashed before the call: not in the ERP
        session.add(
            OutboxEntry(
                connection_id=env.connection_id,
                idempotency_key=outbox.new_key(),
                actor_type="Customer",
                crm_kind="company",
                crm_id=second,
                values={"name": "Outbox Never AB"},
                state="pending",
            )
        )
    result = outbox.reconcile(env.database, plain_host, env.connection_id)
    assert len(result.review) == 2 and result.linked == []
    with env.database.read_session() as session:
        total, waiting = outbox_review.list_entries(session, env.connection_id)
    assert total == 2
    notes = {entry.id: entry.note or "" for entry in waiting}
    assert "Several Customer actors" in notes[one]
    assert "probably never reached it" in notes[waiting[1].id]
    keys = _erp_named(env, "Outbox Same AB")
    with pytest.raises(Exception, match="no live Customer"):
        outbox_review.link_to(env.database, plain_host, env.connection_id, one, "999999", None)
    outbox_review.link_to(env.database, plain_host, env.connection_id, one, keys[-1], None)
    assert env.links()[keys[-1]].crm_id == first
    with env.database.session() as session:
        outbox_review.discard(session, env.connection_id, waiting[1].id, None)
    assert [entry.state for entry in _entries(env)] == ["done", "discarded"]
    with env.database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Link)) == 1
    with pytest.raises(Conflict, match="discarded"), env.database.session() as session:
        outbox_review.discard(session, env.connection_id, waiting[1].id, None)
