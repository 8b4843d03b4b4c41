"""The outward view of a connection (R-CONN-4, R-CONN-6).

Administrators see everything but secrets, which only say whether they are set; a user
in the connection's scope sees its summary and their own rights, never configuration
values (a file path or a host is the administrators' business).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from erpsync.accounts import service as accounts
from erpsync.accounts.models import Group, User
from erpsync.connections.models import Connection, ScopeGrant
from erpsync.connections.schemas import (
    ConnectionRead,
    ConnectionRights,
    ConnectionSummary,
    GrantRead,
)
from erpsync.connections.scope import FULL_ACCESS, access


def view(session: Session, user: User, connection: Connection) -> ConnectionSummary:
    """The connection as `user` may see it: whole for administrators, else the summary.

    The caller has checked that the user sees the connection at all."""
    if user.is_admin:
        return to_read(session, connection)
    allowed = access(user, connection)
    return ConnectionSummary(
        id=connection.id,
        name=connection.name,
        connector=connection.connector_key,
        description=connection.description,
        active=connection.active,
        sync_enabled=connection.sync_enabled,
        rights=ConnectionRights(
            can_connect=allowed.connect, can_create_in_erp=allowed.create_in_erp
        ),
    )


def to_read(session: Session, connection: Connection) -> ConnectionRead:
    """The connection as the API, pages and CLI show it; never a secret in clear."""
    config: dict[str, Any] = {}
    for item in connection.values:
        if item.secret:
            config[item.key] = {"set": bool(item.value)}
        else:
            config[item.key] = json.loads(item.value) if item.value is not None else None
    grants = [grant_read(session, grant) for grant in connection.grants]
    return ConnectionRead(
        id=connection.id,
        name=connection.name,
        connector=connection.connector_key,
        description=connection.description,
        rights=ConnectionRights(
            can_connect=FULL_ACCESS.connect, can_create_in_erp=FULL_ACCESS.create_in_erp
        ),
        scope=connection.scope,
        grants=grants,
        config=config,
        remote_url=connection.remote_url,
        remote_secret={"set": True} if connection.remote_secret else None,
        active=connection.active,
        sync_enabled=connection.sync_enabled,
        priority=connection.priority,
        last_test_at=connection.last_test_at,
        last_test_ok=connection.last_test_ok,
        deleted=connection.deleted_at is not None,
        created_at=connection.created_at,
        updated_at=connection.updated_at,
    )


def grant_read(session: Session, grant: ScopeGrant) -> GrantRead:
    user = accounts.get_user(session, grant.user_id).login if grant.user_id else None
    found = session.get(Group, grant.group_id) if grant.group_id is not None else None
    group = found.name if found else None
    return GrantRead(
        user=user,
        group=group,
        can_connect=grant.can_connect,
        can_create_in_erp=grant.can_create_in_erp,
    )
