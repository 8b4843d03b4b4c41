"""What the `erpsync connection …` commands share: the acting administrator, the keys,
configuration values, scope grants, the shared secret of a remote connector, output.

A remote connector's shared secret is never a plain command-line value (it would stay
in the shell history and the process list): it comes from a file (`-` for standard
input), from an environment variable named on the command line, or from a hidden
prompt when the command runs in a terminal (R-CONN-4, R-CONN-7).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.accounts import service as accounts
from erpsync.accounts.models import ROLE_ADMIN, User
from erpsync.cli.runtime import console, print_json
from erpsync.connections import service
from erpsync.connections.models import REMOTE_CONNECTOR
from erpsync.connections.schemas import ConnectionRead, GrantIn, TestResult
from erpsync.errors import ValidationError
from erpsync.secrets import SecretBox
from erpsync.settings import Settings

UserOption = typer.Option(None, "--user", "-u", help="Act as this administrator.")
ConfigOption = typer.Option([], "--config", "-c", help="A configuration value KEY=VALUE (repeat).")
ConfigFileOption = typer.Option(None, help="YAML or JSON file of configuration values.")
GrantOption = typer.Option(
    [], "--grant", help="Scope grant user:LOGIN[:create] or group:NAME[:create] (repeat)."
)
RemoteUrlOption = typer.Option(
    None,
    "--remote-url",
    help="URL of a remote connector service (`erpsync connector serve`); "
    "the connection then uses it instead of an installed connector.",
)
RemoteSecretFileOption = typer.Option(
    None,
    "--remote-secret-file",
    help="File holding the remote service's shared secret ('-' reads standard input).",
)
RemoteSecretEnvOption = typer.Option(
    None,
    "--remote-secret-env",
    help="Environment variable holding the remote service's shared secret.",
)


def keys_of(settings: Settings) -> service.Keys:
    return service.Keys(SecretBox(settings.secret_keys), settings.session_secret)


def acting_admin(session: Session, login: str | None) -> User:
    """The administrator named by `--user`, else the first active one."""
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


def grants(specs: list[str]) -> list[GrantIn]:
    result = []
    for spec in specs:
        kind, _, rest = spec.partition(":")
        name, _, rights = rest.partition(":")
        if kind not in ("user", "group") or not name:
            raise ValidationError(
                f"'{spec}' is not user:LOGIN[:create] or group:NAME[:create].", field="grant"
            )
        result.append(GrantIn(**{kind: name}, can_create_in_erp=rights == "create"))
    return result


def _secret_from_file(path: Path) -> str:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ValidationError(
            f"Cannot read the shared secret from {path}: {reason}", field="remote-secret-file"
        ) from None
    secret = text.strip("\r\n")
    if not secret:
        source = "standard input" if str(path) == "-" else str(path)
        raise ValidationError(
            f"{source} is empty; it must hold the shared secret of the remote connector.",
            field="remote-secret-file",
        )
    return secret


def remote_secret(path: Path | None, env: str | None, *, required: bool) -> str | None:
    """The shared secret from a file, an environment variable or a hidden prompt.

    Not `required` (an edit keeping the stored secret): None when none was given.
    """
    if path is not None and env:
        raise ValidationError(
            "Give the shared secret one way: --remote-secret-file or --remote-secret-env.",
            field="remote-secret",
        )
    if path is not None:
        return _secret_from_file(path)
    if env:
        secret = os.environ.get(env, "")
        if not secret:
            raise ValidationError(
                f"The environment variable {env} holding the shared secret is not set.",
                field="remote-secret-env",
            )
        return secret
    if not required:
        return None
    if not sys.stdin.isatty():
        raise ValidationError(
            "A remote connector needs its shared secret: give --remote-secret-file PATH "
            "or --remote-secret-env VARIABLE (in a terminal you are asked for it).",
            field="remote-secret",
        )
    prompted: str = typer.prompt("Shared secret of the remote connector", hide_input=True)
    return prompted


def connector_key(connector: str | None, remote_url: str | None) -> str:
    """The connector key: the one named, or `remote` when a remote URL is given."""
    if remote_url is None:
        if connector is None:
            raise ValidationError(
                "Give --connector KEY (see `erpsync connector list`) or --remote-url URL.",
                field="connector",
            )
        return connector
    if connector not in (None, REMOTE_CONNECTOR):
        raise ValidationError(
            f"--remote-url replaces an installed connector; leave out --connector {connector}.",
            field="connector",
        )
    return REMOTE_CONNECTOR


def remote_secret_change(
    is_remote: bool, connector: str | None, path: Path | None, env: str | None
) -> dict[str, str | None]:
    """The shared secret an edit gives: required when an installed connection turns
    remote, optional (the stored one kept) when a remote one stays remote."""
    remote_after = connector == REMOTE_CONNECTOR or (connector is None and is_remote)
    if not remote_after:
        if path is not None or env:
            raise ValidationError(
                "A shared secret belongs to a remote connection; give --remote-url too.",
                field="remote-url",
            )
        return {}
    return {"remote_secret": remote_secret(path, env, required=not is_remote)}


def report(result: TestResult | None) -> None:
    if result is not None:
        style = "green" if result.ok else "red"
        console.print(f"Test: {result.message}", style=style, highlight=False)


def summary(read: ConnectionRead) -> str:
    """One line: id, name, the connector (a remote one with its URL), state, priority."""
    state = "active" if read.active else "inactive"
    connector = f"remote {read.remote_url}" if read.remote_url else read.connector
    return f"{read.id}: {read.name} ({connector}, {state}, priority {read.priority})"


def show(read: ConnectionRead, as_json: bool) -> None:
    if as_json:
        print_json(read.model_dump(mode="json"))
        return
    console.print(summary(read), highlight=False)


def details(read: ConnectionRead) -> None:
    """Every setting of a connection, secrets only as set or not set."""
    rows: list[tuple[str, str]] = [("Name", read.name), ("Connector", read.connector)]
    if read.remote_url:
        secret = "set" if read.remote_secret and read.remote_secret.get("set") else "not set"
        rows += [("Remote URL", read.remote_url), ("Shared secret", secret)]
    scope = ", ".join(
        f"{'user' if g.user else 'group'} {g.user or g.group}"
        + (" (may create in the ERP)" if g.can_create_in_erp else "")
        for g in read.grants
    )
    last_test = "never"
    if read.last_test_at is not None:
        verdict = "passed" if read.last_test_ok else "failed"
        last_test = f"{verdict} {read.last_test_at:%Y-%m-%d %H:%M}"
    rows += [
        ("Description", read.description or "-"),
        ("Scope", scope if read.scope == "grants" else "everyone"),
        ("Active", "yes" if read.active else "no"),
        ("Sync", "on" if read.sync_enabled else "off"),
        ("Priority", str(read.priority)),
        ("Last test", last_test),
    ]
    if read.config:
        rows.append(("Configuration", ""))
    for key, value in read.config.items():
        shown = ("set" if value.get("set") else "not set") if isinstance(value, dict) else value
        rows.append((f"  {key}", str(shown)))
    width = max(len(label) for label, _ in rows)
    console.print(f"{read.id}: {read.name}", style="bold", highlight=False)
    for label, value in rows[1:]:
        console.print(f"{label.ljust(width)}  {value}", highlight=False)
