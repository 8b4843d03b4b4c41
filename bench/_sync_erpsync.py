"""The erpsync steps of `bench/sync_1m.py`, each run as a process of its own.

    python bench/_sync_erpsync.py setup CRM_URL DATA_DIR ERP_DATABASE
    python bench/_sync_erpsync.py run CRM_URL DATA_DIR CONNECTION_ID [erp|none|start]

`setup` migrates the CRM database, adds an administrator and a SQL connector
connection to the MariaDB customers with sync on, a field mapping of eleven fields
(three of them both ways, two lists through list mappings) and the create policy
`create`; it prints the connection id. `run` requests a sync run and carries it out
with the engine, as the runner would (`erp`: a full resync from the ERP; `start`:
everything but the run, to measure process start-up). Each prints one JSON line.
With `BENCH_PROFILE=PATH` a run is profiled (cProfile) into `PATH.<mode>.<pid>`.
"""

from __future__ import annotations

import cProfile
import json
import os
import sys
import time
from pathlib import Path

from _sync_data import COUNTRIES
from sqlalchemy import select

from erpsync.accounts import service as accounts
from erpsync.accounts.schemas import UserCreate
from erpsync.connections import service as connections
from erpsync.connections.models import Connection
from erpsync.connections.schemas import ConnectionCreate
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.models import ListItem
from erpsync.db import create_database, migrate
from erpsync.mapping.models import CreatePolicy, FieldMapping, ListItemMapping, ListMapping
from erpsync.secrets import SecretBox
from erpsync.settings import Settings, ensure_secrets
from erpsync.sync import engine, runs

ERP_FIELDS = [("code", "Text"), ("name", "Text"), ("org_no", "Text"), ("email", "Text"),
              ("phone", "Text"), ("web", "Text"), ("street", "Text"), ("zip", "Text"),
              ("city", "Text"), ("credit_limit", "Decimal"), ("discount", "Double"),
              ("employees", "Integer"), ("blocked", "Checkbox"), ("founded", "Date")]  # fmt: skip
MAPPING = (
    "actors:\n  Customer:\n    table: customer\n    key: id\n    modified: updated_at\n"
    "    fields:\n"
    + "".join(f"      - {{key: {key}, type: {kind}}}\n" for key, kind in ERP_FIELDS)
    + "      - {key: country, column: country_code, type: List, list: countries}\n"
    "      - {key: currency, column: currency_code, type: List, list: currencies}\n"
    "lists:\n  countries: {table: country, id: code, name: name}\n"
    "  currencies: {table: currency, id: code}\n"
)
#: ERP field → (CRM field, direction)
FIELDS = {"code": ("number", "to_crm"), "name": ("name", "both"), "org_no": ("org_no", "to_crm"),
          "email": ("email", "both"), "phone": ("phone", "both"), "web": ("web", "to_crm"),
          "street": ("street", "to_crm"), "zip": ("zip", "to_crm"), "city": ("city", "to_crm"),
          "country": ("country", "to_crm"), "currency": ("currency", "to_crm")}  # fmt: skip


def _keys(data_dir: str) -> connections.Keys:
    settings, _ = ensure_secrets(Settings(data_dir=Path(data_dir)))
    return connections.Keys(SecretBox(settings.secret_keys), settings.session_secret)


def setup(url: str, data_dir: str, erp_database: str) -> None:
    database = create_database(url)
    migrate.upgrade(database.engine)
    keys = _keys(data_dir)
    config = {"dialect": "mariadb", "host": "127.0.0.1", "port": 3306, "user": "root",
              "database": erp_database, "mapping": MAPPING}  # fmt: skip
    with database.session() as session:
        ensure_standard_lists(session)
        user = UserCreate(login="bench", name="Bench", password="bench-password-1", role="admin")
        admin = accounts.create_user(session, user)
        data = ConnectionCreate(name="ERP customers", connector="sql", config=config)  # type: ignore[arg-type]
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = True
        cid = connection.id
        for rank, (erp, (crm, direction)) in enumerate(FIELDS.items()):
            row = {"erp_field": erp, "crm_field": crm, "direction": direction, "rank": rank}
            session.add(FieldMapping(connection_id=cid, actor_type="Customer", **row))
        session.add(CreatePolicy(connection_id=cid, actor_type="Customer", erp_to_crm="create"))
        items = {(i.list_name, i.code): i.id for i in session.scalars(select(ListItem))}
        pairs = {("countries", "country"): [c for c, _, _ in COUNTRIES],
                 ("currencies", "currency"): sorted({c for _, _, c in COUNTRIES})}  # fmt: skip
        for (erp_list, crm_list), codes in pairs.items():
            mapping = ListMapping(connection_id=cid, erp_list=erp_list, crm_list=crm_list)
            mapping.items = [
                ListItemMapping(erp_item=code, crm_item_id=items[(crm_list, code)])
                for code in codes
            ]
            session.add(mapping)
    database.engine.dispose()
    print(json.dumps({"connection_id": cid}))


def run(url: str, data_dir: str, connection_id: int, mode: str) -> None:
    started = time.perf_counter()
    database = create_database(url)
    keys = _keys(data_dir)
    with database.session() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        if mode == "start":
            print(json.dumps({"rows": 0, "seconds": time.perf_counter() - started}))
            return
        resync = "erp" if mode == "erp" else None
        requested = runs.request(session, connection, engine.utc_now(), resync=resync)
        run_id = requested.run.id
    profile = os.environ.get("BENCH_PROFILE")  # a file for cProfile's stats of this run
    if profile:
        profiler = cProfile.Profile()
        result = profiler.runcall(engine.execute, database, keys, run_id)
        profiler.dump_stats(f"{profile}.{mode or 'run'}.{os.getpid()}")
    else:
        result = engine.execute(database, keys, run_id)
    assert result.state == "succeeded", result.error
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": result.counts.get("read", 0), "seconds": seconds,
                      "counts": result.counts}))  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(*sys.argv[2:5])
    else:
        run(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else "")
