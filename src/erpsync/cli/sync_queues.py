"""`erpsync sync conflicts|dead-letters …`: the queues of what the engine could not decide
(R-SYNC-5, R-SYNC-6, R-UI-3).

`conflicts list|resolve` shows the conflict queue and settles one (the ERP value, the
CRM value or a typed one); `dead-letters list|retry|discard` shows quarantined records,
retries them in a run in this process, or closes them.
"""

from __future__ import annotations

import typer
from rich.table import Table

from erpsync.cli.connections import _actor
from erpsync.cli.runtime import console, database, fail, friendly, load, print_json
from erpsync.connections import service as connections
from erpsync.errors import NotFound
from erpsync.jobs.registry import JobEnv
from erpsync.jobs.runners import InlineRunner
from erpsync.jobs.sync_jobs import start_run
from erpsync.sync import conflicts, deadletters
from erpsync.sync.context import utc_now
from erpsync.sync.schemas import DeadLetterRead, conflict_read

conflicts_app = typer.Typer(help="Conflicts waiting for a choice.", no_args_is_help=True)
dead_app = typer.Typer(help="Records quarantined by the engine.", no_args_is_help=True)
UserOption = typer.Option(None, "--user", "-u", help="Act as this administrator.")
JsonOption = typer.Option(False, "--json", help="Print JSON.")
ConnectionArg = typer.Argument(..., help="Connection name or id.")


def _short(value: object) -> str:
    return "" if value is None else str(value)


@conflicts_app.command("list")
@friendly
def list_conflicts(
    connection: str = ConnectionArg,
    limit: int = typer.Option(50, help="Conflicts per page."),
    offset: int = typer.Option(0, help="Conflicts to skip."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """Open conflicts, oldest first."""
    db = database(load())
    with db.read_session() as session:
        found = connections.find(session, _actor(session, user), connection)
        total, items = conflicts.page(session, found.id, limit, offset)
        rows = [conflict_read(item).model_dump(mode="json") for item in items]
    if as_json:
        print_json({"total": total, "items": rows})
        return
    table = Table("id", "record", "field", "ERP value", "CRM value", title=f"{total} conflicts")
    for row in rows:
        record = f"{row['actor_type']} {row['erp_key']}"
        field = row["crm_field"] or row["field"]
        table.add_row(str(row["id"]), record, field, _short(row["erp_value"]),
                      _short(row["crm_value"]))  # fmt: skip
    console.print(table)


@conflicts_app.command("resolve")
@friendly
def resolve(
    connection: str = ConnectionArg,
    conflict_id: int = typer.Argument(..., help="The conflict's id (see `list`)."),
    keep: str = typer.Option(..., "--keep", help="erp, crm, or value (with --value)."),
    value: str | None = typer.Option(None, "--value", help="The value to keep."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """Settle a conflict; the next run sends the kept value where it must go."""
    if keep == "value" and value is None:
        raise fail("--keep value needs --value TEXT.", 2)
    db = database(load())
    with db.session() as session:
        admin = _actor(session, user)
        found = connections.find(session, admin, connection)
        done = conflicts.resolve(session, found.id, conflict_id, keep, utc_now(), value, admin.id)
        answer = {**conflict_read(done).model_dump(mode="json"), "kept": keep}
    if as_json:
        print_json(answer)
        return
    console.print(f"Conflict {conflict_id} ({done.erp_key} {done.crm_field}) resolved: {keep}.")


@dead_app.command("list")
@friendly
def list_dead(
    connection: str = ConnectionArg,
    q: str | None = typer.Option(None, "--search", "-q", help="Search stream, key, reason."),
    limit: int = typer.Option(50, help="Entries per page."),
    offset: int = typer.Option(0, help="Entries to skip."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """Open dead letters, newest first."""
    db = database(load())
    with db.read_session() as session:
        found = connections.find(session, _actor(session, user), connection)
        total, letters = deadletters.page(session, found.id, q, limit, offset)
        rows = [DeadLetterRead.model_validate(x).model_dump(mode="json") for x in letters]
    if as_json:
        print_json({"total": total, "items": rows})
        return
    table = Table("id", "stream", "record", "attempts", "reason", title=f"{total} dead letters")
    for row in rows:
        table.add_row(str(row["id"]), row["stream"], row["record_key"], str(row["attempts"]),
                      row["reason"])  # fmt: skip
    console.print(table)


@dead_app.command("retry")
@friendly
def retry(
    connection: str = ConnectionArg,
    ids: list[int] | None = typer.Argument(None, help="Dead letter ids (default: all)."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """Retry dead letters now, in a run in this process."""
    settings = load()
    db = database(settings)
    with db.read_session() as session:
        admin = _actor(session, user)
        found = connections.find(session, admin, connection)
        chosen = deadletters.chosen(session, found.id, ids or None)
    if not chosen:
        raise NotFound("There are no open dead letters to retry.")
    runner = InlineRunner(JobEnv.from_settings(settings, db))
    with console.status(f"Retrying {len(chosen)} dead letter(s) …"):
        read, started = start_run(db, runner, admin, found.id, retry=chosen)
    if not started:
        raise fail(f"Run {read.id} of this connection is still going; retry when it ends.", 2)
    result = runner.results[0]
    with db.read_session() as session:
        left = deadletters.open_count(session, found.id)
    if as_json:
        print_json({"run": read.id, "state": result["state"], "retried": len(chosen),
                    "still_open": left})  # fmt: skip
    else:
        console.print(f"Run {read.id}: {result['state']}; {left} dead letter(s) still open.")
    if result["state"] != "succeeded":
        raise typer.Exit(1)


@dead_app.command("discard")
@friendly
def discard(
    connection: str = ConnectionArg,
    ids: list[int] | None = typer.Argument(None, help="Dead letter ids."),
    all_: bool = typer.Option(False, "--all", help="Discard every open dead letter."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """Close dead letters without retrying them."""
    if not ids and not all_:
        raise fail("Name the dead letters to discard, or pass --all.", 2)
    db = database(load())
    with db.session() as session:
        found = connections.find(session, _actor(session, user), connection)
        count = deadletters.discard(session, found.id, ids or None, utc_now())
        left = deadletters.open_count(session, found.id)
    if as_json:
        print_json({"discarded": count, "still_open": left})
    else:
        console.print(f"Discarded {count} dead letter(s).")
