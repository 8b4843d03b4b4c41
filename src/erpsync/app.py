"""The web application factory: API under /api/v1, pages, /health, /metrics.

Nothing is built at import time: `create_app(settings)` makes the database, the app and
its routers, so tests build their own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.middleware.sessions import SessionMiddleware

from erpsync import __version__
from erpsync.api import router as api_router
from erpsync.api.problems import install_problem_handlers
from erpsync.db import Database, create_database
from erpsync.jobs import hosting as jobs
from erpsync.metrics import AppMetrics
from erpsync.settings import Settings
from erpsync.sync.metrics import SyncCollector
from erpsync.web import router as web_router
from erpsync.web.pages_auth import SignInRequired, login_redirect
from erpsync.web.templating import make_templates, render

STATIC = Path(__file__).parent / "web" / "static"


async def _html_error(request: Request, status: int, title: str, detail: str) -> Response:
    return render(
        request, "error.html", {"status": status, "title": title, "detail": detail}, status
    )


def create_app(
    settings: Settings, database: Database | None = None, *, scheduler: bool = False
) -> FastAPI:
    """The app; `scheduler=True` (the server) also runs the embedded sync scheduler."""
    database = database or create_database(settings.sqlalchemy_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if scheduler:
            jobs.start(app)
        yield
        jobs.stop(app)

    app = FastAPI(
        lifespan=lifespan,
        title="erpsync",
        version=__version__,
        description="Connects a CRM to ERP systems and keeps their shared records in step.",
        docs_url="/docs",
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.db = database
    app.state.templates = make_templates()
    app.state.metrics = app_metrics = AppMetrics()
    app_metrics.registry.register(SyncCollector(database))
    app.middleware("http")(app_metrics.middleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie="erpsync_session",
        same_site="lax",
        https_only=settings.secure_cookies,
        max_age=14 * 24 * 3600,
    )
    install_problem_handlers(app, html_handler=_html_error)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        return login_redirect(exc.next_url)

    @app.get("/health", tags=["operations"])
    def health() -> JSONResponse:
        """Liveness and database reachability."""
        body: dict[str, Any] = {"version": __version__, "database": database.dialect}
        try:
            with database.read_session() as session:
                session.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            body.update(
                status="failing", error=str(getattr(exc, "orig", None) or exc).splitlines()[0]
            )
            return JSONResponse(body, status_code=503)
        return JSONResponse({"status": "ok", **body})

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(app_metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.include_router(api_router.build(), prefix="/api/v1")
    app.include_router(web_router.build())
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app
