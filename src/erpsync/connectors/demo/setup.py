"""Opening the demo ERP: the configured file checked (a demo ERP's schema, the access
key, the batch size), the configuration test, and SQLite failures in the words of the
contract.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from erpsync.connectors.demo.schema import NotADemoErp, check_schema, connect
from erpsync.sdk import (
    ConfigValues,
    ConnectorError,
    Response,
    Value,
    config_error,
    transient_error,
    unknown_connection,
)


@contextmanager
def translated() -> Iterator[None]:
    """SQLite failures in the words of the contract."""
    try:
        yield
    except sqlite3.ProgrammingError as exc:  # the handle was closed under us
        raise unknown_connection(str(exc)) from exc
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise transient_error("The demo ERP is busy; try again.", text) from exc
        if "unable to open" in text or "no such table" in text or "disk I/O" in text:
            raise config_error("The demo ERP database cannot be read.", text) from exc
        raise


def connect_checked(values: ConfigValues) -> tuple[sqlite3.Connection, dict[str, str]]:
    """The configured file opened and checked, with its `meta` rows; every failure is a
    `config` error whose user explanation never shows the path."""
    path = values.get("database")
    if not isinstance(path, str) or not path.strip():
        raise config_error("Enter the path of the demo ERP database file.", code="database")
    try:
        db = connect(path.strip())
    # The path is technical detail: users of the connection are not shown it.
    except NotADemoErp:
        raise config_error(
            "There is no demo ERP database at the configured path; create one with "
            "`erpsync demo erp init PATH`.",
            f"There is no demo ERP database at {path}.",
            code="database",
        ) from None
    except sqlite3.Error as exc:
        raise config_error(
            "The demo ERP database cannot be opened.", f"{path}: {exc}.", code="database"
        ) from None
    try:
        meta = check_schema(db)
        _check_access_key(meta, values.get("access_key"))
        batch_size_of(values)
    except NotADemoErp as exc:
        db.close()
        raise config_error(
            f"The configured database file is {exc}.", f"{path} is {exc}.", code="database"
        ) from None
    except ConnectorError:
        db.close()
        raise
    return db, meta


def test_config(values: ConfigValues) -> Response:
    """Open the configured file, count its companies and let go again."""
    try:
        db, meta = connect_checked(values)
    except ConnectorError as exc:
        return exc.to_response()
    try:
        counts = dict(
            db.execute("SELECT kind, COUNT(*) FROM company WHERE deleted = 0 GROUP BY kind")
        )
    finally:
        db.close()
    return Response.success(
        f"Connected to the demo ERP ({counts.get('customer', 0)} customers, "
        f"{counts.get('supplier', 0)} suppliers).",
        f"instance {meta['instance_id']}",
    )


def batch_size_of(values: ConfigValues) -> int:
    size = values.get("batch_size")
    if size is None or size == "":
        return 500
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 100_000:
        raise config_error("Batch size must be a whole number from 1 to 100000.", code="batch_size")
    return size


def _check_access_key(meta: Mapping[str, str], given: Value) -> None:
    stored = meta.get("access_key_sha256")
    if stored is None:
        return
    offered = hashlib.sha256(str(given or "").encode()).hexdigest()
    if not hmac.compare_digest(stored, offered):
        raise config_error("The access key is wrong.", code="access_key")
