"""The demo ERP (R-CON-4): deterministic seed, the ERP's own rules, configuration
errors, and hand edits through the CLI that travel through the change stream."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpsync.cli.main import app
from erpsync.connectors.demo import DEMO_COMPANY_NAMES, DemoConnector, DemoErp, init_database
from erpsync.crm.demo import COMPANIES as CRM_COMPANIES
from erpsync.sdk import Actor, ActorRef, ActorType, Category, ConnectorError
from erpsync.sdk.host import ConnectorHost

runner = CliRunner()


@pytest.fixture
def erp_path(tmp_path: Path) -> Path:
    path = tmp_path / "erp.sqlite"
    init_database(path, customers=60, suppliers=5, partners=2)
    return path


@pytest.fixture
def host(erp_path: Path) -> Iterator[ConnectorHost]:
    hosted = ConnectorHost(DemoConnector(), timeout=5)
    hosted.open("demo-test", {"database": str(erp_path)})
    yield hosted
    hosted.close()


def rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM company ORDER BY kind, number").fetchall()


def test_seeding_is_deterministic_but_every_database_has_its_own_identity(tmp_path: Path) -> None:
    first = init_database(tmp_path / "a.sqlite", customers=80, suppliers=10, partners=3)
    second = init_database(tmp_path / "b.sqlite", customers=80, suppliers=10, partners=3)
    init_database(tmp_path / "c.sqlite", seed=2, customers=80, suppliers=10, partners=3)
    assert rows(tmp_path / "a.sqlite") == rows(tmp_path / "b.sqlite")
    assert rows(tmp_path / "a.sqlite") != rows(tmp_path / "c.sqlite")
    assert first != second


def test_the_default_seed_has_the_sizes_of_the_spec(tmp_path: Path) -> None:
    init_database(tmp_path / "full.sqlite")
    with DemoErp(tmp_path / "full.sqlite") as erp:
        counts = erp.counts()
    assert (counts["customer"], counts["supplier"]) == (500, 100)
    assert counts["person"] > 600 and counts["project"] == 150


def test_the_first_customers_are_the_demo_crm_companies(host: ConnectorHost) -> None:
    assert [company[0] for company in CRM_COMPANIES] == DEMO_COMPANY_NAMES
    keys = [str(number) for number in range(10001, 10051)]
    actors = host.get_actors(ActorType.CUSTOMER, keys, ["name", "city"])
    assert [a.values["name"] for a in actors] == DEMO_COMPANY_NAMES
    assert actors[0].values["city"] == CRM_COMPANIES[0][3]


def test_configuration_errors_are_config_failures(erp_path: Path, tmp_path: Path) -> None:
    host = ConnectorHost(DemoConnector(), timeout=5)
    assert host.test_config({"database": str(erp_path)}).ok
    other = tmp_path / "not-an-erp.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.close()
    keyed = tmp_path / "keyed.sqlite"
    init_database(keyed, customers=3, suppliers=0, partners=0, access_key="s3cret")
    cases = [
        ({}, "Enter the path"),
        ({"database": str(tmp_path / "missing.sqlite")}, "erpsync demo erp init"),
        ({"database": str(other)}, "not a demo ERP database"),
        ({"database": str(erp_path), "batch_size": 0}, "Batch size must be"),
        ({"database": str(keyed), "access_key": "wrong"}, "The access key is wrong"),
    ]
    for values, text in cases:
        answer = host.test_config(values)
        assert not answer.ok and answer.category is Category.CONFIG, values
        assert text in answer.user_explanation
    assert host.test_config({"database": str(keyed), "access_key": "s3cret"}).ok


def test_the_erp_enforces_its_own_rules(host: ConnectorHost) -> None:
    saved = host.save(
        [
            Actor(ActorType.CUSTOMER, "10001", {"number": "99"}),
            Actor(ActorType.CUSTOMER, "10002", {"country": "no-such-country"}),
            Actor(ActorType.CUSTOMER, "10003", {"name": ""}),
            Actor(ActorType.CUSTOMER, "10004", {"credit_limit": Decimal("12.5")}),
        ]
    )
    reasons = [result.response.user_explanation for result in saved]
    assert reasons[:3] == [
        "Number is read-only.",
        "Country: 'no-such-country' is not an item of the list countries.",
        "Name is mandatory.",
    ]
    assert all(r.response.category is Category.DATA for r in saved[:3])
    assert saved[3].ok and saved[3].changed  # a refused record does not undo the others
    with pytest.raises(ConnectorError, match="A person needs a parent company"):
        host.create(ActorType.PERSON, {"first_name": "A", "last_name": "B"})
    person = host.create(
        ActorType.PERSON,
        {"first_name": "Åsa", "last_name": "Öberg"},
        ActorRef(ActorType.SUPPLIER, "20001"),
    )
    assert (person.parent_type, person.parent_key) == (ActorType.SUPPLIER, "20001")


def test_a_person_moves_to_another_company(host: ConnectorHost) -> None:
    (person,) = host.children(ActorType.CUSTOMER, "10001", ActorType.PERSON)[:1]
    moved = Actor(ActorType.PERSON, person.key, {}, ActorType.CUSTOMER, "10002")
    (result,) = host.save([moved])
    assert result.changed
    kids = host.children(ActorType.CUSTOMER, "10002", ActorType.PERSON)
    assert person.key in [kid.key for kid in kids]


def test_hand_edits_through_the_cli_travel_through_the_change_stream(
    host: ConnectorHost, erp_path: Path
) -> None:
    start = list(host.changes(ActorType.CUSTOMER, None, []))[-1].cursor
    db = ["--db", str(erp_path)]
    edit = runner.invoke(app, ["demo", "erp", "set", "customer", "10023", "phone=+46 8 123", *db])
    assert edit.exit_code == 0, edit.output
    assert "Customer 10023: changed phone." in edit.output
    again = runner.invoke(app, ["demo", "erp", "set", "customer", "10023", "phone=+46 8 123", *db])
    assert "no change" in again.output
    gone = runner.invoke(app, ["demo", "erp", "delete", "customer", "10024", *db])
    assert "Customer 10024: deleted." in gone.output
    changed = [a for b in host.changes(ActorType.CUSTOMER, start, ["phone"]) for a in b.actors]
    assert [(a.key, a.deleted, a.values["phone"]) for a in changed[:1]] == [
        ("10023", False, "+46 8 123")
    ]
    assert [(a.key, a.deleted) for a in changed[1:]] == [("10024", True)]
    shown = runner.invoke(app, ["demo", "erp", "show", "customer", "10024", "--json", *db])
    assert json.loads(shown.output)["deleted"] is True


def test_the_cli_init_and_its_errors_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cli.sqlite"
    made = runner.invoke(app, ["demo", "erp", "init", str(path), "--customers", "5"])
    assert made.exit_code == 0 and "5 customers" in made.output
    db = ["--db", str(path)]
    for args, text in [
        (["init", str(path)], "already exists"),
        (["set", "customer", "10001", "colour=red", *db], "Write field=value with a field"),
        (["set", "customer", "10001", "blocked=maybe", *db], "not a valid Checkbox value"),
        (["show", "dragon", "1", *db], "unknown actor type 'dragon'"),
        (["show", "customer", "99999", *db], "Customer 99999 does not exist"),
        (["show", "customer", "1", "--db", str(tmp_path / "none.sqlite")], "No demo ERP"),
    ]:
        result = runner.invoke(app, ["demo", "erp", *args])
        assert result.exit_code == 1, args
        assert text in result.output and "Traceback" not in result.output


def test_erpsync_demo_keeps_its_options_and_gains_the_erp_group() -> None:
    result = runner.invoke(app, ["demo", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for text in ("--host", "--port", "--no-serve", "erp"):
        assert text in result.output
