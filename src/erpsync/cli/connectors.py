"""`erpsync connector list`: the installed connectors (R-SDK-1, R-UI-3);
`erpsync connector serve KEY`: one of them as a remote service (R-SDK-7);
`erpsync connector new NAME`: a new connector package to start from (R-SDK-9);
`erpsync connector sql-mapping`: a mapping text for the SQL connector proposed from a
database's tables (R-CON-1).

A plug-in that fails to load is listed with its error instead of breaking the list.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import typer
from rich.table import Table

from erpsync.cli.runtime import console, err_console, fail, friendly, print_json
from erpsync.sdk import ConnectorError, registry

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
    table = Table("Key", "Name", "Version", "Actor types", "Change tracking", "Pricing", "Status")
    for info in infos:
        status = "ok" if info.ok else f"[red]cannot be loaded:[/red] {info.load_error}"
        table.add_row(
            info.key,
            info.name,
            info.version,
            ", ".join(info.actor_types) or "(per connection)",
            str(info.change_tracking or ""),
            "yes" if info.pricing else "",
            status,
        )
    console.print(table)


@app.command("serve")
def connector_serve(
    key: str = typer.Argument(..., help="Key of the installed connector to serve."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8700, help="Port to listen on."),
    secret_env: str | None = typer.Option(
        None,
        "--secret-env",
        help="Environment variable holding the shared secret; without it a secret is "
        "generated and printed once.",
    ),
    timeout: float = typer.Option(30.0, help="Seconds each connector call may take."),
) -> None:
    """Run an installed connector as an HTTP service that connections reach by URL."""
    from erpsync.sdk.remote.running import serve_connector  # uvicorn only when serving

    if secret_env:
        secret = os.environ.get(secret_env, "")
        if not secret:
            raise fail(f"The environment variable {secret_env} holding the secret is not set.")
    else:
        secret = secrets.token_urlsafe(32)
        console.print(f"Shared secret (shown once, not stored): {secret}", highlight=False)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print("Warning: the secret travels unencrypted; put TLS in front.")
    try:
        serve_connector(key, secret, host, port, timeout)
    except ConnectorError as exc:
        raise fail(exc.user_explanation) from None


@app.command("new")
def connector_new(
    name: str = typer.Argument(..., help="Connector name, e.g. acme or acme-erp."),
    directory: Path = typer.Option(Path("."), "--dir", help="Where to create the package."),
) -> None:
    """Write an installable connector package with the conformance kit as its tests."""
    from erpsync.sdk.scaffold import new_connector

    try:
        path = new_connector(name, directory)
    except ValueError as exc:
        raise fail(str(exc)) from None
    console.print(f"Wrote {path}", highlight=False)
    console.print(f"Next: cd {path} && pip install -e . && pytest", highlight=False)


@app.command("sql-mapping")
@friendly
def connector_sql_mapping(
    config: list[str] = typer.Option(
        [],
        "--config",
        "-c",
        help="dialect, host, port, database, user, password as KEY=VALUE (repeat).",
    ),
    config_file: Path | None = typer.Option(
        None, help="YAML or JSON file of those values (the one `connection add` takes)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the text to this file instead of printing it."
    ),
) -> None:
    """Propose the SQL connector's mapping text from a database's tables and columns.

    Edit the text (filters, stamps, types), then give it as the connection's `mapping`.
    """
    from erpsync.cli.connections import config_values
    from erpsync.connections.values import normalise
    from erpsync.connectors.sql import SqlConnector, propose_for

    fields = [f for f in SqlConnector().config_fields() if f.key != "mapping"]
    given = config_values(config, config_file)
    given.pop("mapping", None)  # a connection's whole configuration file may be given
    values = normalise(fields, given, {})
    try:
        text = propose_for(values)
    except ConnectorError as exc:
        raise fail(exc.user_explanation) from None
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"Wrote {output}; edit it, then use it as the connection's mapping.")
