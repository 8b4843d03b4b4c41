"""`erpsync demo`: migrate an SQLite database, create the admin, load demo data, serve.

Running it again reuses the database and prints the same sign-in.
"""

from __future__ import annotations

import typer

from erpsync.cli import demo_erp
from erpsync.cli.runtime import console, database, friendly, load
from erpsync.demo_setup import prepare_demo

# A group, so `erpsync demo erp …` edits the demo ERP; `erpsync demo` alone still
# prepares and serves the demo installation (the callback runs without a subcommand).
app = typer.Typer(help="The demo installation, and the demo ERP (`erpsync demo erp`).")
app.add_typer(demo_erp.app, name="erp")


@app.callback(invoke_without_command=True)
@friendly
def demo(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port."),
    serve: bool = typer.Option(True, help="Serve after preparing (--no-serve only prepares)."),
) -> None:
    """Prepare the demo installation and serve it."""
    if ctx.invoked_subcommand is not None:
        return
    settings = load()
    db = database(settings)
    result = prepare_demo(settings, db, progress=lambda text: console.print(text))
    console.rule("erpsync demo")
    console.print(f"URL:      http://{host}:{port}/", highlight=False)
    console.print(f"Login:    {result.login}")
    console.print(f"Password: {result.password}")
    console.print(f"Database: {settings.sqlalchemy_url}", highlight=False)
    console.rule()
    if serve:
        import uvicorn

        from erpsync.app import create_app

        uvicorn.run(
            create_app(settings, db, scheduler=True), host=host, port=port, log_level="warning"
        )
