"""`erpsync sync run|status|log|reset`: the sync engine from the command line (R-UI-3);
`conflicts` and `dead-letters` are in `sync_queues`.

`run` executes in this process with a Rich progress bar (`sync_progress`: records read
against an expected total, with the counts); when a run of the connection is already
going (server, worker), it says so and exits 2. Commands act as
an administrator (`--user LOGIN`, or the first active one).
"""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from erpsync.cli import sync_queues, sync_recovery
from erpsync.cli.connections import _actor, _keys
from erpsync.cli.runtime import console, database, err_console, fail, friendly, load, print_json
from erpsync.cli.sync_progress import RunBar
from erpsync.connections import service as connections
from erpsync.sync import engine, health, journal, runs
from erpsync.sync.context import utc_now
from erpsync.sync.schemas import health_read, log_read

app = typer.Typer(help="Sync runs, the sync log and cursors.", no_args_is_help=True)
app.add_typer(sync_queues.conflicts_app, name="conflicts")
app.add_typer(sync_queues.dead_app, name="dead-letters")
app.add_typer(sync_recovery.outbox_app, name="outbox")
app.command("purge")(sync_recovery.purge)
app.command("delete-policy")(sync_recovery.delete_policy)
UserOption = typer.Option(None, "--user", "-u", help="Act as this administrator.")
JsonOption = typer.Option(False, "--json", help="Print JSON.")


@app.command("run")
@friendly
def run(
    connection: str = typer.Argument(..., help="Connection name or id."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Plan only: show what would change."),
    resync: str | None = typer.Option(None, "--resync", help="Re-read everything: erp or crm."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """Sync one connection now."""
    settings = load()
    db = database(settings)
    with db.session() as session:
        admin = _actor(session, user)
        found = connections.find(session, admin, connection)
        requested = runs.request(
            session, found, utc_now(), dry_run=dry_run, resync=resync, user_id=admin.id
        )
        run_id, started = requested.run.id, requested.started
    if not started:
        raise fail(f"Run {run_id} of this connection is still going; see `erpsync sync status`.", 2)
    # With --json the bar goes to stderr so stdout holds only the JSON answer.
    with RunBar(db, found.id, resync, err_console if as_json else console) as bar:
        result = engine.execute(db, _keys(settings), run_id, progress=bar.report)
        bar.finish(result.counts, result.state)
    if as_json:
        print_json({"run": result.run_id, "state": result.state, "counts": result.counts,
                    "error": result.error, "plan": result.plan})  # fmt: skip
    else:
        _print_result(result)
    if result.state != "succeeded":
        raise typer.Exit(1)


def _print_result(result: engine.RunResult) -> None:
    counts = ", ".join(f"{key} {value}" for key, value in result.counts.items())
    console.print(f"Run {result.run_id}: {result.state} — {counts}")
    if result.error:
        console.print(f"[red]{result.error}[/red]", highlight=False)
    if result.plan:
        table = Table("action", "record", "field", "old", "new", title="Plan (nothing written)")
        for entry in result.plan:
            table.add_row(
                entry["action"],
                f"{entry['actor_type']} {entry['erp_key']}",
                entry["field"] or "",
                entry["old_value"] or "",
                entry["new_value"] or "",
            )
        console.print(table)


@app.command("status")
@friendly
def status(
    connection: str | None = typer.Argument(None, help="Connection name or id (default: all)."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """Health, the last run, pause reason and stream positions per connection."""
    db = database(load())
    rows: list[dict[str, Any]] = []
    with db.read_session() as session:
        admin = _actor(session, user)
        chosen = (
            [connections.find(session, admin, connection)]
            if connection
            else connections.list_visible(session, admin)
        )
        for item in chosen:
            found = health_read(item, health.of(session, item, utc_now()))
            rows.append({
                "connection": item.name, "sync_enabled": item.sync_enabled,
                "health": found.state, "reason": found.reason, "lag_seconds": found.lag_seconds,
                "dead_letters": found.dead_letters, "conflicts": found.conflicts,
                "paused": item.paused_reason,
                "last_run": found.last_run.model_dump(mode="json") if found.last_run else None,
                "cursors": {s: p for s, p, _ in journal.cursors(session, item.id)},
            })  # fmt: skip
    if as_json:
        print_json(rows)
        return
    table = Table("connection", "sync", "health", "last run", "state", "counts", "dead", "reason")
    for row in rows:
        shown: dict[str, Any] = row["last_run"] or {}
        counts = " ".join(f"{k}={v}" for k, v in (shown.get("counts") or {}).items() if v)
        colour = {"ok": "green", "lagging": "yellow"}.get(row["health"], "red")
        table.add_row(
            row["connection"],
            "on" if row["sync_enabled"] else "off",
            f"[{colour}]{row['health']}[/{colour}]",
            str(shown.get("finished_at") or shown.get("queued_at") or "never"),
            shown.get("state", ""),
            counts,
            str(row["dead_letters"]),
            row["reason"] or "",
        )
    console.print(table)


@app.command("log")
@friendly
def log(
    connection: str = typer.Argument(..., help="Connection name or id."),
    q: str | None = typer.Option(None, "--search", "-q", help="Search key, field and values."),
    limit: int = typer.Option(50, help="Entries per page."),
    offset: int = typer.Option(0, help="Entries to skip."),
    run_id: int | None = typer.Option(None, "--run", help="Only this run."),
    record: str | None = typer.Option(None, "--record", help="Only this ERP key."),
    field: str | None = typer.Option(None, "--field", help="Only this CRM field."),
    action: str | None = typer.Option(None, "--action", help="to_crm, to_erp, created, …"),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """The sync log of a connection, newest first."""
    db = database(load())
    where = runs.LogFilter(run_id, record, field, action)
    with db.read_session() as session:
        found = connections.find(session, _actor(session, user), connection)
        total, entries = runs.log_page(session, found.id, q, limit, offset, where)
        items = [log_read(entry).model_dump(mode="json") for entry in entries]
    if as_json:
        print_json({"total": total, "items": items})
        return
    table = Table("time", "action", "record", "field", "old", "new", title=f"{total} entries")
    for item in items:
        record = f"{item['actor_type'] or ''} {item['erp_key'] or ''}".strip()
        table.add_row(
            item["logged_at"][:19],
            item["action"],
            record,
            item["field"] or "",
            item["old_value"] or "",
            item["new_value"] or "",
        )
    console.print(table)


@app.command("reset")
@friendly
def reset(
    connection: str = typer.Argument(..., help="Connection name or id."),
    stream: str | None = typer.Option(None, help="One stream, e.g. erp:Customer or crm:company."),
    to_start: bool = typer.Option(True, "--to-start", help="Back to the start (re-read all)."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """Move stream positions back so the next run re-reads; shadows make it harmless."""
    db = database(load())
    with db.session() as session:
        found = connections.find(session, _actor(session, user), connection)
        names = runs.reset(session, found.id, stream, to_start)
    if as_json:
        print_json({"connection_id": found.id, "reset": list(names)})
        return
    console.print(f"Reset {', '.join(names) or 'nothing (no stream yet)'}.")
