"""import: what the next sync writes to the ERP, per preview row (R-IMP-3, R-SEM-2)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("import_rows") as table:
        table.add_column(sa.Column("erp_writes", JSON, nullable=True))
        table.add_column(
            sa.Column("erp_fields", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    with op.batch_alter_table("import_rows") as table:
        table.drop_column("erp_fields")
        table.drop_column("erp_writes")
