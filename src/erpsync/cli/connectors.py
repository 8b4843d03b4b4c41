"""`erpsync connector list`: the installed connectors (R-SDK-1, R-UI-3).

A plug-in that fails to load is listed with its error instead of breaking the list.
"""

from __future__ import annotations

import typer
from rich.table import Table

from erpsync.cli.runtime import console, friendly, print_json
from erpsync.sdk import registry

app = typer.Typer(help="Installed ERP connectors.", no_args_is_help=True)


@app.command("list")
@friendly
def connector_list(json_output: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List installed connectors: key, name, version, actor types, change tracking."""
    infos = registry.available()
    if json_output:
        print_json([info.as_dict() for info in infos])
        return
    if not infos:
        console.print(f"No connectors are installed (entry-point group {registry.GROUP}).")
        return
    table = Table("Key", "Name", "Version", "Actor types", "Change tracking", "Status")
    for info in infos:
        status = "ok" if info.ok else f"[red]cannot be loaded:[/red] {info.load_error}"
        table.add_row(
            info.key,
            info.name,
            info.version,
            ", ".join(info.actor_types) or "(per connection)",
            str(info.change_tracking or ""),
            status,
        )
    console.print(table)
