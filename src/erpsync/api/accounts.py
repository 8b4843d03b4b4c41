"""API of accounts: the signed-in user, users, groups and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, status

from erpsync.accounts import service as accounts
from erpsync.accounts.models import Group
from erpsync.accounts.schemas import (
    GroupCreate,
    GroupRead,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from erpsync.api.deps import AdminUser, CurrentUser, DatabaseDep, RecordId

router = APIRouter(tags=["accounts"])


def _group_read(group: Group) -> GroupRead:
    return GroupRead(
        id=group.id,
        name=group.name,
        description=group.description,
        members=[member.login for member in group.members],
    )


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)


@router.get("/users", response_model=list[UserRead])
def list_users(user: CurrentUser, database: DatabaseDep, q: str = "") -> list[UserRead]:
    """Users, for the scope picker; any signed-in user may look them up."""
    with database.read_session() as session:
        return [UserRead.model_validate(u) for u in accounts.list_users(session, q)]


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(data: UserCreate, admin: AdminUser, database: DatabaseDep) -> UserRead:
    with database.session() as session:
        return UserRead.model_validate(accounts.create_user(session, data))


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(
    user_id: RecordId, data: UserUpdate, admin: AdminUser, database: DatabaseDep
) -> UserRead:
    with database.session() as session:
        return UserRead.model_validate(accounts.update_user(session, user_id, data))


@router.get("/groups", response_model=list[GroupRead])
def list_groups(user: CurrentUser, database: DatabaseDep, q: str = "") -> list[GroupRead]:
    with database.read_session() as session:
        return [_group_read(group) for group in accounts.list_groups(session, q)]


@router.post("/groups", response_model=GroupRead, status_code=status.HTTP_201_CREATED)
def create_group(data: GroupCreate, admin: AdminUser, database: DatabaseDep) -> GroupRead:
    with database.session() as session:
        return _group_read(accounts.create_group(session, data))


@router.get("/tokens", response_model=list[TokenRead])
def list_tokens(user: CurrentUser, database: DatabaseDep) -> list[TokenRead]:
    with database.read_session() as session:
        return [TokenRead.model_validate(t) for t in accounts.list_tokens(session, user)]


@router.post("/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED)
def create_token(data: TokenCreate, user: CurrentUser, database: DatabaseDep) -> TokenCreated:
    """Create an API token for yourself; the token is in this answer only."""
    with database.session() as session:
        token, plain = accounts.create_token(session, user, data)
        return TokenCreated.model_validate(
            {**TokenRead.model_validate(token).model_dump(), "token": plain}
        )


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_token(token_id: RecordId, user: CurrentUser, database: DatabaseDep) -> TokenRead:
    with database.session() as session:
        return TokenRead.model_validate(accounts.revoke_token(session, user, token_id))
