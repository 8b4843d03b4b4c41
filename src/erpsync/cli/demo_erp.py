"""`erpsync demo erp …`: create the demo ERP and change it by hand, to watch a change
travel to the CRM (R-CON-4).

    erpsync demo erp init [PATH]
    erpsync demo erp show customer 10023
    erpsync demo erp set customer 10023 phone="+46 8 123 45" country=NO
    erpsync demo erp delete customer 10023

The database defaults to `demo-erp.sqlite` in the data directory (`--db` or
`ERPSYNC_DEMO_ERP` choose another).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.table import Table

from erpsync.cli.runtime import console, fail, print_json
from erpsync.connectors.demo import DemoErp, init_database
from erpsync.connectors.demo.admin import actor_type_named
from erpsync.connectors.demo.schema import NotADemoErp
from erpsync.demo_setup import DEMO_ERP_FILE
from erpsync.sdk import Actor, ActorType, ConnectorError
from erpsync.settings import Settings

DEFAULT_FILE = DEMO_ERP_FILE
P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    help="The demo ERP: create it, show and change its records.", no_args_is_help=True
)

DbOption = typer.Option(
    None, "--db", envvar="ERPSYNC_DEMO_ERP", help="Demo ERP database file.", show_default=False
)


def default_path() -> Path:
    return Settings().data_dir / DEFAULT_FILE


def _erp_errors(func: Callable[P, R]) -> Callable[P, R]:
    """One line on stderr for what a user can fix, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ConnectorError as exc:
            raise fail(exc.user_explanation) from None
        except (NotADemoErp, FileExistsError, ValueError) as exc:
            raise fail(str(exc)) from None

    return wrapper


@contextmanager
def _open(db: Path | None) -> Iterator[DemoErp]:
    with DemoErp(db or default_path()) as erp:
        yield erp


def _type(name: str) -> ActorType:
    return actor_type_named(name)


@app.command("init")
@_erp_errors
def init(
    path: Path | None = typer.Argument(None, help="Where to create it (default: data dir)."),
    seed: int = typer.Option(1, help="Seed of the generated data (same seed, same data)."),
    customers: int = typer.Option(500, min=0),
    suppliers: int = typer.Option(100, min=0),
    partners: int = typer.Option(20, min=0),
    access_key: str | None = typer.Option(None, help="Require this key in connections."),
) -> None:
    """Create and seed a demo ERP database."""
    target = path or default_path()
    instance = init_database(
        target,
        seed=seed,
        customers=customers,
        suppliers=suppliers,
        partners=partners,
        access_key=access_key,
    )
    with DemoErp(target) as erp:
        counts = erp.counts()
    console.print(f"Created the demo ERP at {target}", highlight=False)
    console.print(
        f"{counts.get('customer', 0)} customers, {counts.get('supplier', 0)} suppliers, "
        f"{counts.get('partner', 0)} partners, {counts['person']} persons, "
        f"{counts['project']} projects; instance {instance}"
    )


@app.command("show")
@_erp_errors
def show(
    actor_type: str = typer.Argument(..., help="customer, supplier, partner, person, project"),
    key: str = typer.Argument(..., help="The ERP number, e.g. 10023."),
    db: Path | None = DbOption,
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one record."""
    kind = _type(actor_type)
    with _open(db) as erp:
        actor = erp.show(kind, key)
    if actor is None:
        raise fail(f"{kind} {key} does not exist in the demo ERP.")
    if json_output:
        print_json(_as_dict(actor))
        return
    _print_actor(actor)


def _as_dict(actor: Actor) -> dict[str, Any]:
    return {
        "type": str(actor.type),
        "key": actor.key,
        "parent_type": None if actor.parent_type is None else str(actor.parent_type),
        "parent_key": actor.parent_key,
        "deleted": actor.deleted,
        "values": actor.values,
    }


def _print_actor(actor: Actor) -> None:
    title = f"{actor.type} {actor.key}" + (" (deleted)" if actor.deleted else "")
    if actor.parent_type is not None:
        title += f" under {actor.parent_type} {actor.parent_key}"
    table = Table("Field", "Value", title=title)
    for field_key, value in actor.values.items():
        table.add_row(field_key, "" if value is None else str(value))
    console.print(table)


@app.command("set")
@_erp_errors
def set_values(
    actor_type: str = typer.Argument(..., help="customer, supplier, partner, person, project"),
    key: str = typer.Argument(..., help="The ERP number, e.g. 10023."),
    assignments: list[str] = typer.Argument(..., help="field=value … (lists take id or code)"),
    db: Path | None = DbOption,
) -> None:
    """Change fields of one record, as an ERP user would."""
    kind = _type(actor_type)
    with _open(db) as erp:
        values = erp.parse(kind, assignments)
        before = erp.show(kind, key)
        changed, after = erp.set(kind, key, values)
    if not changed:
        console.print(f"{kind} {key}: no change (it already holds these values).")
        return
    fields = [k for k in values if before is None or before.values.get(k) != after.values.get(k)]
    console.print(f"{kind} {key}: changed {', '.join(fields)}.")


@app.command("delete")
@_erp_errors
def delete(
    actor_type: str = typer.Argument(..., help="customer, supplier, partner, person, project"),
    key: str = typer.Argument(..., help="The ERP number, e.g. 10023."),
    db: Path | None = DbOption,
) -> None:
    """Delete one record (the ERP keeps it, flagged deleted, and reports the deletion)."""
    kind = _type(actor_type)
    with _open(db) as erp:
        done = erp.delete(kind, key)
    console.print(f"{kind} {key}: {'deleted' if done else 'was already deleted'}.")
