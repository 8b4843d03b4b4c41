"""What the SQL connector does beyond the kit, on every database (R-CON-1): lists
whose id is not their code, row filters and fixed values on create, a joined stamp
that makes a company's rename reach its contacts, read-only refusal, mapping proposal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from erpsync.connectors.sql import MappingError, SqlConnector, parse_mapping, propose_mapping
from erpsync.sdk import Actor, ActorRef, ActorType, Category, ConnectorError
from erpsync.sdk.host import ConnectorHost
from tests.connectors.sql import erp_schema as erp
from tests.connectors.sql.hooks import config_for, open_host


@pytest.fixture
def host(url: sa.URL) -> Iterator[ConnectorHost]:
    with open_host(url, "behaviour") as hosted:
        yield hosted


def _all(host: ConnectorHost, actor_type: ActorType, cursor: str | None = None) -> list[Actor]:
    return [actor for batch in host.changes(actor_type, cursor) for actor in batch.actors]


def test_lists_map_ids_and_codes_apart(host: ConnectorHost) -> None:
    terms = host.list_items("payment_terms")
    assert [(i.id, i.code, i.name, i.deleted) for i in terms] == [
        ("11", "30D", "30 days net", False),
        ("12", "10D", "10 days net", False),
        ("13", "PRE", "Prepayment", True),
    ]
    assert [(i.id, i.code) for i in host.list_items("currencies")] == [("1", "SEK"), ("2", "EUR")]
    assert {i.id for i in host.list_items("countries")} == {"SE", "NO", "DK"}
    acme = next(a for a in _all(host, ActorType.CUSTOMER) if a.values["name"] == "Acme AB")
    assert (acme.values["terms"], acme.values["currency"], acme.values["country"]) == (
        "11",
        "1",
        "SE",
    )


def test_one_table_holds_customers_and_suppliers_told_apart_by_flags(
    host: ConnectorHost,
) -> None:
    customers = {a.values["name"] for a in _all(host, ActorType.CUSTOMER)}
    suppliers = {a.values["name"] for a in _all(host, ActorType.SUPPLIER)}
    assert customers == {"Acme AB", "Both Oy"} and suppliers == {"Nordic Parts", "Both Oy"}
    made = host.create(ActorType.SUPPLIER, {"name": "New Supplier AB"})
    assert host.get_actors(ActorType.CUSTOMER, [made.key]) == []  # fixed value is_supplier only
    assert host.get_actors(ActorType.SUPPLIER, [made.key])[0].values["name"] == "New Supplier AB"


def test_a_company_rename_reaches_its_contacts_through_the_joined_stamp(
    host: ConnectorHost, url: sa.URL
) -> None:
    (person,) = _all(host, ActorType.PERSON)
    cursor = list(host.changes(ActorType.PERSON, None))[-1].cursor
    engine = sa.create_engine(url)
    with engine.begin() as db:
        db.execute(
            erp.company.update()
            .where(erp.company.c.id == int(person.parent_key or 0))
            .values(name="Acme Group AB", updated_at=erp.now())
        )
    engine.dispose()
    again = [a for a in _all(host, ActorType.PERSON, cursor) if a.key == person.key]
    assert again and again[-1].values["company_name"] == "Acme Group AB"


def test_read_only_fields_and_the_key_are_refused(host: ConnectorHost) -> None:
    parent = host.create(ActorType.CUSTOMER, {"name": "Parent AB"})
    person = host.create(
        ActorType.PERSON,
        {"first_name": "Eva", "last_name": "Lind"},
        ActorRef(ActorType.CUSTOMER, parent.key),
    )
    assert person.values["company_name"] == "Parent AB"
    results = host.save(
        [
            Actor(ActorType.CUSTOMER, parent.key, {"id": 999}),
            Actor(ActorType.PERSON, person.key, {"company_name": "Other AB"}),
            Actor(ActorType.CUSTOMER, parent.key, {"name": "Parent AB"}),  # unchanged
        ]
    )
    assert [r.response.category for r in results[:2]] == [Category.DATA, Category.DATA]
    assert "Id: is read-only" in results[0].response.user_explanation
    assert "Company: is read-only" in results[1].response.user_explanation
    assert results[2].ok and not results[2].changed
    with pytest.raises(ConnectorError, match="read-only"):
        host.create(ActorType.CUSTOMER, {"name": "X", "id": 5})


def test_the_proposed_mapping_fits_the_schema(url: sa.URL) -> None:
    engine = sa.create_engine(url)
    text = propose_mapping(engine)
    engine.dispose()
    spec = parse_mapping(text)
    assert spec.actors[ActorType.CUSTOMER].table == "company"
    assert spec.actors[ActorType.PERSON].table == "contact"
    assert spec.lists["payment_term"].code == "code"
    answer = SqlConnector().test_config({**config_for(url), "mapping": text})
    assert answer.ok, answer.user_explanation


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("table: company", "tabel: company"), "actors.Customer: unknown setting 'tabel'"),
        (("list: countries", "list: lands"), "list 'lands' is not declared"),
        (("Customer:", "Client:"), "actors.Client: 'Client' is not one of Customer"),
        (("company.name", "firm.name"), "'firm' is not a joined table (joins: company)"),
        (("type: Customer", "type: Partner"), "Partner is not an actor type of this mapping"),
    ],
)
def test_mapping_mistakes_name_their_place(change: tuple[str, str], message: str) -> None:
    with pytest.raises(MappingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_mapping(erp.MAPPING.replace(*change, 1))


def test_hard_deletes_come_from_the_tombstone_table_in_stamp_order(
    host: ConnectorHost, url: sa.URL
) -> None:
    (project,) = _all(host, ActorType.PROJECT)
    cursor = list(host.changes(ActorType.PROJECT, None))[-1].cursor
    engine = sa.create_engine(url)
    with engine.begin() as db:
        db.execute(erp.project.delete().where(erp.project.c.id == int(project.key)))
        for table, key in (("project", project.key), ("company", "1")):  # another table's too
            db.execute(
                erp.deleted_record.insert().values(
                    table_name=table, record_id=key, deleted_at=erp.now()
                )
            )
    engine.dispose()
    seen = _all(host, ActorType.PROJECT, cursor)
    assert [(a.key, a.deleted) for a in seen][-1:] == [(project.key, True)]
    assert [a.key for a in seen if a.deleted] == [project.key]
    assert host.get_actors(ActorType.PROJECT, [project.key]) == []
    host.connector.batch_size = 1  # a resumed read finds the deletion after every cursor
    first = list(host.changes(ActorType.PROJECT, None))
    assert [(a.key, a.deleted) for b in first for a in b.actors] == [(project.key, True)]


def test_a_tombstone_table_that_does_not_fit_is_named(url: sa.URL) -> None:
    mapping = erp.MAPPING.replace("key: record_id", "key: row_id")
    answer = SqlConnector().test_config({**config_for(url), "mapping": mapping})
    assert answer.category is Category.CONFIG
    assert (
        "actors.Project.deleted.key: column 'row_id' does not exist in table 'deleted_record' "
        "(columns: id, table_name, record_id, deleted_at)" in answer.user_explanation
    )
