"""Pages for accounts: users and groups (administrators), and one's own profile."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticValidationError

from erpsync.accounts import service as accounts
from erpsync.accounts.schemas import GroupCreate, UserCreate, UserUpdate
from erpsync.api.deps import DatabaseDep, RecordId
from erpsync.errors import ErpSyncError
from erpsync.web.pages_auth import Csrf, PageAdmin, PageUser
from erpsync.web.templating import flash, render

router = APIRouter(include_in_schema=False)


def _errors(exc: Exception) -> dict[str, str]:
    """Field → message, for showing next to the form fields."""
    if isinstance(exc, PydanticValidationError):
        return {
            ".".join(str(p) for p in error["loc"]) or "form": error["msg"] for error in exc.errors()
        }
    if isinstance(exc, ErpSyncError):
        return {exc.field or "form": exc.message}
    raise exc


def _users_page(request: Request, database: DatabaseDep, **context: Any) -> HTMLResponse:
    with database.read_session() as session:
        users = accounts.list_users(session)
        groups = accounts.list_groups(session)
    values = {"users": users, "groups": groups, "errors": {}, "form": {}}
    values.update(context)
    return render(request, "accounts/users.html", values, status=422 if context else 200)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, admin: PageAdmin, database: DatabaseDep) -> HTMLResponse:
    return _users_page(request, database)


@router.post("/admin/users", dependencies=[Csrf])
def add_user(
    request: Request,
    admin: PageAdmin,
    database: DatabaseDep,
    login: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "user",
) -> Response:
    form = {"login": login, "name": name, "email": email, "role": role}
    try:
        data = UserCreate.model_validate({**form, "email": email or None, "password": password})
        with database.session() as session:
            accounts.create_user(session, data)
    except (PydanticValidationError, ErpSyncError) as exc:
        return _users_page(request, database, errors=_errors(exc), form=form)
    flash(request, f"Added user {login}.")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}", dependencies=[Csrf])
def edit_user(
    request: Request,
    user_id: RecordId,
    admin: PageAdmin,
    database: DatabaseDep,
    role: Annotated[str, Form()] = "user",
    active: Annotated[str | None, Form()] = None,
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        changes: dict[str, Any] = {"role": role, "active": active == "on"}
        if password:
            changes["password"] = password
        data = UserUpdate.model_validate(changes)
        if user_id == admin.id and (data.role != "admin" or not data.active):
            raise ErpSyncError(
                "You cannot remove your own administrator role or deactivate yourself."
            )
        with database.session() as session:
            user = accounts.update_user(session, user_id, data)
    except (PydanticValidationError, ErpSyncError) as exc:
        return _users_page(request, database, errors=_errors(exc))
    flash(request, f"Saved user {user.login}.")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/groups", dependencies=[Csrf])
def add_group(
    request: Request,
    admin: PageAdmin,
    database: DatabaseDep,
    name: Annotated[str, Form()] = "",
    members: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        data = GroupCreate(name=name, members=members or [])
        with database.session() as session:
            accounts.create_group(session, data)
    except (PydanticValidationError, ErpSyncError) as exc:
        return _users_page(request, database, errors=_errors(exc), form={"group": name})
    flash(request, f"Added group {name}.")
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/profile", response_class=HTMLResponse)
def profile_page(request: Request, user: PageUser) -> HTMLResponse:
    return render(request, "accounts/profile.html", {"errors": {}})


@router.post("/profile", dependencies=[Csrf])
def save_profile(
    request: Request,
    user: PageUser,
    database: DatabaseDep,
    name: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
) -> Response:
    try:
        data = UserUpdate.model_validate({"name": name, "language": language or None})
        with database.session() as session:
            accounts.update_user(session, user.id, data)
    except (PydanticValidationError, ErpSyncError) as exc:
        return render(request, "accounts/profile.html", {"errors": _errors(exc)}, status=422)
    flash(request, "Saved.")
    return RedirectResponse("/profile", status_code=303)
