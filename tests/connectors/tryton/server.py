"""A real `trytond` for the tests: one SQLite template database built per test session
by `trytond-admin` (plus a company, lists and ~80 parties by RPC), copied per test and
served on a free local port (copy + start takes about a second).

The sandbox has no DNS, and Tryton checks that an email's domain exists before it
stores the address; the server is therefore started through a two-line launcher that
keeps Tryton's email *syntax* check and turns the DNS check off. Nothing else differs
from a plain `trytond -c CONF -d DB`.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from erpsync.connectors.tryton.rpc import TrytonClient

ADMIN_PASSWORD = "tryton-admin-secret-9"
TEMPLATE_DB = "template"
MODULES = ["party", "company", "currency", "country", "project"]

LAUNCHER = """
import sys
import trytond.tools.email_ as email_
_check = email_.validate_email
email_.validate_email = lambda email, check_deliverability=True: _check(email, False)
from trytond.cli import main
sys.argv[0] = "trytond"
sys.exit(main())
"""

COUNTRIES = [("SE", "Sweden"), ("NO", "Norway"), ("DK", "Denmark"), ("FI", "Finland")]
COUNTRIES += [("DE", "Germany"), ("GB", "United Kingdom"), ("US", "United States")]
CURRENCIES = [("EUR", "Euro", "€"), ("SEK", "Swedish krona", "kr"), ("USD", "US Dollar", "$")]


def trytond_missing() -> str | None:
    """Why trytond cannot run here, or None."""
    if importlib.util.find_spec("trytond") is None:
        return "trytond is not installed (pip install -e '.[tryton]')"
    admin = Path(sys.executable).with_name("trytond-admin")
    if not admin.exists():
        return f"{admin} is missing"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_conf(folder: Path, port: int) -> Path:
    conf = folder / "trytond.conf"
    conf.write_text(
        f"[database]\nuri = sqlite://\npath = {folder}\n"
        f"[web]\nlisten = 127.0.0.1:{port}\n"
        "[session]\ntimeout = 3600\n"
    )
    return conf


@dataclass
class TrytonServer:
    process: subprocess.Popen[bytes]
    folder: Path
    database: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def path(self) -> Path:
        return self.folder / f"{self.database}.sqlite"

    def client(self) -> TrytonClient:
        client = TrytonClient(self.url, self.database)
        client.login("admin", ADMIN_PASSWORD)
        return client

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_server(folder: Path, database: str) -> TrytonServer:
    """Serve `folder/<database>.sqlite` on a free port; return once the port answers."""
    port = free_port()
    conf = _write_conf(folder, port)
    log = (folder / "trytond.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, "-c", str(conf), "-d", database],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"trytond exited: {(folder / 'trytond.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return TrytonServer(process, folder, database, port)
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"trytond did not listen on {port} within 30 s")


def serve_copy(template: Path, folder: Path, database: str = "erp") -> TrytonServer:
    """A fresh server on a copy of the template database (isolation per test)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, folder / f"{database}.sqlite")
    return start_server(folder, database)


def build_template(folder: Path) -> Path:
    """Create the session's template database; returns the path of its SQLite file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{TEMPLATE_DB}.sqlite").touch()  # trytond-admin wants it to exist
    conf = _write_conf(folder, free_port())
    passfile = folder / "admin-password"
    passfile.write_text(ADMIN_PASSWORD)
    admin = Path(sys.executable).with_name("trytond-admin")
    result = subprocess.run(
        [str(admin), "-c", str(conf), "-d", TEMPLATE_DB, "--activate-dependencies", "-u", *MODULES],
        input=b"\n",  # the admin's email prompt: none
        env={**os.environ, "TRYTONPASSFILE": str(passfile)},
        capture_output=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"trytond-admin failed: {result.stderr.decode()[-2000:]}")
    server = start_server(folder, TEMPLATE_DB)
    try:
        _seed(server.client())
    finally:
        server.stop()
    # Tryton's SQLite runs in WAL mode: fold the log into the file, so copying the file
    # alone copies every row.
    with closing(sqlite3.connect(server.path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return server.path


def _seed(client: TrytonClient) -> None:
    """Lists, a company and ~80 parties, each group in one call (one transaction)."""
    countries = client.model(
        "country.country", "create", [{"code": c, "name": n} for c, n in COUNTRIES]
    )
    currencies = client.model(
        "currency.currency",
        "create",
        [
            {"code": c, "name": n, "symbol": s, "digits": 2, "rounding": Decimal("0.01")}
            for c, n, s in CURRENCIES
        ],
    )
    customer, supplier, _ = client.model(
        "party.category", "create", [{"name": n} for n in ("Customer", "Supplier", "Prospect")]
    )
    (owner,) = client.model("party.party", "create", [{"name": "erpsync Test AB"}])
    (company,) = client.model(
        "company.company", "create", [{"party": owner, "currency": currencies[0]}]
    )
    client.model("res.user", "write", [1], {"companies": [["add", [company]]], "company": company})
    rows = [_party(f"Customer {i:03d} AB", [customer], i, countries) for i in range(60)]
    rows += [_party(f"Supplier {i:03d} Oy", [supplier], i, countries) for i in range(15)]
    rows += [_party(f"Partner {i:03d} AS", [customer, supplier], i, countries) for i in range(5)]
    client.model("party.party", "create", rows)


def _party(name: str, categories: list[int], i: int, countries: list[int]) -> dict[str, Any]:
    slug = name.lower().replace(" ", "-")
    return {
        "name": name,
        "categories": [["add", categories]],
        "addresses": [
            [
                "create",
                [
                    {
                        "street": f"Storgatan {i + 1}",
                        "postal_code": f"{11000 + i}",
                        "city": ["Stockholm", "Oslo", "Helsinki", "Berlin"][i % 4],
                        "country": countries[i % len(countries)],
                    }
                ],
            ]
        ],
        "contact_mechanisms": [
            [
                "create",
                [
                    {"type": "email", "value": f"info@{slug}.example.com"},
                    {"type": "phone", "value": f"+46 8 555 {i:04d}"},
                ],
            ]
        ],
    }
