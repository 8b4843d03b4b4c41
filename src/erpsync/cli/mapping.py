"""`erpsync mapping …`: show and automap a connection's field and list mappings
(R-MAP-1…3, R-UI-3). Acts as an administrator like `erpsync connection`."""

from __future__ import annotations

import typer

from erpsync.cli.connections import _actor, _keys
from erpsync.cli.runtime import console, database, friendly, load, print_json
from erpsync.connections import service as connections
from erpsync.crm.lists import ensure_standard_lists
from erpsync.mapping import automap, erp, quickstart, service

mapping_app = typer.Typer(help="Field and list mappings of a connection.", no_args_is_help=True)
UserOption = typer.Option(None, "--user", "-u", help="Act as this administrator.")
TypeOption = typer.Option(None, "--type", "-t", help="Actor type, e.g. Customer.")


@mapping_app.command("show")
@friendly
def mapping_show(
    connection: str,
    actor_type: str = typer.Option("Customer", "--type", "-t", help="Actor type."),
    json_output: bool = typer.Option(False, "--json"),
    user: str | None = UserOption,
) -> None:
    """The ERP fields of one actor type in rank order with their mappings."""
    settings = load()
    with database(settings).read_session() as session:
        found = connections.find(session, _actor(session, user), connection)
        meta = erp.read(_keys(settings), found, [])
        rows = service.view(session, meta, found.id, actor_type)
    if json_output:
        print_json([row.model_dump(mode="json") for row in rows])
        return
    for row in rows:
        target = f"{row.crm_field} ({row.direction})" if row.crm_field else "-"
        console.print(f"{row.rank:>3} {row.erp_field:<20} → {target}", highlight=False)


@mapping_app.command("automap")
@friendly
def mapping_automap(
    connection: str,
    actor_type: str | None = TypeOption,
    apply: bool = typer.Option(False, help="Store the proposals."),
    json_output: bool = typer.Option(False, "--json"),
    user: str | None = UserOption,
) -> None:
    """Propose CRM fields by meaning. Without --type, --apply maps every actor type with
    directions chosen (ReadOnly: to_crm, else both) and auto-matched lists."""
    settings = load()
    with database(settings).session() as session:
        found = connections.find(session, _actor(session, user), connection)
        if actor_type is None and apply:
            ensure_standard_lists(session)
            summary = quickstart.map_connection(session, erp.read(_keys(settings), found), found.id)
            if json_output:
                print_json({"fields": summary.fields, "lists": summary.lists})
                return
            for name, count in summary.fields.items():
                console.print(f"{name}: {count} fields mapped", highlight=False)
            for name, count in summary.lists.items():
                console.print(f"list {name}: {count} items paired", highlight=False)
            return
        meta = erp.read(_keys(settings), found, [])
        types = [actor_type] if actor_type else [t.value for t in meta.actor_types]
        proposals = {t: automap.automap(session, meta, found.id, t, apply) for t in types}
    if json_output:
        print_json({t: [p.model_dump() for p in found_] for t, found_ in proposals.items()})
        return
    for name, found_ in proposals.items():
        for proposal in found_:
            console.print(
                f"{name}: {proposal.erp_field} → {proposal.crm_field} ({proposal.reason})",
                highlight=False,
            )
