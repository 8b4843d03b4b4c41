"""`erpsync sync purge | delete-policy | outbox`: log retention, what an ERP deletion
does, and the outbox review queue (R-SYNC-9, R-SYNC-7, R-SEM-5). Registered on the
`sync` command group by `cli/sync.py`.
"""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from erpsync.cli.connections import _actor, _keys
from erpsync.cli.runtime import console, database, friendly, load, print_json
from erpsync.connections import hosts
from erpsync.connections import service as connections
from erpsync.sdk.host import ConnectorHost
from erpsync.sync import outbox, outbox_review, policies, retention

UserOption = typer.Option(None, "--user", "-u", help="Act as this administrator.")
JsonOption = typer.Option(False, "--json", help="Print JSON.")
outbox_app = typer.Typer(help="CRM→ERP creates waiting for review.", no_args_is_help=True)


@friendly
def purge(
    days: int | None = typer.Option(
        None, help="Keep this many days of the log (default: ERPSYNC_SYNC_LOG_RETENTION_DAYS)."
    ),
    connection: str | None = typer.Option(None, help="Only this connection (name or id)."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """Delete sync log entries older than the retention (the setting, default 90 days;
    the server also purges once a day)."""
    settings = load()
    if days is None:
        days = settings.sync_log_retention_days
        if days == 0:
            if as_json:
                print_json({"deleted": 0, "days": 0})
            else:
                console.print("The sync log is kept forever (retention 0); nothing purged.")
            return
    db = database(settings)
    connection_id = None
    if connection is not None:
        with db.read_session() as session:
            connection_id = connections.find(session, _actor(session, user), connection).id
    total = retention.count_older(db, retention.cutoff(days), connection_id)
    with Progress(
        TextColumn("Purging the sync log"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        disable=as_json,
    ) as bar:
        task = bar.add_task("purge", total=total)
        deleted = retention.purge(
            db, days, connection_id=connection_id, progress=lambda n: bar.advance(task, n)
        )
    if as_json:
        print_json({"deleted": deleted, "days": days})
    else:
        console.print(f"Deleted {deleted} sync log entries older than {days} days.")


@friendly
def delete_policy(
    connection: str = typer.Argument(..., help="Connection name or id."),
    policy: str | None = typer.Argument(None, help="flag, unlink or deactivate (omit: show)."),
    user: str | None = UserOption,
) -> None:
    """Show or set what an actor deleted in the ERP does: flag the link, unlink, or
    deactivate the CRM record (nothing is deleted in the CRM)."""
    db = database(load())
    with db.session() as session:
        found = connections.find(session, _actor(session, user), connection)
        if policy is not None:
            policies.set_delete_policy(session, found.id, policy)
        current = policies.delete_policy(session, found.id)
    console.print(f"{found.name}: delete policy {current}.")


@outbox_app.command("list")
@friendly
def outbox_list(
    connection: str = typer.Argument(..., help="Connection name or id."),
    state: str = typer.Option("review", help="review, pending or failed."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """Outbox entries of a connection (review by default), oldest first."""
    db = database(load())
    with db.read_session() as session:
        found = connections.find(session, _actor(session, user), connection)
        total, entries = outbox_review.list_entries(session, found.id, state)
        rows = [outbox.describe(entry) for entry in entries]
    if as_json:
        print_json({"total": total, "items": rows})
        return
    table = Table("id", "type", "CRM record", "ERP key", "note", title=f"{total} {state}")
    for row in rows:
        record = f"{row['crm_kind']} {row['crm_id']}"
        table.add_row(str(row["id"]), row["actor_type"], record, row["erp_key"] or "", row["note"])
    console.print(table)


def _host(connection: str, user: str | None) -> tuple[int, int, ConnectorHost]:
    settings = load()
    db = database(settings)
    with db.read_session() as session:
        actor = _actor(session, user)
        found = connections.find(session, actor, connection)
        endpoint = hosts.endpoint(_keys(settings), found)
        connection_id, user_id = found.id, actor.id
    return connection_id, user_id, endpoint.open()


@outbox_app.command("link")
@friendly
def outbox_link(
    connection: str = typer.Argument(..., help="Connection name or id."),
    entry: int = typer.Argument(..., help="Outbox entry id."),
    erp_key: str = typer.Argument(..., help="The ERP actor to link the CRM record to."),
    user: str | None = UserOption,
) -> None:
    """Settle an entry by linking its CRM record to an actor you chose."""
    connection_id, user_id, host = _host(connection, user)
    try:
        created = outbox_review.link_to(
            database(load()), host, connection_id, entry, erp_key, user_id
        )
    finally:
        host.close()
    console.print(f"Linked to {created.erp_key}.")


@outbox_app.command("retry")
@friendly
def outbox_retry(
    connection: str = typer.Argument(..., help="Connection name or id."),
    entry: int = typer.Argument(..., help="Outbox entry id."),
    user: str | None = UserOption,
) -> None:
    """Create the actor again (check the ERP first), then link it."""
    connection_id, user_id, host = _host(connection, user)
    try:
        created = outbox_review.retry(database(load()), host, connection_id, entry, user_id)
    finally:
        host.close()
    console.print(f"Created and linked {created.erp_key}.")


@outbox_app.command("discard")
@friendly
def outbox_discard(
    connection: str = typer.Argument(..., help="Connection name or id."),
    entry: int = typer.Argument(..., help="Outbox entry id."),
    user: str | None = UserOption,
) -> None:
    """Drop an entry; the CRM record stays unlinked."""
    db = database(load())
    with db.session() as session:
        actor = _actor(session, user)
        found = connections.find(session, actor, connection)
        outbox_review.discard(session, found.id, entry, actor.id)
    console.print(f"Discarded outbox entry {entry}.")
