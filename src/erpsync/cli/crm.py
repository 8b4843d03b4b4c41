"""`erpsync company …` and `erpsync crm lists …`: CRM records and lists from the command line."""

from __future__ import annotations

import typer

from erpsync.cli.crm_common import COMPANY, print_page
from erpsync.cli.runtime import console, database, friendly, load, print_json
from erpsync.crm import lists, service
from erpsync.crm.schemas import CompanyCreate, CompanyRead

company_app = typer.Typer(help="CRM companies.", no_args_is_help=True)
crm_app = typer.Typer(help="The CRM: lists and records.", no_args_is_help=True)
lists_app = typer.Typer(help="CRM lists (country, currency, category, …).", no_args_is_help=True)
crm_app.add_typer(lists_app, name="lists")


@company_app.command("list")
@friendly
def company_list(
    q: str = typer.Option("", "--q", "-q", help="Search text: name, number, org no, email, city."),
    limit: int = typer.Option(50, help="At most this many (1–500)."),
    offset: int = typer.Option(0, help="Skip this many matches."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """List live companies, by name; search with --q, page with --limit and --offset."""
    with database(load()).read_session() as session:
        page = service.search_companies(session, q, limit=limit, offset=offset)
        print_page(page, COMPANY, _company_line, json_output)


def _company_line(row: CompanyRead) -> str:
    return (
        f"{row.id:>6} {row.number or '':10} {row.name:40} {row.city or '':16} {row.country or ''}"
    )


@company_app.command("add")
@friendly
def company_add(
    name: str,
    number: str | None = typer.Option(None, help="Customer or supplier number."),
    org_no: str | None = typer.Option(None, help="Organisation / VAT number."),
    email: str | None = typer.Option(None),
    phone: str | None = typer.Option(None),
    city: str | None = typer.Option(None),
    country: str | None = typer.Option(None, help="Country code, e.g. SE."),
    currency: str | None = typer.Option(None, help="Currency code, e.g. SEK."),
    category: str | None = typer.Option(None, help="Category code, e.g. customer."),
    json_output: bool = typer.Option(False, "--json", help="Print the company as JSON."),
) -> None:
    """Add a company; list fields take the item code."""
    data = CompanyCreate(
        name=name, number=number, org_no=org_no, email=email, phone=phone, city=city,
        country=country, currency=currency, category=category,
    )  # fmt: skip
    with database(load()).session() as session:
        company = CompanyRead.model_validate(service.create_company(session, data))
    if json_output:
        print_json(company.model_dump(mode="json"))
    else:
        console.print(f"Added company {company.name} (id {company.id}).", highlight=False)


@lists_app.command("seed")
@friendly
def lists_seed() -> None:
    """Add the standard lists: ISO countries, currencies, categories, project statuses."""
    with database(load()).session() as session:
        added = lists.ensure_standard_lists(session)
    console.print(f"Added {added} list items." if added else "The standard lists are complete.")


@lists_app.command("show")
@friendly
def lists_show(
    list_name: str = typer.Argument(..., help="country, currency, category, business, …"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Show the items of a CRM list."""
    with database(load()).read_session() as session:
        items = [(i.code, i.name) for i in lists.list_items(session, list_name)]
    if json_output:
        print_json([{"code": code, "name": name} for code, name in items])
        return
    for code, name in items:
        console.print(f"{code:14} {name}", highlight=False)
