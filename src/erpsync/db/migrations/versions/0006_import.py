"""import: jobs, stored previews, row outcomes and CRM match keys (R-IMP, R-SEM-10)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "crm_match_keys",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("rule", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=254), nullable=False),
        sa.Column("crm_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "rule", "value", "crm_id", name=op.f("pk_crm_match_keys")),
    )
    op.create_index("ix_crm_match_keys_record", "crm_match_keys", ["kind", "crm_id"], unique=False)
    op.create_table(
        "import_jobs",
        sa.Column("id", ID, nullable=False),
        sa.Column("connection_id", ID, nullable=False),
        sa.Column("actor_types", JSON, nullable=False),
        sa.Column("rules", JSON, nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("requested_by_id", ID, nullable=True),
        sa.Column("counts", JSON, nullable=False),
        sa.Column("outcomes", JSON, nullable=False),
        sa.Column("progress", JSON, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("lease_token", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("previewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_import_jobs_connection_id_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_import_jobs_requested_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    op.create_index(
        "ix_import_jobs_connection_created",
        "import_jobs",
        ["connection_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "import_rows",
        sa.Column("id", ID, nullable=False),
        sa.Column("job_id", ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("actor_type", sa.String(length=20), nullable=False),
        sa.Column("erp_key", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rule", sa.String(length=10), nullable=True),
        sa.Column("crm_id", sa.BigInteger(), nullable=True),
        sa.Column("candidates", JSON, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.String(length=32), nullable=True),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column("choice", sa.BigInteger(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("outcome_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["import_jobs.id"],
            name=op.f("fk_import_rows_job_id_import_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rows")),
    )
    op.create_index("ix_import_rows_job_status", "import_rows", ["job_id", "status"], unique=False)
    op.create_index(
        "uq_import_rows_job_actor", "import_rows", ["job_id", "actor_type", "erp_key"], unique=True
    )
    op.create_index("uq_import_rows_job_seq", "import_rows", ["job_id", "seq"], unique=True)
    _backfill_match_keys()


def _backfill_match_keys() -> None:
    """Keys of the records that exist already (an upgrade of a used database)."""
    from sqlalchemy.orm import Session

    from erpsync.crm import matchkeys

    session = Session(bind=op.get_bind())
    matchkeys.rebuild(session)
    session.flush()


def downgrade() -> None:
    op.drop_index("uq_import_rows_job_seq", table_name="import_rows")
    op.drop_index("uq_import_rows_job_actor", table_name="import_rows")
    op.drop_index("ix_import_rows_job_status", table_name="import_rows")
    op.drop_table("import_rows")
    op.drop_index("ix_import_jobs_connection_created", table_name="import_jobs")
    op.drop_table("import_jobs")
    op.drop_index("ix_crm_match_keys_record", table_name="crm_match_keys")
    op.drop_table("crm_match_keys")
