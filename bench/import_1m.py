"""An import of N customers from MariaDB (SQL connector) into a PostgreSQL CRM with the
duplicate rules number, vat against N/10 existing companies, against the raw copy.

One script, one run, ratios within it (R-IMP, R-SEM-10, issue 9): the raw baseline is
the sync benchmark's — every row streamed with the SQL connector's driver (mysqlclient
server-side cursor) into psycopg `COPY`. erpsync then previews the import (reads every
customer through the connector, classifies it with the indexed match keys, stores the
preview rows) and commits it with the action merge (re-reads the selected actors by key,
re-checks them, writes companies, match keys, links with shadows, the sync log and the
row outcomes). Every step is a process of its own; peak RSS is its maximum resident
set. Target: preview + commit ≤ 2.5× the raw stream + COPY, peak RSS < 300 MB.

    .venv/bin/python bench/import_1m.py [--rows 1000000] [--keep]

Creates its databases (uniquely named) and drops them afterwards (unless --keep).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from _sync_data import COLUMNS, Databases
from sync_1m import Step, measure

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


def run_all(rows: int, db: Databases, folder: str) -> dict[str, Step]:
    steps: dict[str, Step] = {}
    raw = [PYTHON, str(HERE / "_sync_raw.py"), str(db.erp.database), str(db.target.database)]
    steps["raw"] = measure("raw: mysqlclient SSCursor + psycopg COPY", raw)
    crm = db.crm.render_as_string(hide_password=False)
    setup = [PYTHON, str(HERE / "_sync_erpsync.py"), "setup", crm, folder, str(db.erp.database)]
    cid = str(measure("erpsync set-up (migrate, connection)", setup, 0).extra["connection_id"])
    step = [PYTHON, str(HERE / "_import_erpsync.py")]
    existing = max(rows // 10, 1)
    measure(f"{existing:,} existing CRM companies", [*step, "existing", crm, folder, cid,
                                                     str(existing)])  # fmt: skip
    steps["preview"] = measure("erpsync import preview", [*step, "preview", crm, folder, cid])
    job_id = str(steps["preview"].extra["job_id"])
    print(f"  preview: {steps['preview'].extra['counts']}", flush=True)
    steps["commit"] = measure("erpsync import commit (merge)", [*step, "commit", crm, folder,
                                                               job_id])  # fmt: skip
    print(f"  outcomes: {steps['commit'].extra['outcomes']}", flush=True)
    return steps


def report(steps: dict[str, Step], rows: int) -> None:
    raw = steps["raw"].seconds
    total = steps["preview"].seconds + steps["commit"].seconds
    ratio = total / raw
    peak = max(steps["preview"].rss_mb, steps["commit"].rss_mb)
    print("ratios (wall time; lower is better)")
    print(f"  {'preview / raw':<40} {steps['preview'].seconds / raw:6.2f}×")
    print(f"  {'commit / raw':<40} {steps['commit'].seconds / raw:6.2f}×")
    verdict = "met" if ratio <= 2.5 else "MISSED"
    print(f"  {'preview + commit / raw':<40} {ratio:6.2f}× (target ≤ 2.50×)  {verdict}")
    print(f"  {'import rows/s (preview + commit)':<40} {rows / total:8,.0f}")
    verdict = "met" if peak < 300 else "MISSED"
    print(f"  {'erpsync peak RSS':<40} {peak:6.0f} MB (target < 300 MB)  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"import of {args.rows:,} customers ({len(COLUMNS) + 1} columns); "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores",
          flush=True)  # fmt: skip
    db = Databases.new()
    db.create(args.rows)
    try:
        with tempfile.TemporaryDirectory(prefix="erpsync-bench-") as folder:
            steps = run_all(args.rows, db, folder)
        report(steps, args.rows)
    finally:
        if args.keep:
            print(f"kept: {db.erp} {db.target} {db.crm}")
        else:
            db.drop()


if __name__ == "__main__":
    main()
