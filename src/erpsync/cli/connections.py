"""`erpsync connection …` and `erpsync secrets rotate`: ERP connections from the command line.

Commands act as an administrator: `--user LOGIN`, or the first active administrator.
`add` and `edit` test the values first and refuse to save a failing configuration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.accounts import service as accounts
from erpsync.accounts.models import ROLE_ADMIN, User
from erpsync.cli.runtime import console, database, fail, friendly, load, print_json
from erpsync.connections import service
from erpsync.connections.schemas import (
    ConnectionCreate,
    ConnectionRead,
    ConnectionTest,
    ConnectionUpdate,
    GrantIn,
    TestResult,
)
from erpsync.errors import ValidationError
from erpsync.secrets import SecretBox
from erpsync.settings import Settings

connection_app = typer.Typer(help="ERP connections.", no_args_is_help=True)
secrets_app = typer.Typer(help="Secrets at rest.", no_args_is_help=True)

UserOption = typer.Option(None, "--user", "-u", help="Act as this administrator.")
ConfigOption = typer.Option([], "--config", "-c", help="A configuration value KEY=VALUE (repeat).")
ConfigFileOption = typer.Option(None, help="YAML or JSON file of configuration values.")
GrantOption = typer.Option(
    [], "--grant", help="Scope grant user:LOGIN[:create] or group:NAME[:create] (repeat)."
)


def _keys(settings: Settings) -> service.Keys:
    return service.Keys(SecretBox(settings.secret_keys), settings.session_secret)


def _actor(session: Session, login: str | None) -> User:
    if login:
        user = accounts.user_by_login(session, login)
    else:
        stmt = select(User).where(User.role == ROLE_ADMIN, User.active.is_(True)).order_by(User.id)
        found = session.scalars(stmt).first()
        if found is None:
            raise ValidationError(
                "No administrator exists; add one with `erpsync user add --admin`."
            )
        user = found
    if not user.is_admin:
        raise ValidationError(f"{user.login} is not an administrator.", field="user")
    return user


def config_values(pairs: list[str], config_file: Path | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if config_file is not None:
        try:
            loaded = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ValidationError(f"Cannot read {config_file}: {exc}", field="config-file") from exc
        if not isinstance(loaded, dict):
            raise ValidationError(f"{config_file} must hold KEY: VALUE pairs.", field="config-file")
        values.update(loaded)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"'{pair}' is not KEY=VALUE.", field="config")
        values[key.strip()] = value
    return values


def _grants(specs: list[str]) -> list[GrantIn]:
    grants = []
    for spec in specs:
        kind, _, rest = spec.partition(":")
        name, _, rights = rest.partition(":")
        if kind not in ("user", "group") or not name:
            raise ValidationError(
                f"'{spec}' is not user:LOGIN[:create] or group:NAME[:create].", field="grant"
            )
        grants.append(GrantIn(**{kind: name}, can_create_in_erp=rights == "create"))
    return grants


def _report(result: TestResult | None) -> None:
    if result is not None:
        style = "green" if result.ok else "red"
        console.print(f"Test: {result.message}", style=style, highlight=False)


def _show(read: ConnectionRead, as_json: bool) -> None:
    if as_json:
        print_json(read.model_dump(mode="json"))
        return
    state = "active" if read.active else "inactive"
    console.print(
        f"{read.id}: {read.name} ({read.connector}, {state}, priority {read.priority})",
        highlight=False,
    )


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
        _show(row, False)


@connection_app.command("add")
@friendly
def connection_add(
    name: str,
    connector: str = typer.Option(..., help="Connector key (see `erpsync connector list`)."),
    config: list[str] = ConfigOption,
    config_file: Path | None = ConfigFileOption,
    description: str = typer.Option(""),
    grant: list[str] = GrantOption,
    priority: int = typer.Option(1, min=1),
    json_output: bool = typer.Option(False, "--json"),
    user: str | None = UserOption,
) -> None:
    """Test a configuration and add the connection when the test passes."""
    settings = load()
    data = ConnectionCreate(
        name=name,
        connector=connector,
        description=description,
        priority=priority,
        config=config_values(config, config_file),
        grants=_grants(grant),
        scope="grants" if grant else "everyone",
    )
    with database(settings).session() as session:
        result, created = service.create_tested(
            session, _keys(settings), _actor(session, user), data
        )
        _report(result)
        if created is None:
            raise fail("The configuration did not pass its test; nothing was saved.")
        read = service.to_read(session, created)
    _show(read, json_output)


@connection_app.command("edit")
@friendly
def connection_edit(
    connection: str = typer.Argument(..., help="Id or name."),
    name: str | None = typer.Option(None),
    connector: str | None = typer.Option(None),
    config: list[str] = ConfigOption,
    config_file: Path | None = ConfigFileOption,
    description: str | None = typer.Option(None),
    grant: list[str] = GrantOption,
    everyone: bool = typer.Option(False, help="Make the connection visible to everyone."),
    priority: int | None = typer.Option(None, min=1),
    user: str | None = UserOption,
) -> None:
    """Change a connection; changed values are tested first (blank secrets are kept)."""
    settings = load()
    keys = _keys(settings)
    with database(settings).session() as session:
        actor = _actor(session, user)
        found = service.find(session, actor, connection)
        changes: dict[str, Any] = {
            "name": name,
            "connector": connector,
            "description": description,
            "priority": priority,
        }
        update = {key: value for key, value in changes.items() if value is not None}
        if config or config_file:
            update["config"] = {
                **service.stored_values(keys, found),
                **config_values(config, config_file),
            }
        if grant:
            update.update(scope="grants", grants=_grants(grant))
        elif everyone:
            update["scope"] = "everyone"
        data = ConnectionUpdate.model_validate(update)
        result, saved = service.update_tested(session, keys, actor, found.id, data)
        _report(result)
        if saved is None:
            raise fail("The changed configuration did not pass its test; nothing was saved.")
        _show(service.to_read(session, saved), False)


@connection_app.command("test")
@friendly
def connection_test(
    connection: str | None = typer.Argument(None, help="Id or name of a saved connection."),
    connector: str | None = typer.Option(None, help="Test unsaved values of this connector."),
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
            values = {**service.stored_values(keys, found), **config_values(config, config_file)}
            probe = ConnectionTest(
                connector=found.connector_key, config=values, connection_id=found.id
            )
        elif connector is not None:
            probe = ConnectionTest(connector=connector, config=config_values(config, config_file))
        else:
            raise ValidationError("Name a connection, or give --connector and --config.")
        result = service.test(session, keys, actor, probe)
    _report(result)
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
            if not result.active:
                for reason in result.reasons:
                    console.print(f"- {reason}", style="red", highlight=False)
                raise fail("The connection cannot be activated yet.")
            saved = service.get(session, actor, connection_id)
        else:
            saved = getattr(service, action)(session, actor, connection_id)
        _show(service.to_read(session, saved), False)


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
