"""Reaching the ERP's database: URL from the configuration parts, the engine, the
database's identity, and driver failures translated into the contract's categories.

The password only ever goes into the `URL` object (whose text form masks it); every
explanation is built from our own words plus the driver's message with the password
scrubbed out, so no answer or log line can carry it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    NoSuchTableError,
    SQLAlchemyError,
)

from erpsync.connectors.sql.convert import mysql_conversions
from erpsync.sdk import ConfigValues, ConnectorError, config_error, data_error, transient_error
from erpsync.sdk.errors import unknown_connection

DIALECTS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+mysqldb",
    "mariadb": "mysql+mysqldb",
    "sqlite": "sqlite",
}
DEFAULT_PORTS = {"postgresql+psycopg": 5432, "mysql+mysqldb": 3306}
CONNECT_TIMEOUT = 10

# Driver messages (lower case) that mean: fix the settings.
_AUTH = ("password authentication failed", "access denied", 'role "', "authentication")
_UNKNOWN_DB = ("does not exist", "unknown database", "unable to open database")
# …and those that mean: try again later.
_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "can't connect",
    "timeout",
    "timed out",
    "server has gone away",
    "lost connection",
    "connection is closed",
    "no route to host",
    "name or service not known",
    "could not translate host name",
    "unknown mysql server host",
    "database is locked",
    "deadlock",
    "lock wait timeout",
    "could not serialize",
    "terminating connection",
)


@dataclass(frozen=True)
class Target:
    """Where the ERP database is, without the password (safe to show)."""

    driver: str
    host: str
    port: int | None
    database: str
    user: str

    def where(self) -> str:
        if self.driver == "sqlite":
            return f"the SQLite file {self.database}"
        return f"{self.database} on {self.host}:{self.port}"

    def who(self) -> str:
        return f"{self.user}@{self.host}"


def target_of(values: ConfigValues) -> tuple[Target, URL, str]:
    """The target, the engine URL and the password (to scrub from messages)."""
    dialect = str(values.get("dialect") or "").strip().lower()
    if dialect not in DIALECTS:
        raise config_error(
            f"Unknown database kind {dialect!r}; choose one of postgresql, mysql, mariadb, sqlite.",
            code="dialect",
        )
    driver = DIALECTS[dialect]
    database = str(values.get("database") or "").strip()
    if not database:
        what = "file path" if driver == "sqlite" else "name"
        raise config_error(f"Enter the database {what}.", code="database")
    password = str(values.get("password") or "")
    if driver == "sqlite":
        url = URL.create("sqlite", database=database)
        return Target(driver, "localhost", None, database, ""), url, password
    host = str(values.get("host") or "").strip()
    user = str(values.get("user") or "").strip()
    if not host or not user:
        raise config_error("Enter the database host and user.", code="host" if not host else "user")
    port = values.get("port")
    if port in (None, ""):
        port = DEFAULT_PORTS[driver]
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise config_error("The port must be a whole number from 1 to 65535.", code="port")
    query = {"charset": "utf8mb4"} if driver.startswith("mysql") else {}
    url = URL.create(driver, user, password or None, host, port, database, query=query)
    return Target(driver, host, port, database, user), url, password


def make_engine(target: Target, url: URL) -> Engine:
    if target.driver == "sqlite":
        if not os.path.exists(target.database):
            # sqlite3 would create an empty file: an unknown path is a config mistake.
            raise config_error(
                f"There is no SQLite database file at {target.database}.", code="database"
            )
        return create_engine(url, connect_args={"timeout": 10})
    connect_args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT}
    if target.driver.startswith("postgresql"):
        # Stamps come back labelled UTC, so streams need not convert each one.
        connect_args["options"] = "-c timezone=UTC"
    else:  # mysqlclient: DATETIME as aware UTC, parsed in C (see `mysql_conversions`)
        connect_args["conv"] = mysql_conversions()
        # TIMESTAMP columns are answered (and compared) in the session's zone, which is
        # the server's unless set: a server in local time would shift every stamp, and
        # its daylight-saving change would move the change cursor by an hour.
        connect_args["init_command"] = "SET time_zone = '+00:00'"
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def scrub(message: str, password: str) -> str:
    return message.replace(password, "***") if password else message


def _driver_message(exc: BaseException) -> str:
    original = getattr(exc, "orig", None)
    return str(original if original is not None else exc)


def classify(exc: SQLAlchemyError, target: Target, password: str) -> ConnectorError:
    """A database failure in the contract's words (never with the password)."""
    detail = scrub(_driver_message(exc), password)
    lowered = detail.lower()
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return unknown_connection(detail)
    if isinstance(exc, IntegrityError | DataError):
        # One record the database refuses (constraint, value out of range): its problem.
        return data_error(f"The database refused the record: {detail}", detail, "refused")
    if any(word in lowered for word in _AUTH) and target.driver != "sqlite":
        return config_error(
            f"The database refused the login of {target.who()}: check the user and password.",
            detail,
            "credentials",
        )
    if any(word in lowered for word in _UNKNOWN_DB) and "relation" not in lowered:
        return config_error(f"The database {target.where()} does not exist.", detail, "database")
    if any(word in lowered for word in _UNREACHABLE):
        return transient_error(
            f"The database {target.where()} cannot be reached now; it will be tried again.",
            detail,
            "unreachable",
        )
    if isinstance(exc, NoSuchTableError):
        return config_error(f"The table {exc} does not exist in {target.where()}.", detail)
    return ConnectorError(
        "system", f"The database {target.where()} failed: {detail}", detail, "database_error"
    )


@contextmanager
def translated(target: Target, password: str) -> Iterator[None]:
    """Run database work; failures become `ConnectorError`s of the right category."""
    try:
        yield
    except ConnectorError:
        raise
    except SQLAlchemyError as exc:
        raise classify(exc, target, password) from None


def instance_id(engine: Engine, target: Target) -> str:
    """Something that changes when the database behind the same settings is another one."""
    with engine.connect() as connection:
        if target.driver.startswith("postgresql"):
            parts: list[Any] = list(
                connection.execute(
                    text("SELECT oid, datname FROM pg_database WHERE datname = current_database()")
                ).one()
            )
        elif target.driver.startswith("mysql"):
            parts = list(connection.execute(text("SELECT @@hostname, @@datadir, DATABASE()")).one())
        else:
            stat = os.stat(target.database)
            parts = [os.path.realpath(target.database), stat.st_ino, stat.st_dev]
    digest = hashlib.sha256(repr((target.driver, target.host, target.port, parts)).encode())
    return f"{target.driver.split('+')[0]}:{digest.hexdigest()[:24]}"
