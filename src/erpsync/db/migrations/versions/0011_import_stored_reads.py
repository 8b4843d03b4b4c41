"""import: the preview keeps each actor as it read it and each stream's cursor, so the
commit re-reads only the actors changed since (R-IMP-1, R-SEM-10)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("import_rows") as table:
        table.add_column(sa.Column("erp_read", sa.Text(), nullable=True))
    with op.batch_alter_table("import_jobs") as table:
        table.add_column(sa.Column("cursors", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_jobs") as table:
        table.drop_column("cursors")
    with op.batch_alter_table("import_rows") as table:
        table.drop_column("erp_read")
