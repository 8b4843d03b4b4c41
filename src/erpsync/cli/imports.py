"""`erpsync import CONNECTION`: import actors from an ERP into the CRM (R-IMP, R-UI-3).

The preview is read and printed first (counts per group, the rows of each group, and the
matched records whose CRM values the next sync writes to the ERP);
after a confirmation (or `--yes`) the selected rows are imported with a Rich progress
bar and a summary of what the rows became. `--exclude KEY` leaves rows out;
`--resume JOB` continues an import that stopped. Runs in this process, as an
administrator (`--user LOGIN`, or the first active one).
"""

from __future__ import annotations

from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from erpsync.cli.connections import _actor, _keys
from erpsync.cli.runtime import console, database, fail, friendly, load, print_json
from erpsync.connections import service as connections
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.sync.context import utc_now
from erpsync.sync.imports import job, service
from erpsync.sync.imports.models import GROUPS, SUCCEEDED, ImportRow
from erpsync.sync.imports.schemas import ImportCreate, ImportRead, RowChange, RowsUpdate

SHOWN = 15


def _run(db: Database, keys: Keys, job_id: int, what: str, total: int | None) -> str:
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task(what, total=total)

        def progress(state: dict[str, Any]) -> None:
            bar.update(task, completed=state.get("done", 0), total=state.get("total") or total)

        return job.run(db, keys, job_id, progress=progress)


def _preview_table(db: Database, read: ImportRead) -> Table:
    counts = ", ".join(f"{g} {read.counts.get(g, 0)}" for g in (*GROUPS, "selected"))
    table = Table("group", "type", "ERP key", "name", "CRM record", "rule / reason",
                  title=f"Preview of import {read.id}: {counts}")  # fmt: skip
    with db.read_session() as session:
        for group in GROUPS:
            _, rows = service.rows_page(session, read.id, status=group, limit=SHOWN)
            for row in rows:
                record = str(row.crm_id or ", ".join(map(str, row.candidates or [])) or "")
                why = row.rule or row.reason or ""
                if row.erp_writes:
                    why += "; to the ERP: " + ", ".join(w["field"] for w in row.erp_writes)
                table.add_row(group, row.actor_type, row.erp_key, row.label or "", record,
                              why)  # fmt: skip
            more = int(read.counts.get(group, 0)) - len(rows)
            if more > 0:
                table.add_row(group, "", f"… {more} more", "", "", "")
    return table


def _to_erp(read: ImportRead) -> str:
    fields, records = read.counts.get("to_erp_fields", 0), read.counts.get("to_erp_records", 0)
    if not fields:
        return "The next sync writes nothing of the matched records to the ERP."
    fields_text = f"{fields} field{'s' if fields != 1 else ''}"
    records_text = f"{records} matched record{'s' if records != 1 else ''}"
    return (
        f"The next sync writes {fields_text} of {records_text} to the ERP: "
        "the CRM keeps values there that differ from the ERP's on fields mapped towards the "
        "ERP (both, to_erp); --exclude KEY leaves a record out."
    )


def _exclude(db: Database, job_id: int, keys: list[str]) -> None:
    with db.session() as session:
        found = dict(
            session.execute(
                select(ImportRow.erp_key, ImportRow.id).where(
                    ImportRow.job_id == job_id, ImportRow.erp_key.in_(keys)
                )
            ).all()
        )
        unknown = [key for key in keys if key not in found]
        if unknown:
            raise fail(f"--exclude: no row with the ERP key {', '.join(unknown)} in the preview.")
        changes = [RowChange(id=found[key], selected=False) for key in keys]
        service.update_rows(session, service.get(session, job_id), RowsUpdate(rows=changes))


def _read(db: Database, job_id: int) -> ImportRead:
    with db.read_session() as session:
        return ImportRead.model_validate(service.get(session, job_id))


def _summary(db: Database, read: ImportRead, as_json: bool) -> None:
    if as_json:
        print_json(read.model_dump(mode="json"))
        return
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(read.outcomes.items()))
    console.print(f"Import {read.id}: {read.state} — {outcomes or 'nothing written'}")
    if read.error:
        console.print(f"[red]{read.error}[/red]", highlight=False)
    with db.read_session() as session:
        for outcome in ("changed", "failed"):
            _, rows = service.rows_page(session, read.id, outcome=outcome, limit=SHOWN)
            for row in rows:
                console.print(f"  {outcome}: {row.actor_type} {row.erp_key} — {row.note}")


@friendly
def import_command(
    connection: str = typer.Argument(..., help="Connection name or id."),
    actor_type: str = typer.Option(
        "Customer", "--type", "-t", help="Actor types, comma-separated (parents go first)."
    ),
    rules: str = typer.Option("number", help="Duplicate rules in order: number,vat,name,…"),
    action: str = typer.Option("merge", help="For matches: merge, replace, skip or add."),
    exclude: list[str] = typer.Option([], "--exclude", help="Leave this ERP key out."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Import without asking."),
    resume: int | None = typer.Option(None, "--resume", help="Continue this import job."),
    user: str | None = typer.Option(None, "--user", "-u", help="Act as this administrator."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Import actors of an ERP connection into the CRM: preview first, then import."""
    settings = load()
    db, keys = database(settings), _keys(settings)
    with db.session() as session:
        found = connections.find(session, _actor(session, user), connection)
        if resume is None:
            data = ImportCreate.model_validate(
                {"actor_types": _split(actor_type), "rules": _split(rules), "action": action}
            )
            job_id = service.create(session, found, data, None).id
        else:
            job_id = service.resume(session, service.get(session, resume), utc_now()).id
    if resume is None and not _previewed(db, keys, job_id, exclude, yes, as_json):
        return
    total = int(_read(db, job_id).progress.get("total") or 0)
    state = _run(db, keys, job_id, "Importing", total)
    _summary(db, _read(db, job_id), as_json)
    if state != SUCCEEDED:
        raise typer.Exit(1)


def _previewed(
    db: Database, keys: Keys, job_id: int, exclude: list[str], yes: bool, as_json: bool
) -> bool:
    """Preview, print, confirm and queue the commit; False when nothing is to be imported."""
    _run(db, keys, job_id, "Reading the ERP", None)
    read = _read(db, job_id)
    if read.state != "ready":
        _summary(db, read, as_json)
        raise typer.Exit(1)
    if exclude:
        _exclude(db, job_id, exclude)
        read = _read(db, job_id)
    if not as_json:
        console.print(_preview_table(db, read))
        console.print(_to_erp(read), highlight=False)
    selected = int(read.counts.get("selected", 0))
    if not yes and not typer.confirm(f"Import {selected} rows?", default=False):
        console.print(f"Nothing imported; the preview stays as import {job_id}.")
        return False
    with db.session() as session:
        service.request_commit(session, service.get(session, job_id), utc_now())
    return True


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]
