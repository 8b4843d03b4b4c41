"""`erpsync demo erp …`: create the demo ERP and change it by hand, to watch a change
travel to the CRM (R-CON-4).

    erpsync demo erp init [PATH]
    erpsync demo erp show customer 10023
    erpsync demo erp set customer 10023 phone="+46 8 123 45" country=NO
    erpsync demo erp delete customer 10023
    erpsync demo erp price TLS-1005                      # list price and price per list
    erpsync demo erp price TLS-1005 --set 1299.00        # the list price (SEK)
    erpsync demo erp price TLS-1005 --list export --set 109.00   # a fixed price in a list
    erpsync demo erp upgrade                             # add products to an old file

The database defaults to `demo-erp.sqlite` in the data directory (`--db` or
`ERPSYNC_DEMO_ERP` choose another).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.table import Table

from erpsync.cli.runtime import console, fail, print_json
from erpsync.connectors.demo import DemoErp, init_database, prices
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
        f"{counts['project']} projects, {counts.get('product', 0)} products; "
        f"instance {instance}"
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


@app.command("price")
@_erp_errors
def price(
    code: str = typer.Argument(..., help="The product code, e.g. TLS-1005."),
    set_to: str | None = typer.Option(None, "--set", help="A new price, e.g. 1299.00."),
    price_list: str | None = typer.Option(
        None, "--list", help="Set a fixed price in this price list (id) instead of the list price."
    ),
    clear: bool = typer.Option(False, "--clear", help="Remove the fixed price of --list."),
    db: Path | None = DbOption,
) -> None:
    """Show a product's prices, or set its list price or a fixed price in one list."""
    with _open(db) as erp:
        if clear:
            if price_list is None:
                raise fail("--clear needs --list, the price list whose fixed price goes.")
            removed = erp.clear_fixed_price(code, price_list)
            console.print(f"{code}: {'fixed price removed' if removed else 'had no fixed price'}.")
        elif set_to is not None:
            erp.set_price(code, _decimal(set_to), price_list)
        shown = erp.product_prices(code)
        lists = {pl.id: pl for pl in prices.price_lists(erp.db)}
    table = Table("Price list", "Id", "Currency", "Price", title=f"Product {code}")
    table.add_row("(list price)", "", "SEK", str(shown.pop("list_price")))
    for list_id, value in shown.items():
        table.add_row(lists[list_id].name, list_id, lists[list_id].currency, str(value))
    console.print(table)


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise fail(f"--set: {text!r} is not a price; write e.g. 1299.00.") from None
    if not value.is_finite() or value < 0:
        raise fail(f"--set: {text!r} is not a price; write e.g. 1299.00.")
    return value


@app.command("upgrade")
@_erp_errors
def upgrade(db: Path | None = DbOption) -> None:
    """Add products and price lists to a demo ERP made before they existed."""
    with _open(db) as erp:
        done = erp.upgrade()
    console.print("Added products and price lists." if done else "The demo ERP is up to date.")
