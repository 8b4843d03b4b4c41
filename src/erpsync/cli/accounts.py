"""`erpsync user|group|token …`: accounts from the command line."""

from __future__ import annotations

import secrets

import typer

from erpsync.accounts import service as accounts
from erpsync.accounts.schemas import GroupCreate, TokenCreate, UserCreate
from erpsync.cli.runtime import console, database, friendly, load, print_json

user_app = typer.Typer(help="Users.", no_args_is_help=True)
group_app = typer.Typer(help="Groups of users.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)


@user_app.command("add")
@friendly
def user_add(
    login: str,
    name: str = typer.Option("", help="Full name."),
    email: str | None = typer.Option(None),
    admin: bool = typer.Option(False, "--admin", help="Give the administrator role."),
    password: str | None = typer.Option(
        None, help="Password; asked for when omitted (use --generate-password for scripts)."
    ),
    generate_password: bool = typer.Option(False, help="Generate and print a password."),
) -> None:
    """Add a user."""
    if generate_password:
        password = secrets.token_urlsafe(12)
    elif password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    data = UserCreate(
        login=login, name=name, email=email, password=password, role="admin" if admin else "user"
    )
    with database(load()).session() as session:
        user = accounts.create_user(session, data)
        console.print(f"Added user {user.login} ({user.role}).")
    if generate_password:
        console.print(f"Password: {password}")


@user_app.command("list")
@friendly
def user_list(json_output: bool = typer.Option(False, "--json")) -> None:
    """List users."""
    with database(load()).read_session() as session:
        rows = [
            {"login": u.login, "name": u.name, "role": u.role, "active": u.active}
            for u in accounts.list_users(session)
        ]
    if json_output:
        print_json(rows)
        return
    for row in rows:
        console.print(f"{row['login']:20} {row['role']:6} {row['name']}")


@group_app.command("add")
@friendly
def group_add(
    name: str,
    member: list[str] = typer.Option([], "--member", "-m", help="Login of a member (repeat)."),
    description: str = typer.Option(""),
) -> None:
    """Add a group with its members."""
    data = GroupCreate(name=name, description=description, members=member)
    with database(load()).session() as session:
        group = accounts.create_group(session, data)
        console.print(f"Added group {group.name} with {len(group.members)} member(s).")


@token_app.command("create")
@friendly
def token_create(
    login: str = typer.Option(..., "--user", "-u", help="Login of the token's owner."),
    name: str = typer.Option("cli", help="What the token is for."),
) -> None:
    """Create an API token; it is printed once and only its hash is stored."""
    with database(load()).session() as session:
        user = accounts.user_by_login(session, login)
        _, plain = accounts.create_token(session, user, TokenCreate(name=name))
    console.print("Store this token now; it is not shown again:", style="bold")
    typer.echo(plain)
