"""Cost of change positions (R-SEM-3) on bulk CRM writes, against plain inserts.

Inserts N companies in transactions of 1,000 rows (the engine's batch size, R-SEM-8)
into a migrated database twice in the same run: (a) a plain Core `executemany` with no
position, the baseline; (b) the same rows with positions from `allocate_positions`, as
the sync engine will write them. Prints rows/s and the ratio b/a.

    .venv/bin/python bench/crm_positions.py [--rows 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from erpsync.crm.models import Company
from erpsync.db import Database, create_database, migrate
from erpsync.db.positions import allocate_positions

BATCH = 1000


def _rows(start: int, count: int, positions: int | None) -> list[dict[str, object]]:
    now = datetime.now(UTC)
    rows: list[dict[str, object]] = []
    for i in range(start, start + count):
        row: dict[str, object] = {
            "name": f"Company {i}",
            "number": str(100000 + i),
            "org_no": f"556{i:07d}",
            "phone": "+46 8 123 45 67",
            "email": f"info{i}@example.se",
            "city": "Stockholm",
            "active": True,
            "created_at": now,
            "updated_at": now,
            "change_pos": 0 if positions is None else positions - count + 1 + (i - start),
        }
        rows.append(row)
    return rows


def _load(database: Database, total: int, with_positions: bool) -> float:
    started = time.perf_counter()
    for start in range(0, total, BATCH):
        count = min(BATCH, total - start)
        with database.engine.begin() as connection:
            last = allocate_positions(connection, count) if with_positions else None
            connection.execute(insert(Company), _rows(start, count, last))
    return time.perf_counter() - started


def _fresh(url: str | None) -> Database:
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    database = create_database(url)
    migrate.upgrade(database.engine)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM companies")
    return database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database to use too")
    args = parser.parse_args()
    for label, url in (("sqlite", None), ("postgres", args.postgres)):
        if label == "postgres" and not url:
            continue
        plain = _load(_fresh(url), args.rows, with_positions=False)
        positioned = _load(_fresh(url), args.rows, with_positions=True)
        print(
            f"{label:8} rows={args.rows:,} plain={args.rows / plain:,.0f} rows/s "
            f"with positions={args.rows / positioned:,.0f} rows/s ratio={positioned / plain:.2f}x"
        )


if __name__ == "__main__":
    main()
