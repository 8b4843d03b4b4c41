"""`erpsync person …` and `erpsync project …`: CRM persons and projects from the command
line, through the same services as the API and the pages (R-UI-3)."""

from __future__ import annotations

import typer

from erpsync.cli.crm_common import PERSON, PROJECT, person_name, print_page
from erpsync.cli.runtime import console, database, friendly, load, print_json
from erpsync.crm import service
from erpsync.crm.schemas import PersonCreate, PersonRead, ProjectCreate, ProjectRead

person_app = typer.Typer(help="CRM persons.", no_args_is_help=True)
project_app = typer.Typer(help="CRM projects.", no_args_is_help=True)

JsonOption = typer.Option(False, "--json", help="Print JSON for scripts.")
LimitOption = typer.Option(50, help="At most this many (1–500).")
OffsetOption = typer.Option(0, help="Skip this many matches.")
CompanyOption = typer.Option(None, "--company", help="Only those of this company (its id).")


@person_app.command("list")
@friendly
def person_list(
    q: str = typer.Option("", "--q", "-q", help="Search text: first or last name, email."),
    company: int | None = CompanyOption,
    limit: int = LimitOption,
    offset: int = OffsetOption,
    json_output: bool = JsonOption,
) -> None:
    """List live persons, by last name."""
    with database(load()).read_session() as session:
        page = service.search_persons(session, q, company_id=company, limit=limit, offset=offset)
        print_page(page, PERSON, _person_line, json_output)


def _person_line(row: PersonRead) -> str:
    return f"{row.id:>6} {person_name(row):32} {row.email or '':32} company {row.company_id}"


@person_app.command("add")
@friendly
def person_add(
    company: int = typer.Option(..., "--company", help="Id of the person's live company."),
    first_name: str | None = typer.Option(None, "--first-name"),
    last_name: str | None = typer.Option(None, "--last-name"),
    title: str | None = typer.Option(None),
    email: str | None = typer.Option(None),
    phone: str | None = typer.Option(None),
    mobile: str | None = typer.Option(None),
    json_output: bool = JsonOption,
) -> None:
    """Add a person to a company; a first or a last name is needed."""
    data = PersonCreate(
        company_id=company, first_name=first_name, last_name=last_name, title=title,
        email=email, phone=phone, mobile=mobile,
    )  # fmt: skip
    with database(load()).session() as session:
        person = PersonRead.model_validate(service.create_person(session, data))
    if json_output:
        print_json(person.model_dump(mode="json"))
        return
    console.print(f"Added person {person_name(person)} (id {person.id}).", highlight=False)


@project_app.command("list")
@friendly
def project_list(
    q: str = typer.Option("", "--q", "-q", help="Search text: name or number."),
    company: int | None = CompanyOption,
    status: str | None = typer.Option(None, help="Status code, e.g. in_progress."),
    limit: int = LimitOption,
    offset: int = OffsetOption,
    json_output: bool = JsonOption,
) -> None:
    """List live projects, by name."""
    with database(load()).read_session() as session:
        page = service.search_projects(
            session, q, company_id=company, status=status, limit=limit, offset=offset
        )
        print_page(page, PROJECT, _project_line, json_output)


def _project_line(row: ProjectRead) -> str:
    company = "" if row.company_id is None else f"company {row.company_id}"
    return f"{row.id:>6} {row.number or '':10} {row.name:40} {row.status or '':14} {company}"


@project_app.command("add")
@friendly
def project_add(
    name: str,
    number: str | None = typer.Option(None),
    status: str | None = typer.Option(None, help="Status code, e.g. planned."),
    company: int | None = typer.Option(None, "--company", help="Id of a live company."),
    json_output: bool = JsonOption,
) -> None:
    """Add a project, with or without a company."""
    data = ProjectCreate(name=name, number=number, status=status, company_id=company)
    with database(load()).session() as session:
        project = ProjectRead.model_validate(service.create_project(session, data))
    if json_output:
        print_json(project.model_dump(mode="json"))
        return
    console.print(f"Added project {project.name} (id {project.id}).", highlight=False)
