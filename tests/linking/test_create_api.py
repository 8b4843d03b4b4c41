"""Create in ERP through the API (R-TAB-3, R-MAP-4, R-SEM-5): defaults `set` (applied,
hidden), `ask` (shown, editable), `mandatory` (required); values from the CRM through
the transform module; the right `can_create_in_erp`; a refusal leaves nothing half-made."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from erpsync.crm.models import Company
from erpsync.sdk.model import ActorType
from erpsync.sync.models import Link, OutboxEntry, SyncLogEntry
from tests.linking.conftest import TabEnv

CUSTOMER = ActorType.CUSTOMER


def count(env: TabEnv, model: type) -> int:
    with env.database.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def erp_customers(env: TabEnv) -> int:
    with env.erp() as erp:
        return erp.counts()["customer"]


def test_the_form_shows_ask_and_mandatory_fields_and_the_crm_values(env: TabEnv) -> None:
    company_id = env.company(name="Nordic Bikes", city="Umeå", email="info@nordic.example")
    sales = env.as_user("sales")
    response = sales.get(env.url(company_id, "/create-form"), params={"actor_type": "Customer"})
    assert response.status_code == 200, response.text
    form = response.json()
    fields = {f["erp_field"]: f for f in form["fields"]}
    assert list(fields) == ["name", "city", "phone", "email", "customer_group", "payment_terms"]
    assert "credit_limit" not in fields  # `set`: applied, never shown
    assert fields["name"]["mode"] == "from_crm" and fields["name"]["value"] == "Nordic Bikes"
    assert fields["customer_group"]["mode"] == "ask" and fields["customer_group"]["value"] == "2"
    assert ["2", "Wholesale"] in fields["customer_group"]["options"]
    assert fields["payment_terms"]["mode"] == "mandatory"
    assert fields["payment_terms"]["required"] and fields["payment_terms"]["value"] is None
    assert form["parent"] is None


def test_create_applies_each_default_mode_and_links(env: TabEnv) -> None:
    company_id = env.company(name="Nordic Bikes", city="Umeå", email="info@nordic.example")
    before = erp_customers(env)
    sales = env.as_user("sales")
    body = {"actor_type": "Customer", "values": {"payment_terms": "3"}}
    response = sales.post(env.url(company_id, "/create"), json=body)
    assert response.status_code == 201, response.text
    erp_key = response.json()["erp_key"]
    assert erp_customers(env) == before + 1
    with env.erp() as erp:
        actor = erp.show(CUSTOMER, erp_key)
    assert actor is not None
    assert actor.values["name"] == "Nordic Bikes" and actor.values["city"] == "Umeå"
    assert actor.values["email"] == "info@nordic.example"
    assert actor.values["customer_group"] == "2"  # ask, left at its default
    assert actor.values["credit_limit"] == Decimal("5000.50")  # set
    assert actor.values["payment_terms"] == "3"  # mandatory, given
    with env.database.read_session() as session:
        company = session.get(Company, company_id)
        assert company is not None and company.number == erp_key  # the ERP's number
        [link] = session.scalars(select(Link)).all()
        assert (link.erp_key, link.crm_id, link.state) == (erp_key, company_id, "active")
        assert link.shadow["name"] == "Nordic Bikes" and link.shadow["number"] == erp_key
        actions = list(session.scalars(select(SyncLogEntry.action)))
    assert "created_in_erp" in actions
    section = sales.get(env.url(company_id)).json()["sections"][0]
    assert section["linked"] and section["erp_key"] == erp_key
    values = {f["key"]: f["value"] for f in section["fields"]}
    assert values["customer_group"] == "Wholesale"
    assert Decimal(values["credit_limit"]) == Decimal("5000.50")


def test_an_ask_default_may_be_changed(env: TabEnv) -> None:
    company_id = env.company(name="Asked AB")
    sales = env.as_user("sales")
    body = {"actor_type": "Customer", "values": {"payment_terms": "1", "customer_group": "4"}}
    response = sales.post(env.url(company_id, "/create"), json=body)
    assert response.status_code == 201, response.text
    with env.erp() as erp:
        actor = erp.show(CUSTOMER, response.json()["erp_key"])
    assert actor is not None and actor.values["customer_group"] == "4"


def test_bad_input_names_the_field_and_creates_nothing(env: TabEnv) -> None:
    company_id = env.company(name="Careful AB")
    before = erp_customers(env)
    sales = env.as_user("sales")
    cases = [
        ({}, "values.payment_terms"),  # mandatory, not given
        ({"payment_terms": "  "}, "values.payment_terms"),
        ({"payment_terms": "1", "credit_limit": "1"}, "values.credit_limit"),  # set: fixed
        ({"payment_terms": "1", "name": "Other"}, "values.name"),  # from the CRM
    ]
    for values, field in cases:
        body = {"actor_type": "Customer", "values": values}
        response = sales.post(env.url(company_id, "/create"), json=body)
        assert response.status_code == 422, (values, response.text)
        assert response.json()["field"] == field, response.text
    assert erp_customers(env) == before
    assert count(env, Link) == 0 and count(env, OutboxEntry) == 0


def test_an_erp_refusal_shows_its_explanation_and_leaves_nothing(env: TabEnv) -> None:
    company_id = env.company(name="Refused AB")
    before = erp_customers(env)
    sales = env.as_user("sales")
    body = {"actor_type": "Customer", "values": {"payment_terms": "99"}}
    response = sales.post(env.url(company_id, "/create"), json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "The ERP refused" in detail and "'99' is not an item of the list" in detail
    assert response.json()["field"] == "values.payment_terms"
    assert erp_customers(env) == before and count(env, Link) == 0
    with env.database.read_session() as session:
        states = list(session.scalars(select(OutboxEntry.state)))
    assert states == ["failed"]  # nothing open, nothing to reconcile
    retry = sales.post(
        env.url(company_id, "/create"),
        json={"actor_type": "Customer", "values": {"payment_terms": "2"}},
    )
    assert retry.status_code == 201, retry.text


def test_create_needs_the_right_and_an_unlinked_record(env: TabEnv) -> None:
    company_id = env.company(name="Rights AB")
    body = {"actor_type": "Customer", "values": {"payment_terms": "1"}}
    linker = env.as_user("linker")
    assert linker.post(env.url(company_id, "/create"), json=body).status_code == 403
    form = linker.get(env.url(company_id, "/create-form"), params={"actor_type": "Customer"})
    assert form.status_code == 403
    sales = env.as_user("sales")
    assert sales.post(env.url(company_id, "/create"), json=body).status_code == 201
    again = sales.post(env.url(company_id, "/create"), json=body)
    assert again.status_code == 409 and again.json()["field"] == "actor_type"


def test_a_person_goes_under_its_linked_company(env: TabEnv) -> None:
    company_id = env.company(name="Parent AB")
    person_id = env.person(company_id=company_id, first_name="Ada", last_name="Lind")
    sales = env.as_user("sales")
    url = env.url(person_id, "/create", kind="persons")
    body = {"actor_type": "Person", "values": {}}
    orphan = sales.post(url, json=body)
    assert orphan.status_code == 409 and orphan.json()["field"] == "company_id"
    linked = sales.post(
        env.url(company_id, "/connect"), json={"actor_type": "Customer", "erp_key": "10002"}
    )
    assert linked.status_code == 201
    form = sales.get(
        env.url(person_id, "/create-form", kind="persons"), params={"actor_type": "Person"}
    )
    assert form.json()["parent"] == "Customer 10002"
    response = sales.post(url, json=body)
    assert response.status_code == 201, response.text
    with env.erp() as erp:
        actor = erp.show(ActorType.PERSON, response.json()["erp_key"])
    assert actor is not None
    assert (actor.parent_type, actor.parent_key) == (CUSTOMER, "10002")
    assert (actor.values["first_name"], actor.values["last_name"]) == ("Ada", "Lind")
