"""`erpsync serve`: the web application and API."""

from __future__ import annotations

import typer
import uvicorn

from erpsync.app import create_app
from erpsync.cli.runtime import console, friendly, load
from erpsync.logs import configure_logging


@friendly
def serve(
    host: str = typer.Option(None, help="Address to listen on (default from settings)."),
    port: int = typer.Option(None, help="Port (default from settings)."),
) -> None:
    """Serve the pages and the API; without a broker, also run sync jobs and the scheduler."""
    settings = load()
    host = host or settings.host
    port = port or settings.port
    configure_logging(settings)
    app = create_app(settings, scheduler=True)
    console.print(f"erpsync serves on http://{host}:{port}", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower())
