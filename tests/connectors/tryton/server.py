"""A real `trytond` for the tests: one SQLite template database built by `trytond-admin`
(plus the data of `seed.py`, written by RPC), kept in pytest's cache until the Tryton
modules or this code change, copied per test and served on a free local port (copy +
start takes about a second).

The sandbox has no DNS, and Tryton checks that an email's domain exists before it
stores the address; the server is therefore started through a two-line launcher that
keeps Tryton's email *syntax* check and turns the DNS check off. Nothing else differs
from a plain `trytond -c CONF -d DB`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing, suppress
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from erpsync.connectors.tryton.rpc import TrytonClient
from tests.connectors.tryton.seed import seed
from tests.connectors.tryton.zygote import Zygote

ADMIN_PASSWORD = "tryton-admin-secret-9"
TEMPLATE_DB = "template"
MODULES = [
    "party",
    "company",
    "currency",
    "country",
    "project",
    "party_relationship",
    "account_invoice",
    "product",
    "product_price_list",
    "sale_price_list",
]

LAUNCHER = """
import sys
import trytond.tools.email_ as email_
_check = email_.validate_email
email_.validate_email = lambda email, check_deliverability=True: _check(email, False)
from trytond.cli import main
sys.argv[0] = "trytond"
sys.exit(main())
"""


def trytond_missing() -> str | None:
    """Why trytond cannot run here, or None."""
    if importlib.util.find_spec("trytond") is None:
        return "trytond is not installed (pip install -e '.[tryton]')"
    admin = Path(sys.executable).with_name("trytond-admin")
    if not admin.exists():
        return f"{admin} is missing"
    return None


def template_key() -> str:
    """What the template depends on: the installed Tryton distributions and the
    source of the code that builds it (a change to either builds a new one)."""
    digest = hashlib.sha256()
    for dist in sorted(metadata.distributions(), key=lambda d: d.metadata["Name"] or ""):
        name = dist.metadata["Name"] or ""
        if name.lower().startswith("trytond"):
            digest.update(f"{name}=={dist.version};".encode())
    here = Path(__file__).parent
    for source in ("server.py", "seed.py"):
        digest.update((here / source).read_bytes())
    return digest.hexdigest()[:16]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _conf_text(folder: Path, port: int) -> str:
    return (
        f"[database]\nuri = sqlite://\npath = {folder}\n"
        f"[web]\nlisten = 127.0.0.1:{port}\n"
        "[session]\ntimeout = 3600\n"
    )


def _write_conf(folder: Path, port: int) -> Path:
    conf = folder / "trytond.conf"
    conf.write_text(_conf_text(folder, port))
    return conf


@dataclass
class TrytonServer:
    pid: int
    folder: Path
    database: str
    port: int
    process: subprocess.Popen[bytes] | None = None  # None: forked by the zygote

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

    def running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(10)
            return
        deadline = time.monotonic() + 10
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
            while self.running() and time.monotonic() < deadline:
                time.sleep(0.02)
            if self.running():
                os.kill(self.pid, signal.SIGKILL)


def _wait_listening(server: TrytonServer) -> TrytonServer:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not server.running():
            log = (server.folder / "trytond.log").read_text()[-2000:]
            raise RuntimeError(f"trytond exited: {log}")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.02)
    server.stop()
    raise RuntimeError(f"trytond did not listen on {server.port} within 30 s")


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
    return _wait_listening(TrytonServer(process.pid, folder, database, port, process))


_ZYGOTES: dict[tuple[Path, str], Zygote] = {}


def serve_copy(template: Path, folder: Path, database: str = "erp") -> TrytonServer:
    """A fresh server on a copy of the template database (isolation per test), forked
    from a process that loaded Tryton for this template once."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, folder / f"{database}.sqlite")
    key = (template, database)
    zygote = _ZYGOTES.get(key)
    if zygote is None or not zygote.alive():
        home = Path(tempfile.mkdtemp(prefix="erpsync-tryton-zygote-"))
        zygote = _ZYGOTES[key] = Zygote(template, home, _conf_text(home, 0), database)
    port = free_port()
    return _wait_listening(TrytonServer(zygote.fork(folder, port), folder, database, port))


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
        seed(server.client())
    finally:
        server.stop()
    # Tryton's SQLite runs in WAL mode: fold the log into the file, so copying the file
    # alone copies every row.
    with closing(sqlite3.connect(server.path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return server.path
