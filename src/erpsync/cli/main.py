"""The `erpsync` command: assembles the command groups."""

from __future__ import annotations

import typer

from erpsync import __version__
from erpsync.cli import (
    accounts,
    connections,
    connectors,
    crm,
    crm_common,
    crm_edit,
    crm_records,
    db,
    demo,
    exchange,
    imports,
    jobs,
    links,
    mapping,
    mapping_edit,
    products,
    serve,
    sync,
)
from erpsync.collector import tune_for_throughput

app = typer.Typer(
    name="erpsync",
    help="Connects a CRM to ERP systems and keeps their shared records in step.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(accounts.user_app, name="user")
app.add_typer(accounts.group_app, name="group")
app.add_typer(accounts.token_app, name="token")
app.add_typer(crm.company_app, name="company")
app.add_typer(crm_records.person_app, name="person")
app.add_typer(crm_records.project_app, name="project")
crm_edit.register(crm.company_app, crm_common.COMPANY)
crm_edit.register(crm_records.person_app, crm_common.PERSON)
crm_edit.register(crm_records.project_app, crm_common.PROJECT)
app.add_typer(crm.crm_app, name="crm")
app.add_typer(connectors.app, name="connector")
app.add_typer(connections.connection_app, name="connection")
exchange.register(connections.connection_app)
app.add_typer(connections.secrets_app, name="secrets")
app.add_typer(mapping.mapping_app, name="mapping")
mapping_edit.register(mapping.mapping_app)
app.add_typer(products.app, name="products")
app.add_typer(sync.app, name="sync")
app.add_typer(links.app, name="link")
app.command("import")(imports.import_command)
app.command("serve")(serve.serve)
app.command("worker")(jobs.worker)
app.command("scheduler")(jobs.scheduler)
app.add_typer(demo.app, name="demo")


@app.command("version")
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    tune_for_throughput()
    app()
