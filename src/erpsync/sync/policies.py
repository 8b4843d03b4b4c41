"""Per-connection sync policies (R-SYNC-7): what an ERP deletion does in the CRM.

`flag` (the default) marks the link `deleted_in_erp`; `unlink` also makes it `unlinked`
(kept for history; the record may be linked again); `deactivate` marks the link and
sets the CRM record inactive. Nothing is ever deleted in the CRM.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from erpsync.errors import ValidationError
from erpsync.sync.models import DELETE_FLAG, DELETE_POLICIES, SyncPolicy


def delete_policy(session: Session, connection_id: int) -> str:
    row = session.get(SyncPolicy, connection_id)
    return row.delete_policy if row is not None else DELETE_FLAG


def set_delete_policy(session: Session, connection_id: int, policy: str) -> str:
    """Store the policy; an unknown one is refused naming the choices."""
    if policy not in DELETE_POLICIES:
        raise ValidationError(
            f"delete_policy: '{policy}' is not a delete policy; choose one of "
            f"{', '.join(DELETE_POLICIES)}.",
            field="delete_policy",
            value=policy,
        )
    row = session.get(SyncPolicy, connection_id)
    if row is None:
        session.add(SyncPolicy(connection_id=connection_id, delete_policy=policy))
    else:
        row.delete_policy = policy
    session.flush()
    return policy
