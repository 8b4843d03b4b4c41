"""Connector change streams vs raw loops: SQL on MariaDB and PostgreSQL (R-CON-1), and
spreadsheet files, CSV and xlsx (R-CON-3, in `_connector_files.py`).

What: N customer rows (16 columns) read in (updated_at, id) order, first by a raw
driver loop (mysqlclient `SSCursor` / psycopg named cursor, `fetchmany`, the driver's
default decoders: the baseline), then through `SqlConnector.changes` (typed actors,
batches with cursors), then through the `ConnectorHost` (which also checks every
actor). On MariaDB a last phase runs the raw loop again with the decoders the
connector gives mysqlclient (`mysql_conversions`), for reference: the ratios stay
against the baseline. Prints rows/s, the ratio to the raw loop and the peak RSS of
each phase (sampled from /proc). Targets: connector ≥ 0.7× the raw loop, peak RSS
< 200 MB at any N.

The process runs with the garbage-collector setting of erpsync's own processes
(`erpsync.collector.tune_for_throughput`, as the `erpsync` command applies it), for
every phase alike; `--default-gc` keeps the interpreter's defaults instead.

    .venv/bin/python bench/connectors.py --rows 1000000 [--only mariadb|postgresql]
    .venv/bin/python bench/connectors.py --file-rows 100000 --only csv|xlsx

Each database is created for the run (uniquely named) and dropped after it.
"""

from __future__ import annotations

import argparse
import gc
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from _connector_common import COLUMNS, TYPES, Phase, compare
from _connector_files import bench_file

from erpsync.collector import tune_for_throughput
from erpsync.connectors.sql import SqlConnector
from erpsync.connectors.sql.convert import mysql_conversions
from erpsync.sdk import ActorType
from erpsync.sdk.host import ConnectorHost

SERVERS = {
    "mariadb": ("mysql+mysqldb://root@127.0.0.1:3306/", "`"),
    "postgresql": ("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", '"'),
}
MAPPING = "actors:\n  Customer:\n    table: customer\n    key: id\n    modified: updated_at\n"
MAPPING += "    fields:\n" + "".join(
    f"      - {{key: {c}, type: {TYPES.get(c, 'Text')}}}\n" for c in COLUMNS
)


def _ddl(dialect: str) -> str:
    stamp = "DATETIME(6)" if dialect == "mariadb" else "TIMESTAMP WITH TIME ZONE"
    real = "DOUBLE" if dialect == "mariadb" else "DOUBLE PRECISION"
    serial = "INT AUTO_INCREMENT" if dialect == "mariadb" else "SERIAL"
    texts = ", ".join(f"{c} VARCHAR(80)" for c in COLUMNS[:10])
    return (
        f"CREATE TABLE customer (id {serial} PRIMARY KEY, {texts}, credit_limit NUMERIC(12,2), "
        f"discount {real}, employees INT, blocked BOOLEAN, founded DATE, updated_at {stamp})"
    )


def _fill_sql(dialect: str, rows: int) -> str:
    n = "seq" if dialect == "mariadb" else "n"
    source = f"seq_1_to_{rows}" if dialect == "mariadb" else f"generate_series(1, {rows}) AS n"
    text = [f"CONCAT('{c[:4]}-', {n})" for c in COLUMNS[:10]]
    stamp = (
        f"TIMESTAMP '2024-01-01 00:00:00' + INTERVAL ({n} DIV 7) SECOND"
        if dialect == "mariadb"
        else f"TIMESTAMPTZ '2024-01-01 00:00:00+00' + ({n} / 7) * INTERVAL '1 second'"
    )
    day = f"INTERVAL ({n} % 9000) DAY" if dialect == "mariadb" else f"({n} % 9000)"
    values = [*text, f"{n} * 1.25", f"{n} / 3.0", f"{n} % 500", f"{n} % 2 = 0",
              f"DATE '2000-01-01' + {day}", stamp]  # fmt: skip
    return f"INSERT INTO customer ({', '.join(COLUMNS)}) SELECT {', '.join(values)} FROM {source}"


@contextmanager
def database(dialect: str, rows: int) -> Iterator[sa.URL]:
    admin_url, quote = SERVERS[dialect]
    name = f"erpsync_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(sa.text(f"CREATE DATABASE {quote}{name}{quote}"))
    url = sa.make_url(admin_url).set(database=name)
    engine = sa.create_engine(url)
    try:
        started = time.perf_counter()
        with engine.begin() as db:
            db.execute(sa.text(_ddl(dialect)))
            db.execute(sa.text(_fill_sql(dialect, rows)))
            db.execute(sa.text("CREATE INDEX customer_stamp ON customer (updated_at, id)"))
        if dialect == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
                db.execute(sa.text("VACUUM ANALYZE customer"))
        print(f"  filled {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        yield url
    finally:
        engine.dispose()
        with admin.connect() as db:
            drop = " WITH (FORCE)" if dialect == "postgresql" else ""
            db.execute(sa.text(f"DROP DATABASE IF EXISTS {quote}{name}{quote}{drop}"))
        admin.dispose()


def raw_loop(url: sa.URL, dialect: str, decoders: dict[Any, Any] | None = None) -> int:
    query = f"SELECT id, {', '.join(COLUMNS)} FROM customer ORDER BY updated_at, id"
    count = 0
    if dialect == "mariadb":
        import MySQLdb
        import MySQLdb.cursors

        conv = {} if decoders is None else {"conv": decoders}
        db = MySQLdb.connect(host=url.host, user=url.username, database=url.database, **conv)
        cursor = db.cursor(MySQLdb.cursors.SSCursor)
    else:
        import psycopg

        db = psycopg.connect(host=url.host, user=url.username, dbname=url.database)
        cursor = db.cursor(name="raw")
    cursor.execute(query)
    while rows := cursor.fetchmany(1000):
        count += len(rows)
    cursor.close()
    db.close()
    return count


def raw_with_decoders(url: sa.URL, dialect: str) -> int:
    """The raw loop with the decoders the connector gives mysqlclient (reference)."""
    return raw_loop(url, dialect, mysql_conversions())


def _values(url: sa.URL, dialect: str) -> dict[str, Any]:
    return {"dialect": dialect, "host": url.host, "user": url.username,
            "database": url.database, "mapping": MAPPING}  # fmt: skip


def connector_loop(url: sa.URL, dialect: str) -> int:
    connector = SqlConnector()
    connector.open("bench", _values(url, dialect))
    count = sum(len(b.actors) for b in connector.changes(ActorType.CUSTOMER, None))
    connector.close()
    return count


def host_loop(url: sa.URL, dialect: str) -> int:
    host = ConnectorHost(SqlConnector(), timeout=120)
    host.open("bench", _values(url, dialect))
    count = sum(len(b.actors) for b in host.changes(ActorType.CUSTOMER, None))
    host.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file-rows", type=int, default=100_000)
    parser.add_argument("--only", choices=[*sorted(SERVERS), "csv", "xlsx"])
    parser.add_argument("--repeat", type=int, default=1, help="runs per phase; best counts")
    parser.add_argument("--default-gc", action="store_true", help="keep Python's GC defaults")
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    if not args.default_gc:
        tune_for_throughput()
    print(f"garbage collector thresholds {gc.get_threshold()}", flush=True)
    for dialect in [args.only] if args.only else ["mariadb", "postgresql", "csv", "xlsx"]:
        if dialect in ("csv", "xlsx"):
            bench_file(dialect, args.file_rows, repeat)
            continue
        print(f"{dialect}: {args.rows:,} customers × {len(COLUMNS) + 1} columns", flush=True)
        phases: list[Phase] = [
            ("raw driver", raw_loop), ("connector", connector_loop), ("via host", host_loop),
        ]  # fmt: skip
        if dialect == "mariadb":
            phases.append(("raw+decoders", raw_with_decoders))
        with database(dialect, args.rows) as url:
            compare(phases, url, dialect, repeat)


if __name__ == "__main__":
    main()
