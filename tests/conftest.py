"""Shared fixtures: settings in a temp dir, migrated SQLite and PostgreSQL databases, app clients.

Migrations run once per test session per database; each test starts from empty tables
(truncation), not from a re-created schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from erpsync.accounts import service as accounts
from erpsync.accounts.models import User
from erpsync.accounts.schemas import UserCreate
from erpsync.app import create_app
from erpsync.db import Database, create_database, migrate
from erpsync.metadata import Base
from erpsync.settings import Settings, ensure_secrets
from tests.services import PG_ADMIN_URL, need_service, unique_name

BACKENDS = ["sqlite", "postgres"]
ADMIN_PASSWORD = "admin-password-1"
USER_PASSWORD = "user-password-1"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A uniquely named PostgreSQL database for this test session, dropped at the end."""
    need_service("PostgreSQL", "127.0.0.1", 5432)
    name = unique_name("erpsync_test")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'erpsync.db'}"


@pytest.fixture(scope="session")
def _migrated(request: pytest.FixtureRequest) -> dict[str, Database]:
    return {}


def _database_for(backend: str, request: pytest.FixtureRequest) -> Database:
    cache: dict[str, Database] = request.getfixturevalue("_migrated")
    if backend not in cache:
        url = request.getfixturevalue("pg_url" if backend == "postgres" else "sqlite_url")
        database = create_database(url)
        migrate.upgrade(database.engine)
        cache[backend] = database
    return cache[backend]


def truncate(database: Database) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    tables.remove("change_counter")
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text("UPDATE change_counter SET value = 0"))


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest) -> Database:
    """A migrated, empty database; tests using it run on SQLite and on PostgreSQL."""
    database = _database_for(request.param, request)
    truncate(database)
    return database


@pytest.fixture
def sqlite_database(request: pytest.FixtureRequest) -> Database:
    """A migrated, empty SQLite database (for tests that need only one backend)."""
    database = _database_for("sqlite", request)
    truncate(database)
    return database


@pytest.fixture
def pg_database(request: pytest.FixtureRequest) -> Database:
    database = _database_for("postgres", request)
    truncate(database)
    return database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    completed, _ = ensure_secrets(Settings(data_dir=tmp_path / "data"))
    return completed


def make_user(database: Database, login: str, password: str, role: str = "user") -> User:
    with database.session() as session:
        return accounts.create_user(
            session,
            UserCreate(login=login, name=login.title(), password=password, role=role),  # type: ignore[arg-type]
        )


@pytest.fixture
def admin(database: Database) -> User:
    return make_user(database, "admin", ADMIN_PASSWORD, "admin")


@pytest.fixture
def app_client(settings: Settings, database: Database) -> Iterator[TestClient]:
    """An anonymous client of an app on the test database."""
    with TestClient(create_app(settings, database)) as client:
        yield client


def signed_in(client: TestClient, login: str, password: str) -> TestClient:
    """Sign in through the page form; afterwards API calls carry the CSRF header."""
    page = client.get("/login")
    token = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/login", data={"login": login, "password": password, "csrf_token": token, "next": "/"}
    )
    assert response.status_code in (200, 303), response.text
    home = client.get("/")
    csrf = home.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    client.headers["X-CSRF-Token"] = csrf
    return client


@pytest.fixture
def admin_client(app_client: TestClient, admin: User) -> TestClient:
    return signed_in(app_client, admin.login, ADMIN_PASSWORD)
