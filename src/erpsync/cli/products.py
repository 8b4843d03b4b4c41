"""`erpsync products search CONNECTION --price-list PL`: products and their prices in one
price list of an ERP connection, as a table or JSON; `erpsync products lists --connection
C [--allow PL …|--all]`: the connection's price lists, and which it exposes to users
(administrators choose) (R-CONN-6, R-UI-3).

Acts as `--user LOGIN` (the connection's scope applies) or the first active
administrator. A price list is given by id or by name.
"""

from __future__ import annotations

from decimal import Decimal

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.accounts import service as accounts
from erpsync.accounts.models import ROLE_ADMIN, User
from erpsync.cli.runtime import console, database, friendly, load, print_json
from erpsync.connections import service as connections
from erpsync.connections.service import Keys
from erpsync.errors import NotFound, ValidationError
from erpsync.pricing import exposure, service
from erpsync.pricing.schemas import MAX_LIMIT, PriceListRead, ProductQuery
from erpsync.secrets import SecretBox

app = typer.Typer(help="Products and prices through ERP connections.", no_args_is_help=True)


@app.callback()
def products() -> None:
    """Products and prices through ERP connections."""


def _user(session: Session, login: str | None) -> User:
    if login:
        return accounts.user_by_login(session, login)
    stmt = select(User).where(User.role == ROLE_ADMIN, User.active.is_(True)).order_by(User.id)
    found = session.scalars(stmt).first()
    if found is None:
        raise ValidationError("No administrator exists; name a user with --user.", field="user")
    return found


@app.command("search")
@friendly
def search(
    connection: str = typer.Argument(..., help="The connection's name or id."),
    price_list: str = typer.Option(..., "--price-list", "-p", help="Price list id or name."),
    q: str = typer.Option("", "--q", "-q", help="Code or name contains this text."),
    code_begins: str | None = typer.Option(None, help="Code begins with."),
    price_min: Decimal | None = typer.Option(None, help="Lowest price."),
    price_max: Decimal | None = typer.Option(None, help="Highest price."),
    offset: int = typer.Option(0, min=0),
    limit: int = typer.Option(25, min=1, max=MAX_LIMIT),
    user: str | None = typer.Option(None, "--user", "-u", help="Act as this user."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Search the products of one price list; prices in the list's currency."""
    settings = load()
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    query = ProductQuery(
        q=q,
        code_begins=code_begins,
        price_min=price_min,
        price_max=price_max,
        offset=offset,
        limit=limit,
    )
    with database(settings).read_session() as session:
        actor = _user(session, user)
        found = connections.find(session, actor, connection)
        lists = service.price_lists(session, keys, actor, found.id)
        wanted = price_list.strip().lower()
        chosen = next((pl for pl in lists if wanted in (pl.id.lower(), pl.name.lower())), None)
        if chosen is None:
            names = ", ".join(f"{pl.id} ({pl.name})" for pl in lists) or "none"
            raise NotFound(
                f"No price list '{price_list}' (there are: {names}).", field="price-list"
            )
        page = service.products(session, keys, actor, found.id, chosen.id, query)
    if json_output:
        print_json(page.model_dump(mode="json"))
        return
    title = f"{found.name} · {chosen.name} ({chosen.currency})"
    table = Table("Code", "Name", "Unit", f"Price ({chosen.currency})", "In stock", title=title)
    for item in page.items:
        stock = "" if item.in_stock is None else str(item.in_stock)
        table.add_row(item.code, item.name, item.unit, str(item.price), stock)
    console.print(table)
    last = page.offset + len(page.items)
    console.print(f"{page.offset + 1 if page.items else 0}–{last} of {page.total}")


@app.command("lists")
@friendly
def price_lists(
    connection: str = typer.Option(..., "--connection", "-c", help="The connection's name or id."),
    allow: list[str] = typer.Option(
        [], "--allow", "-a", help="Expose only this price list (id or name); repeat for more."
    ),
    expose_all: bool = typer.Option(False, "--all", help="Lift the restriction: expose all."),
    user: str | None = typer.Option(None, "--user", "-u", help="Act as this user."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The connection's price lists; administrators see and change which are exposed."""
    if allow and expose_all:
        raise ValidationError("Give either --allow or --all, not both.", field="allow")
    settings = load()
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    db = database(settings)
    with db.session() as session:
        actor = _user(session, user)
        found = connections.find(session, actor, connection)
        if not actor.is_admin and not (allow or expose_all):
            lists = service.price_lists(session, keys, actor, found.id)
            _print_lists(found.name, [(pl, True) for pl in lists], None, json_output)
            return
        if allow or expose_all:
            current = exposure.overview(session, keys, actor, found.id)
            ids = [_list_id(current.lists, wanted) for wanted in allow]
            exposure.set_allowed(session, keys, actor, found.id, ids)
        current = exposure.overview(session, keys, actor, found.id)
    rows = [(pl, current.exposed(pl.id)) for pl in current.lists]
    _print_lists(found.name, rows, current, json_output)


def _list_id(lists: list[PriceListRead], wanted: str) -> str:
    key = wanted.strip().lower()
    chosen = next((pl for pl in lists if key in (pl.id.lower(), pl.name.lower())), None)
    if chosen is None:
        names = ", ".join(f"{pl.id} ({pl.name})" for pl in lists) or "none"
        raise NotFound(f"No price list '{wanted}' (there are: {names}).", field="allow")
    return chosen.id


def _print_lists(
    name: str,
    rows: list[tuple[PriceListRead, bool]],
    current: exposure.Exposure | None,
    json_output: bool,
) -> None:
    if json_output:
        data: dict[str, object] = {
            "price_lists": [{**pl.model_dump(mode="json"), "exposed": on} for pl, on in rows]
        }
        if current is not None:
            data["restricted_to"] = sorted(current.chosen)
        print_json(data)
        return
    table = Table("Id", "Name", "Currency", "Valid", "Active", title=f"{name} · price lists")
    if current is not None:
        table.add_column("Exposed")
    for pl, on in rows:
        valid = f"{pl.valid_from or '…'} – {pl.valid_to or '…'}"
        cells = [pl.id, pl.name, pl.currency, valid, "yes" if pl.active else "no"]
        table.add_row(*cells, *(["yes" if on else "no"] if current is not None else []))
    console.print(table)
    if current is None:
        return
    if current.restricted:
        console.print(f"Restricted: users see {current.exposed_count} of {len(rows)} price lists.")
    else:
        console.print(f"All {len(rows)} price lists are exposed.")
    if current.gone:
        console.print(f"No longer in the ERP (saving drops them): {', '.join(current.gone)}")
