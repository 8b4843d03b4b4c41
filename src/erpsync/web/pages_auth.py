"""Sign-in and sign-out pages, and the page dependencies that require a signed-in user."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from erpsync.accounts import service as accounts
from erpsync.accounts.models import User
from erpsync.api.deps import DatabaseDep, OptionalUser, check_csrf, sign_in, sign_out
from erpsync.errors import PermissionDenied, Unauthorized
from erpsync.web.i18n import translator
from erpsync.web.templating import language_of, render

router = APIRouter(include_in_schema=False)


class SignInRequired(Exception):
    """Raised by page dependencies; the app turns it into a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


async def form_csrf(request: Request) -> None:
    """Pages: every POST carries the session's CSRF token in the form."""
    if request.method == "POST":
        form = await request.form()
        supplied = form.get("csrf_token")
        check_csrf(request, supplied if isinstance(supplied, str) else None)


def page_user(request: Request, user: OptionalUser) -> User:
    if user is None:
        raise SignInRequired(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")
        )
    return user


def page_admin(user: Annotated[User, Depends(page_user)]) -> User:
    if not user.is_admin:
        raise PermissionDenied("Only administrators may open this page.")
    return user


PageUser = Annotated[User, Depends(page_user)]
PageAdmin = Annotated[User, Depends(page_admin)]
Csrf = Depends(form_csrf)


def _safe_next(next_url: str | None) -> str:
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return next_url
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str = "/") -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse, dependencies=[Csrf])
def login_submit(
    request: Request,
    database: DatabaseDep,
    login: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        with database.read_session() as session:
            user = accounts.authenticate(session, login, password)
    except Unauthorized:
        _ = translator(language_of(request))
        context = {"next": _safe_next(next), "error": _("Wrong login or password."), "login": login}
        return render(request, "login.html", context, status=401)
    sign_in(request, user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


def login_redirect(next_url: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(next_url)}", status_code=303)
