"""Errors as RFC 9457 problem details; validation errors name the field."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from erpsync.errors import ErpSyncError

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    body.update({key: value for key, value in extra.items() if value is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def validation_problem(exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": _field_name(error.get("loc", ())), "message": error.get("msg", "invalid")}
        for error in exc.errors()
    ]
    detail = "; ".join(f"{error['field']}: {error['message']}" for error in errors)
    return problem(422, "Validation error", detail, errors=errors)


def error_problem(exc: ErpSyncError) -> JSONResponse:
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    response = problem(
        exc.status,
        exc.title,
        exc.message,
        category=exc.category.value,
        field=exc.field,
        errors=errors,
        **exc.extra,
    )
    if headers:
        response.headers.update(headers)
    return response


def install_problem_handlers(app: FastAPI, html_handler: Any | None = None) -> None:
    """JSON problems for the API; `html_handler(request, status, title, detail)` for pages."""

    def wants_html(request: Request) -> bool:
        return html_handler is not None and not request.url.path.startswith("/api/")

    @app.exception_handler(ErpSyncError)
    async def _erpsync_error(request: Request, exc: ErpSyncError) -> Response:
        if exc.status >= 500:
            log.error("request failed: %s", exc.message, exc_info=exc)
        if wants_html(request) and html_handler is not None:
            page: Response = await html_handler(request, exc.status, exc.title, exc.message)
            return page
        return error_problem(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        return validation_problem(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        if wants_html(request) and html_handler is not None:
            page: Response = await html_handler(request, exc.status_code, detail, detail)
            return page
        response = problem(exc.status_code, detail, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "An unexpected error occurred; see the server log.")
