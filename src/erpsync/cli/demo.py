"""`erpsync demo`: migrate an SQLite database, create the admin, load demo data, serve.

Running it again reuses the database and prints the same sign-in.
"""

from __future__ import annotations

import typer

from erpsync.cli.runtime import console, database, friendly, load
from erpsync.demo_setup import prepare_demo


@friendly
def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port."),
    serve: bool = typer.Option(True, help="Serve after preparing (--no-serve only prepares)."),
) -> None:
    """Prepare the demo installation and serve it."""
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

        uvicorn.run(create_app(settings, db), host=host, port=port, log_level="warning")
