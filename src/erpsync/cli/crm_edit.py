"""`erpsync company|person|project show|edit|delete`: one CRM record from the command line,
through the same services as the API and the pages (R-UI-3).

`edit --set field=value` changes the given fields only (an empty value clears one, and
`active=false` makes the record inactive); `delete` soft-deletes it as the API does — a
company takes its persons along — after a confirmation that `--yes` skips. The record's
ERP links end at the next sync run of each connection (R-SYNC-7); nothing is deleted in
the ERP.
"""

from __future__ import annotations

import typer
from sqlalchemy.orm import Session

from erpsync.cli.crm_common import COMPANY, RecordKind, parse_sets, print_record
from erpsync.cli.runtime import console, database, friendly, load
from erpsync.crm import service

JsonOption = typer.Option(False, "--json", help="Print JSON for scripts.")


def _persons_of(session: Session, kind: RecordKind, record_id: int) -> int:
    """How many live persons a company deletion takes along (0 for other kinds)."""
    if kind is not COMPANY:
        return 0
    return service.search_persons(session, company_id=record_id, limit=1).total


def register(app: typer.Typer, kind: RecordKind) -> None:
    """Add `show`, `edit` and `delete` for `kind` to its command group."""

    @app.command("show", help=f"Show one {kind.noun} with every field.")
    @friendly
    def show(
        record_id: int = typer.Argument(..., metavar="ID", help=f"Id of the {kind.noun}."),
        json_output: bool = JsonOption,
    ) -> None:
        with database(load()).read_session() as session:
            row = kind.read.model_validate(kind.get(session, record_id))
        heading = f"{kind.noun.capitalize()} {kind.title(row)} (id {record_id})"
        print_record(row, json_output, heading)

    @app.command(
        "edit",
        help=f"Change fields of a {kind.noun}: --set field=value (repeat); an empty value "
        "clears the field; list fields take the item code.",
    )
    @friendly
    def edit(
        record_id: int = typer.Argument(..., metavar="ID", help=f"Id of the {kind.noun}."),
        sets: list[str] = typer.Option([], "--set", help="field=value (repeat)."),
        json_output: bool = JsonOption,
    ) -> None:
        data = parse_sets(kind, sets)
        with database(load()).session() as session:
            row = kind.read.model_validate(kind.change(session, record_id, data))
        if json_output:
            print_record(row, True)
            return
        changed = ", ".join(sorted(data.model_fields_set))
        console.print(
            f"Changed {kind.noun} {kind.title(row)} (id {record_id}): {changed}.", highlight=False
        )

    @app.command(
        "delete",
        help=f"Delete a {kind.noun} (soft: hidden from then on, kept for history); its ERP "
        "links end at the next sync run, nothing is deleted in the ERP.",
    )
    @friendly
    def delete(
        record_id: int = typer.Argument(..., metavar="ID", help=f"Id of the {kind.noun}."),
        yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    ) -> None:
        db = database(load())
        with db.read_session() as session:
            title = kind.title(kind.get(session, record_id))
            persons = _persons_of(session, kind, record_id)
        along = f" and its {persons} person(s)" if persons else ""
        if not yes and not typer.confirm(f"Delete {kind.noun} {title} (id {record_id}){along}?"):
            console.print("Nothing deleted.")
            raise typer.Exit(1)
        with db.session() as session:
            kind.delete(session, record_id)
        console.print(
            f"Deleted {kind.noun} {title} (id {record_id}){along}. Any ERP links it has end "
            "at the next sync run; nothing is deleted in the ERP.",
            highlight=False,
        )
