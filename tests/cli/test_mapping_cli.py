"""`erpsync mapping set|default|rank|lists|policy|priority` and `erpsync connection
export|import` as a user runs them (R-UI-3, R-MAP-1…8, R-MAP-7, R-CONN-3)."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from erpsync.cli.main import app
from erpsync.connectors.demo.seed import init_database

KEY = "key-123456"


@pytest.fixture
def installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir with an administrator and the connection 'ERP' to a keyed demo ERP."""
    data = tmp_path / "data"
    monkeypatch.setenv("ERPSYNC_DATA_DIR", str(data))
    monkeypatch.delenv("ERPSYNC_DATABASE_URL", raising=False)
    assert invoke("db", "upgrade").exit_code == 0
    invoke("user", "add", "root", "--admin", "--password", "root-password-1")
    erp = tmp_path / "erp.db"
    init_database(erp, customers=6, suppliers=2, partners=1, access_key=KEY)
    added = invoke(
        "connection", "add", "ERP", "--connector", "demo",
        "-c", f"database={erp}", "-c", f"access_key={KEY}",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    return data


def invoke(*args: str) -> Result:
    """The real `erpsync` command, run in this process (settings from the environment)."""
    return CliRunner().invoke(app, list(args))


def ok(*args: str) -> str:
    done = invoke(*args)
    assert done.exit_code == 0, done.output
    return done.stdout


def _import_on_a_terminal(data: Path, file: Path, answer: str) -> tuple[int, str]:
    """Run the import with a terminal as stdin, answering the hidden secret prompt."""
    env = {**os.environ, "ERPSYNC_DATA_DIR": str(data), "COLUMNS": "200"}
    env.pop("ERPSYNC_DATABASE_URL", None)
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child becomes the CLI
        os.execvpe(  # noqa: S606 - the CLI under test, with a terminal
            sys.executable,
            [sys.executable, "-m", "erpsync", "connection", "import", str(file)],
            env,
        )
    output = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        # The hidden input begins after the prompt's trailing space (echo off from there).
        if not answered and b"(access_key): " in output:
            time.sleep(0.2)
            os.write(fd, answer.encode() + b"\n")
            answered = True
    else:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_export_delete_import_round_trip_asks_for_the_secret(
    installation: Path, tmp_path: Path
) -> None:
    ok("mapping", "automap", "ERP", "--apply")
    file = tmp_path / "erp.yaml"
    ok("connection", "export", "ERP", "-o", str(file))
    text = file.read_text()
    assert KEY not in text and yaml.safe_load(text)["connection"]["secrets"] == ["access_key"]
    ok("connection", "delete", "ERP")

    no_terminal = invoke("connection", "import", str(file))
    assert no_terminal.exit_code == 1
    assert "--secret access_key=VALUE" in no_terminal.stderr
    wrong = invoke("connection", "import", str(file), "--secret", "access_key=nope")
    assert wrong.exit_code == 1
    assert "test of the imported values failed" in wrong.stderr
    assert "access key" in wrong.stderr.lower()
    assert json.loads(ok("connection", "list", "--json")) == []

    code, output = _import_on_a_terminal(installation, file, KEY)
    assert code == 0, output
    assert "Created" in output and KEY not in output
    assert ok("connection", "export", "ERP") == text


def test_mapping_commands_edit_fields_lists_policy_and_priority(installation: Path) -> None:
    rows = json.loads(
        ok("mapping", "set", "ERP", "name", "--crm", "name", "--direction", "both", "--json")
    )
    assert [(r["erp_field"], r["direction"]) for r in rows if r["mapped"]] == [("name", "both")]
    ok("mapping", "set", "ERP", "city", "--crm", "city", "--direction", "to_crm", "--tab")
    ok("mapping", "rank", "ERP", "city", "--up")
    ok("mapping", "default", "ERP", "payment_terms", "--mode", "ask", "--value", "2")
    shown = json.loads(ok("mapping", "show", "ERP", "--json"))
    assert [(r["erp_field"], r["rank"]) for r in shown if r["mapped"]] == [
        ("city", 1),
        ("name", 2),
        ("payment_terms", 3),
    ]
    terms = next(r for r in shown if r["erp_field"] == "payment_terms")
    assert (terms["default_mode"], terms["default_value"]) == ("ask", "2")
    assert "payment_terms" in ok("mapping", "set", "ERP", "city", "--no-tab")

    for args, text in [
        (("set", "ERP", "number", "--crm", "number", "--direction", "both"), "ReadOnly in the ERP"),
        (("set", "ERP", "city", "--direction", "sideways"), "direction: Input should be"),
        (("default", "ERP", "country", "--value", "XX"), "not an item id"),
        (("rank", "ERP", "city", "--up", "--down"), "exactly one of"),
        (("lists", "ERP", "countries", "--pair", "752=SE", "--crm-list", "country",
          "--pair", "578=SE"), "items[1].crm_item"),
        (("policy", "ERP", "--filter", "category=nobody"), "crm_filter.category"),
        (("policy", "ERP", "--erp-to-crm", "maybe"), "erp_to_crm"),
        (("priority", "ERP", "0"), "priority."),
    ]:  # fmt: skip
        refused = invoke("mapping", *args)
        assert refused.exit_code == 1, args
        assert text in refused.stderr, refused.stderr
        assert "Traceback" not in refused.output

    report = json.loads(
        ok("mapping", "lists", "ERP", "countries", "--crm-list", "country", "--automatch",
           "--apply", "--json")
    )[0]  # fmt: skip
    assert ("752", "SE") in [(p["erp_item"], p["crm_item"]) for p in report["items"]]
    assert "countries → country" in ok("mapping", "lists", "ERP")

    policy = json.loads(
        ok("mapping", "policy", "ERP", "--erp-to-crm", "create", "--filter", "category=customer",
           "--json")
    )  # fmt: skip
    assert (policy["erp_to_crm"], policy["crm_filter"]) == ("create", {"category": ["customer"]})
    assert "(when category = customer)" in ok("mapping", "policy", "ERP")

    rows = json.loads(ok("mapping", "priority", "ERP", "4", "--json"))
    assert [(r["name"], r["priority"]) for r in rows] == [("ERP", 4)]
    assert "ERP" in ok("mapping", "priority")
