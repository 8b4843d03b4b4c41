"""`erpsync connector serve KEY` runs a connector as a remote service (R-SDK-7): the
secret comes from an environment variable or is generated and printed once, and it
is never logged. `erpsync connector new NAME` writes a connector package (R-SDK-9)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from typer.testing import CliRunner

from erpsync.cli.main import app
from erpsync.connectors.demo import init_database
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.remote import RemoteConnector


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(*args: str, **env: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "erpsync", "connector", "serve", *args, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                httpx.post(f"{url}/v1/describe", json={}, timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield process, url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_with_the_secret_from_the_environment(tmp_path: Path) -> None:
    secret = "serve-test-secret-8f2c"
    database = tmp_path / "erp.sqlite"
    init_database(database, customers=5, suppliers=1, partners=1)
    with serving("demo", "--secret-env", "DEMO_SECRET", DEMO_SECRET=secret) as (process, url):
        host = ConnectorHost(RemoteConnector(url, secret, 5.0), timeout=5.0)
        host.open("cli", {"database": str(database)})
        assert host.test_connection().ok
        host.close()
        wrong = httpx.post(f"{url}/v1/describe", json={}, headers={"Authorization": "Bearer x"})
        assert wrong.status_code == 401
    out, err = process.communicate()
    assert "/v1/open" in out + err  # the access log shows the calls, not the secret
    assert secret not in out + err


def test_serve_generates_a_secret_and_prints_it_once() -> None:
    with serving("demo") as (process, url):
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Shared secret (shown once")
        secret = line.rsplit(" ", 1)[1].strip()
        assert type(RemoteConnector(url, secret, 5.0)).key == "demo"
    out, err = process.communicate()
    assert secret not in out + err


def test_serve_refuses_an_unknown_key_or_a_missing_secret() -> None:
    runner = CliRunner()
    unknown = runner.invoke(app, ["connector", "serve", "sap", "--secret-env", "X"], env={"X": "s"})
    assert unknown.exit_code == 1
    assert "No connector 'sap' is installed" in unknown.output and "demo" in unknown.output
    unset = runner.invoke(app, ["connector", "serve", "demo", "--secret-env", "NO_SUCH_VAR_X"])
    assert unset.exit_code == 1 and "NO_SUCH_VAR_X" in unset.output


def test_new_writes_a_package_and_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["connector", "new", "acme", "--dir", str(tmp_path)])
    assert made.exit_code == 0, made.output
    assert (tmp_path / "acme-erpsync" / "acme_erpsync" / "connector.py").exists()
    assert "pip install -e ." in made.output
    again = runner.invoke(app, ["connector", "new", "acme", "--dir", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output
    bad = runner.invoke(app, ["connector", "new", "Acme ERP", "--dir", str(tmp_path)])
    assert bad.exit_code == 1 and "not a usable connector name" in bad.output
