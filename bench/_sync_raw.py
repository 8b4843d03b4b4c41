"""The raw baseline of `bench/sync_1m.py`, run as a process of its own: every customer
streamed from MariaDB with the SQL connector's driver (mysqlclient, server-side
`SSCursor`, `fetchmany`) and written to PostgreSQL with psycopg `COPY`, no other work.

    python bench/_sync_raw.py ERP_DATABASE TARGET_DATABASE

Prints one JSON line: rows and the seconds spent in the copy.
"""

from __future__ import annotations

import json
import sys
import time

import MySQLdb
import MySQLdb.cursors
import psycopg
from _sync_data import COLUMNS


def main(erp: str, target: str) -> None:
    started = time.perf_counter()
    source = MySQLdb.connect(host="127.0.0.1", user="root", database=erp, charset="utf8mb4")
    cursor = source.cursor(MySQLdb.cursors.SSCursor)
    names = ", ".join(["id", *COLUMNS])
    cursor.execute(f"SELECT {names} FROM customer")
    count = 0
    with (
        psycopg.connect(host="127.0.0.1", user="postgres", dbname=target) as sink,
        sink.cursor() as out,
        out.copy(f"COPY customer_py ({names}) FROM STDIN") as copy,
    ):
        while rows := cursor.fetchmany(5000):
            for row in rows:
                copy.write_row(row)
            count += len(rows)
    cursor.close()
    source.close()
    print(json.dumps({"rows": count, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
