"""Persons and projects of the Tryton connector beyond the kit (R-CON-2, R-SEM-1): a
person's parent is the company its *Employee of* relation points to; a relation made,
moved or removed in Tryton reports the person in the change stream; a person moved by
`save` moves its relation; a project in a status named closed comes as a deletion.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from erpsync.connectors.tryton import TrytonConnector
from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.sdk import Actor, ActorRef, ActorType, Category, ConnectorError
from erpsync.sdk.host import ConnectorHost
from tests.connectors.tryton.seed import PERSONS, PROJECTS
from tests.connectors.tryton.server import ADMIN_PASSWORD, TrytonServer
from tests.connectors.tryton.test_tryton import config

CUSTOMER, SUPPLIER = ActorType.CUSTOMER, ActorType.SUPPLIER
PERSON, PROJECT = ActorType.PERSON, ActorType.PROJECT
RELATION = "party.relation.all"


@pytest.fixture
def admin(tryton_server: TrytonServer) -> Iterator[TrytonClient]:
    client = tryton_server.client()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def host(tryton_server: TrytonServer) -> Iterator[ConnectorHost]:
    host = ConnectorHost(TrytonConnector(), timeout=30)
    host.open("persons", config(tryton_server, project_closed_statuses="Done"))
    try:
        yield host
    finally:
        host.close()


def _party(admin: TrytonClient, name: str) -> int:
    (row,) = admin.search_read("party.party", [("name", "=", name)], ["id"])
    return int(row["id"])


def _end(host: ConnectorHost, actor_type: ActorType) -> str:
    return list(host.changes(actor_type, None, []))[-1].cursor


def _changed(host: ConnectorHost, actor_type: ActorType, cursor: str) -> dict[str, Actor]:
    """The latest version of each actor the stream reports after `cursor`."""
    return {a.key: a for b in host.changes(actor_type, cursor) for a in b.actors}


def test_persons_and_projects_are_read_with_their_customer_as_parent(
    host: ConnectorHost, admin: TrytonClient
) -> None:
    assert host.actor_types() == [CUSTOMER, SUPPLIER, PERSON, PROJECT]
    persons = [a for b in host.changes(PERSON, None) for a in b.actors]
    assert len(persons) == PERSONS and not any(p.deleted for p in persons)
    (person,) = [p for p in persons if p.values["name"] == "Person 03 Andersson"]
    assert person.values["email"] == "person03@example.com" and person.values["phone"] is None
    company = _party(admin, "Customer 003 AB")
    assert (person.parent_type, person.parent_key) == (CUSTOMER, str(company))
    assert [a.key for a in host.children(CUSTOMER, str(company), PERSON)] == [person.key]
    assert host.children(SUPPLIER, str(company), PERSON) == []

    projects = [a for b in host.changes(PROJECT, None) for a in b.actors]
    assert len(projects) == PROJECTS
    (project,) = [p for p in projects if p.values["name"] == "Project 03 rollout"]
    assert (project.parent_type, project.parent_key) == (CUSTOMER, str(company))
    assert project.values["number"] and project.values["status"]
    assert [a.key for a in host.children(CUSTOMER, str(company), PROJECT)] == [project.key]
    # A customer is not a person: looked up as one, it comes flagged deleted.
    (not_person,) = host.get_actors(PERSON, [str(company)])
    assert not_person.deleted


def test_relations_made_moved_and_removed_in_tryton_report_the_person(
    host: ConnectorHost, admin: TrytonClient
) -> None:
    cursor = _end(host, PERSON)
    assert _changed(host, PERSON, cursor) == {}
    supplier = _party(admin, "Supplier 002 Oy")
    # A relation entered on the company's side (Employer of) makes a new person.
    (newcomer,) = admin.model("party.party", "create", [{"name": "Nora Newcomer"}])
    (employer_of,) = admin.search_read(
        "party.relation.type", [("name", "=", "Employer of")], ["id"]
    )
    admin.model(
        RELATION, "create", [{"from_": supplier, "to": newcomer, "type": employer_of["id"]}]
    )
    # A relation moved to another company changes only the relation, not the party.
    mover = _party(admin, "Person 04 Andersson")
    stamp = admin.search_read("party.party", [("id", "=", mover)], ["write_date"])
    (relation,) = admin.search_read(RELATION, [("from_", "=", mover)], ["id"])
    admin.model(RELATION, "write", [relation["id"]], {"to": _party(admin, "Customer 042 AB")})
    assert admin.search_read("party.party", [("id", "=", mover)], ["write_date"]) == stamp
    # A relation removed on the person's form: no longer a person.
    leaver = _party(admin, "Person 05 Andersson")
    (gone,) = admin.search_read(RELATION, [("from_", "=", leaver)], ["id"])
    admin.model("party.party", "write", [leaver], {"relations": [["delete", [gone["id"]]]]})

    changed = _changed(host, PERSON, cursor)
    new = changed[str(newcomer)]
    assert (new.parent_type, new.parent_key, new.deleted) == (SUPPLIER, str(supplier), False)
    moved = changed[str(mover)]
    assert (moved.parent_type, moved.parent_key) == (
        CUSTOMER,
        str(_party(admin, "Customer 042 AB")),
    )
    assert changed[str(leaver)].deleted
    (again,) = host.get_actors(PERSON, [str(leaver)])
    assert again.deleted


def test_save_moves_a_person_to_its_new_parent(host: ConnectorHost, admin: TrytonClient) -> None:
    person = _party(admin, "Person 06 Andersson")
    old, new = _party(admin, "Customer 006 AB"), _party(admin, "Partner 001 AS")
    cursor = _end(host, PERSON)
    edit = Actor(PERSON, str(person), {"phone": "+46 70 123 45 67"}, CUSTOMER, str(new))
    (result,) = host.save([edit])
    assert result.ok and result.changed
    assert result.actor is not None and result.actor.parent_key == str(new)
    rows = admin.search_read(RELATION, [("from_", "=", person)], ["to"])
    assert [r["to"] for r in rows] == [new]  # moved, not a second relation
    assert host.children(CUSTOMER, str(old), PERSON) == []
    assert [a.key for a in host.children(CUSTOMER, str(new), PERSON)] == [str(person)]
    moved = _changed(host, PERSON, cursor)[str(person)]
    assert moved.parent_key == str(new) and moved.values["phone"] == "+46 70 123 45 67"
    (again,) = host.save([edit])
    assert again.ok and not again.changed


def test_bad_person_writes_name_the_problem_and_write_nothing(
    host: ConnectorHost, admin: TrytonClient
) -> None:
    count = admin.model("party.party", "search_count", [])
    customer = str(_party(admin, "Customer 010 AB"))
    cases: list[tuple[dict[str, Any], ActorRef | None, str]] = [
        ({"name": "Orphan"}, None, "parent"),
        ({"name": "Lost"}, ActorRef(CUSTOMER, "999999"), "parent"),
        ({"name": "Wrong type"}, ActorRef(SUPPLIER, customer), "parent"),
        ({"name": "Web", "website": "w.example.com"}, ActorRef(CUSTOMER, customer), "website"),
        ({"name": "Mail", "email": "not an email"}, ActorRef(CUSTOMER, customer), ""),
    ]
    for values, parent, field in cases:
        with pytest.raises(ConnectorError) as caught:
            host.create(PERSON, values, parent)
        assert caught.value.category is Category.DATA, values
        assert caught.value.field == (field or None), values
    assert admin.model("party.party", "search_count", []) == count

    person = _party(admin, "Person 07 Andersson")
    before = admin.search_read("party.party", [("id", "=", person)], ["name", "write_date"])
    move = Actor(PERSON, str(person), {"name": "Renamed"}, CUSTOMER, "999999")
    (result,) = host.save([move])
    assert not result.ok and result.response.category is Category.DATA
    assert "999999" in result.response.user_explanation
    # The refused move wrote nothing, not even the name that came with it.
    assert admin.search_read("party.party", [("id", "=", person)], ["name", "write_date"]) == before


def test_a_project_in_a_closed_status_comes_as_deletion(
    host: ConnectorHost, admin: TrytonClient
) -> None:
    statuses = {i.name: i.id for i in host.list_items("project_statuses")}
    customer = str(_party(admin, "Customer 020 AB"))
    created = host.create(
        PROJECT, {"name": "Office move", "status": statuses["Open"]}, ActorRef(CUSTOMER, customer)
    )
    assert created.parent_key == customer and created.values["number"]
    cursor = _end(host, PROJECT)
    # Closed in Tryton (Done needs 100 % progress there).
    done = {"status": int(statuses["Done"]), "progress": 1.0}
    admin.model("project.work", "write", [int(created.key)], done)
    assert _changed(host, PROJECT, cursor)[created.key].deleted
    assert host.children(CUSTOMER, customer, PROJECT) == []
    assert host.search(PROJECT, "Office move") == []
    # Reopened through the connector: live again.
    reopened = Actor(PROJECT, created.key, {"status": statuses["Open"]})
    (result,) = host.save([reopened])
    assert result.ok and result.changed and result.actor is not None
    assert not result.actor.deleted
    # Closed through the connector: Tryton's progress rule is met for it.
    (closed,) = host.save([Actor(PROJECT, created.key, {"status": statuses["Done"]})])
    assert closed.ok and closed.actor is not None and closed.actor.deleted
    (refused,) = host.save([Actor(PROJECT, created.key, {"number": "X-1"})])
    assert not refused.ok and refused.response.category is Category.DATA
    assert "project number" in refused.response.user_explanation


def test_person_and_project_settings_are_checked(
    tryton_server: TrytonServer, caplog: pytest.LogCaptureFixture
) -> None:
    connector = TrytonConnector()
    with caplog.at_level(logging.DEBUG):
        answer = connector.test_config(config(tryton_server, person_relation="Works at"))
    assert not answer.ok and answer.category is Category.CONFIG
    assert "'Works at'" in answer.user_explanation
    assert "Employee of, Employer of" in answer.user_explanation
    answer = connector.test_config(config(tryton_server, project_closed_statuses="Done, Closed"))
    assert not answer.ok and answer.category is Category.CONFIG
    assert "'Closed'" in answer.user_explanation and "Done, Open" in answer.user_explanation
    assert ADMIN_PASSWORD not in caplog.text + answer.technical_explanation
    good = connector.test_config(config(tryton_server))
    assert good.ok and "10 persons" in good.user_explanation
    assert "5 projects" in good.user_explanation
    # No relation type named: persons are not offered.
    connector.open("no-persons", config(tryton_server, person_relation=""))
    try:
        assert PERSON not in connector.actor_types()
        with pytest.raises(ConnectorError) as caught:
            connector.get_actors(PERSON, ["1"])
        assert caught.value.category is Category.DATA
    finally:
        connector.close()
