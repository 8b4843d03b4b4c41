"""Request dependencies shared by the API and the pages: database, settings, current user.

A request is authenticated by a bearer API token or by the signed session cookie of the
pages. Requests that change state with the cookie must carry the CSRF token (header
`X-CSRF-Token` or form field `csrf_token`); bearer tokens are not sent by browsers on
their own, so they need none.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Path, Request

from erpsync.accounts import security
from erpsync.accounts import service as accounts
from erpsync.accounts.models import User
from erpsync.db import Database
from erpsync.errors import NotFound, PermissionDenied, Unauthorized
from erpsync.settings import Settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_ID = 2**63 - 1

# Path ids: positive and within a 64-bit integer, so no database ever sees an overflow.
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="Record id.")]
SESSION_USER = "uid"
SESSION_PASSWORD_VERSION = "pwv"
SESSION_CSRF = "csrf"


def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


def check_csrf(request: Request, supplied: str | None) -> None:
    expected = request.session.get(SESSION_CSRF)
    if not expected or not supplied or not hmac.compare_digest(str(expected), supplied):
        raise PermissionDenied("The form has expired or the CSRF token is missing; reload.")


def sign_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_PASSWORD_VERSION] = security.password_version(user.password_hash)
    csrf_token(request)


def sign_out(request: Request) -> None:
    request.session.clear()


def _user_from_session(request: Request, database: Database) -> User | None:
    user_id = request.session.get(SESSION_USER)
    if user_id is None:
        return None
    with database.read_session() as session:
        try:
            user = accounts.get_user(session, int(user_id))
        except NotFound:
            user = None
    version = request.session.get(SESSION_PASSWORD_VERSION)
    if user is None or not user.active or version != security.password_version(user.password_hash):
        request.session.clear()
        return None
    return user


def _user_from_bearer(token: str, database: Database) -> User:
    with database.read_session() as session:
        user, api_token = accounts.user_for_token(session, token)
        touch = accounts.token_needs_touch(api_token)
    if touch:
        with database.session() as session:
            accounts.touch_token(session, api_token.id)
    return user


def optional_user(request: Request, database: DatabaseDep) -> User | None:
    """The signed-in user or None; cookie requests that change state must pass CSRF."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return _user_from_bearer(header[7:].strip(), database)
    user = _user_from_session(request, database)
    api_request = request.url.path.startswith("/api/")
    if user is not None and request.method not in SAFE_METHODS and api_request:
        check_csrf(request, request.headers.get("x-csrf-token"))
    request.state.user = user
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise Unauthorized("Sign in or send an API token (Authorization: Bearer …).")
    return user


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise PermissionDenied("Only administrators may do this.")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
