"""`erpsync company|person|project show|edit|delete` and list paging (R-UI-3): every change
goes through the CRM service, a refusal is one line naming the id, field or value and
writes nothing, and a delete is soft and asks first."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from erpsync.cli.main import app


def _ok(cli: CliRunner, *args: str, input: str | None = None) -> str:
    result = cli.invoke(app, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


def _json(cli: CliRunner, *args: str) -> Any:
    return json.loads(_ok(cli, *args, "--json"))


def _refused(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.strip().startswith("Error:")
    return result.output


def test_list_pages_through_matches_and_show_prints_every_field(cli: CliRunner) -> None:
    for name in ("Alfa AB", "Beta AB", "Gamma AB", "Delta Oy"):
        _ok(cli, "company", "add", name, "--city", "Lund")
    second = _json(cli, "company", "list", "--q", "ab", "--limit", "2", "--offset", "2")
    assert second["total"] == 3
    assert [c["name"] for c in second["items"]] == ["Gamma AB"]
    gamma = second["items"][0]["id"]
    table = _ok(cli, "company", "list", "--limit", "2")
    assert "Alfa AB" in table and "Gamma AB" not in table and "2 of 4 companies" in table
    shown = _ok(cli, "company", "show", str(gamma))
    assert "Gamma AB" in shown and "Lund" in shown and "country" in shown
    assert _json(cli, "company", "show", str(gamma))["city"] == "Lund"


def test_edit_changes_only_the_given_fields_clears_empty_ones_and_deactivates(
    cli: CliRunner,
) -> None:
    acme = _json(cli, "company", "add", "Acme AB", "--city", "Lund", "--phone", "+46 1")["id"]
    said = _ok(cli, "company", "edit", str(acme), "--set", "country=se", "--set",
               "email=sales@acme.se", "--set", "phone=")  # fmt: skip
    assert "Changed company Acme AB" in said and "country, email, phone" in said
    shown = _json(cli, "company", "show", str(acme))
    assert (shown["country"], shown["email"], shown["phone"], shown["city"]) == (
        "SE", "sales@acme.se", None, "Lund"
    )  # fmt: skip
    inactive = _json(cli, "company", "edit", str(acme), "--set", "active=false")
    assert inactive["active"] is False
    assert _json(cli, "company", "list")["items"][0]["active"] is False


def test_a_refused_edit_names_the_id_field_or_value_and_changes_nothing(cli: CliRunner) -> None:
    acme = str(_json(cli, "company", "add", "Acme AB", "--city", "Lund")["id"])
    before = _json(cli, "company", "show", acme)
    assert "No company with id 999" in _refused(cli, "company", "edit", "999", "--set", "city=A")
    unknown = _refused(cli, "company", "edit", acme, "--set", "colour=red")
    assert "colour: a company has no such field" in unknown and "org_no" in unknown
    assert "country=XX" not in _refused(cli, "company", "edit", acme, "--set", "city")
    assert "no country with code 'XX'" in _refused(
        cli, "company", "edit", acme, "--set", "city=Malmö", "--set", "country=XX"
    )
    assert "email" in _refused(cli, "company", "edit", acme, "--set", "email=nope")
    assert "name: must not be blank" in _refused(cli, "company", "edit", acme, "--set", "name=")
    assert "active" in _refused(cli, "company", "edit", acme, "--set", "active=maybe")
    assert "--set" in _refused(cli, "company", "edit", acme)
    assert _json(cli, "company", "show", acme) == before


def test_persons_and_projects_are_shown_edited_and_refused_like_companies(
    cli: CliRunner,
) -> None:
    acme = str(_json(cli, "company", "add", "Acme AB")["id"])
    other = str(_json(cli, "company", "add", "Other AB")["id"])
    eva = str(_json(cli, "person", "add", "--company", acme, "--last-name", "Lind")["id"])
    moved = _json(cli, "person", "edit", eva, "--set", f"company_id={other}", "--set",
                  "first_name=Eva")  # fmt: skip
    assert (moved["company_id"], moved["first_name"]) == (int(other), "Eva")
    assert "company_id: no company with id 999" in _refused(
        cli, "person", "edit", eva, "--set", "company_id=999"
    )
    assert "Eva Lind" in _ok(cli, "person", "show", eva)
    roof = str(_json(cli, "project", "add", "Roof", "--status", "planned")["id"])
    done = _json(cli, "project", "edit", roof, "--set", "status=in_progress")
    assert done["status"] == "in_progress"
    assert "'finished'" in _refused(cli, "project", "edit", roof, "--set", "status=finished")
    assert "No project with id 999" in _refused(cli, "project", "show", "999")


def test_delete_asks_first_and_a_company_takes_its_persons_along(cli: CliRunner) -> None:
    acme = str(_json(cli, "company", "add", "Acme AB")["id"])
    _json(cli, "person", "add", "--company", acme, "--last-name", "Lind")
    roof = str(_json(cli, "project", "add", "Roof", "--company", acme)["id"])
    kept = cli.invoke(app, ["company", "delete", acme], input="n\n")
    assert kept.exit_code == 1
    assert "Delete company Acme AB (id 1) and its 1 person(s)?" in kept.output
    assert "Nothing deleted" in kept.output
    assert _json(cli, "company", "list")["total"] == 1
    said = _ok(cli, "company", "delete", acme, input="y\n")
    assert "Deleted company Acme AB" in said and "nothing is deleted in the ERP" in said
    assert "No company with id" in _refused(cli, "company", "show", acme)
    assert "No company with id" in _refused(cli, "company", "delete", acme, "--yes")
    assert _json(cli, "person", "list")["total"] == 0
    # The project stays, still pointing to its (deleted) company for history.
    assert _json(cli, "project", "show", roof)["company_id"] == int(acme)
    _ok(cli, "project", "delete", roof, "--yes")
    assert _json(cli, "project", "list")["total"] == 0
