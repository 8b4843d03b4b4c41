"""The erpsync steps of `bench/import_1m.py`, each run as a process of its own.

    python bench/_import_erpsync.py existing CRM_URL DATA_DIR CONNECTION_ID COUNT
    python bench/_import_erpsync.py preview CRM_URL DATA_DIR CONNECTION_ID
    python bench/_import_erpsync.py commit CRM_URL DATA_DIR JOB_ID

`existing` switches sync off and writes COUNT CRM companies through the engine's bulk
path (so their match keys exist): every 10th ERP customer, half of them with the ERP's
number, half with its organisation number. `preview` reads and classifies every
customer with the duplicate rules number, vat; `commit` imports the selected rows with
the action merge. Each prints one JSON line (rows, seconds, counts).
"""

from __future__ import annotations

import json
import sys
import time

from _sync_erpsync import _keys

from erpsync.connections.models import Connection
from erpsync.db import create_database
from erpsync.sync import crmrows
from erpsync.sync.context import utc_now
from erpsync.sync.imports import job, service
from erpsync.sync.imports.models import GROUPS
from erpsync.sync.imports.schemas import ImportCreate


def existing(url: str, connection_id: int, count: int) -> None:
    started = time.perf_counter()
    database = create_database(url)
    with database.session() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        connection.sync_enabled = False
    for start in range(1, count + 1, 1000):
        rows = []
        for i in range(start, min(start + 1000, count + 1)):
            seq = i * 10
            row = {"name": f"Existing {seq}", "active": True}
            if i % 2:
                row["org_no"] = f"55{(seq * 7919) % 100_000_000:08d}"
            else:
                row["number"] = f"C{seq:07d}"
            rows.append(row)
        with database.session() as session:
            crmrows.insert_rows(session, "company", rows)
    print(json.dumps({"rows": count, "seconds": time.perf_counter() - started}))


def preview(url: str, data_dir: str, connection_id: int) -> None:
    started = time.perf_counter()
    database = create_database(url)
    with database.session() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        data = ImportCreate(actor_types=["Customer"], rules=["number", "vat"], action="merge")
        job_id = service.create(session, connection, data, None).id
    state = job.run(database, _keys(data_dir), job_id)
    with database.read_session() as session:
        found = service.get(session, job_id)
        counts, error = dict(found.counts), found.error
    assert state == "ready", error
    rows = sum(int(counts.get(group, 0)) for group in GROUPS)
    print(json.dumps({"rows": rows, "seconds": time.perf_counter() - started,
                      "job_id": job_id, "counts": counts}))  # fmt: skip


def commit(url: str, data_dir: str, job_id: int) -> None:
    started = time.perf_counter()
    database = create_database(url)
    with database.session() as session:
        service.request_commit(session, service.get(session, job_id), utc_now())
    state = job.run(database, _keys(data_dir), job_id)
    with database.read_session() as session:
        found = service.get(session, job_id)
        outcomes, error = dict(found.outcomes), found.error
    assert state == "succeeded", error
    print(json.dumps({"rows": sum(outcomes.values()), "seconds": time.perf_counter() - started,
                      "outcomes": outcomes}))  # fmt: skip


if __name__ == "__main__":
    step, crm, folder = sys.argv[1], sys.argv[2], sys.argv[3]
    if step == "existing":
        existing(crm, int(sys.argv[4]), int(sys.argv[5]))
    elif step == "preview":
        preview(crm, folder, int(sys.argv[4]))
    else:
        commit(crm, folder, int(sys.argv[4]))
