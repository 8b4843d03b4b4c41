"""`erpsync products search CONNECTION --price-list PL`: products and their prices in one
price list of an ERP connection, as a table or JSON (R-CONN-6, R-UI-3).

Acts as `--user LOGIN` (the connection's scope applies) or the first active
administrator. The price list is given by id or by name.
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
from erpsync.pricing import service
from erpsync.pricing.schemas import MAX_LIMIT, ProductQuery
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
