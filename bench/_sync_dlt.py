"""The dlt steps of `bench/sync_1m.py`, run by the benchmark's own venv
(`bench/.venv-dlt`, made by `sync_1m.py --setup-dlt`), one process per step.

    bench/.venv-dlt/bin/python bench/_sync_dlt.py MODE ERP_DATABASE TARGET_DATABASE DIR

Modes: `cx` (sql_table, connectorx backend, replace, dlt's default file format),
`adbc` (the same with parquet files loaded through ADBC), `sqla` (sqlalchemy
backend), `inc` (connectorx, incremental cursor on `updated_at`, merge on `id`; the
first run loads everything), `all` (the merge pipeline again without the cursor: a
merge re-run of every row). Prints one JSON line: rows, seconds, file format.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")

import dlt
from dlt.sources.sql_database import sql_table

DATASETS = {"cx": "dlt_cx", "adbc": "dlt_adbc", "sqla": "dlt_sqla", "inc": "dlt_inc",
            "all": "dlt_inc"}  # fmt: skip


def main(mode: str, erp: str, target: str, folder: str) -> None:
    started = time.perf_counter()
    backend = "sqlalchemy" if mode == "sqla" else "connectorx"
    options: dict[str, Any] = {}
    if backend == "connectorx":
        options["backend_kwargs"] = {"conn": f"mysql://root@127.0.0.1:3306/{erp}"}
    if mode == "inc":
        options["incremental"] = dlt.sources.incremental("updated_at")
    table = sql_table(
        credentials=f"mysql+mysqldb://root@127.0.0.1:3306/{erp}",
        table="customer",
        backend=backend,
        reflection_level="full_with_precision",
        **options,
    )
    merging = mode in ("inc", "all")
    if merging:
        table.apply_hints(primary_key="id", write_disposition="merge")
    pipeline = dlt.pipeline(
        pipeline_name="bench_inc" if merging else f"bench_{mode}",
        destination=dlt.destinations.postgres(
            credentials=f"postgresql://postgres:unused@127.0.0.1:5432/{target}"
        ),
        dataset_name=DATASETS[mode],
        pipelines_dir=folder,
    )
    file_format = "parquet" if mode in ("adbc", "inc", "all") else None
    info = pipeline.run(
        table, write_disposition="merge" if merging else "replace", loader_file_format=file_format
    )
    info.raise_on_failed_jobs()
    rows = pipeline.last_trace.last_normalize_info.row_counts.get("customer", 0)
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "format": file_format or "default"}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
