"""`make demo` prepares a usable installation, and running it again changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from erpsync.accounts.models import User
from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.connectors.demo import DemoErp
from erpsync.crm import service as crm
from erpsync.crm.models import Company
from erpsync.crm.schemas import CompanyCreate
from erpsync.db import create_database
from erpsync.demo_setup import NEW_IN_ERP, prepare_demo
from erpsync.linking import create
from erpsync.linking.schemas import CreateIn
from erpsync.linking.target import LinkTarget
from erpsync.mapping import lists, service
from erpsync.mapping.crm_fields import COMPANY
from erpsync.sdk.model import ActorType
from erpsync.secrets import SecretBox
from erpsync.settings import Settings, ensure_secrets
from erpsync.sync import engine, runs
from erpsync.sync.models import Link, SyncLogEntry


def test_demo_has_admin_crm_and_an_active_demo_connection_and_is_idempotent(
    tmp_path: Path,
) -> None:
    settings, _ = ensure_secrets(Settings(data_dir=tmp_path))
    database = create_database(settings.sqlalchemy_url)
    messages: list[str] = []
    first = prepare_demo(settings, database, progress=messages.append)
    second = prepare_demo(settings, database)
    assert first == second  # same sign-in printed every time
    assert any("Added the connection 'Demo ERP': Connected" in m for m in messages)
    with database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
        companies = session.scalar(select(func.count()).select_from(Company))
        connections = session.scalars(select(Connection)).all()
        linked = dict(
            session.execute(select(Link.actor_type, func.count()).group_by(Link.actor_type)).all()
        )
    # the demo CRM's 50 companies, the ERP's customers and suppliers imported (R-SEM-6)
    assert linked["Customer"] == 500 and linked["Supplier"] == 100 and linked["Person"] > 0
    assert companies is not None and companies > 500
    assert any("sync is on" in m for m in messages)
    assert [(c.name, c.connector_key, c.active, c.sync_enabled) for c in connections] == [
        ("Demo ERP", "demo", True, True)
    ]
    assert (tmp_path / "demo-erp.sqlite").exists()
    # customers entered in the ERP after the import: something to import and to connect to
    with DemoErp(tmp_path / "demo-erp.sqlite") as erp:
        new = [erp.show(ActorType.CUSTOMER, key) for key in ("10501", "10502", "10503")]
    assert [a.values["name"] for a in new if a is not None] == [r[0][5:] for r in NEW_IN_ERP]
    assert any("Entered 3 customers in the demo ERP after the import" in m for m in messages)
    with database.read_session() as session:
        unlinked = session.scalars(
            select(Link.erp_key).where(Link.erp_key.in_(["10501", "10502", "10503"]))
        ).all()
    assert unlinked == []
    with database.read_session() as session:  # mapped by automap, lists matched (issue 7)
        customer = service.stored(session, connections[0].id, "Customer")
        statuses = lists.pairs(session, connections[0].id, "project_statuses").erp_to_crm
    assert {(r.erp_field, r.crm_field, r.direction) for r in customer} >= {
        ("name", "name", "both"),
        ("number", "number", "to_crm"),
        ("country", "country", "both"),
    }
    assert dict(statuses) == {"1": "planned", "2": "in_progress", "3": "on_hold", "4": "completed"}


def test_the_first_sync_sends_nothing_back_and_create_in_erp_has_defaults(
    tmp_path: Path,
) -> None:
    """The demo CRM's companies and their twins in the demo ERP agree (org. number,
    phone), so a new user's first sync log holds no CRM → ERP writes nobody made; and
    Create in ERP shows how defaults work (R-TAB-3): asked ones on the form, set ones
    applied."""
    settings, _ = ensure_secrets(Settings(data_dir=tmp_path))
    database = create_database(settings.sqlalchemy_url)
    prepare_demo(settings, database)
    with database.session() as session:
        connection = session.scalars(select(Connection)).one()
        run_id = runs.request(session, connection, engine.utc_now()).run.id
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    result = engine.execute(database, keys, run_id)
    assert result.state == "succeeded", result.error
    with database.read_session() as session:
        actions = session.scalars(select(SyncLogEntry.action).where(SyncLogEntry.run_id == run_id))
        company = session.scalars(select(Company).where(Company.number == "10001")).one()
    assert "to_erp" not in set(actions)
    with DemoErp(tmp_path / "demo-erp.sqlite") as erp:
        twin = erp.show(ActorType.CUSTOMER, "10001")
    assert twin is not None
    assert (twin.values["org_no"], twin.values["phone"]) == (company.org_no, company.phone)
    with database.session() as session:
        admin = session.scalars(select(User)).one()
        fresh = crm.create_company(session, CompanyCreate(name="Fresh Start AB")).id
    link = LinkTarget(database, keys, admin, COMPANY, fresh, connection.id)
    form = {field.erp_field: field for field in create.create_form(link, "Customer").fields}
    assert (form["payment_terms"].mode, form["payment_terms"].value) == ("ask", "2")
    assert form["customer_group"].mode == "ask" and "credit_limit" not in form
    created = create.create(link, CreateIn(actor_type="Customer", values={}))
    with DemoErp(tmp_path / "demo-erp.sqlite") as erp:
        made = erp.show(ActorType.CUSTOMER, created.erp_key)
    assert made is not None and made.values["name"] == "Fresh Start AB"
    assert (made.values["payment_terms"], made.values["customer_group"]) == ("2", "1")
    assert str(made.values["credit_limit"]) == "10000"  # stored as digits, not 1E+4
