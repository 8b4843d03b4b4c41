"""Account rules: users, groups, API tokens and sign-in. Used by API, pages and CLI alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from erpsync.accounts import security
from erpsync.accounts.models import ApiToken, Group, User
from erpsync.accounts.schemas import GroupCreate, TokenCreate, UserCreate, UserUpdate
from erpsync.errors import Conflict, NotFound, Unauthorized, ValidationError

TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


def user_by_login(session: Session, login: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.login) == login.lower()))
    if user is None:
        raise NotFound(f"No user with login '{login}'.", field="login")
    return user


def list_users(session: Session, query: str = "") -> list[User]:
    stmt = select(User).order_by(User.login)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(func.lower(User.login).like(like) | func.lower(User.name).like(like))
    return list(session.scalars(stmt))


def create_user(session: Session, data: UserCreate) -> User:
    exists = session.scalar(select(User.id).where(func.lower(User.login) == data.login.lower()))
    if exists is not None:
        raise Conflict(f"A user with login '{data.login}' already exists.", field="login")
    user = User(
        login=data.login,
        name=data.name,
        email=data.email,
        password_hash=security.hash_password(data.password),
        role=data.role,
        language=data.language,
        active=True,
        groups=[],  # loaded (empty), so scope checks work on the returned object
    )
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, user_id: int, data: UserUpdate) -> User:
    user = get_user(session, user_id)
    changes = data.model_dump(exclude_unset=True)
    password = changes.pop("password", None)
    if password:
        user.password_hash = security.hash_password(password)
    for key, value in changes.items():
        setattr(user, key, value)
    session.flush()
    return user


def authenticate(session: Session, login: str, password: str) -> User:
    """Return the user for a login and password; the error never says which part was wrong."""
    user = session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))
    valid = security.verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        raise Unauthorized("Wrong login or password.")
    return user


def create_group(session: Session, data: GroupCreate) -> Group:
    # SQLite's lower() folds ASCII only, so an exact match is checked as well.
    same = or_(Group.name == data.name, func.lower(Group.name) == data.name.lower())
    if session.scalar(select(Group.id).where(same)):
        raise Conflict(f"A group named '{data.name}' already exists.", field="name")
    group = Group(name=data.name, description=data.description)
    group.members = [user_by_login(session, login) for login in data.members]
    session.add(group)
    session.flush()
    return group


def group_by_name(session: Session, name: str) -> Group:
    group = session.scalar(select(Group).where(func.lower(Group.name) == name.lower()))
    if group is None:
        raise NotFound(f"No group named '{name}'.", field="group")
    return group


def list_groups(session: Session, query: str = "") -> list[Group]:
    stmt = select(Group).order_by(Group.name)
    if query:
        stmt = stmt.where(func.lower(Group.name).like(f"%{query.lower()}%"))
    return list(session.scalars(stmt))


def set_group_members(session: Session, group: Group, logins: list[str]) -> Group:
    group.members = [user_by_login(session, login) for login in logins]
    session.flush()
    return group


def create_token(session: Session, user: User, data: TokenCreate) -> tuple[ApiToken, str]:
    """Create an API token; the plain token is returned once and only its hash is kept."""
    if data.expires_at is not None and _aware(data.expires_at) <= _now():
        raise ValidationError("The expiry must lie in the future.", field="expires_at")
    plain = security.new_token()
    token = ApiToken(
        user_id=user.id,
        name=data.name,
        token_hash=security.hash_token(plain),
        prefix=plain[: len(security.TOKEN_PREFIX) + 4],
        created_at=_now(),
        expires_at=data.expires_at,
    )
    session.add(token)
    session.flush()
    return token, plain


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    )


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != user.id and not user.is_admin):
        raise NotFound(f"No API token with id {token_id}.")
    token.revoked_at = token.revoked_at or _now()
    session.flush()
    return token


def user_for_token(session: Session, plain: str) -> tuple[User, ApiToken]:
    """Resolve a bearer token; refused when unknown, revoked, expired or the user inactive."""
    token = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == security.hash_token(plain))
    )
    now = _now()
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at is not None and _aware(token.expires_at) <= now)
        or not token.user.active
    ):
        raise Unauthorized("The API token is unknown, revoked or expired.")
    return token.user, token


def token_needs_touch(token: ApiToken) -> bool:
    return token.last_used_at is None or _now() - _aware(token.last_used_at) > TOKEN_TOUCH_INTERVAL


def touch_token(session: Session, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = _now()
