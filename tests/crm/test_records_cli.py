"""`erpsync person …` and `erpsync project …` (R-UI-3): add and list through the CRM
services, JSON for scripts, and refusals that are one line naming the field and write
nothing."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from erpsync.cli.main import app


def _json(cli: CliRunner, *args: str) -> Any:
    result = cli.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _refused(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().startswith("Error:")
    return result.output


def test_persons_are_added_to_a_company_and_listed(cli: CliRunner) -> None:
    acme = _json(cli, "company", "add", "Acme AB")["id"]
    other = _json(cli, "company", "add", "Other AB")["id"]
    eva = _json(cli, "person", "add", "--company", str(acme), "--first-name", "Eva",
                "--last-name", "Lind", "--email", "eva@acme.se")  # fmt: skip
    assert (eva["company_id"], eva["email"]) == (acme, "eva@acme.se")
    _json(cli, "person", "add", "--company", str(acme), "--last-name", "Berg")
    _json(cli, "person", "add", "--company", str(other), "--first-name", "Olle")
    listed = _json(cli, "person", "list", "--company", str(acme))
    assert listed["total"] == 2
    assert [p["last_name"] for p in listed["items"]] == ["Berg", "Lind"]
    assert _json(cli, "person", "list", "-q", "EVA@")["items"][0]["id"] == eva["id"]
    table = cli.invoke(app, ["person", "list"])
    assert "Eva Lind" in table.output and "3 of 3 persons" in table.output


def test_a_person_without_a_live_company_or_a_name_is_refused_and_not_written(
    cli: CliRunner,
) -> None:
    assert "company_id" in _refused(cli, "person", "add", "--company", "999", "--last-name", "X")
    acme = _json(cli, "company", "add", "Acme AB")["id"]
    assert "name" in _refused(cli, "person", "add", "--company", str(acme))
    assert "email" in _refused(
        cli, "person", "add", "--company", str(acme), "--last-name", "X", "--email", "nope"
    )
    assert _json(cli, "person", "list")["total"] == 0


def test_projects_carry_a_status_code_and_an_optional_company(cli: CliRunner) -> None:
    acme = _json(cli, "company", "add", "Acme AB")["id"]
    roof = _json(cli, "project", "add", "New roof", "--number", "P-1", "--status",
                 "in_progress", "--company", str(acme))  # fmt: skip
    assert (roof["status"], roof["company_id"]) == ("in_progress", acme)
    _json(cli, "project", "add", "Internal tools", "--status", "planned")
    running = _json(cli, "project", "list", "--status", "in_progress")
    assert [p["name"] for p in running["items"]] == ["New roof"]
    assert _json(cli, "project", "list", "--company", str(acme))["total"] == 1
    table = cli.invoke(app, ["project", "list"])
    assert "P-1" in table.output and "2 of 2 projects" in table.output


def test_an_unknown_status_or_company_is_one_line_and_writes_nothing(cli: CliRunner) -> None:
    assert "'finished'" in _refused(cli, "project", "add", "Roof", "--status", "finished")
    assert "company_id" in _refused(cli, "project", "add", "Roof", "--company", "999")
    assert "name" in _refused(cli, "project", "add", "  ")
    assert _json(cli, "project", "list")["total"] == 0
