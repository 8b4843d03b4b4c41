"""Prepares the demo installation: schema, admin user, demo CRM (and later the demo ERP).

Idempotent: a second run finds everything in place and changes nothing.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from erpsync.accounts import service as accounts
from erpsync.accounts.models import User
from erpsync.accounts.schemas import UserCreate
from erpsync.crm.demo import load_demo_crm
from erpsync.db import Database, migrate
from erpsync.settings import Settings

DEMO_LOGIN = "admin"
PASSWORD_FILE = "demo-admin-password"


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
    with db.session() as session:
        created = load_demo_crm(session)
        if created:
            progress(f"Loaded the demo CRM: {created} companies with persons and projects.")
    return DemoResult(login=DEMO_LOGIN, password=password)
