"""connections, configuration values, scope grants, spent test tokens

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 20:15:14.007135
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "connection_test_tokens",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_connection_test_tokens")),
    )
    with op.batch_alter_table("connection_test_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_connection_test_tokens_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "connections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("connector_key", sa.String(length=80), nullable=False),
        sa.Column("remote_url", sa.String(length=500), nullable=True),
        sa.Column("remote_secret", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sync_enabled", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("sync_interval", sa.Integer(), nullable=False),
        sa.Column("timeout", sa.Float(), nullable=False),
        sa.Column("last_test_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_test_ok", sa.Boolean(), nullable=True),
        sa.Column("last_test_message", sa.Text(), nullable=True),
        sa.Column("erp_instance_id", sa.String(length=200), nullable=True),
        sa.Column("paused_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "updated_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("scope IN ('everyone', 'grants')", name=op.f("ck_connections_scope")),
        sa.CheckConstraint("priority >= 1", name=op.f("ck_connections_priority")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_connections_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_connections_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connections")),
    )
    # Autogenerate cannot compare expression indexes: names are unique among live rows.
    op.create_index(
        "uq_connections_live_name",
        "connections",
        [sa.text("lower(name)")],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "connection_grants",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("can_connect", sa.Boolean(), nullable=False),
        sa.Column("can_create_in_erp", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (group_id IS NULL)",
            name=op.f("ck_connection_grants_user_or_group"),
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_connection_grants_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_connection_grants_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_connection_grants_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connection_grants")),
        sa.UniqueConstraint("connection_id", "user_id", "group_id", name="uq_connection_grants"),
    )
    with op.batch_alter_table("connection_grants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_connection_grants_connection_id"), ["connection_id"], unique=False
        )

    op.create_table(
        "connection_values",
        sa.Column(
            "connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_connection_values_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", "key", name=op.f("pk_connection_values")),
    )


def downgrade() -> None:
    op.drop_table("connection_values")
    with op.batch_alter_table("connection_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_connection_grants_connection_id"))

    op.drop_table("connection_grants")
    op.drop_index("uq_connections_live_name", table_name="connections")
    op.drop_table("connections")
    with op.batch_alter_table("connection_test_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_connection_test_tokens_expires_at"))

    op.drop_table("connection_test_tokens")
