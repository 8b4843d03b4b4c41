"""CRM → ERP creates through the outbox (R-SEM-5, R-MAP-8): N unlinked CRM companies
created in a demo ERP by one sync run, on a fresh PostgreSQL CRM database per phase.

Phases (the first is the baseline, ratios are wall time against it):
- `one-commit-each`: each created actor linked in its own transaction and no
  statistics refresh during the pass (how the engine worked before);
- `batched`: created actors linked `crm_creates.FINISH_EACH` per transaction, statistics
  refreshed at 1,000 records and each doubling (the engine now).

    .venv/bin/python bench/crm_creates.py --records 5000 \
        --postgres postgresql://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from erpsync.accounts import service as accounts
from erpsync.accounts.schemas import UserCreate
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.crm.models import Company
from erpsync.db import create_database, migrate
from erpsync.mapping.models import CreatePolicy, FieldMapping
from erpsync.secrets import SecretBox
from erpsync.settings import Settings, ensure_secrets
from erpsync.sync import crm_creates, engine, runs

FIELDS = [("number", "number", "to_crm"), ("name", "name", "both"), ("phone", "phone", "both")]
DB_NAME = "erpsync_bench_crm_creates"


def _fresh(server: str) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {DB_NAME}"))
        connection.execute(text(f"CREATE DATABASE {DB_NAME}"))
    admin.dispose()
    return make_url(server).set(database=DB_NAME).render_as_string(hide_password=False)


def phase(server: str, records: int, work: Path) -> float:
    """Seconds of the one run that creates `records` companies in a fresh demo ERP."""
    database = create_database(_fresh(server))
    migrate.upgrade(database.engine)
    settings, _ = ensure_secrets(Settings(data_dir=work))
    keys = connections.Keys(SecretBox(settings.secret_keys), settings.session_secret)
    erp_path = work / f"erp-{time.monotonic_ns()}.db"
    init_database(erp_path, customers=0, suppliers=0, partners=0, products=0)
    with database.session() as session:
        ensure_standard_lists(session)
        user = UserCreate(login="bench", name="Bench", password="bench-password-1", role="admin")
        admin = accounts.create_user(session, user)
        data = ConnectionCreate(name="Bench", connector="demo", config={"database": str(erp_path)})
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.sync_enabled = True
        cid = connection.id
        for rank, (erp, crm, direction) in enumerate(FIELDS):
            session.add(
                FieldMapping(
                    connection_id=cid,
                    actor_type="Customer",
                    erp_field=erp,
                    crm_field=crm,
                    direction=direction,
                    rank=rank,
                )
            )
        session.add(CreatePolicy(connection_id=cid, actor_type="Customer", crm_to_erp="create"))
        session.add_all(Company(name=f"Bench Create {i:06}") for i in range(records))
    with database.session() as session:
        requested = runs.request(session, session.get(type(connection), cid), engine.utc_now())  # type: ignore[arg-type]
        run_id = requested.run.id
    started = time.perf_counter()
    done = engine.execute(database, keys, run_id)
    seconds = time.perf_counter() - started
    assert done.state == "succeeded", done.error
    assert done.counts.get("created_in_erp") == records, done.counts
    database.engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1/postgres")
    args = parser.parse_args()
    batched = (crm_creates.FINISH_EACH, crm_creates.ANALYZE_FIRST)
    results: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (each, first) in (("one-commit-each", (1, 10**12)), ("batched", batched)):
            crm_creates.FINISH_EACH, crm_creates.ANALYZE_FIRST = each, first
            results.append((name, phase(args.postgres, args.records, Path(tmp))))
    base = results[0][1]
    print(f"{'phase':<18}{'seconds':>10}{'records/s':>12}{'ratio':>8}")
    for name, seconds in results:
        print(f"{name:<18}{seconds:>10.1f}{args.records / seconds:>12.0f}{seconds / base:>7.2f}×")


if __name__ == "__main__":
    main()
