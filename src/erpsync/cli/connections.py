"""`erpsync connection …` and `erpsync secrets rotate`: ERP connections from the command line.

Commands act as an administrator: `--user LOGIN`, or the first active administrator.
`add` and `edit` test the values first and refuse to save a failing configuration.
A connection to a remote connector (R-CONN-7) takes `--remote-url` and its shared
secret from a file, an environment variable or a hidden prompt, never from the
command line itself; lists and `show` give the URL, never the secret.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from erpsync.cli.connection_common import (
    ConfigFileOption,
    ConfigOption,
    GrantOption,
    RemoteSecretEnvOption,
    RemoteSecretFileOption,
    RemoteUrlOption,
    UserOption,
    config_values,
    connector_key,
    details,
    grants,
    remote_secret_change,
    report,
    show,
)
from erpsync.cli.connection_common import acting_admin as _actor
from erpsync.cli.connection_common import keys_of as _keys
from erpsync.cli.runtime import console, database, fail, friendly, load, print_json
from erpsync.connections import service
from erpsync.connections.schemas import (
    ConnectionCreate,
    ConnectionTest,
    ConnectionUpdate,
)
from erpsync.errors import ValidationError
from erpsync.secrets import SecretBox

__all__ = ["_actor", "_keys", "config_values", "connection_app", "secrets_app"]

connection_app = typer.Typer(help="ERP connections.", no_args_is_help=True)
secrets_app = typer.Typer(help="Secrets at rest.", no_args_is_help=True)


@connection_app.command("list")
@friendly
def connection_list(
    json_output: bool = typer.Option(False, "--json"),
    deleted: bool = typer.Option(False, help="Include deleted connections."),
    user: str | None = UserOption,
) -> None:
    """List connections."""
    with database(load()).read_session() as session:
        actor = _actor(session, user)
        rows = [service.to_read(session, c) for c in service.list_visible(session, actor, deleted)]
    if json_output:
        print_json([row.model_dump(mode="json") for row in rows])
        return
    for row in rows:
        show(row, False)


@connection_app.command("show")
@friendly
def connection_show(
    connection: str = typer.Argument(..., help="Id or name."),
    json_output: bool = typer.Option(False, "--json"),
    user: str | None = UserOption,
) -> None:
    """Every setting of a connection; secrets only as set or not set."""
    with database(load()).read_session() as session:
        actor = _actor(session, user)
        read = service.to_read(session, service.find(session, actor, connection))
    if json_output:
        show(read, True)
    else:
        details(read)


@connection_app.command("add")
@friendly
def connection_add(
    name: str,
    connector: str | None = typer.Option(
        None, help="Connector key (see `erpsync connector list`)."
    ),
    remote_url: str | None = RemoteUrlOption,
    remote_secret_file: Path | None = RemoteSecretFileOption,
    remote_secret_env: str | None = RemoteSecretEnvOption,
    config: list[str] = ConfigOption,
    config_file: Path | None = ConfigFileOption,
    description: str = typer.Option(""),
    grant: list[str] = GrantOption,
    priority: int = typer.Option(1, min=1),
    json_output: bool = typer.Option(False, "--json"),
    user: str | None = UserOption,
) -> None:
    """Test a configuration and add the connection when the test passes.

    A remote connector: `--remote-url URL` with the shared secret from
    `--remote-secret-file`, `--remote-secret-env` or a hidden prompt.
    """
    settings = load()
    key = connector_key(connector, remote_url)
    secret = remote_secret_change(False, key, remote_secret_file, remote_secret_env)
    data = ConnectionCreate.model_validate(
        {
            "name": name,
            "connector": key,
            "remote_url": remote_url,
            **secret,
            "description": description,
            "priority": priority,
            "config": config_values(config, config_file),
            "grants": grants(grant),
            "scope": "grants" if grant else "everyone",
        }
    )
    with database(settings).session() as session:
        result, created = service.create_tested(
            session, _keys(settings), _actor(session, user), data
        )
        report(result)
        if created is None:
            raise fail("The configuration did not pass its test; nothing was saved.")
        read = service.to_read(session, created)
    show(read, json_output)


@connection_app.command("edit")
@friendly
def connection_edit(
    connection: str = typer.Argument(..., help="Id or name."),
    name: str | None = typer.Option(None),
    connector: str | None = typer.Option(None),
    remote_url: str | None = RemoteUrlOption,
    remote_secret_file: Path | None = RemoteSecretFileOption,
    remote_secret_env: str | None = RemoteSecretEnvOption,
    config: list[str] = ConfigOption,
    config_file: Path | None = ConfigFileOption,
    description: str | None = typer.Option(None),
    grant: list[str] = GrantOption,
    everyone: bool = typer.Option(False, help="Make the connection visible to everyone."),
    priority: int | None = typer.Option(None, min=1),
    user: str | None = UserOption,
) -> None:
    """Change a connection; changed values are tested first (blank secrets are kept).

    `--remote-url` moves the connection to a remote connector (or to another URL);
    a new shared secret comes from `--remote-secret-file` or `--remote-secret-env`.
    """
    settings = load()
    keys = _keys(settings)
    with database(settings).session() as session:
        actor = _actor(session, user)
        found = service.find(session, actor, connection)
        changes: dict[str, Any] = {
            "name": name,
            "connector": connector_key(connector, remote_url) if connector or remote_url else None,
            "description": description,
            "priority": priority,
            "remote_url": remote_url,
        }
        changes.update(
            remote_secret_change(
                found.is_remote, changes["connector"], remote_secret_file, remote_secret_env
            )
        )
        update = {key: value for key, value in changes.items() if value is not None}
        if config or config_file:
            update["config"] = {
                **service.stored_values(keys, found),
                **config_values(config, config_file),
            }
        if grant:
            update.update(scope="grants", grants=grants(grant))
        elif everyone:
            update["scope"] = "everyone"
        data = ConnectionUpdate.model_validate(update)
        result, saved = service.update_tested(session, keys, actor, found.id, data)
        report(result)
        if saved is None:
            raise fail("The changed configuration did not pass its test; nothing was saved.")
        show(service.to_read(session, saved), False)


@connection_app.command("test")
@friendly
def connection_test(
    connection: str | None = typer.Argument(None, help="Id or name of a saved connection."),
    connector: str | None = typer.Option(None, help="Test unsaved values of this connector."),
    remote_url: str | None = RemoteUrlOption,
    remote_secret_file: Path | None = RemoteSecretFileOption,
    remote_secret_env: str | None = RemoteSecretEnvOption,
    config: list[str] = ConfigOption,
    config_file: Path | None = ConfigFileOption,
    user: str | None = UserOption,
) -> None:
    """Test a saved connection, or values given here; exit code 1 when the test fails."""
    settings = load()
    keys = _keys(settings)
    with database(settings).session() as session:
        actor = _actor(session, user)
        if connection is not None:
            found = service.find(session, actor, connection)
            key = connector_key(connector, remote_url) if connector or remote_url else None
            secret = remote_secret_change(
                found.is_remote, key, remote_secret_file, remote_secret_env
            )
            values = {**service.stored_values(keys, found), **config_values(config, config_file)}
            probe = ConnectionTest.model_validate(
                {
                    "connector": key or found.connector_key,
                    "config": values,
                    "remote_url": remote_url,
                    "connection_id": found.id,
                    **secret,
                }
            )
        elif connector is not None or remote_url is not None:
            key = connector_key(connector, remote_url)
            secret = remote_secret_change(False, key, remote_secret_file, remote_secret_env)
            probe = ConnectionTest.model_validate(
                {
                    "connector": key,
                    "config": config_values(config, config_file),
                    "remote_url": remote_url,
                    **secret,
                }
            )
        else:
            raise ValidationError(
                "Name a connection, or give --connector (or --remote-url) and --config."
            )
        result = service.test(session, keys, actor, probe)
    report(result)
    if not result.ok:
        raise typer.Exit(1)


def _simple(action: str, connection: str, user: str | None) -> None:
    settings = load()
    with database(settings).session() as session:
        actor = _actor(session, user)
        found = service.find(session, actor, connection) if action != "restore" else None
        connection_id = found.id if found else int(connection)
        if action == "activate":
            result = service.activate(session, _keys(settings), actor, connection_id)
            if result.refused:
                for reason in result.reasons:
                    console.print(f"- {reason}", style="red", highlight=False)
                raise fail(result.refusal)
            saved = service.get(session, actor, connection_id)
        else:
            saved = getattr(service, action)(session, actor, connection_id)
        show(service.to_read(session, saved), False)


@connection_app.command("activate")
@friendly
def connection_activate(connection: str, user: str | None = UserOption) -> None:
    """Show the ERP tab to users in scope; lists every reason when it cannot."""
    _simple("activate", connection, user)


@connection_app.command("deactivate")
@friendly
def connection_deactivate(connection: str, user: str | None = UserOption) -> None:
    """Hide the ERP tab (sync is switched separately)."""
    _simple("deactivate", connection, user)


@connection_app.command("delete")
@friendly
def connection_delete(connection: str, user: str | None = UserOption) -> None:
    """Soft delete: links and history stay; `restore` brings it back."""
    _simple("delete", connection, user)


@connection_app.command("restore")
@friendly
def connection_restore(
    connection: str = typer.Argument(..., help="Id of a deleted connection."),
    user: str | None = UserOption,
) -> None:
    """Restore a deleted connection (its name must still be free)."""
    if not connection.isdigit():
        raise fail("Give the id of the deleted connection (see `connection list --deleted`).")
    _simple("restore", connection, user)


@secrets_app.command("rotate")
@friendly
def secrets_rotate() -> None:
    """Re-encrypt every stored secret under the first key of ERPSYNC_SECRET_KEYS.

    Put a new key first (keeping the old ones after it), run this, then drop the old keys.
    """
    settings = load()
    with database(settings).session() as session:
        count = service.rotate_secrets(session, SecretBox(settings.secret_keys))
    console.print(f"Re-encrypted {count} secret(s) under the first key.")
