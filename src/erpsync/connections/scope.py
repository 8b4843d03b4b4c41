"""Who may see and use a connection (R-CONN-6): one function every route and page uses.

Administrators are always in scope. A user outside the scope must never learn that a
connection exists (404); a user in scope without the right for an action gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from erpsync.accounts.models import User
from erpsync.connections.models import SCOPE_EVERYONE, Connection
from erpsync.errors import NotFound, PermissionDenied


@dataclass(frozen=True)
class Access:
    see: bool
    connect: bool
    create_in_erp: bool


NO_ACCESS = Access(see=False, connect=False, create_in_erp=False)
FULL_ACCESS = Access(see=True, connect=True, create_in_erp=True)


def access(user: User, connection: Connection) -> Access:
    if connection.deleted_at is not None:
        return FULL_ACCESS if user.is_admin else NO_ACCESS
    if user.is_admin or connection.scope == SCOPE_EVERYONE:
        return FULL_ACCESS
    group_ids = {group.id for group in user.groups}
    grants = [
        grant
        for grant in connection.grants
        if grant.user_id == user.id or (grant.group_id is not None and grant.group_id in group_ids)
    ]
    if not grants:
        return NO_ACCESS
    return Access(
        see=True,
        connect=any(grant.can_connect for grant in grants),
        create_in_erp=any(grant.can_create_in_erp for grant in grants),
    )


def require(user: User, connection: Connection, action: str = "see") -> Access:
    """Raise NotFound outside the scope, PermissionDenied for a missing right."""
    allowed = access(user, connection)
    if not allowed.see:
        raise NotFound(f"No connection with id {connection.id}.")
    if action == "connect" and not allowed.connect:
        raise PermissionDenied("You may not connect records through this connection.")
    if action == "create_in_erp" and not allowed.create_in_erp:
        raise PermissionDenied("You may not create records in the ERP through this connection.")
    return allowed
