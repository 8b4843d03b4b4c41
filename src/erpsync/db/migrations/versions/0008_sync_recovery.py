"""sync: outbox review, snapshots and delete policies (R-SEM-5, R-SYNC-3, R-SYNC-7)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("state IN ('pending', 'review')")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_type", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("parent_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_by_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_sync_outbox_resolved_by_id_users"), "users", ["resolved_by_id"], ["id"]
        )
        batch_op.create_index(
            "uq_sync_outbox_open",
            ["connection_id", "actor_type", "crm_kind", "crm_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
    op.create_table(
        "sync_policies",
        sa.Column("connection_id", ID, nullable=False),
        sa.Column("delete_policy", sa.String(length=12), nullable=False),
        sa.CheckConstraint(
            "delete_policy IN ('flag', 'unlink', 'deactivate')",
            name=op.f("ck_sync_policies_delete_policy"),
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_sync_policies_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_sync_policies")),
    )


def downgrade() -> None:
    op.drop_table("sync_policies")
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_index("uq_sync_outbox_open", sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_constraint(
            batch_op.f("fk_sync_outbox_resolved_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("resolved_by_id")
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("parent_key")
        batch_op.drop_column("parent_type")
