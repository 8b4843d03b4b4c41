"""Jinja2 environment of the pages and the one `render` helper every page uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from erpsync.api.deps import csrf_token
from erpsync.web.i18n import negotiate, translator
from erpsync.web.run_counts import count_label, run_texts, shown_counts

TEMPLATES = Path(__file__).parent / "templates"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    globals_ = templates.env.globals
    globals_.update(count_label=count_label, run_texts=run_texts, shown_counts=shown_counts)
    return templates


def language_of(request: Request) -> str:
    user = getattr(request.state, "user", None)
    return negotiate(getattr(user, "language", None), request.headers.get("accept-language"))


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    language = language_of(request)
    values: dict[str, Any] = {
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "lang": language,
        "_": translator(language),
        "flash": request.session.pop("flash", None),
    }
    values.update(context or {})
    return templates.TemplateResponse(request, template, values, status_code=status)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A one-time message shown on the next page."""
    request.session["flash"] = {"message": message, "kind": kind}
