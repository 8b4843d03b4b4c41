"""`erpsync connection export|import`: a connection's whole configuration as YAML (R-MAP-7).

Export writes no secret. Import asks for the secrets the document names and this
installation does not hold (hidden input, or `--secret KEY=VALUE`), tests the values
with the connector before saving (R-CONN-3), and changes nothing when any part fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from erpsync.cli.connections import _actor, _keys
from erpsync.cli.runtime import console, database, err_console, fail, friendly, load, print_json
from erpsync.connections import service as connections
from erpsync.errors import ValidationError
from erpsync.exchange import apply, document, export, needs

SecretOption = typer.Option(
    [], "--secret", "-s", help="A secret configuration value KEY=VALUE (repeat)."
)
UserOption = typer.Option(None, "--user", "-u", help="Act as this administrator.")


def connection_export(
    connection: str = typer.Argument(..., help="Id or name."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    user: str | None = UserOption,
) -> None:
    """Write the connection's whole configuration as YAML, without secrets."""
    settings = load()
    with database(settings).read_session() as session:
        actor = _actor(session, user)
        found = connections.find(session, actor, connection)
        text = document.dump(export.export(session, _keys(settings), actor, found.id))
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"Cannot write {output}: {exc.strerror or exc}") from None
    err_console.print(f"Exported '{found.name}' to {output}.", highlight=False)


def _secrets(pairs: list[str]) -> dict[str, str]:
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"'{key or pair}' is not KEY=VALUE.", field="secret")
        given[key.strip()] = value
    return given


def _ask(missing: dict[str, str], given: dict[str, str]) -> None:
    for key, name in missing.items():
        if not sys.stdin.isatty():
            raise fail(
                f"The document needs the secret '{key}' ({name}), which is never exported; "
                f"give it with --secret {key}=VALUE."
            )
        given[key] = typer.prompt(f"{name} ({key})", hide_input=True)


def connection_import(
    file: Path = typer.Argument(..., help="A YAML file from `erpsync connection export`."),
    secret: list[str] = SecretOption,
    json_output: bool = typer.Option(False, "--json"),
    user: str | None = UserOption,
) -> None:
    """Create or update (by name) a connection with its whole mapping from a YAML file."""
    settings = load()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"Cannot read {file}: {exc}") from None
    parsed = document.parse(text)
    given = _secrets(secret)
    db = database(settings)
    with db.read_session() as session:
        _actor(session, user)
        missing = needs.missing_secrets(session, parsed, given)
    _ask(missing, given)
    status = console.status("Testing the configuration and importing the mapping …")
    with status, db.session() as session:
        actor = _actor(session, user)
        result = apply.import_document(session, _keys(settings), actor, parsed, given)
        read = connections.to_read(session, result.connection)
    if json_output:
        print_json(
            {
                "connection": read.model_dump(mode="json"),
                "created": result.created,
                "active": result.active,
                "reasons": result.reasons,
            }
        )
        return
    verb = "Created" if result.created else "Updated"
    state = "active" if result.active else "inactive"
    connector = f"remote {read.remote_url}" if read.remote_url else read.connector
    console.print(f"{verb} {read.id}: {read.name} ({connector}, {state}).", highlight=False)
    if result.reasons:
        said = "It stays active, but it does not pass" if result.active else "It was not activated"
        console.print(f"{said} the activation checklist now:", style="yellow")
        for reason in result.reasons:
            console.print(f"- {reason}", style="yellow", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `export` and `import` to the `erpsync connection` group."""
    app.command("export")(friendly(connection_export))
    app.command("import")(friendly(connection_import))
