"""The demo ERP's SQLite file: schema, connections, the row-version counter, value storage.

Every write takes the next `row_version` from one counter row inside a transaction
begun `IMMEDIATE`, so versions are handed out in commit order: reading "all rows
with a version above V" never skips a row that commits late (the connector needs no
overlap window). Deletes are soft (`deleted = 1` and a new version) so they travel
through the change stream.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from erpsync.connectors.demo import prices
from erpsync.sdk import FieldType, Value
from erpsync.sdk.model import Operator, Restriction
from erpsync.sdk.operators import matches, search_rank

SCHEMA_NAME = "erpsync-demo-erp"
SCHEMA_VERSION = "2"  # 2: products and price lists (`products_seed`)
#: Versions this code opens; version 1 (no products) is upgraded by `DemoErp`.
SUPPORTED_VERSIONS = ("1", SCHEMA_VERSION)

_COMPANY_COLUMNS = """
    name TEXT NOT NULL, org_no TEXT, vat_no TEXT, address1 TEXT, address2 TEXT, zip TEXT,
    city TEXT, country TEXT, phone TEXT, email TEXT, web TEXT, currency TEXT,
    payment_terms TEXT, customer_group TEXT, credit_limit TEXT, discount REAL,
    bank_account TEXT, employees INTEGER, blocked INTEGER NOT NULL DEFAULT 0, founded TEXT,
    notes TEXT"""
_TRACKING = """
    modified_at TEXT NOT NULL, row_version INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, ext_ref TEXT"""

DDL = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE list_item (
    list_name TEXT NOT NULL, id TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (list_name, id));
CREATE TABLE company (
    kind TEXT NOT NULL CHECK (kind IN ('customer', 'supplier', 'partner')),
    number INTEGER NOT NULL, {_COMPANY_COLUMNS}, {_TRACKING},
    PRIMARY KEY (kind, number));
CREATE INDEX company_changes ON company (kind, row_version);
CREATE UNIQUE INDEX company_ext_ref ON company (kind, ext_ref) WHERE ext_ref IS NOT NULL;
CREATE TABLE person (
    number INTEGER PRIMARY KEY, parent_kind TEXT NOT NULL, parent_number INTEGER NOT NULL,
    first_name TEXT NOT NULL, last_name TEXT NOT NULL, title TEXT, email TEXT, phone TEXT,
    mobile TEXT, {_TRACKING});
CREATE INDEX person_changes ON person (row_version);
CREATE INDEX person_parent ON person (parent_kind, parent_number);
CREATE UNIQUE INDEX person_ext_ref ON person (ext_ref) WHERE ext_ref IS NOT NULL;
CREATE TABLE project (
    number INTEGER PRIMARY KEY, customer_number INTEGER, name TEXT NOT NULL, status TEXT,
    start_date TEXT, end_date TEXT, budget TEXT, billable INTEGER NOT NULL DEFAULT 0,
    hours_estimate INTEGER, {_TRACKING});
CREATE INDEX project_changes ON project (row_version);
CREATE INDEX project_customer ON project (customer_number);
CREATE UNIQUE INDEX project_ext_ref ON project (ext_ref) WHERE ext_ref IS NOT NULL;
INSERT INTO counter (name, value) VALUES ('row_version', 0);
"""  # noqa: S608 - constant text, no input


class NotADemoErp(Exception):
    """The file is missing or is not a demo ERP database."""


def connect(path: Path | str, *, create: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with WAL and a
    busy timeout, and the SQL functions the search needs."""
    location = Path(path)
    if not create and not location.is_file():
        raise NotADemoErp(f"No demo ERP database at {location}")
    mode = "rwc" if create else "rw"
    connection = sqlite3.connect(
        f"file:{location}?mode={mode}",
        uri=True,
        isolation_level=None,
        check_same_thread=False,  # the host may move a connector to a fresh thread
        timeout=10.0,
    )
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA busy_timeout=10000")
    connection.execute("PRAGMA synchronous=NORMAL")
    _register_functions(connection)
    return connection


def check_schema(connection: sqlite3.Connection) -> dict[str, str]:
    """The meta rows; NotADemoErp when this database is something else."""
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise NotADemoErp(f"not a demo ERP database ({exc})") from None
    if meta.get("schema") != SCHEMA_NAME:
        raise NotADemoErp("not a demo ERP database (no demo ERP schema mark)")
    if meta.get("schema_version") not in SUPPORTED_VERSIONS:
        raise NotADemoErp(
            f"demo ERP schema version {meta.get('schema_version')} is not supported; "
            "re-create it with `erpsync demo erp init`"
        )
    return meta


@contextmanager
def write(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction begun IMMEDIATE (versions in commit order)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def next_versions(connection: sqlite3.Connection, count: int = 1) -> int:
    """Take `count` row versions; returns the first. Call inside `write`."""
    (last,) = connection.execute(
        "UPDATE counter SET value = value + ? WHERE name = 'row_version' RETURNING value",
        (count,),
    ).fetchone()
    return int(last) - count + 1


def now_text() -> str:
    return datetime_text(datetime.now(UTC))


def datetime_text(moment: datetime) -> str:
    """One fixed format, so stored datetimes compare correctly as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def to_column(field_type: FieldType, value: Value) -> object:
    """The stored form of a field value."""
    if value is None:
        return None
    if field_type is FieldType.CHECKBOX:
        return 1 if value else 0
    if field_type is FieldType.DECIMAL:  # plain digits: 10000, never 1E+4
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if field_type is FieldType.DATETIME and isinstance(value, datetime):
        return datetime_text(value)
    if field_type is FieldType.DATE and isinstance(value, date):
        return value.isoformat()
    return value


def from_column(field_type: FieldType, stored: object) -> Value:
    """The field value of a stored column."""
    if stored is None:
        return None
    if field_type is FieldType.CHECKBOX:
        return bool(stored)
    if field_type is FieldType.DECIMAL:
        return Decimal(str(stored))
    if field_type is FieldType.DATETIME:
        return datetime.fromisoformat(str(stored))
    if field_type is FieldType.DATE:
        return date.fromisoformat(str(stored))
    if field_type is FieldType.DOUBLE:
        return float(stored)  # type: ignore[arg-type]
    if field_type is FieldType.TEXT or field_type is FieldType.LIST:
        return str(stored)
    return stored  # type: ignore[return-value]


def _text_op(operator: str, value: object, needle: object) -> int | None:
    if value is None or needle is None:
        return None
    return int(matches(Restriction("", Operator(operator), (str(needle),)), str(value)))


def _decimal_cmp(value: object, other: object) -> int | None:
    if value is None or other is None:
        return None
    left, right = Decimal(str(value)), Decimal(str(other))
    return (left > right) - (left < right)


def _rank(needle: str, *values: object) -> int | None:
    return search_rank(needle, [value for value in values if isinstance(value, str)])


def _register_functions(connection: sqlite3.Connection) -> None:
    # Text and Decimal comparisons use the SDK's reference meaning, so the demo ERP
    # answers exactly what `erpsync.sdk.operators` says (case folding beyond ASCII).
    connection.create_function("erp_text", 3, _text_op, deterministic=True)
    connection.create_function("erp_dec_cmp", 2, _decimal_cmp, deterministic=True)
    connection.create_function("erp_rank", -1, _rank, deterministic=True)
    prices.register(connection)
