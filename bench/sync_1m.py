"""A sync of N customers from MariaDB into a PostgreSQL CRM, against raw copies and dlt.

One script, one run, ratios within it (R-SYNC-1, R-SYNC-2, issue 8):
(a) raw baselines: the `mariadb` CLI piped into `psql COPY`, and Python streaming with
the SQL connector's driver (mysqlclient server-side cursor) into psycopg `COPY`;
(b) dlt `sql_database` into PostgreSQL with connectorx (dlt's default file format),
connectorx + parquet through ADBC, and sqlalchemy;
(c) erpsync: the first run of a connection with the SQL connector and a field mapping
creates all N companies (links and shadows written); then 1 % of the rows change in
MariaDB (phone and e-mail, stamped over the last hour) and dlt (incremental cursor,
merge) and erpsync each run incrementally; then a run with no change; then a full
resync from the ERP with nothing changed, against dlt's merge re-run of all rows.

Every step runs in a process of its own; wall time includes its start-up, peak RSS is
the process's maximum resident set (`wait4`). dlt runs from its own venv
(`bench/.venv-dlt`, made on first use with pinned versions) so the product's stays clean.

    .venv/bin/python bench/sync_1m.py [--rows 1000000] [--skip dlt,sqla,raw] [--rounds 1]
        [--baseline-src OTHER/src] [--keep]

Creates its databases (uniquely named) and drops them afterwards (unless --keep). To see
what dominates, `BENCH_SPY=PATH` samples each erpsync run with py-spy (from the product's
venv or the dlt venv: `pip install py-spy` into either), `BENCH_PROFILE=PATH` profiles
it with cProfile.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _sync_data import COLUMNS, Databases

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
DLT_VENV = HERE / ".venv-dlt"
DLT_PYTHON = DLT_VENV / "bin" / "python"
SPY = Path(PYTHON).parent / "py-spy"
# SQLAlchemy named too: pip may not resolve dlt's `sql_database` extra (it warns and goes on).
DLT_PACKAGES = ["dlt[postgres,sql_database,parquet]==1.31.0", "connectorx==0.4.6",
                "adbc-driver-postgresql==1.13.0", "pyarrow", "mysqlclient",
                "sqlalchemy>=2"]  # fmt: skip


@dataclass
class Step:
    name: str
    seconds: float
    rows: int
    rss_mb: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def measure(name: str, command: list[str], rows: int | None = None) -> Step:
    """Run one step in its own process: wall time, peak RSS (`wait4`: the process's and
    that of the children it waited for, e.g. both ends of a shell pipe), its JSON answer."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=HERE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, problems = out.read().strip(), err.read()
    if process.returncode != 0:
        raise SystemExit(f"{name} failed ({process.returncode}):\n{problems[-4000:]}")
    answers = [line for line in text.splitlines() if line.startswith("{")]
    answer = json.loads(answers[-1]) if answers else {}
    count = rows if rows is not None else int(answer.get("rows", 0))
    step = Step(name, seconds, count, usage.ru_maxrss / 1024, answer)
    print(f"  {name:<44} {step.rows:>10,} rows {seconds:8.2f} s {step.rate:>10,.0f} rows/s "
          f"peak RSS {step.rss_mb:6.0f} MB", flush=True)  # fmt: skip
    return step


def ensure_dlt_venv() -> None:
    if DLT_PYTHON.exists():
        return
    print(f"  creating {DLT_VENV} for dlt ({', '.join(DLT_PACKAGES)})", flush=True)
    base = Path(getattr(sys, "_base_executable", sys.executable))
    subprocess.run([str(base), "-m", "venv", str(DLT_VENV)], check=True)
    pip = [str(DLT_PYTHON), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *DLT_PACKAGES], check=True)


def raw_cli(db: Databases) -> list[str]:
    names = ", ".join(["id", *COLUMNS])
    pipe = (
        f"mariadb -h 127.0.0.1 -u root --batch --quick --skip-column-names {db.erp.database} "
        f"-e 'SELECT {names} FROM customer' | psql -q -h 127.0.0.1 -U postgres -d "
        f"{db.target.database} -c \"COPY customer_cli ({names}) FROM STDIN WITH (NULL 'NULL')\""
    )
    return ["bash", "-o", "pipefail", "-c", pipe]


def dlt(mode: str, db: Databases, folder: str) -> list[str]:
    script = str(HERE / "_sync_dlt.py")
    return [str(DLT_PYTHON), script, mode, str(db.erp.database), str(db.target.database), folder]


def erpsync(db: Databases, folder: str, cid: int, mode: str = "") -> list[str]:
    url = db.crm.render_as_string(hide_password=False)
    command = [PYTHON, str(HERE / "_sync_erpsync.py"), "run", url, folder, str(cid), mode]
    spy = os.environ.get("BENCH_SPY")  # sample each run with py-spy into BENCH_SPY.<mode>
    if spy and mode != "start":
        out = f"{spy}.{mode or 'run'}.{time.monotonic_ns()}"
        spy_bin = SPY if SPY.exists() else DLT_VENV / "bin" / "py-spy"
        return [str(spy_bin), "record", "--idle", "--format", "raw", "-r", "50",
                "-o", out, "--", *command]  # fmt: skip
    return command


def run_all(args: argparse.Namespace, db: Databases, folder: str) -> dict[str, Step]:
    n, skip = args.rows, set(args.skip)
    steps: dict[str, Step] = {}

    def step(key: str, name: str, command: list[str], rows: int | None = None) -> Step:
        steps[key] = measure(name, command, rows)
        return steps[key]

    print("(a) raw baselines", flush=True)
    if "raw" not in skip:
        step("cli", "mariadb CLI | psql COPY", raw_cli(db), n)
    py = [PYTHON, str(HERE / "_sync_raw.py"), str(db.erp.database), str(db.target.database)]
    step("raw", "mysqlclient SSCursor + psycopg COPY", py)
    if "dlt" not in skip:
        print("(b) dlt sql_database → PostgreSQL", flush=True)
        ensure_dlt_venv()
        step("dlt_cx", "dlt connectorx (default format)", dlt("cx", db, folder))
        step("dlt_adbc", "dlt connectorx + parquet + ADBC", dlt("adbc", db, folder))
        if "sqla" not in skip:
            step("dlt_sqla", "dlt sqlalchemy", dlt("sqla", db, folder))
        step("dlt_first", "dlt merge, first incremental load", dlt("inc", db, folder))
    print("(c) erpsync: SQL connector → PostgreSQL CRM, links and shadows", flush=True)
    crm = db.crm.render_as_string(hide_password=False)
    setup = [PYTHON, str(HERE / "_sync_erpsync.py"), "setup", crm, folder, str(db.erp.database)]
    cid = int(measure("erpsync set-up (migrate, connection)", setup, 0).extra["connection_id"])
    step("full", "erpsync full run (all created)", erpsync(db, folder, cid))
    changed = db.change(n)
    print(f"  changed {changed:,} rows in MariaDB (1 %)", flush=True)
    if "dlt" not in skip:
        step("dlt_inc", "dlt incremental, 1 % changed", dlt("inc", db, folder))
    step("inc", "erpsync incremental, 1 % changed", erpsync(db, folder, cid))
    for again in range(1, args.rounds):  # the same step again: how much it varies
        db.change(n, again)
        command, key, label = erpsync(db, folder, cid), f"inc{again}", ""
        if args.baseline_src and again % 2:  # every other round with the baseline's code
            command, key = ["env", f"PYTHONPATH={args.baseline_src}", *command], f"base{again}"
            label = " (baseline code)"
        step(key, f"erpsync incremental, 1 % changed, round {again + 1}{label}", command)
    if "dlt" not in skip:
        step("dlt_none", "dlt incremental, nothing changed", dlt("inc", db, folder))
    step("none", "erpsync run, nothing changed", erpsync(db, folder, cid))
    step("start", "erpsync process start-up only", erpsync(db, folder, cid, "start"), 0)
    # What a refresh of the statistics costs at this size (an incremental run of 1 %
    # no longer does one; a first run does one at 10,000 records and each fourfold).
    tables = "ANALYZE companies, links, crm_match_keys"
    psql = ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", str(db.crm.database)]
    step("analyze", "ANALYZE of the 3 tables a pass fills", [*psql, "-c", tables], 0)
    step("resync", "erpsync full resync, nothing changed", erpsync(db, folder, cid, "erp"))
    if "dlt" not in skip:
        step("dlt_all", "dlt merge re-run of all rows", dlt("all", db, folder))
    return steps


def _ratio(steps: dict[str, Step], a: str, b: str) -> float | None:
    return steps[a].seconds / steps[b].seconds if a in steps and b in steps else None


def _rounds(steps: dict[str, Step]) -> float | None:
    """Median of this code's repeated incremental rounds over the baseline code's."""
    mine = [s.seconds for key, s in steps.items() if key.startswith("inc") and key != "inc"]
    base = [s.seconds for key, s in steps.items() if key.startswith("base")]
    return statistics.median(mine) / statistics.median(base) if mine and base else None


def report(steps: dict[str, Step]) -> None:
    print("ratios (wall time; lower is better)")
    lines = [
        ("full / dlt connectorx", _ratio(steps, "full", "dlt_cx"), 1.0),
        ("full / dlt connectorx + parquet + ADBC", _ratio(steps, "full", "dlt_adbc"), 1.0),
        ("full / raw Python (mysqlclient + COPY)", _ratio(steps, "full", "raw"), 2.5),
        ("incremental 1 % / full", _ratio(steps, "inc", "full"), 0.05),
        *[
            (f"incremental 1 %, round {int(key[3:]) + 1} / full", _ratio(steps, key, "full"), 0.05)
            for key in steps
            if key.startswith("inc") and key != "inc"
        ],
        ("ANALYZE of the filled tables / incremental 1 %", _ratio(steps, "analyze", "inc"), None),
        ("incremental rounds: this code / baseline code (medians)", _rounds(steps), None),
        ("full resync, nothing changed / full", _ratio(steps, "resync", "full"), 0.5),
        ("resync, nothing changed / dlt merge re-run", _ratio(steps, "resync", "dlt_all"), 1.0),
        ("incremental 1 % / dlt incremental", _ratio(steps, "inc", "dlt_inc"), None),
        ("nothing changed / dlt nothing changed", _ratio(steps, "none", "dlt_none"), None),
    ]
    for label, value, target in lines:
        if value is None:
            continue
        verdict = "" if target is None else ("  met" if value <= target else "  MISSED")
        aim = "" if target is None else f" (target ≤ {target:.2f}×)"
        print(f"  {label:<50} {value:6.3f}×{aim}{verdict}")
    if "none" in steps and "start" in steps:
        beyond = steps["none"].seconds - steps["start"].seconds
        verdict = "met" if beyond < 1.0 else "MISSED"
        print(f"  {'nothing changed, beyond process start-up':<50} {beyond:6.2f} s "
              f"(target < 1 s)  {verdict}")  # fmt: skip
    mine = [s for key, s in steps.items() if key in ("full", "inc", "none", "resync")]
    if mine:
        peak = max(s.rss_mb for s in mine)
        verdict = "met" if peak < 300 else "MISSED"
        print(f"  {'erpsync peak RSS':<50} {peak:6.0f} MB (target < 300 MB)  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--skip",
        type=lambda s: [x for x in s.split(",") if x],
        default=[],
        help="comma-separated: raw (the CLI pipe), dlt, sqla (dlt sqlalchemy)",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="incremental runs of 1 %% changed (other values)"
    )
    parser.add_argument(
        "--baseline-src",
        default="",
        help="a source tree (its src/) whose erpsync runs every other repeated round",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"sync of {args.rows:,} customers ({len(COLUMNS) + 1} columns); "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores",
          flush=True)  # fmt: skip
    db = Databases.new()
    db.create(args.rows)
    try:
        with tempfile.TemporaryDirectory(prefix="erpsync-bench-") as folder:
            steps = run_all(args, db, folder)
        report(steps)
    finally:
        if args.keep:
            print(f"kept: {db.erp} {db.target} {db.crm}")
        else:
            db.drop()
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
