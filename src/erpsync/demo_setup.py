"""Prepares the demo installation: schema, admin user, demo CRM, demo ERP and its connection.

Idempotent: a second run finds everything in place and changes nothing.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.accounts import service as accounts
from erpsync.accounts.models import User
from erpsync.accounts.schemas import UserCreate
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connections.service import Keys
from erpsync.connectors.demo import DemoErp
from erpsync.connectors.demo.seed import init_database, twin_identities
from erpsync.crm.demo import load_demo_crm
from erpsync.db import Database, migrate
from erpsync.errors import ConfigError
from erpsync.mapping import erp as mapping_erp
from erpsync.mapping import lists, quickstart
from erpsync.mapping import service as mapping_service
from erpsync.mapping.models import FieldMapping
from erpsync.mapping.schemas import FieldMappingPatch, ItemPair, ListMappingPut
from erpsync.sdk.model import ActorType
from erpsync.secrets import SecretBox
from erpsync.settings import Settings
from erpsync.sync.context import utc_now
from erpsync.sync.imports import job as import_job
from erpsync.sync.imports import service as imports
from erpsync.sync.imports.schemas import ImportCreate
from erpsync.sync.models import Link

DEMO_LOGIN = "admin"
DEMO_CONNECTION = "Demo ERP"
DEMO_ERP_FILE = "demo-erp.sqlite"  # also where `erpsync demo erp` looks
PASSWORD_FILE = "demo-admin-password"
#: customers the demo ERP gets after the import (not in the CRM, not linked)
NEW_IN_ERP = [
    ["name=Tallbacken Snickeri AB", "city=Sundsvall", "country=SE", "currency=SEK"],
    ["name=Österlen Keramik AB", "city=Simrishamn", "country=SE", "currency=SEK"],
    ["name=Fjordvik Sjømat AS", "city=Ålesund", "country=NO", "currency=NOK"],
]


@dataclass
class DemoResult:
    login: str
    password: str


def _demo_password(data_dir: Path) -> str:
    path = data_dir / PASSWORD_FILE
    if path.exists():
        return path.read_text().strip()
    password = secrets.token_urlsafe(9)
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password)
    return password


def prepare_demo(
    settings: Settings, db: Database, progress: Callable[[str], None] = lambda _: None
) -> DemoResult:
    progress("Upgrading the database schema …")
    migrate.upgrade(db.engine)
    password = _demo_password(settings.data_dir)
    with db.session() as session:
        if session.scalar(select(User.id).where(User.login == DEMO_LOGIN)) is None:
            progress("Creating the administrator …")
            accounts.create_user(
                session,
                UserCreate(
                    login=DEMO_LOGIN, name="Demo Administrator", password=password, role="admin"
                ),
            )
    erp_path = _demo_erp(settings, progress)
    with db.session() as session:
        created = load_demo_crm(session, twin_identities(erp_path))
        if created:
            progress(f"Loaded the demo CRM: {created} companies with persons and projects.")
    _demo_connection(settings, db, progress)
    _import_and_sync(settings, db, progress)
    return DemoResult(login=DEMO_LOGIN, password=password)


def _import_and_sync(settings: Settings, db: Database, progress: Callable[[str], None]) -> None:
    """R-SEM-6: the demo starts imported (links exist) and with sync on, so a change in the
    demo ERP reaches the CRM at the next scheduled run or at **Sync now**. Runs once: a
    connection with links or with sync on is left as it is."""
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    with db.read_session() as session:
        connection = session.scalar(select(Connection).where(Connection.name == DEMO_CONNECTION))
        if connection is None or not connection.active or connection.sync_enabled:
            return
        if session.scalar(select(Link.id).where(Link.connection_id == connection.id).limit(1)):
            return
        mapped = session.scalars(
            select(FieldMapping.actor_type)
            .where(FieldMapping.connection_id == connection.id, FieldMapping.crm_field.is_not(None))
            .distinct()
        ).all()
    progress("Importing the demo ERP's records into the CRM …")
    data = ImportCreate(actor_types=sorted(mapped), rules=["number"], action="merge")
    with db.session() as session:
        found = session.get(Connection, connection.id)
        assert found is not None
        job_id = imports.create(session, found, data, None).id
    if import_job.run(db, keys, job_id) == "ready":
        with db.session() as session:
            imports.request_commit(session, imports.get(session, job_id), utc_now())
        import_job.run(db, keys, job_id)
    with db.session() as session:
        job = imports.get(session, job_id)
        if job.state != "succeeded":
            progress(f"The import did not finish ({job.state}): {job.error}; sync stays off.")
            return
        found = session.get(Connection, connection.id)
        assert found is not None
        found.sync_enabled = True
    progress("Imported; sync is on (every 5 minutes, or Sync now on the Sync screen).")
    _new_in_erp(settings.data_dir / DEMO_ERP_FILE, progress)


def _new_in_erp(erp_path: Path, progress: Callable[[str], None]) -> None:
    """A few customers entered in the demo ERP after the import, so a new user finds ERP
    records that are not in the CRM yet: to import (sync off) or to connect a company to."""
    with DemoErp(erp_path) as erp:
        keys = [
            erp.insert(ActorType.CUSTOMER, erp.parse(ActorType.CUSTOMER, row)).key
            for row in NEW_IN_ERP
        ]
    progress(
        f"Entered {len(keys)} customers in the demo ERP after the import "
        f"({', '.join(keys)}): import them, or connect a company to one on its ERP tab."
    )


def _demo_erp(settings: Settings, progress: Callable[[str], None]) -> Path:
    """The demo ERP file in the data directory, created on first use."""
    erp_path = settings.data_dir / DEMO_ERP_FILE
    if not erp_path.exists():
        progress(f"Creating the demo ERP at {erp_path} …")
        init_database(erp_path)
    return erp_path


def _demo_connection(settings: Settings, db: Database, progress: Callable[[str], None]) -> None:
    """An active connection to the demo ERP file in the data directory."""
    erp_path = _demo_erp(settings, progress)
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    with db.session() as session:
        if connections.list_visible(session, _admin(session), include_deleted=True):
            return
        admin = _admin(session)
        data = ConnectionCreate(
            name=DEMO_CONNECTION,
            connector="demo",
            description="The demo ERP that ships with erpsync; change it with `erpsync demo erp`.",
            config={"database": str(erp_path)},
        )
        result, connection = connections.create_tested(session, keys, admin, data)
        if connection is None:
            raise ConfigError(f"The demo ERP connection does not test OK: {result.message}")
        _map_demo(session, keys, connection.id)
        activation = connections.activate(session, keys, admin, connection.id)
        progress(f"Added the connection '{DEMO_CONNECTION}': {result.message}")
        if not activation.active:
            progress("It is not active yet: " + " ".join(activation.reasons))


#: Defaults of a customer created from the CRM: (ERP field, mode, value).
CREATE_DEFAULTS = [
    ("payment_terms", "ask", "2"),  # 30 days net, shown and editable
    ("customer_group", "ask", "1"),  # retail
    ("credit_limit", "set", "10000.00"),  # applied, not shown
]


def _map_demo(session: Session, keys: Keys, connection_id: int) -> None:
    """Automap every actor type with directions chosen, lists matched; the two project
    statuses whose code and name differ are paired by hand; customers created from the
    CRM get payment terms, a group and a credit limit by default."""
    connection = connections.get(session, _admin(session), connection_id)
    meta = mapping_erp.read(keys, connection)
    quickstart.map_connection(session, meta, connection_id)
    statuses = lists.report(session, meta, connection_id, "project_statuses").items
    statuses += [ItemPair(erp_item="2", crm_item="in_progress")]
    statuses += [ItemPair(erp_item="4", crm_item="completed")]
    data = ListMappingPut(crm_list="project_status", items=statuses)
    lists.put(session, meta, connection_id, "project_statuses", data)
    for erp_field, mode, value in CREATE_DEFAULTS:  # shown on Create in ERP (R-TAB-3)
        change = FieldMappingPatch(default_mode=mode, default_value=value)
        mapping_service.patch(session, meta, connection_id, "Customer", erp_field, change)


def _admin(session: Session) -> User:
    user = session.scalar(select(User).where(User.login == DEMO_LOGIN))
    if user is None:
        raise ConfigError(f"The demo administrator '{DEMO_LOGIN}' is missing.")
    return user
