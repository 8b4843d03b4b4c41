"""The outward view of a connection (R-CONN-4): secrets only say whether they are set."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from erpsync.accounts import service as accounts
from erpsync.accounts.models import Group
from erpsync.connections.models import Connection, ScopeGrant
from erpsync.connections.schemas import ConnectionRead, GrantRead


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
