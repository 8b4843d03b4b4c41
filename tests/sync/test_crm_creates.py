"""The engine's CRM → ERP create path through the outbox (R-MAP-8, R-SEM-5): records
matching the create filter become actors once, linked, with the ERP's number back."""

from __future__ import annotations

import json

from sqlalchemy import select

from erpsync.connections.models import Connection
from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyCreate, CompanyUpdate
from erpsync.mapping.models import CreatePolicy, FieldMapping
from erpsync.sync import deadletters, engine, runs
from erpsync.sync.models import DeadLetter, OutboxEntry
from erpsync.sync.retry import NO_WAIT
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def _policy(env: SyncEnv, crm_filter: str = '{"category": ["customer"]}') -> None:
    env.map("Customer", CUSTOMER_FIELDS)
    with env.database.session() as session:
        session.merge(
            CreatePolicy(
                connection_id=env.connection_id,
                actor_type="Customer",
                erp_to_crm="ignore",
                crm_to_erp="create",
                crm_filter=crm_filter,
            )
        )
        session.add(  # a `set` default goes with every create
            FieldMapping(
                connection_id=env.connection_id,
                actor_type="Customer",
                erp_field="notes",
                direction="none",
                default_mode="set",
                default_value='"Created by the CRM"',
            )
        )


def _companies(env: SyncEnv, names: dict[str, str | None]) -> dict[str, int]:
    with env.database.session() as session:
        return {
            name: crm.create_company(
                session,
                CompanyCreate(name=name, category=category),  # type: ignore[arg-type]
            ).id
            for name, category in names.items()
        }


def _erp_rows(env: SyncEnv, like: str) -> list[tuple[str, str, str | None]]:
    with env.erp() as erp:
        rows = erp.db.execute(
            "SELECT number, name, notes FROM company WHERE name LIKE ? ORDER BY number", (like,)
        ).fetchall()
    return [(str(n), name, notes) for n, name, notes in rows]


def test_matching_crm_records_are_created_in_the_erp_once_and_linked(env: SyncEnv) -> None:
    _policy(env)
    ids = _companies(
        env,
        {"Create One AB": "customer", "Create Two AB": "customer", "Create Other AB": "supplier"},
    )
    plan = env.run(dry_run=True)
    assert plan.counts["created_in_erp"] == 2 and _erp_rows(env, "Create %") == []
    result = env.run()
    assert result.state == "succeeded", result.error
    assert result.counts["created_in_erp"] == 2
    rows = _erp_rows(env, "Create %")
    assert [(name, notes) for _, name, notes in rows] == [
        ("Create One AB", "Created by the CRM"),
        ("Create Two AB", "Created by the CRM"),
    ]
    links = env.links()
    assert {links[number].crm_id for number, _, _ in rows} == {
        ids["Create One AB"],
        ids["Create Two AB"],
    }
    assert env.company(rows[0][0]).number == rows[0][0]  # the ERP's number came back
    again = env.run()
    assert again.counts.get("created_in_erp", 0) == 0 and env.saves == []
    assert len(_erp_rows(env, "Create %")) == 2
    with env.database.read_session() as session:
        states = list(session.scalars(select(OutboxEntry.state)))
    assert states == ["done", "done"]


def test_a_record_the_erp_cannot_take_is_a_dead_letter_and_the_rest_is_created(
    env: SyncEnv,
) -> None:
    _policy(env, "{}")
    ids = _companies(env, {"Create Fine AB": None, "X" * 81: None})  # the ERP takes 80
    result = env.run()
    assert result.state == "succeeded", result.error
    assert result.counts["created_in_erp"] == 1 and result.counts["dead_letters"] == 1
    assert [name for _, name, _ in _erp_rows(env, "Create %")] == ["Create Fine AB"]
    with env.database.read_session() as session:
        (dead,) = session.scalars(select(DeadLetter))
        states = list(session.scalars(select(OutboxEntry.state)))
    assert dead.stream == "crm-create:Customer" and dead.record_key == str(ids["X" * 81])
    assert "name" in dead.reason and "80" in dead.reason
    assert states == ["done"]  # nothing was half-created for the refused record
    with env.database.session() as session:  # fixed: written again, so created next run
        crm.update_company(session, ids["X" * 81], CompanyUpdate(name="Create Fixed AB"))
    assert env.run().counts["created_in_erp"] == 1
    assert len(_erp_rows(env, "Create %")) == 2


def test_a_create_the_erp_refused_is_created_by_retrying_its_dead_letter(env: SyncEnv) -> None:
    _policy(env, "{}")
    with env.database.session() as session:  # a default the ERP does not know
        session.add(
            FieldMapping(
                connection_id=env.connection_id,
                actor_type="Customer",
                erp_field="country",
                direction="none",
                default_mode="set",
                default_value=json.dumps("no-such-country"),
            )
        )
    ids = _companies(env, {"Create Later AB": None})
    result = env.run()
    assert result.counts["dead_letters"] == 1 and _erp_rows(env, "Create %") == []
    with env.database.read_session() as session:
        (entry,) = session.scalars(select(OutboxEntry))
        letters = deadletters.chosen(session, env.connection_id, None)
    assert entry.state == "failed" and "country" in (entry.note or "")
    with env.database.session() as session:  # the administrator drops the bad default
        default = session.scalars(
            select(FieldMapping).where(FieldMapping.erp_field == "country")
        ).one()
        default.default_mode = default.default_value = None
    assert env.run().counts.get("created_in_erp", 0) == 0  # not picked up by itself
    since = engine.utc_now()
    with env.database.session() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        run_id = runs.request(session, connection, since, retry=letters).run.id
    retried = deadletters.prepare(env.database, env.keys, run_id)
    retry = engine.execute(env.database, env.keys, run_id, backoff=NO_WAIT)
    assert retry.counts["created_in_erp"] == 1, retry
    deadletters.settle(env.database, retried, since)
    assert [(name, notes) for _, name, notes in _erp_rows(env, "Create %")] == [
        ("Create Later AB", "Created by the CRM")
    ]
    assert env.links()[_erp_rows(env, "Create %")[0][0]].crm_id == ids["Create Later AB"]
    with env.database.read_session() as session:
        assert deadletters.open_count(session, env.connection_id) == 0
