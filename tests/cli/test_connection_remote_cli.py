"""`erpsync connection add|edit|test|list|show` with a remote connector (R-CONN-7, R-CONN-3,
R-CONN-4): the demo connector served over real HTTP; the shared secret comes from a
file, standard input, an environment variable or a hidden prompt, never from the command
line; the test runs first; lists show the URL and never the secret."""

from __future__ import annotations

import json
import os
import pty
import select
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from erpsync.cli.main import app
from erpsync.connectors.demo import DemoConnector
from erpsync.connectors.demo.seed import init_database
from erpsync.sdk.remote.running import serving
from erpsync.sdk.remote.server import create_app

SECRET = "cli-remote-secret-5150"
OTHER_SECRET = "cli-other-secret-8086"
ACCESS_KEY = "remote-erp-key-77"


@pytest.fixture(scope="module")
def remote_url() -> Iterator[str]:
    with serving(create_app(DemoConnector, SECRET, timeout=10.0)) as url:
        yield url


@pytest.fixture(scope="module")
def other_url() -> Iterator[str]:
    with serving(create_app(DemoConnector, OTHER_SECRET, timeout=10.0)) as url:
        yield url


def run_cli(*args: str, stdin: str | None = None, **env: str) -> Result:
    """The real `erpsync` command, run in this process (settings from the environment)."""
    return CliRunner().invoke(app, list(args), input=stdin, env=env)


@pytest.fixture
def installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(data))
    monkeypatch.delenv("ERPSYNC_DATABASE_URL", raising=False)
    assert run_cli("db", "upgrade").exit_code == 0
    added = run_cli("user", "add", "root", "--admin", "--password", "root-pass-1")
    assert added.exit_code == 0, added.output
    init_database(tmp_path / "erp.db", customers=6, suppliers=1, partners=1, access_key=ACCESS_KEY)
    return data


def _erp_config(tmp_path: Path) -> list[str]:
    return ["-c", f"database={tmp_path / 'erp.db'}", "-c", f"access_key={ACCESS_KEY}"]


def _secret_file(tmp_path: Path, secret: str) -> Path:
    path = tmp_path / "shared-secret"
    path.write_text(secret + "\n", encoding="utf-8")
    return path


def _listed() -> list[dict[str, object]]:
    listed = run_cli("connection", "list", "--json")
    assert listed.exit_code == 0, listed.output
    rows: list[dict[str, object]] = json.loads(listed.stdout)
    return rows


def test_add_tests_the_remote_service_first_and_shows_the_url_never_the_secret(
    installation: Path, tmp_path: Path, remote_url: str
) -> None:
    config = _erp_config(tmp_path)
    add = ("connection", "add", "Far ERP", "--remote-url", remote_url, *config)
    no_secret = run_cli(*add)
    assert no_secret.exit_code == 1
    assert "--remote-secret-file" in no_secret.stderr and "Traceback" not in no_secret.stderr
    wrong = _secret_file(tmp_path, "not-the-secret")
    refused = run_cli(*add, "--remote-secret-file", str(wrong))
    assert refused.exit_code == 1 and "nothing was saved" in refused.stderr
    assert "secret" in refused.stdout.lower() and "not-the-secret" not in refused.stdout
    assert _listed() == []

    right = _secret_file(tmp_path, SECRET)
    added = run_cli(*add, "--remote-secret-file", str(right))
    assert added.exit_code == 0, added.stderr
    assert "Connected to the demo ERP (6 customers" in added.stdout
    assert f"1: Far ERP (remote {remote_url}, inactive, priority 1)" in added.stdout
    rows = _listed()
    assert rows[0]["remote_url"] == remote_url and rows[0]["remote_secret"] == {"set": True}
    assert rows[0]["config"] == {
        "database": str(tmp_path / "erp.db"),
        "access_key": {"set": True},
        "batch_size": 500,
    }
    listed = run_cli("connection", "list")
    assert f"remote {remote_url}" in listed.stdout
    shown = run_cli("connection", "show", "far erp")
    assert shown.exit_code == 0, shown.stderr
    lines = [line.split() for line in shown.stdout.splitlines()]
    assert ["Remote", "URL", remote_url] in lines and ["Shared", "secret", "set"] in lines
    assert ["access_key", "set"] in lines
    output = added.stdout + added.stderr + listed.stdout + shown.stdout + json.dumps(rows)
    assert SECRET not in output and ACCESS_KEY not in output
    with sqlite3.connect(installation / "erpsync.db") as db:
        (stored,) = db.execute("SELECT remote_secret FROM connections").fetchone()
    assert stored and SECRET not in stored
    tested = run_cli("connection", "test", "Far ERP")
    assert tested.exit_code == 0 and "Connected" in tested.stdout


def test_edit_changes_the_url_and_secret_only_after_a_passing_test(
    installation: Path, tmp_path: Path, remote_url: str, other_url: str
) -> None:
    right = _secret_file(tmp_path, SECRET)
    add = ("connection", "add", "Far ERP", "--remote-url", remote_url, *_erp_config(tmp_path))
    assert run_cli(*add, "--remote-secret-file", str(right)).exit_code == 0
    # A new secret the service refuses: nothing changes, the stored one still works.
    wrong = run_cli(
        "connection",
        "edit",
        "Far ERP",
        "--remote-secret-env",
        "FAR_SECRET",
        FAR_SECRET="wrong-secret-1",
    )
    assert wrong.exit_code == 1 and "nothing was saved" in wrong.stderr
    assert "wrong-secret-1" not in wrong.stdout + wrong.stderr
    unset = run_cli("connection", "edit", "Far ERP", "--remote-secret-env", "NO_SUCH_VAR")
    assert unset.exit_code == 1 and "NO_SUCH_VAR" in unset.stderr
    # Another service, its secret from standard input; the description alone needs no test.
    moved = run_cli(
        *("connection", "edit", "Far ERP", "--description", "Moved", "-c", "batch_size=50"),
        *("--remote-url", other_url, "--remote-secret-file", "-"),
        stdin=OTHER_SECRET + "\n",
    )
    assert moved.exit_code == 0, moved.stderr
    assert f"(remote {other_url}, inactive" in moved.stdout
    row = _listed()[0]
    assert (row["remote_url"], row["description"]) == (other_url, "Moved")
    assert row["config"] == {
        "database": str(tmp_path / "erp.db"),
        "access_key": {"set": True},
        "batch_size": 50,
    }
    tested = run_cli("connection", "test", "Far ERP")
    assert tested.exit_code == 0, tested.stdout + tested.stderr
    # Unsaved values of a remote service are tested the same way.
    probe = run_cli(
        "connection",
        "test",
        "--remote-url",
        remote_url,
        "--remote-secret-env",
        "FAR_SECRET",
        *_erp_config(tmp_path),
        FAR_SECRET=SECRET,
    )
    assert probe.exit_code == 0 and "Connected" in probe.stdout, probe.stderr


def test_an_installed_connection_moves_to_a_remote_service_and_bad_options_are_named(
    installation: Path, tmp_path: Path, remote_url: str
) -> None:
    config = _erp_config(tmp_path)
    add = ("connection", "add", "ERP", "--connector", "demo", *config)
    assert run_cli(*add).exit_code == 0
    secret_file = _secret_file(tmp_path, SECRET)
    stray = run_cli("connection", "edit", "ERP", "--remote-secret-file", str(secret_file))
    assert stray.exit_code == 1 and "--remote-url" in stray.stderr
    both = run_cli(
        "connection",
        "add",
        "Other",
        "--connector",
        "demo",
        "--remote-url",
        remote_url,
    )
    assert both.exit_code == 1 and "leave out --connector demo" in both.stderr
    bad_url = run_cli(
        "connection",
        "add",
        "Other",
        "--remote-url",
        "not a url",
        "--remote-secret-file",
        str(secret_file),
    )
    assert bad_url.exit_code == 1 and "remote_url" in bad_url.stderr
    no_secret = run_cli("connection", "edit", "ERP", "--remote-url", remote_url)
    assert no_secret.exit_code == 1 and "shared secret" in no_secret.stderr
    assert _listed()[0]["connector"] == "demo"
    moved = run_cli(
        "connection",
        "edit",
        "ERP",
        "--remote-url",
        remote_url,
        "--remote-secret-env",
        "FAR_SECRET",
        *config,
        FAR_SECRET=SECRET,
    )
    assert moved.exit_code == 0, moved.stderr
    row = _listed()[0]
    assert (row["connector"], row["remote_url"]) == ("remote", remote_url)
    assert [r["name"] for r in _listed()] == ["ERP"]


def _in_terminal(args: list[str], data_dir: Path, answer: str) -> tuple[int, str]:
    """Run the CLI on a pseudo terminal, answering the first prompt with `answer`."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "erpsync", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "ERPSYNC_DATA_DIR": str(data_dir)},
        start_new_session=True,
    )
    os.close(follower)
    output, answered = b"", False
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                raise AssertionError(f"no output in time: {output!r}")
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closes when the command ends
                break
            if not chunk:
                break
            output += chunk
            # The space after the prompt comes once echo is off (and typed-ahead input
            # flushed), so the answer is typed after it.
            if not answered and b"Shared secret of the remote connector: " in output:
                os.write(leader, answer.encode() + b"\n")
                answered = True
        return process.wait(timeout=60), output.decode(errors="replace")
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()


def test_in_a_terminal_the_shared_secret_is_asked_for_without_echo(
    installation: Path, tmp_path: Path, remote_url: str
) -> None:
    args = ["connection", "add", "Far ERP", "--remote-url", remote_url, *_erp_config(tmp_path)]
    code, output = _in_terminal(args, installation, SECRET)
    assert code == 0, output
    assert "Shared secret of the remote connector" in output
    assert f"remote {remote_url}" in output and SECRET not in output
    assert _listed()[0]["remote_secret"] == {"set": True}


def test_export_and_import_carry_the_url_and_ask_for_the_shared_secret(
    installation: Path, tmp_path: Path, remote_url: str
) -> None:
    right = _secret_file(tmp_path, SECRET)
    add = ("connection", "add", "Far ERP", "--remote-url", remote_url, *_erp_config(tmp_path))
    assert run_cli(*add, "--remote-secret-file", str(right)).exit_code == 0
    file = tmp_path / "far.yaml"
    assert run_cli("connection", "export", "Far ERP", "-o", str(file)).exit_code == 0
    text = file.read_text(encoding="utf-8")
    assert f"remote_url: {remote_url}" in text and SECRET not in text
    assert run_cli("connection", "delete", "Far ERP").exit_code == 0

    asked = run_cli("connection", "import", str(file), "--secret", f"access_key={ACCESS_KEY}")
    assert asked.exit_code == 1
    assert "'remote_secret' (Shared secret of the remote connector)" in asked.stderr
    assert "--secret remote_secret=VALUE" in asked.stderr
    assert _listed() == []
    imported = run_cli(
        *("connection", "import", str(file), "--secret", f"access_key={ACCESS_KEY}"),
        *("--secret", f"remote_secret={SECRET}"),
    )
    assert imported.exit_code == 0, imported.output
    assert f"Created 2: Far ERP (remote {remote_url}, inactive)." in imported.stdout
    again = run_cli("connection", "export", "Far ERP")
    assert again.stdout == text
