"""Connector change streams vs raw loops: SQL on MariaDB and PostgreSQL (R-CON-1), and
spreadsheet files, CSV and xlsx (R-CON-3).

What: N customer rows (16 columns) read in (updated_at, id) order, first by a raw
driver loop (mysqlclient `SSCursor` / psycopg named cursor, `fetchmany`), then
through `SqlConnector.changes` (typed actors, batches with cursors), then through the
`ConnectorHost` (which also checks every actor). Prints rows/s, the ratio to the raw
loop and the peak RSS of each phase (sampled from /proc). Targets: connector ≥ 0.7×
the raw loop, peak RSS < 200 MB at any N.

    .venv/bin/python bench/connectors.py --rows 1000000 [--only mariadb|postgresql]
    .venv/bin/python bench/connectors.py --file-rows 100000 --only csv|xlsx

Each database is created for the run (uniquely named) and dropped after it. The
files: N customer rows with the same 17 columns, written to a temporary folder; the
raw loops are `csv.reader` over the file and openpyxl's read-only `iter_rows`.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from erpsync.connectors.spreadsheet import SpreadsheetConnector
from erpsync.connectors.sql import SqlConnector
from erpsync.sdk import ActorType
from erpsync.sdk.host import ConnectorHost

SERVERS = {
    "mariadb": ("mysql+mysqldb://root@127.0.0.1:3306/", "`"),
    "postgresql": ("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", '"'),
}
TEXTS = ["code", "name", "org_no", "email", "phone", "street", "zip", "city",
         "country_code", "currency_code"]  # fmt: skip
COLUMNS = [*TEXTS, "credit_limit", "discount", "employees", "blocked", "founded", "updated_at"]
TYPES = {"credit_limit": "Decimal", "discount": "Double", "employees": "Integer",
         "blocked": "Checkbox", "founded": "Date", "updated_at": "Datetime"}  # fmt: skip
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


class PeakRss:
    """Samples this process's resident memory every 20 ms while in use."""

    def __enter__(self) -> PeakRss:
        self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._rss())


def raw_loop(url: sa.URL, dialect: str) -> int:
    query = f"SELECT id, {', '.join(COLUMNS)} FROM customer ORDER BY updated_at, id"
    count = 0
    if dialect == "mariadb":
        import MySQLdb
        import MySQLdb.cursors

        db = MySQLdb.connect(host=url.host, user=url.username, database=url.database)
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


def measure(
    name: str, loop: Callable[[Any, str], int], url: Any, dialect: str
) -> tuple[float, float]:
    """Rows per second of wall time and of this process's CPU time (all threads).

    The CPU rate does not count the database server's work, and it holds steady when
    other programs load the machine; the wall rate is what a sync run sees.
    """
    with PeakRss() as rss:
        started, cpu = time.perf_counter(), time.process_time()
        count = loop(url, dialect)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rate = count / seconds
    print(f"  {name:<10} {count:>9,} rows {seconds:7.2f} s {rate:>10,.0f} rows/s "
          f"cpu {cpu:6.2f} s peak RSS {rss.peak / 2**20:6.0f} MB", flush=True)  # fmt: skip
    return rate, count / max(cpu, 1e-9)


def compare(phases: list[tuple[str, Callable[[Any, str], int]]], url: Any, dialect: str) -> None:
    """Run the phases in turn `REPEAT` times; print the best ratios to the first."""
    best: dict[str, tuple[float, float]] = {}
    for _ in range(REPEAT):
        for name, loop in phases:
            wall, cpu = measure(name, loop, url, dialect)
            old = best.get(name, (0.0, 0.0))
            best[name] = (max(old[0], wall), max(old[1], cpu))
    raw = best[phases[0][0]]
    for name, _ in phases[1:]:
        wall, cpu = best[name]
        print(
            f"  {name}/raw: {wall / raw[0]:.2f}× wall, {cpu / raw[1]:.2f}× cpu (best of {REPEAT})"
        )


REPEAT = 1


# --- spreadsheet files ---------------------------------------------------------------------

FILE_MAPPING = "actors:\n  Customer:\n    file: {file}\n    key: id\n    fields:\n" + "".join(
    f"      - {{key: {c}, column: {c}, type: {TYPES.get(c, 'Text')}}}\n" for c in COLUMNS
)


def _file_row(n: int) -> list[Any]:
    texts: list[Any] = [f"{c[:4]}-{n}" for c in COLUMNS[:10]]
    stamp = datetime(2024, 1, 1) + timedelta(seconds=n // 7)
    founded = date(2000, 1, 1) + timedelta(days=n % 9000)
    return [n, *texts, n * 1.25, n / 3.0, n % 500, n % 2 == 0, founded, stamp]


def write_file(folder: Path, kind: str, rows: int) -> Path:
    started = time.perf_counter()
    header = ["id", *COLUMNS]
    if kind == "csv":
        path = folder / "customers.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(header)
            for n in range(1, rows + 1):
                row = _file_row(n)
                row[-1] = row[-1].isoformat(sep=" ")
                writer.writerow(row)
    else:
        from openpyxl import Workbook

        path = folder / "customers.xlsx"
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Customers")
        sheet.append(header)
        for n in range(1, rows + 1):
            sheet.append(_file_row(n))
        book.save(path)
    print(f"  wrote {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def raw_file_loop(path: Path) -> int:
    count = 0
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle, delimiter=";")
            next(reader)
            for _ in reader:
                count += 1
        return count
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    for _ in book["Customers"].iter_rows(min_row=2, values_only=True):
        count += 1
    book.close()
    return count


def _file_values(path: Path) -> dict[str, Any]:
    return {"path": str(path), "mapping": FILE_MAPPING.replace("{file}", path.name)}


def file_connector_loop(path: Path) -> int:
    connector = SpreadsheetConnector()
    connector.open("bench", _file_values(path))
    count = sum(len(b.actors) for b in connector.changes(ActorType.CUSTOMER, None))
    connector.close()
    return count


def file_host_loop(path: Path) -> int:
    host = ConnectorHost(SpreadsheetConnector(), timeout=120)
    host.open("bench", _file_values(path))
    count = sum(len(b.actors) for b in host.changes(ActorType.CUSTOMER, None))
    host.close()
    return count


def bench_file(kind: str, rows: int) -> None:
    print(f"{kind}: {rows:,} customers × {len(COLUMNS) + 1} columns", flush=True)
    with tempfile.TemporaryDirectory(prefix="erpsync-bench-") as folder:
        path = write_file(Path(folder), kind, rows)
        phases: list[tuple[str, Callable[[Any, str], int]]] = [
            ("raw loop", lambda p, _: raw_file_loop(p)),
            ("connector", lambda p, _: file_connector_loop(p)),
            ("via host", lambda p, _: file_host_loop(p)),
        ]
        compare(phases, path, kind)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file-rows", type=int, default=100_000)
    parser.add_argument("--only", choices=[*sorted(SERVERS), "csv", "xlsx"])
    parser.add_argument("--repeat", type=int, default=1, help="runs per phase; best counts")
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    for dialect in [args.only] if args.only else ["mariadb", "postgresql", "csv", "xlsx"]:
        if dialect in ("csv", "xlsx"):
            bench_file(dialect, args.file_rows)
            continue
        print(f"{dialect}: {args.rows:,} customers × {len(COLUMNS) + 1} columns", flush=True)
        with database(dialect, args.rows) as url:
            compare(
                [("raw driver", raw_loop), ("connector", connector_loop), ("via host", host_loop)],
                url,
                dialect,
            )


if __name__ == "__main__":
    main()
