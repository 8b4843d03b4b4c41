"""`erpsync db …`: schema migrations."""

from __future__ import annotations

import typer

from erpsync.cli.runtime import console, database, friendly, load
from erpsync.db import migrate

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
@friendly
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create or upgrade the schema to the latest migration."""
    settings = load()
    db = database(settings)
    migrate.upgrade(db.engine, revision)
    url = db.engine.url.render_as_string(hide_password=True)
    console.print(f"Database {url} is at revision {migrate.current_revision(db.engine)}.")


@app.command("current")
@friendly
def current() -> None:
    """Show the schema revision of the database and the newest one available."""
    db = database(load())
    console.print(f"current: {migrate.current_revision(db.engine)}")
    console.print(f"head:    {migrate.head_revision(db.engine)}")
